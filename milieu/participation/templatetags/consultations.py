"""Template filters of the consultation pages: `{{ obj|translated:"title" }}` (the reader's
language, else the original) and `{{ obj|shown_language:"title" }}` (the language shown, for
`lang=`)."""

from django import template
from django.utils.translation import get_language

from milieu.core.mixins import LANGUAGE_CODES

register = template.Library()


@register.filter
def translated(obj, field: str) -> str:
    return obj.translated(field) if obj is not None else ""


@register.filter
def shown_language(obj, field: str) -> str:
    language = (get_language() or "fr")[:2]
    if language in LANGUAGE_CODES and bool(getattr(obj, f"{field}_{language}", None)):
        return language
    return obj.original_language


@register.filter
def get_item(mapping, key):
    if not mapping:
        return None
    return mapping.get(key, mapping.get(str(key)))


@register.filter
def last_phase(consultation):
    phases = list(consultation.phases.all())
    return phases[-1] if phases else None
