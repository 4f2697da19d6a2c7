"""The staff's instruments: the list, a new instrument, and an instrument's details (one page, three forms: its
opening hours and its retirement may hit bookings, so bookings.views.disruptions serves those two)."""

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from backend.web import call_service, staff_only
from consortia.selectors import institutions_managed_by

from .. import selectors, services
from ..forms import InstrumentForm, RetireForm, opening_hours_formset
from .common import managed_instrument, section


@staff_only
def instruments(request):
    """The instruments of the user's institutions, retired ones included."""
    institutions = list(institutions_managed_by(request.user)[:2])
    return render(
        request,
        "equipment/staff_instruments.html",
        {
            "instruments": selectors.managed_instrument_list(request.user),
            "several_institutions": len(institutions) > 1,
        },
    )


@staff_only
def instrument_new(request):
    institutions = institutions_managed_by(request.user)
    form = InstrumentForm(request.POST or None, institutions=institutions)
    if request.method == "POST":
        if form.is_valid():
            instrument = call_service(
                request,
                form,
                services.create_instrument,
                success=_("Instrument registered; now add its opening hours, rates, manuals and photos."),
                actor=request.user,
                institution=form.cleaned_data["institution"],
                **form.service_fields(),
            )
            if instrument is not None:
                return redirect("staff-instrument", pk=instrument.pk)
        return render(request, "equipment/staff/instrument_new.html", {"form": form}, status=400)
    return render(request, "equipment/staff/instrument_new.html", {"form": form})


def _instrument_page(request, instrument, *, form=None, hours=None, retire_form=None, status=200):
    return section(
        request,
        instrument,
        "equipment/staff/instrument.html",
        "staff-instrument",
        {
            "form": form or InstrumentForm(instrument=instrument),
            "hours": hours or opening_hours_formset(instrument),
            "retire_form": retire_form or RetireForm(),
        },
        status=status,
    )


@staff_only
def instrument_edit(request, pk: int):
    instrument = managed_instrument(request, pk)
    if request.method != "POST":
        return _instrument_page(request, instrument)
    form = InstrumentForm(request.POST, instrument=instrument)
    if form.is_valid():
        call_service(
            request,
            form,
            services.update_instrument,
            success=_("Saved."),
            actor=request.user,
            instrument=instrument,
            **form.service_fields(),
        )
        if not form.errors:
            return redirect("staff-instrument", pk=pk)
    # The page shows what is stored (the refused values stay in the form only).
    return _instrument_page(request, managed_instrument(request, pk), form=form, status=400)
