"""The OpenAPI schema (/api/schema/, drf-spectacular): besides each operation's own answer, the errors every
operation may give, rendered by backend.api.exception_handler, so that clients and Schemathesis know them.

A module of its own: drf-spectacular's AutoSchema imports DRF's generic views, which read
DEFAULT_PAGINATION_CLASS (backend.api) while they are being defined."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# How drf-spectacular documents a path parameter matched by backend.api.Router's id pattern (or a viewset's own
# lookup_value_regex of digits).
ROUTER_IDS = [{"type": "string", "pattern": pattern} for pattern in ("^[0-9]+$", r"^\d+$")]


class ErrorSerializer(serializers.Serializer):
    """A refusal: a stable `code` for programs, a `detail` for people in the reader's language (the user's setting,
    else `Accept-Language: ja|en`, Japanese by default), the `field` at fault where there is one."""

    code = serializers.CharField(required=False, help_text="stable, for programs: the same in every language")
    detail = serializers.CharField(
        required=False, help_text="for people, in the user's language or the request's Accept-Language (ja|en)"
    )
    field = serializers.CharField(required=False, help_text="the input at fault, where there is one")


# The language of every `detail`, message and label, for a request that names no user (a user's own setting wins).
ACCEPT_LANGUAGE = OpenApiParameter(
    "Accept-Language",
    str,
    OpenApiParameter.HEADER,
    required=False,
    enum=["ja", "en"],
    description="The language of messages (`detail`) and labels when no user is logged in; the user's own setting "
    "wins. Japanese by default. Error `code`s are the same in every language.",
)
ERROR = OpenApiResponse(ErrorSerializer, description="refused")
BAD_REQUEST = OpenApiResponse(
    {
        "type": "object",
        "additionalProperties": True,
        "description": "Either {code, detail, field} or, for a form, the messages of each field at fault: "
        '{"end": ["..."]} ("non_field_errors" for the whole form).',
    },
    description="bad input: nothing was stored",
)


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's AutoSchema, adding the error answers an operation may give where its own @extend_schema
    does not already name them: 400 where it takes input, 401/403/404 everywhere, 409 on writes (a conflict with
    stored data), 415 where it takes a body, 429 where it is throttled. The ids of router paths are integers.
    Every operation takes `Accept-Language: ja|en`."""

    def get_override_parameters(self):
        return [*super().get_override_parameters(), ACCEPT_LANGUAGE]

    def _resolve_path_parameters(self, variables):
        parameters = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            if parameter["schema"] in ROUTER_IDS:
                parameter["schema"] = {"type": "integer"}
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, response in self._error_responses():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, ["application/json"], direction)
        return responses

    def _error_responses(self):
        takes_body = self.method in {"POST", "PUT", "PATCH"}
        takes_query = any(p.get("in") == "query" for p in self._get_parameters())
        if takes_body or takes_query:
            yield "400", BAD_REQUEST
        yield "401", ERROR
        yield "403", ERROR
        yield "404", ERROR
        if self.method in WRITES:
            yield "409", ERROR
        if takes_body:
            yield "415", ERROR
        if self.view.get_throttles():
            yield "429", ERROR
