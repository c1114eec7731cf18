"""`{{ value|small_number }}` and `{{ value|small_number:count }}`: see `core.smallnumbers`."""

from django import template

from milieu.core.smallnumbers import display

register = template.Library()


@register.filter
def small_number(value, count=None) -> str:
    return display(value, count=count)
