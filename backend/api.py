"""Shared REST plumbing: pagination, error rendering, base permissions."""

import copy
import logging
import math
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, pagination, routers, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError
from .outages import outage_of, report
from .plumbing import ID_MAX, as_id, parse_aware_datetime, require_aware, require_in_range

logger = logging.getLogger(__name__)


class Pagination(pagination.PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200


class Router(routers.SimpleRouter):
    """The router of every app's viewsets. A detail route takes an integer id only, so /photos/abc/ is a 404
    before any view runs (DRF's default `[^/.]+` let text reach lookups that raised ValueError, a 500); a viewset
    whose ids are not integers says so with its own `lookup_value_regex`. No format-suffix routes
    (/bookings/1/approve.json): their `format` argument reached actions that take none (a TypeError, a 500), and
    no client used them."""

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        lookup_field = getattr(viewset, "lookup_field", "pk")
        lookup_url_kwarg = getattr(viewset, "lookup_url_kwarg", None) or lookup_field
        value = getattr(viewset, "lookup_value_regex", "[0-9]+")
        return f"(?P<{lookup_prefix}{lookup_url_kwarg}>{value})"


def id_param(params, name: str) -> int | None:
    """The id in query parameter `name`, or None when it is absent or empty; anything but an id is a 400 naming
    the parameter (code `invalid_<name>`), never a lookup that fails in the database."""
    text = (params.get(name) or "").strip()
    if not text:
        return None
    value = as_id(text)
    if value is None:
        raise DomainError(f"invalid_{name}", _("Give %(name)s as a numeric id.") % {"name": name}, field=name)
    return value


class IdFilter(django_filters.NumberFilter):
    """A django-filter parameter that takes an id: an integer from 0 to ID_MAX, else a 400 naming it."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=0, max_value=ID_MAX, **kwargs)


class PrebuiltFields:
    """For a ModelSerializer whose fields depend on nothing but its class: DRF introspects the model to build
    them on every instantiation (about 1.5 ms for a booking); this builds them once per class and gives each
    instance a deep copy, as DRF itself does with declared fields. Put it first among the bases."""

    def get_fields(self):
        cls = type(self)
        prototype = cls.__dict__.get("_prebuilt_fields")
        if prototype is None:
            prototype = super().get_fields()
            cls._prebuilt_fields = prototype
        return copy.deepcopy(prototype)


def rfc3339(moment: datetime) -> str:
    """An aware datetime as RFC 3339 in the current zone (Asia/Tokyo): offset ±hh:mm, Z for UTC. Where that
    zone's offset has seconds (Tokyo's local mean time, +09:18:59, before 1888) or the local year would
    leave the calendar, the same moment is written in UTC."""
    try:
        local = timezone.localtime(moment)
    except (OverflowError, ValueError):
        local = moment.astimezone(dt_timezone.utc)
    if local.utcoffset() % timedelta(minutes=1):
        local = moment.astimezone(dt_timezone.utc)
    text = local.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class AwareDateTimeField(serializers.DateTimeField):
    """Every datetime of the API. In: RFC 3339 with an offset, between the years backend.plumbing takes, read by
    its parse_aware_datetime (a naive or out-of-range value is a 400 naming the field, never guessed or a 500).
    Out: RFC 3339 (`rfc3339`). backend.apps makes it the field of every model DateTimeField."""

    def to_internal_value(self, value):
        try:
            if isinstance(value, datetime):
                require_aware(**{self.field_name: value})
                require_in_range(**{self.field_name: value})
                moment = value
            else:
                moment = parse_aware_datetime(value, field=self.field_name)
        except DomainError as error:
            raise serializers.ValidationError(error.message, code=error.code) from None
        return self.enforce_timezone(moment)

    def to_representation(self, value):
        return value if isinstance(value, str) else rfc3339(value)


def exception_handler(exc, context):
    """Render domain errors and Django validation errors as 4xx with a code and the field at fault, and an
    unavailable database or broker as 503 (backend.outages). The `code` is stable; the `detail` is in the
    request's language only (the user's setting, else Accept-Language; backend.language)."""
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status)
    outage = outage_of(exc)
    if outage is not None:  # the database or the broker is down: 503, and the log names which and why
        report(context["request"], exc, outage)
        return Response(outage.as_dict(), status=503, headers=outage.headers)
    if isinstance(exc, exceptions.ParseError):  # an unreadable body (backend.parsers), also with a code
        return Response({"code": exc.detail.code, "detail": str(exc.detail)}, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = serializers.ValidationError(_django_error_detail(exc))
    if isinstance(exc, IntegrityError):
        # A constraint the services did not foresee: still the client's conflict, never a 500.
        logger.warning("integrity error reached the API: %s", exc)
        return Response(
            {"code": "conflict", "detail": _("The change conflicts with existing data.")},
            status=409,
        )
    if isinstance(exc, Http404):  # Django's message names the model, in English: DRF's own, translated
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        # DRF appends the wait in English whatever the language (its ngettext is given formatted text).
        response.data = {"code": "throttled", "detail": throttled_message(exc.wait)}
    elif response is not None and isinstance(exc, exceptions.APIException) and isinstance(exc.detail, str):
        # DRF's own refusals (401, 403, 404, 405, 406, 415, 429): its `detail`, in the request's language through
        # DRF's catalogue, with the stable code every other refusal carries ("not_authenticated", "throttled", …).
        response.data = {"code": exc.detail.code, "detail": str(exc.detail)}
    return response


def throttled_message(wait: float) -> str:
    seconds = max(1, math.ceil(wait))
    return ngettext(
        "Too many requests; try again in %(seconds)d second.",
        "Too many requests; try again in %(seconds)d seconds.",
        seconds,
    ) % {"seconds": seconds}


def _django_error_detail(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for e in errors for m in e.messages] for field, errors in exc.error_dict.items()}
    return {"non_field_errors": list(exc.messages)}


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$",
        "example": "09:00",
        "description": "local time of day in Asia/Tokyo, HH:MM (answers carry HH:MM:SS)",
    }
)
class ClockTimeField(serializers.TimeField):
    """A time of day on the wall clock, as opening hours and operators' working hours are given ("09:00"). OpenAPI's `format: time` is RFC
    3339's full-time, which needs a UTC offset these never have."""
