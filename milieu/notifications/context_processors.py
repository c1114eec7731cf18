"""The unread count of the badge in the site header, for logged-in people.

The count is computed only when a template uses it (one query on the partial index
`notification_unread`), so that pages and responses that do not show the badge pay nothing.
"""

from functools import cache


def notifications(request) -> dict:
    @cache
    def unread_count() -> int:  # the template calls it; computed at most once per response
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return 0
        from .selectors import notification_unread_count

        return notification_unread_count(user=user)

    return {"notification_unread_count": unread_count}
