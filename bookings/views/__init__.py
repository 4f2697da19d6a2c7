"""Web pages of the booking side. They call the same selectors and services as the API."""

from .absences import absence_delete, absence_import, absence_list
from .catalogue import catalogue, instrument_page
from .disruptions import downtime, import_downtime, opening_hours, retire
from .mine import booking_action, booking_detail, booking_ics, my_bookings, rotate_feed
from .operator import operator_schedule
from .staff import institution_calendar, queue

__all__ = [
    "absence_delete",
    "absence_import",
    "absence_list",
    "booking_action",
    "booking_detail",
    "booking_ics",
    "catalogue",
    "downtime",
    "import_downtime",
    "institution_calendar",
    "instrument_page",
    "my_bookings",
    "opening_hours",
    "operator_schedule",
    "queue",
    "retire",
    "rotate_feed",
]
