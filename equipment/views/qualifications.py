"""Who may operate an instrument alone: the grants (current and past), grant or renew, revoke."""

from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backend.web import call_service, staff_only

from .. import selectors, services
from ..forms import QualificationForm
from .common import act, managed_instrument, section


def _qualifications_page(request, instrument, form=None, status=200):
    context = {"qualifications": selectors.qualifications_of(instrument), "form": form or QualificationForm()}
    return section(
        request,
        instrument,
        "equipment/staff/qualifications.html",
        "staff-instrument-qualifications",
        context,
        status=status,
    )


@staff_only
def qualifications(request, pk: int):
    """The list, and granting (or renewing: the service keeps the previous grant as history)."""
    instrument = managed_instrument(request, pk)
    if request.method != "POST":
        return _qualifications_page(request, instrument)
    form = QualificationForm(request.POST)
    if form.is_valid():
        granted = call_service(
            request,
            form,
            services.grant_qualification,
            success=_("Qualification granted."),
            actor=request.user,
            instrument=instrument,
            **form.cleaned_data,
        )
        if granted is not None:
            return redirect("staff-instrument-qualifications", pk=pk)
    return _qualifications_page(request, instrument, form, status=400)


@staff_only
@require_POST
def revoke_qualification(request, pk: int, qualification_pk: int):
    instrument = managed_instrument(request, pk)
    qualification = get_object_or_404(instrument.qualifications, pk=qualification_pk)
    return act(
        request,
        services.revoke_qualification,
        qualification=qualification,
        done=_("Qualification revoked."),
        back="staff-instrument-qualifications",
        pk=pk,
        refused=lambda: _qualifications_page(request, instrument, status=400),
    )
