"""Booking refusals. Each carries a stable `code`; backend.api turns them into HTTP responses."""

from backend.errors import DomainError


class BookingRuleError(DomainError):
    """A request breaks one of the instrument's booking rules (see bookings.request_rules)."""

    status = 400


class BookingConflict(DomainError):
    """A request overlaps another holding booking (found by a service or the database)."""

    status = 409
