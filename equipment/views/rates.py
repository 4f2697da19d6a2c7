"""Rates of an instrument: those in force, the history and those scheduled; add one, delete a scheduled one."""

from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backend.web import call_service, staff_only

from .. import selectors, services
from ..forms import RateForm
from .common import act, managed_instrument, section


def _rates_page(request, instrument, form=None, status=200):
    rates = selectors.rate_history(instrument)
    context = {
        "in_force": [rate for rate in rates if rate.state == "in_force"],
        "rates": rates,
        "form": form or RateForm(),
    }
    return section(request, instrument, "equipment/staff/rates.html", "staff-instrument-rates", context, status=status)


@staff_only
def rates(request, pk: int):
    instrument = managed_instrument(request, pk)
    if request.method != "POST":
        return _rates_page(request, instrument)
    form = RateForm(request.POST)
    if form.is_valid():
        rate = call_service(
            request,
            form,
            services.add_rate,
            success=_("Rate added."),
            actor=request.user,
            instrument=instrument,
            **form.cleaned_data,
        )
        if rate is not None:
            return redirect("staff-instrument-rates", pk=pk)
    return _rates_page(request, instrument, form, status=400)


@staff_only
@require_POST
def delete_rate(request, pk: int, rate_pk: int):
    """Only a rate not yet in force can go (the service says so otherwise)."""
    instrument = managed_instrument(request, pk)
    rate = get_object_or_404(instrument.rates, pk=rate_pk)
    return act(
        request,
        services.delete_rate,
        rate=rate,
        done=_("Rate deleted."),
        back="staff-instrument-rates",
        pk=pk,
        refused=lambda: _rates_page(request, instrument, status=400),
    )
