"""Institution staff: the approval queue and the institution's calendar."""

from datetime import datetime, time, timedelta

from django.shortcuts import render
from django.utils import timezone

from backend.errors import DomainError
from backend.plumbing import parse_day
from backend.tokyo import TOKYO
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
    """Day or week of the institution's bookings and downtime, per instrument."""
    view = "day" if request.GET.get("view") == "day" else "week"
    try:
        first = parse_day(request.GET.get("day", ""), field="day")
    except DomainError:  # a link, not a form: an unreadable day, or one outside the years parse_day takes, shows today
        first = timezone.localdate()
    if view == "week" and "day" not in request.GET:
        first -= timedelta(days=first.weekday())  # this week from Monday
    days = 1 if view == "day" else 7
    start = datetime.combine(first, time.min, tzinfo=TOKYO)
    end = start + timedelta(days=days)
    bookings, downtimes = selectors.institution_schedule(request.user, start, end)
    columns = []
    for n in range(days):
        day = first + timedelta(days=n)
        day_start = start + timedelta(days=n)
        day_end = day_start + timedelta(days=1)
        columns.append(
            {
                "day": day,
                "bookings": [b for b in bookings if b.start < day_end and b.end > day_start],
                "downtimes": [d for d in downtimes if d.start < day_end and d.end > day_start],
            }
        )
    return render(
        request,
        "bookings/calendar.html",
        {
            "view": view,
            "columns": columns,
            "first": first,
            "previous": first - timedelta(days=days),
            "next": first + timedelta(days=days),
            "today": timezone.localdate(),
        },
    )
