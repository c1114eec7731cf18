"""Typed errors that services raise and that views and the API render the same way."""

from typing import Any


class ApplicationError(Exception):
    """A refusal the user can act on. `message` is already translated (lazily)."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: Any, *, code: str | None = None, extra: dict | None = None):
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        self.extra = extra or {}


class NotFound(ApplicationError):
    """The object does not exist *for this actor*: hidden and absent look the same."""

    status_code = 404
    code = "not_found"


class PermissionDenied(ApplicationError):
    status_code = 403
    code = "permission_denied"


class Conflict(ApplicationError):
    status_code = 409
    code = "conflict"


class RateLimited(ApplicationError):
    """Too many attempts in a short time; `retry_after` says in how many seconds to try again
    (the API sends it as the `Retry-After` header)."""

    status_code = 429
    code = "rate_limited"

    def __init__(self, message: Any, *, retry_after: int, code: str | None = None):
        super().__init__(message, code=code, extra={"retry_after": retry_after})
        self.retry_after = retry_after


def field_error(field: str, message: Any) -> ApplicationError:
    """A refusal naming the field to correct (`{"field": [message]}`, code `validation`),
    rendered alike by the forms and the API."""
    from django.utils.translation import gettext as _

    return ApplicationError(
        _("Please correct the form."), code="validation", extra={"fields": {field: [str(message)]}}
    )
