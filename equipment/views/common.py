"""What every staff page of one instrument shares: finding the instrument among the user's, the tabs,
and turning a service's refusal into a 400 page that keeps the input (a refused permission is a 403 page: the
pages' refusal policy, backend.web)."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from backend.web import call_service

from .. import selectors
from ..models import Instrument


def managed_instrument(request, pk: int) -> Instrument:
    """The instrument if one of the user's institutions owns it; any other is a 404."""
    instrument = selectors.instruments_managed_by(request.user).filter(pk=pk).first()
    if instrument is None:
        raise Http404("no such instrument among yours")
    return instrument


def section(request, instrument: Instrument, template: str, tab: str, context: dict, *, status: int = 200):
    """Render one tab of an instrument's management pages (400 when it shows a refusal)."""
    tabs = selectors.staff_tabs(tab)
    return render(request, template, {"instrument": instrument, "tabs": tabs, **context}, status=status)


def act(request, service, *, done: str, back: str, pk: int, refused, **kwargs):
    """A button without input (delete, revoke): run the service; go back on success, or show the refusal
    at the top of the re-rendered page (`refused()` renders it, with status 400)."""
    form = forms.Form(request.POST)
    call_service(request, form, service, success=done, actor=request.user, **kwargs)
    if form.errors:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return refused()
    return redirect(back, pk=pk)
