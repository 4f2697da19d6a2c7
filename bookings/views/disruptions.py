"""The staff pages of changes that may hit bookings: an instrument's downtime added by hand or imported from .ics,
its opening hours replaced, its retirement.

A change that hits holding bookings shows them before anything is saved (status 409), each with a choice; the
change is saved with the choices (bookings.disruptions) only when every booking has a valid one. The pages keep
equipment's URLs, forms and templates; they are served here because only bookings knows its bookings."""

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
from equipment.forms import InstrumentForm, RetireForm, opening_hours_formset

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


def _settle(request, instrument, carried, *, change, call, done: str, action_url: str, back: str, refused):
    """Run `call(resolutions)`; show the affected bookings and their choices when it needs them or refuses them.
    `carried`: the fields of the change as sent, carried through the choice page hidden; `refused(error)`: the
    change's own page showing a refusal of the change itself; `back`: the URL name to return to."""
    sent = [i for i in (as_id(v) for v in request.POST.getlist("affected")) if i is not None]
    choices = resolution_forms(selectors.holding_bookings_of(instrument.id, sent), request.POST) if sent else []

    def choice_page(rows, status):
        context = {"instrument": instrument, "change": change, "carried": carried, "choices": rows, "back": back}
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
            return refused(error)
        messages.error(request, error.message)
        return choice_page(choices, 409 if error.status == 409 else 400)
    if done:
        messages.success(request, done)
    return redirect(back, pk=instrument.pk)


def _refused_on(form, error: DomainError, page):
    attach_refusal(form, error)
    return page()


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
        list(form),
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
        back="staff-instrument-downtime",
        refused=lambda error: _refused_on(
            form, error, lambda: _downtime_page(request, instrument, form=form, status=400)
        ),
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
        list(carried),
        change=_("Import from a calendar (.ics)"),
        call=call,
        done="",
        action_url=reverse("staff-instrument-downtime-import", kwargs={"pk": pk}),
        back="staff-instrument-downtime",
        refused=lambda error: _refused_on(
            form, error, lambda: _downtime_page(request, instrument, import_form=form, status=400)
        ),
    )
    if counts:
        messages.success(
            request,
            _("Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, %(deleted)d deleted.")
            % counts,
        )
    return answer


__all__ = ["downtime", "import_downtime"]


def _instrument_page(request, instrument, *, hours=None, retire_form=None):
    """Equipment's page of an instrument's details, hours and retirement, showing a refusal (400)."""
    return render(
        request,
        "equipment/staff/instrument.html",
        {
            "instrument": instrument,
            "tabs": equipment_selectors.staff_tabs("staff-instrument"),
            "form": InstrumentForm(instrument=instrument),
            "hours": hours or opening_hours_formset(instrument),
            "retire_form": retire_form or RetireForm(),
        },
        status=400,
    )


@staff_only
@require_POST
def opening_hours(request, pk: int):
    """Replace the weekly schedule; bad or overlapping intervals are refused on their row, and the bookings the new
    hours would leave outside need a choice each."""
    instrument = _instrument(request, pk)
    hours = opening_hours_formset(instrument, request.POST)
    if not hours.is_valid():
        return _instrument_page(request, instrument, hours=hours)
    rows = hours.intervals()

    def refused(error):
        hours.attach_refusal(error, rows)
        return _instrument_page(request, _instrument(request, pk), hours=hours)

    return _settle(
        request,
        instrument,
        [*hours.management_form, *(field for form in hours.forms for field in form)],
        change=_("The new opening hours"),
        call=lambda resolutions: disruptions.set_opening_hours(
            actor=request.user,
            instrument=instrument,
            opening_hours=[interval for _form, interval in rows],
            resolutions=resolutions,
        ),
        done=_("Opening hours saved."),
        action_url=reverse("staff-instrument-hours", kwargs={"pk": pk}),
        back="staff-instrument",
        refused=refused,
    )


@staff_only
@require_POST
def retire(request, pk: int):
    instrument = _instrument(request, pk)
    form = RetireForm(request.POST)
    if not form.is_valid():
        return _instrument_page(request, instrument, retire_form=form)
    return _settle(
        request,
        instrument,
        list(form),
        change=_("Retiring the instrument"),
        call=lambda resolutions: disruptions.retire_instrument(
            actor=request.user, instrument=instrument, resolutions=resolutions
        ),
        done=_("Retired: no new requests are taken."),
        action_url=reverse("staff-instrument-retire", kwargs={"pk": pk}),
        back="staff-instrument",
        refused=lambda error: _refused_on(
            form, error, lambda: _instrument_page(request, _instrument(request, pk), retire_form=form)
        ),
    )
