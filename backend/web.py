"""Plumbing of the web pages: they parse with Django forms, call the same services as the API, and
answer a refusal by the one policy of every page (`refuse_on_page`, docs/security.md):

- a refused permission (`backend.errors.PermissionDenied`, raised by a service when its `may_<verb>`
  predicate says no) is a 403 page saying why;
- any other refusal (a rule, a conflict, a value the form let through) is the form again, the refusal next to
  the field it concerns and what the user typed kept, with status 400.

Pages read the same predicates to decide which actions to show, so the 403 is what someone gets who sent a
form the page never offered them."""

from collections.abc import Callable
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from consortia.selectors import access_for

from . import errors
from .errors import DomainError
from .plumbing import require_in_range
from .tokyo import TOKYO


def staff_only(view):
    """Pages for institution staff (and site operators): others get 403, anonymous users the login."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        access = access_for(request.user)
        if not (access.staff_of or access.is_superuser):
            raise PermissionDenied(_("Only institution staff may use this page."))
        return view(request, *args, **kwargs)

    return wrapped


def refuse_on_page(form: forms.Form, error: DomainError) -> None:
    """The pages' refusal policy, in one place: a refused permission becomes a 403 page with the service's
    message; any other refusal is put on the form, which the caller re-renders with status 400."""
    forbid_if_refused_permission(error)
    attach_refusal(form, error)


def forbid_if_refused_permission(error: DomainError) -> None:
    """The first half of `refuse_on_page`, for a page that shows other refusals its own way (e.g. on a formset's
    row): a refused permission is the 403 page with the service's message."""
    if isinstance(error, errors.PermissionDenied):
        raise PermissionDenied(error.message) from error


def require_permission(allowed: bool) -> None:
    """A page's check, before it reads the form, that the user may do the verb at all (the verb's predicate, which
    the service raises too): if not, the 403 of the policy above whatever they sent."""
    if not allowed:
        raise PermissionDenied(_("You may not do this here."))


def attach_refusal(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal on the form: next to its field when the form has that field."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def call_service(request, form: forms.Form, service: Callable, *, success: str = "", **kwargs):
    """Run `service(**kwargs)` for a valid form; a refusal follows `refuse_on_page`: a refused permission is a
    403 page, any other refusal a form error (the page is then re-rendered with the user's input, status 400).
    Returns the service's result, or None if it refused on the form."""
    try:
        result = service(**kwargs)
    except DomainError as error:
        refuse_on_page(form, error)
        return None
    if success:
        messages.success(request, success)
    return result


class AwareDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class TokyoDateTimeField(forms.DateTimeField):
    """A `datetime-local` field read as Asia/Tokyo time (the browser sends no offset), within the years the
    API takes (backend.plumbing.require_in_range)."""

    widget = AwareDateTimeInput

    def __init__(self, **kwargs):
        super().__init__(input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"], **kwargs)

    def to_python(self, value):
        moment = super().to_python(value)  # Django reads naive input in the current zone…
        if moment is None:
            return None
        try:
            require_in_range(value=moment)
        except DomainError as error:
            raise forms.ValidationError(error.message, code=error.code) from None
        return moment.astimezone(TOKYO)  # …which is Asia/Tokyo; shown back in it
