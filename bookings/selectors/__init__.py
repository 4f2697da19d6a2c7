"""Read queries over bookings, shared by the API, the pages, the services and other apps (one interface; the
modules below hold its parts)."""

from .conflicts import downtimes_over, holding_bookings_of, in_conflict, overlapping_holding_bookings
from .free import LOOK_AHEAD_DAYS, NextFree, instruments_free_between, next_free_slots
from .holds import (
    FEED_PAST,
    INSTRUMENT_FEED_FUTURE,
    POLICY_FIELDS,
    booking_rows,
    bookings_visible_to,
    busy_between,
    company_hours_in_month,
    events_prefetch,
    holds_between,
    instrument_feed_items,
    is_party_to,
    personal_feed_bookings,
    policies_of,
    policy_of,
    policy_of_id,
    quote_of,
    requestable_and_busy,
    requestable_and_busy_of,
    sees_full_details,
)
from .pages import (
    approval_queue,
    institution_schedule,
    own_bookings,
    warnings_for,
)
from .permissions import may_answer_proposal, may_cancel, may_decide, may_record_use, permitted_actions
from .timeline import MAX_DAYS as TIMELINE_MAX_DAYS
from .timeline import Timeline, institution_timeline, sees_institution_timeline

__all__ = [
    "POLICY_FIELDS",
    "policy_of",
    "policies_of",
    "policy_of_id",
    "holds_between",
    "busy_between",
    "requestable_and_busy",
    "requestable_and_busy_of",
    "company_hours_in_month",
    "events_prefetch",
    "booking_rows",
    "bookings_visible_to",
    "is_party_to",
    "sees_full_details",
    "FEED_PAST",
    "INSTRUMENT_FEED_FUTURE",
    "instrument_feed_items",
    "personal_feed_bookings",
    "quote_of",
    "instruments_free_between",
    "next_free_slots",
    "NextFree",
    "LOOK_AHEAD_DAYS",
    "approval_queue",
    "warnings_for",
    "institution_schedule",
    "own_bookings",
    "may_decide",
    "may_record_use",
    "may_answer_proposal",
    "may_cancel",
    "permitted_actions",
    "TIMELINE_MAX_DAYS",
    "Timeline",
    "institution_timeline",
    "sees_institution_timeline",
    "in_conflict",
    "downtimes_over",
    "overlapping_holding_bookings",
    "holding_bookings_of",
]
