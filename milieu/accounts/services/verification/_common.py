"""Shared pieces of the residency-verification services."""

import logging
from functools import partial

from django.conf import settings
from django.core.files.storage import Storage
from django.db import transaction
from django.utils.translation import gettext as _

from milieu.core.errors import ApplicationError, Conflict

logger = logging.getLogger("milieu.audit")

START = "accounts.start_verification"
DECIDE = "accounts.decide_verification"
MANAGE_REGISTRY = "accounts.manage_civic_registry"

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def _fields_error(errors: dict[str, list[str]]) -> ApplicationError:
    return ApplicationError(
        _("Some fields need correcting."), code="validation", extra={"fields": errors}
    )


def _pending_conflict() -> Conflict:
    return Conflict(
        _(
            "You already have a verification in progress here. Finish it, or withdraw it "
            "before starting another one."
        ),
        code="pending",
    )


def _delete_on_commit(storage: Storage, name: str | None) -> None:
    """Delete a stored file once the transaction that recorded the decision has committed."""
    if name:
        transaction.on_commit(partial(storage.delete, name))
