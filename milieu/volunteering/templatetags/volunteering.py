"""Template filters of the volunteering pages: the availability grid, times of the week and
languages named in the reader's language."""

from __future__ import annotations

from django import template

from .. import forms
from ..models.volunteering import LANGUAGES

register = template.Library()


@register.filter
def availability_grid(bound_field):
    return forms.availability_grid(bound_field)


@register.filter
def slot_labels(codes) -> list[str]:
    labels = dict(forms.availability_choices())
    return [str(labels[code]) for code in codes or [] if code in labels]


@register.filter
def language_labels(codes) -> list[str]:
    names = dict(LANGUAGES)
    return [str(names[code]) for code in codes or [] if code in names]


@register.filter
def slot_codes(slots) -> list[str]:
    from ..availability import to_codes

    return to_codes(int(slots or 0))
