"""Deleting a downtime (adding one, by hand or from .ics, may hit bookings: bookings.views.disruptions)."""

from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backend.web import staff_only

from .. import services
from .common import act, managed_instrument


@staff_only
@require_POST
def delete_downtime(request, pk: int, downtime_pk: int):
    instrument = managed_instrument(request, pk)
    downtime = get_object_or_404(instrument.downtimes, pk=downtime_pk)
    return act(
        request,
        services.delete_downtime,
        downtime=downtime,
        done=_("Downtime deleted."),
        back="staff-instrument-downtime",
        pk=pk,
        refused=lambda: redirect("staff-instrument-downtime", pk=pk),
    )
