"""The unread badge of every page and the notification centre's list items, written here rather
than in templates.

A page holds up to 30 notifications; through the template language each one cost about forty
node renders (a third of a millisecond), which made the centre the slowest page after the card.
The markup is the one the template had; every value is escaped (`_text`).
"""

from collections.abc import Iterable
from html import escape

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def _text(value) -> str:
    """Escaped for HTML text and attribute values (what Django's `escape` does, without its
    lazy-string machinery, which cost more than the escaping itself here)."""
    return escape(str(value), quote=True)


def _lines(value: str) -> str:
    """Escaped, with line breaks as `<br>` (the template's `linebreaksbr`)."""
    return _text(value.replace("\r\n", "\n").replace("\r", "\n")).replace("\n", "<br>")


def centre_items(notifications: Iterable) -> SafeString:
    """The `<li>` of each notification, as prepared by `views._centre` (`safe_url`, `preview`,
    `is_long`)."""
    unread_label = _text(_("Unread"))
    whole, mark_read = _text(_("Read the whole message")), _text(_("Mark as read"))
    items = []
    for notification in notifications:
        pk, unread = notification.pk, notification.read_at is None
        title = _text(notification.title)
        if notification.safe_url:
            title = f'<a href="{_text(notification.safe_url)}">{title}</a>'
        if unread:
            title = f'<span class="unread-mark">{unread_label}</span> {title}'
        body = ""
        if notification.body:
            more = ""
            if notification.is_long:
                url = reverse("notifications:detail", args=[pk])
                more = f' <a href="{url}" aria-describedby="n{pk}">{whole}</a>'
            body = f"<p>{_lines(notification.preview)}{more}</p>"
        button = ""
        if unread:
            button = (
                f' <button type="submit" name="id" value="{pk}" class="link" '
                f'aria-describedby="n{pk}">{mark_read}</button>'
            )
        created = localtime(notification.created_at)
        css = ' class="unread"' if unread else ""
        items.append(
            f'<li{css}><h3 id="n{pk}">{title}</h3>{body}'
            f'<p class="actions small"><time datetime="{created.strftime("%Y-%m-%dT%H:%M%z")}">'
            f"{_text(date_format(created, 'DATETIME_FORMAT'))}</time>{button}</p></li>"
        )
    return mark_safe("".join(items))  # noqa: S308 - every value above is escaped


def badge(count: int, *, oob: bool = False) -> SafeString:
    """The unread count in the site header: polled every minute by htmx (`notifications:count`)
    and swapped out of band after "mark as read". Read aloud as "N unread notifications"."""
    label = ngettext(
        "%(counter)s unread notification", "%(counter)s unread notifications", count
    ) % {"counter": count}
    css = "notification-count" if count else "notification-count none"
    extra = ' hx-swap-oob="outerHTML"' if oob else ""
    return mark_safe(  # noqa: S308 - the label is escaped, the rest is ours
        f'<span id="notification-count" class="{css}" role="img" aria-label="{_text(label)}" '
        f'hx-get="{reverse("notifications:count")}" hx-trigger="every 60s" '
        f'hx-swap="outerHTML"{extra}>{"99+" if count > 99 else count}</span>'
    )


def badge_for(request) -> SafeString:
    """The badge of the person making the request (the hole of pages kept by `core.pagecache`)."""
    from .selectors import notification_unread_count

    user = request.user
    return badge(notification_unread_count(user=user) if user.is_authenticated else 0)
