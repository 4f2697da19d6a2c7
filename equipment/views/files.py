"""Manuals (new versions; older ones stay listed) and photos of an instrument. The upload checks look at
the content and live in the services; their refusal shows next to the file field."""

from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backend.web import call_service, staff_only

from .. import selectors, services
from ..forms import ManualForm, PhotoForm
from .common import act, managed_instrument, section


def _manuals_page(request, instrument, form=None, status=200):
    context = {"manuals": selectors.manuals_of(instrument), "form": form or ManualForm()}
    return section(
        request, instrument, "equipment/staff/manuals.html", "staff-instrument-manuals", context, status=status
    )


@staff_only
def manuals(request, pk: int):
    instrument = managed_instrument(request, pk)
    if request.method != "POST":
        return _manuals_page(request, instrument)
    form = ManualForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        manual = call_service(
            request,
            form,
            services.upload_manual,
            success=_("Manual uploaded."),
            actor=request.user,
            instrument=instrument,
            upload=data["file"],
            title=data["title"],
            version=data["version"],
            language=data["language"],
        )
        if manual is not None:
            return redirect("staff-instrument-manuals", pk=pk)
    return _manuals_page(request, instrument, form, status=400)


def _photos_page(request, instrument, form=None, status=200):
    context = {"photos": instrument.photos.order_by("position", "id"), "form": form or PhotoForm()}
    return section(
        request, instrument, "equipment/staff/photos.html", "staff-instrument-photos", context, status=status
    )


@staff_only
def photos(request, pk: int):
    instrument = managed_instrument(request, pk)
    if request.method != "POST":
        return _photos_page(request, instrument)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        photo = call_service(
            request,
            form,
            services.upload_photo,
            success=_("Photo uploaded."),
            actor=request.user,
            instrument=instrument,
            upload=data["image"],
            caption=data["caption"],
            position=data["position"],
        )
        if photo is not None:
            return redirect("staff-instrument-photos", pk=pk)
    return _photos_page(request, instrument, form, status=400)


@staff_only
@require_POST
def delete_photo(request, pk: int, photo_pk: int):
    instrument = managed_instrument(request, pk)
    photo = get_object_or_404(instrument.photos, pk=photo_pk)
    return act(
        request,
        services.delete_photo,
        photo=photo,
        done=_("Photo deleted."),
        back="staff-instrument-photos",
        pk=pk,
        refused=lambda: _photos_page(request, instrument, status=400),
    )
