import logging
import re
import time
import uuid

from django.utils.functional import empty

from milieu.core import prefetch

logger = logging.getLogger("milieu.request")

# Paths whose last part is a secret (a private calendar's token, a ticket, an unsubscribe
# link's token): the log keeps the route and leaves the secret out.
SECRET_PATHS = re.compile(
    r"(?P<route>/events/calendar/|/events/check-in/|/notifications/unsubscribe/)[^/]+"
)


def loggable_path(path: str) -> str:
    return SECRET_PATHS.sub(r"\g<route>…", path)


class RequestLogMiddleware:
    """One structured log line per request: id, method, path, status, duration, and the user id
    when the request read the user (a request that never needs the person, such as a static
    file or `/healthz`, does not load them just for the log).

    It is also the end of the request for `core.prefetch`: the cache entries computed during
    the request are written here, together."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        start = time.perf_counter()
        with prefetch.batch():
            response = self.get_response(request)
        user = getattr(request, "user", None)
        if getattr(user, "_wrapped", None) is empty:  # never read: not loaded for this
            user = None
        logger.info(
            "request",
            extra={
                "request_id": request.request_id,
                "method": request.method,
                "path": loggable_path(request.path),
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - start) * 1000, 1),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            },
        )
        response["X-Request-ID"] = request.request_id
        return response
