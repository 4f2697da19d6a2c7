"""Who may act on a booking: one predicate per verb, raised by bookings.services, read by the pages."""

from datetime import datetime

from django.utils import timezone

from bookings.models import Booking
from consortia.selectors import access_for, can_manage_institution

from .holds import is_party_to


# (Who may request one is equipment.selectors.may_book.) Whether the booking's status takes the verb is not a
# question of who: the service answers it with a conflict, and the page shows a verb only in the statuses that take it.
def may_decide(user, booking: Booking) -> bool:
    """Approving, rejecting, proposing another time, setting the consumables: the staff of the instrument's
    institution (and site operators)."""
    return can_manage_institution(user, booking.instrument.institution_id)


def may_record_use(user, booking: Booking) -> bool:
    """Recording the actual use or a no-show: the same staff."""
    return can_manage_institution(user, booking.instrument.institution_id)


def use_recordable(booking: Booking, now: datetime | None = None) -> bool:
    """Whether the use of the booking (or its no-show) can be recorded now: it is approved and has started. Not a
    question of who: the verbs refuse before the start, naming when, and the pages offer them only from then on."""
    return booking.status == Booking.Status.APPROVED and (now or timezone.now()) >= booking.start


def may_answer_proposal(user, booking: Booking) -> bool:
    """Accepting or declining the time staff proposed: the requester, their company's admins (and site
    operators)."""
    access = access_for(user)
    return access.is_superuser or booking.requester_id == user.id or booking.company_id in access.admin_of


def may_cancel(user, booking: Booking) -> bool:
    """Cancelling: the booking's parties (`is_party_to`: the staff, any time and with a reason; the requester's
    side, until the instrument's deadline, a rule the service checks, not a question of who)."""
    return is_party_to(user, booking)


def permitted_actions(user, booking: Booking) -> dict[str, bool]:
    """Who may do each verb of the booking's page (keyed as its actions, `no_show` for "no-show"), from the
    predicates above."""
    decide, record, answer = (
        may_decide(user, booking),
        may_record_use(user, booking),
        may_answer_proposal(user, booking),
    )
    return {
        "approve": decide,
        "reject": decide,
        "propose": decide,
        "consumables": decide,
        "reassign": decide,
        "complete": record,
        "no_show": record,
        "accept": answer,
        "decline": answer,
        "cancel": may_cancel(user, booking),
    }
