"""The OpenAPI schema (/api/schema/, drf-spectacular): besides each operation's own answer, the errors every
operation may give, rendered by backend.api.exception_handler, so that clients and Schemathesis know them.

A module of its own: drf-spectacular's AutoSchema imports DRF's generic views, which read
DEFAULT_PAGINATION_CLASS (backend.api) while they are being defined."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# How drf-spectacular documents a path parameter matched by backend.api.Router's id pattern (or a viewset's own
# lookup_value_regex of digits).
ROUTER_IDS = [{"type": "string", "pattern": pattern} for pattern in ("^[0-9]+$", r"^\d+$")]


class ErrorSerializer(serializers.Serializer):
    """A refusal: a stable `code` for programs, a `detail` for people, the `field` at fault where there is one
    (DRF's own refusals carry `detail` only)."""

    code = serializers.CharField(required=False)
    detail = serializers.CharField(required=False)
    field = serializers.CharField(required=False)


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
    stored data), 415 where it takes a body, 429 where it is throttled. The ids of router paths are integers."""

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
