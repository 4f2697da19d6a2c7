"""The JSON parser of every API view (REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]; views that list their own parsers
name this one).

A module of its own, importing no DRF view: DRF reads DEFAULT_PARSER_CLASSES while it defines APIView, so a parser
living beside code that imports rest_framework.views (backend.api does) would be imported half-way through it."""

import json
import math
import re

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers

# Every request body of this API is one JSON object of fields, a few levels deep at most (a booking's consumables,
# an instrument's opening hours). Deeper nesting is refused before decoding: Python's decoder recurses once per
# level, and a 2 KB body of brackets exhausted the interpreter's stack (RecursionError, a 500).
JSON_MAX_DEPTH = 32
# A JSON string (skipped whole, whatever brackets it holds) or one bracket.
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[{\]}]')


def json_depth_exceeds(text: str, limit: int) -> bool:
    """Whether JSON `text` nests arrays and objects deeper than `limit`: one pass, no recursion, stopping at the
    first bracket past the limit. Malformed text is left for the decoder to refuse."""
    depth = 0
    for token in _JSON_TOKEN.finditer(text):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            if depth > limit:
                return True
        elif bracket in "]}":
            depth -= 1
    return False


class _NotFinite(ValueError):
    pass


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400 decodes to infinity
        raise _NotFinite(text)
    return value


def _refuse_constant(name: str):
    raise _NotFinite(name)  # NaN, Infinity, -Infinity: JavaScript, not JSON


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing with a 400 and a code (backend.api.exception_handler renders it) a body nested
    deeper than JSON_MAX_DEPTH (checked before decoding), a number that is not finite, and a body that is not an
    object (views may then read request.data as a mapping)."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding)
        except (UnicodeDecodeError, LookupError):
            raise exceptions.ParseError(
                _("The body is not valid %(encoding)s.") % {"encoding": encoding}, code="invalid_encoding"
            ) from None
        if json_depth_exceeds(text, JSON_MAX_DEPTH):
            raise exceptions.ParseError(
                _("The JSON body is nested more than %(depth)d levels deep.") % {"depth": JSON_MAX_DEPTH},
                code="json_too_deep",
            )
        try:
            data = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
        except _NotFinite as exc:
            raise exceptions.ParseError(
                _("Numbers must be finite (NaN and Infinity are not JSON): %(number)s") % {"number": exc},
                code="json_not_finite",
            ) from None
        except json.JSONDecodeError as exc:  # malformed: where, not the decoder's English
            raise exceptions.ParseError(
                _("The body is not valid JSON (line %(line)d, column %(column)d).")
                % {"line": exc.lineno, "column": exc.colno},
                code="parse_error",
            ) from None
        except ValueError:  # an integer of more digits than Python converts
            raise exceptions.ParseError(_("The body is not valid JSON."), code="parse_error") from None
        if not isinstance(data, dict):
            raise exceptions.ParseError(
                _("The body must be a JSON object ({...})."),
                code="json_not_object",
            )
        return data
