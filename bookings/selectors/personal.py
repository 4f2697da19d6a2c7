"""What bookings hold about one person, for their personal-data download (accounts.personal_data)."""

from django.db.models import QuerySet

from bookings.models import Booking, BookingEvent, CalendarFeed


def bookings_requested_by(user) -> QuerySet[Booking]:
    """Every booking the person asked for, whatever became of it, oldest first."""
    return (
        Booking.objects.filter(requester_id=user.pk)
        .select_related("instrument__institution", "company")
        .order_by("created_at", "id")
    )


def booking_events_by(user) -> QuerySet[BookingEvent]:
    """Every change to a booking the person made (requested, cancelled, approved, …), oldest first."""
    return BookingEvent.objects.filter(actor_id=user.pk).order_by("at", "id")


def calendar_feed_of_user(user) -> CalendarFeed | None:
    """The person's calendar feed, if they ever asked for one (None otherwise); made by services.calendar_feed_of."""
    return CalendarFeed.objects.filter(user_id=user.pk).first()
