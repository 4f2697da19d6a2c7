"""Domain errors: raised by services, translated to HTTP in one place (backend.api.exception_handler)."""

from django.utils.translation import gettext as _


class DomainError(Exception):
    """A refusal a user can understand. `code` is stable (for programs), `message` is for people, in the reader's
    language only (give it through gettext; a lazy message is read in the language active when it is raised).

    `field` names the input at fault where there is one; `status` is the HTTP status it becomes.
    """

    status = 400

    def __init__(self, code: str, message: str, *, field: str | None = None, status: int | None = None, **extra):
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.field = field
        self.extra = extra
        if status is not None:
            self.status = status

    def as_dict(self) -> dict:
        body = {"code": self.code, "detail": self.message}
        if self.field:
            body["field"] = self.field
        body.update(self.extra)
        return body


class PermissionDenied(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


def full_clean_or_refuse(obj, exclude=None) -> None:
    """Run a model's own validation; its first error becomes a 400 naming the field."""
    from django.core.exceptions import ValidationError

    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError("invalid", " ".join(messages), field=None if field == "__all__" else field) from None


def validate_field_or_refuse(model, field: str, value) -> None:
    """Run one model field's own validators, as full_clean would, for a service that checks a value before it
    builds the row; the first error becomes a 400 naming the field."""
    from django.core.exceptions import ValidationError

    try:
        model._meta.get_field(field).run_validators(value)
    except ValidationError as exc:
        raise DomainError("invalid", " ".join(exc.messages), field=field) from None


def refuse_unknown_fields(fields, allowed) -> None:
    """Services take only the fields they know; anything else is a 400 naming it."""
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise DomainError(
            "unknown_field",
            _("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(unknown)},
            field=unknown[0],
        )
