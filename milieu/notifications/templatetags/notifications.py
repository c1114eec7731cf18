from django import template
from django.utils.safestring import SafeString

from milieu.notifications import rendering

register = template.Library()


@register.simple_tag(takes_context=True)
def notification_badge(context, *, oob: bool = False) -> SafeString:
    """The unread badge, from the count the context processor computes at most once."""
    return rendering.badge(context["notification_unread_count"](), oob=oob)
