"""Monthly active residents without browsing history.

`ActivityMiddleware` looks at the logged-in person once the response is ready: when their
`last_active_on` (already loaded with the user, no query) is today, it does nothing; a response
that never read the session (a feed, a file) is left alone. Otherwise it
records the day (`services_indicators.activity_record`), at most once a day per person; the day
moving into a new month adds one to their home municipality's counter for that month. Nothing
else is kept per person: not the pages, not the times, not the number of visits.

The record is written once the request's own work is committed (`transaction.on_commit`; at
once outside a transaction, as in production's autocommit): it never joins a request's
transaction nor adds to the queries a page makes. (Inside a test's transaction it waits for a
commit that never comes, unless the test runs the on-commit callbacks.)
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import SESSION_KEY
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone


class ActivityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only where the response already read the session (every page does, for its header):
        # reading it here would add `Vary: Cookie` to what must stay cacheable (feeds, files).
        if session is None or not session.accessed or SESSION_KEY not in session:
            return response  # anonymous: nothing to count, and no user to load
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return response
        today = timezone.localdate()
        if user.last_active_on == today:
            return response
        from .services_indicators import activity_record

        transaction.on_commit(lambda: activity_record(user=user, today=today))
        return response
