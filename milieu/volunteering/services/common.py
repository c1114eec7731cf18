"""What the volunteering services share: field errors shaped like the forms', clean text, and
telling someone about a step once the transaction commits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from milieu.core.errors import ApplicationError
from milieu.notifications.services import in_every_language

TOPIC = "volunteering"
LANGUAGE_CODES = ("fr", "en", "es")


def invalid(field: str, message: Any) -> ApplicationError:
    """A refusal naming the field to correct (`{"field": [message]}`, code `validation`),
    rendered alike by the forms and the API."""
    return ApplicationError(
        _("Please correct the form."), code="validation", extra={"fields": {field: [str(message)]}}
    )


def text(values: dict[str, Any], field: str, limit: int, *, required: bool = False) -> str:
    value = str(values.get(field) or "").strip()
    if required and not value:
        raise invalid(field, _("This field is required."))
    if len(value) > limit:
        raise invalid(field, _("At most %(limit)s characters.") % {"limit": limit})
    return value


def languages(values: dict[str, Any], field: str = "languages") -> list[str]:
    chosen = values.get(field) or []
    if isinstance(chosen, str):
        chosen = [chosen]
    unknown = [code for code in chosen if code not in LANGUAGE_CODES]
    if unknown:
        raise invalid(field, _("Choose among French, English and Spanish."))
    return [code for code in LANGUAGE_CODES if code in chosen]


def tell(
    *,
    user_id: int,
    key: str,
    title: Callable[[], str],
    url_name: str,
    url_kwargs: dict[str, Any],
    municipality,
) -> None:
    """Notify one person (topic `volunteering`, in their language) once the transaction
    commits, with a link to the page concerned."""
    titles = in_every_language(title)

    def send() -> None:
        from milieu.accounts.models import User
        from milieu.notifications.services import notify

        user = User.objects.filter(pk=user_id, is_active=True).first()
        if user is None:
            return
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            url = reverse(url_name, kwargs=url_kwargs)
        notify(
            user=user,
            topic=TOPIC,
            key=key,
            title=titles,
            url=url,
            municipality=municipality,
        )

    transaction.on_commit(send)
