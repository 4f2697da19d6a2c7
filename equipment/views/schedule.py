"""Downtime of an instrument: the upcoming list, one period added by hand, or many from an .ics export."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backend.web import call_service, staff_only

from .. import selectors, services
from ..forms import DowntimeForm, DowntimeImportForm
from .common import act, managed_instrument, section


def _downtime_page(request, instrument, *, form=None, import_form=None, status=200):
    context = {
        "downtimes": selectors.upcoming_downtimes(instrument, now=timezone.now()),
        "form": form or DowntimeForm(prefix="add"),
        "import_form": import_form or DowntimeImportForm(prefix="import"),
    }
    return section(
        request, instrument, "equipment/staff/downtime.html", "staff-instrument-downtime", context, status=status
    )


@staff_only
def downtime(request, pk: int):
    instrument = managed_instrument(request, pk)
    if request.method != "POST":
        return _downtime_page(request, instrument)
    form = DowntimeForm(request.POST, prefix="add")
    if form.is_valid():
        added = call_service(
            request,
            form,
            services.add_downtime,
            success=_("Downtime added."),
            actor=request.user,
            instrument=instrument,
            **form.cleaned_data,
        )
        if added is not None:
            return redirect("staff-instrument-downtime", pk=pk)
    return _downtime_page(request, instrument, form=form, status=400)


@staff_only
@require_POST
def import_downtime(request, pk: int):
    """All or nothing: a refused file stores nothing and the refusal shows next to the file field."""
    instrument = managed_instrument(request, pk)
    form = DowntimeImportForm(request.POST, request.FILES, prefix="import")
    if form.is_valid():
        counts = call_service(
            request,
            form,
            services.import_downtimes,
            actor=request.user,
            instrument=instrument,
            upload=form.cleaned_data["file"],
            kind=form.cleaned_data["kind"],
        )
        if counts is not None:
            messages.success(
                request,
                _("Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, %(deleted)d deleted.")
                % counts,
            )
            return redirect("staff-instrument-downtime", pk=pk)
    return _downtime_page(request, instrument, import_form=form, status=400)


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
        refused=lambda: _downtime_page(request, instrument, status=400),
    )
