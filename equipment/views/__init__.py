"""Staff pages for the instruments of their institutions: the same services and selectors as the API.

Every page is `staff_only`, and every instrument is looked up among the user's institutions'
(`selectors.instruments_managed_by`): another institution's instrument is a 404 here, and the services
refuse it again (`services.ensure_can_manage` raises `selectors.may_manage_instruments`), which the pages'
refusal policy (backend.web) makes a 403 page.
"""

from .files import delete_photo, manuals, photos
from .instruments import instrument_edit, instrument_new, instruments
from .qualifications import qualifications, revoke_qualification
from .rates import delete_rate, rates
from .schedule import delete_downtime

__all__ = [
    "delete_downtime",
    "delete_photo",
    "delete_rate",
    "instrument_edit",
    "instrument_new",
    "instruments",
    "manuals",
    "photos",
    "qualifications",
    "rates",
    "revoke_qualification",
]
