"""Keyset pagination for the API: one page of a queryset after an opaque cursor.

`keyset_page(queryset, ("-created_at", "-pk"), cursor, limit)` orders by the given fields (`-`
for descending; the last must make the order total, usually the primary key), reads one row more
than the page to know whether another follows, and returns the page with the cursor of the next
one (or `None`). The cursor is the last row's values, JSON in URL-safe base64; a cursor that does
not decode for these fields is a `validation` error on the field `cursor`, never a 500.
"""

from __future__ import annotations

import base64
import binascii
import json

from django.core.exceptions import ValidationError
from django.db.models import Field, Model, Q, QuerySet
from django.utils.translation import gettext as _

from .errors import ApplicationError


def _encode(values: list) -> str:
    raw = json.dumps(values, default=str)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _bad_cursor() -> ApplicationError:
    return ApplicationError(
        _("This page does not exist; start from the first page."),
        code="validation",
        extra={"fields": {"cursor": [_("Invalid cursor.")]}},
    )


def _field(model: type[Model], name: str) -> Field:
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    assert isinstance(field, Field)
    return field


def _decode(model: type[Model], order: tuple[str, ...], cursor: str) -> list:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != len(order):
            raise ValueError(cursor)
        fields = [_field(model, name.lstrip("-")) for name in order]
        return [field.to_python(value) for field, value in zip(fields, values, strict=True)]
    except (ValueError, ValidationError, binascii.Error, UnicodeDecodeError):
        raise _bad_cursor() from None


def keyset_page(
    queryset: QuerySet, order: tuple[str, ...], cursor: str | None, limit: int
) -> tuple[list, str | None]:
    """One page of `queryset` ordered by `order` after `cursor`, and the next page's cursor:
    one query whatever the page."""
    if cursor:
        values = _decode(queryset.model, order, cursor)
        after, equal = Q(), Q()
        for name, value in zip(order, values, strict=True):
            field = name.lstrip("-")
            after |= equal & Q(**{f"{field}__{'lt' if name.startswith('-') else 'gt'}": value})
            equal &= Q(**{field: value})
        queryset = queryset.filter(after)
    rows = list(queryset.order_by(*order)[: limit + 1])
    items = rows[:limit]
    if len(rows) <= limit:
        return items, None
    return items, _encode([getattr(items[-1], name.lstrip("-")) for name in order])
