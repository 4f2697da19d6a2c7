"""Institution staff: the approval queue and the institution's calendar."""

from datetime import time, timedelta

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from backend.errors import DomainError
from backend.plumbing import parse_day
from backend.web import staff_only

from .. import selectors


@staff_only
def queue(request):
    """Undecided requests at the user's institutions, oldest first, with what to watch for."""
    bookings = list(selectors.approval_queue(request.user))
    warnings = selectors.warnings_for(bookings, now=timezone.now())
    rows = [{"booking": b, "warnings": warnings[b.id]} for b in bookings]
    return render(request, "bookings/queue.html", {"rows": rows})


@staff_only
def institution_calendar(request):
    """The institution timeline: a row per instrument of the user's institutions, a day or a week. The timeline
    component (bookings/timeline.js) reads the same selector through GET /api/v1/staff/timeline/; without
    JavaScript, or with ?plain=1, the page is a table per day."""
    view = "day" if request.GET.get("view") == "day" else "week"
    try:
        first = parse_day(request.GET.get("day", ""), field="day")
    except DomainError:  # a link, not a form: an unreadable day, or one outside the years parse_day takes, shows today
        first = timezone.localdate()
    if view == "week" and "day" not in request.GET:
        first -= timedelta(days=first.weekday())  # this week from Monday
    days = 1 if view == "day" else 7
    timeline = selectors.institution_timeline(request.user, first, days)
    plain = request.GET.get("plain") == "1"
    config = {
        "api": reverse("staff-timeline"),
        "view": "resourceTimelineDay" if view == "day" else "resourceTimelineWeek",
        "chosen": "view" in request.GET,  # else a phone starts on the day view
        "date": first.isoformat(),
        "locale": get_language(),
        "opens": timeline.opens.strftime("%H:%M"),
        "closes": "24:00" if timeline.closes == time.max else timeline.closes.strftime("%H:%M"),
        "labels": {
            "today": _("Today"),
            "day": _("Day"),
            "week": _("Week"),
            "previous_day": _("Previous day"),
            "next_day": _("Next day"),
            "previous_week": _("Previous week"),
            "next_week": _("Next week"),
            "expand": _("Expand"),
            "collapse": _("Collapse"),
            "failed": _("The timeline could not be loaded. Reload the page, or use the table."),
            "lent": pgettext("operator", "lent"),
            "no_operator": _("No operator assigned"),
        },
    }
    return render(
        request,
        "bookings/calendar.html",
        {
            "view": view,
            "timeline": timeline,
            "first": first,
            "previous": first - timedelta(days=days),
            "next": first + timedelta(days=days),
            "today": timezone.localdate(),
            "plain": plain,
            "config": config,
        },
    )
