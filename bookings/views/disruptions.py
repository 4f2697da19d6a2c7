"""The staff pages of changes that may hit bookings: an instrument's downtime added by hand or imported from .ics.

A change that hits holding bookings shows them before anything is saved (status 409), each with a choice; the
change is saved with the choices (bookings.disruptions) only when every booking has a valid one. The pages keep
equipment's URLs and its downtime template; they are served here because only bookings knows its bookings."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backend.errors import DomainError
from backend.plumbing import as_id
from backend.web import attach_refusal, forbid_if_refused_permission, staff_only
from equipment import selectors as equipment_selectors

from .. import disruptions, selectors
from ..forms_disruptions import DowntimeForm, DowntimeImportForm, resolution_forms


def _instrument(request, pk: int):
    instrument = equipment_selectors.instruments_managed_by(request.user).filter(pk=pk).first()
    if instrument is None:
        raise Http404("no such instrument among yours")
    return instrument


def _downtime_page(request, instrument, *, form=None, import_form=None, status=200):
    return render(
        request,
        "equipment/staff/downtime.html",
        {
            "instrument": instrument,
            "tabs": equipment_selectors.staff_tabs("staff-instrument-downtime"),
            "downtimes": equipment_selectors.upcoming_downtimes(instrument, now=timezone.now()),
            "form": form or DowntimeForm(prefix="add"),
            "import_form": import_form or DowntimeImportForm(prefix="import"),
        },
        status=status,
    )


def _settle(request, instrument, change_form, *, change, call, done: str, action_url: str, refused):
    """Run `call(resolutions)`; show the affected bookings and their choices when it needs them or refuses them."""
    sent = [i for i in (as_id(v) for v in request.POST.getlist("affected")) if i is not None]
    choices = resolution_forms(selectors.holding_bookings_of(instrument.id, sent), request.POST) if sent else []

    def choice_page(rows, status):
        context = {"instrument": instrument, "change": change, "change_form": change_form, "choices": rows}
        return render(request, "bookings/staff/disruption.html", {**context, "action_url": action_url}, status=status)

    if sent and not all(form.is_valid() for _booking, form in choices):
        return choice_page(choices, 400)
    try:
        call([form.resolution() for _booking, form in choices] if sent else None)
    except disruptions.BookingsAffected as error:
        return choice_page(resolution_forms(error.bookings), 409)
    except DomainError as error:
        forbid_if_refused_permission(error)
        if not sent:
            attach_refusal(change_form, error)
            return refused()
        messages.error(request, error.message)
        return choice_page(choices, 409 if error.status == 409 else 400)
    messages.success(request, done)
    return redirect("staff-instrument-downtime", pk=instrument.pk)


@staff_only
def downtime(request, pk: int):
    instrument = _instrument(request, pk)
    if request.method != "POST":
        return _downtime_page(request, instrument)
    form = DowntimeForm(request.POST, prefix="add")
    if not form.is_valid():
        return _downtime_page(request, instrument, form=form, status=400)
    return _settle(
        request,
        instrument,
        form,
        change=_("Downtime %(start)s – %(end)s")
        % {
            "start": timezone.localtime(form.cleaned_data["start"]).strftime("%Y-%m-%d %H:%M"),
            "end": timezone.localtime(form.cleaned_data["end"]).strftime("%Y-%m-%d %H:%M"),
        },
        call=lambda resolutions: disruptions.add_downtime(
            actor=request.user, instrument=instrument, resolutions=resolutions, **form.cleaned_data
        ),
        done=_("Downtime added."),
        action_url=reverse("staff-instrument-downtime", kwargs={"pk": pk}),
        refused=lambda: _downtime_page(request, instrument, form=form, status=400),
    )


@staff_only
@require_POST
def import_downtime(request, pk: int):
    """All or nothing: a refused file stores nothing and the refusal shows next to the file field."""
    instrument = _instrument(request, pk)
    form = DowntimeImportForm(request.POST, request.FILES, prefix="import")
    if not form.is_valid():
        return _downtime_page(request, instrument, import_form=form, status=400)
    data = form.cleaned_data
    carried = DowntimeImportForm(initial={"kind": data["kind"], "content": data["carried"]}, prefix="import")
    counts = {}

    def call(resolutions):
        counts.update(
            disruptions.import_downtimes(
                actor=request.user,
                instrument=instrument,
                upload=data["upload"],
                kind=data["kind"],
                resolutions=resolutions,
            )
        )
        data["upload"].seek(0)  # read again if the choices are refused and shown once more

    answer = _settle(
        request,
        instrument,
        carried if "affected" in request.POST else form,
        change=_("Import from a calendar (.ics)"),
        call=call,
        done="",
        action_url=reverse("staff-instrument-downtime-import", kwargs={"pk": pk}),
        refused=lambda: _downtime_page(request, instrument, import_form=form, status=400),
    )
    if counts:
        messages.success(
            request,
            _("Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, %(deleted)d deleted.")
            % counts,
        )
    return answer


__all__ = ["downtime", "import_downtime"]
