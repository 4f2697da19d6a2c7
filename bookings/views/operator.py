"""The operator's own schedule (/operator/schedule/): the assignments in force of the coming weeks and the recent past,
and their absences. Only a user with an Operator row sees it; anyone else gets 404 (the page does not exist for
them). It reads assignments, so it lives here, beside the table it reads; absences through staffing's selectors."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from staffing import selectors as staffing_selectors

from .. import selectors


@require_safe
@login_required
def operator_schedule(request):
    operator = staffing_selectors.operator_of(request.user)
    if operator is None:
        raise Http404("not an operator")
    now = timezone.now()
    schedule = selectors.schedule_of(operator, now=now)
    rows = [
        {
            "assignment": a,
            "booking": a.booking,
            "details": selectors.sees_full_details(request.user, a.booking),
            "past": a.booking.end <= now,
        }
        for a in schedule.assignments
    ]
    return render(request, "bookings/operator_schedule.html", {"schedule": schedule, "rows": rows, "now": now})
