"""What the volunteering services share: field errors shaped like the forms', clean text, and
telling someone about a step once the transaction commits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from milieu.core.errors import field_error
from milieu.notifications.services import notify_after_commit

TOPIC = "volunteering"
LANGUAGE_CODES = ("fr", "en", "es")


invalid = field_error


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
    notify_after_commit(
        user_id=user_id,
        topic=TOPIC,
        key=key,
        title=title,
        url_name=url_name,
        url_kwargs=url_kwargs,
        municipality=municipality,
    )
