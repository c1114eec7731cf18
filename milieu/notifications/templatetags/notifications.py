from django import template
from django.utils.safestring import SafeString

from milieu.core import pagecache
from milieu.notifications import rendering

register = template.Library()


@register.simple_tag(takes_context=True)
def notification_badge(context, *, oob: bool = False) -> SafeString:
    """The unread badge, from the count the context processor computes at most once; a hole
    filled on each request in a page kept by `core.pagecache`."""
    if context.get(pagecache.CONTEXT_FLAG) and not oob:
        return pagecache.hole("notification-badge")
    return rendering.badge(context["notification_unread_count"](), oob=oob)
