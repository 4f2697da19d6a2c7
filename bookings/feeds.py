"""Calendar endpoints: the instrument's public busy feed, the personal feed at a secret address,
and the logged-in calls that show and rotate that address."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from backend.language import language_of
from equipment.models import Instrument

from . import calendar, selectors, services
from .models import CalendarFeed


def ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def instrument_calendar(request, pk: int):
    """Busy time of one instrument (holding bookings and downtime): no names, purposes or samples. Public: in the
    request's language (Japanese unless the calendar program asks for another)."""
    instrument = get_object_or_404(Instrument.objects.select_related("institution"), pk=pk)
    bookings, downtimes = selectors.instrument_feed_items(instrument, now=timezone.now())
    return ics_response(calendar.instrument_feed(instrument, bookings, downtimes), f"instrument-{instrument.pk}.ics")


@require_GET
def personal_calendar(request, token: str):
    """The secret-address feed calendar programs subscribe to (no login: the token is the key), in the language of
    the feed's owner: their bookings, and an operator's assignments (each its own entry)."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token, user__is_active=True).first()
    if feed is None:
        raise Http404("unknown calendar feed")
    now = timezone.now()
    bookings = selectors.personal_feed_bookings(feed.user, now=now)
    assignments = selectors.personal_feed_assignments(feed.user, now=now)
    with translation.override(language_of(feed.user)):  # a calendar program asks: the feed's owner reads it
        name = _("Kyoyo bookings (%(name)s)") % {"name": feed.user.display_name}
        content = calendar.personal_feed(
            name, bookings, assignments, details=lambda booking: selectors.sees_full_details(feed.user, booking)
        )
    return ics_response(content, "kyoyo.ics")


FeedAddress = inline_serializer(
    "CalendarFeedAddress", {"url": serializers.URLField(), "webcal": serializers.CharField()}
)


def _address(request, feed: CalendarFeed) -> dict:
    url = request.build_absolute_uri(reverse("personal-calendar", kwargs={"token": feed.token}))
    return {"url": url, "webcal": "webcal://" + url.split("://", 1)[1]}


@extend_schema(responses=FeedAddress, summary="The secret address of your calendar feed")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def feed_address(request):
    return Response(_address(request, services.calendar_feed_of(actor=request.user)))


@extend_schema(request=None, responses=FeedAddress, summary="Replace the feed address; the old one answers 404")
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def rotate_feed(request):
    return Response(_address(request, services.rotate_calendar_feed(actor=request.user)))
