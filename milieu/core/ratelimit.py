"""Rate limits for what people do (post, comment, message, report): fixed windows counted in the
cache, checked by the services, so the pages and the API refuse the same way.

    ratelimit.hit("community:post", actor.pk, limits=[Limit(10, 600), Limit(50, 86_400)])

raises `RateLimited` (HTTP 429, with the seconds to wait) once an actor has used up one of the
limits. A window is a fixed period of the clock (for instance the current ten minutes): cheap (one
`add` and one `incr` per limit) and good enough against floods. The counts live in the cache: a
flushed cache forgets them, which errs on the side of letting people act.
"""

import time
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import gettext as _

from .errors import RateLimited


@dataclass(frozen=True)
class Limit:
    count: int  # at most this many...
    seconds: int  # ...per window of this many seconds


def _key(action: str, who: object, limit: Limit, window: int) -> str:
    return f"ratelimit:v1:{action}:{who}:{limit.seconds}:{window}"


def hit(action: str, who: object, *, limits: list[Limit], now: float | None = None) -> None:
    """Count one `action` by `who` (an id, or an IP address) against every limit; raise
    `RateLimited` when one is exceeded. The refused attempt is not counted, so waiting for the
    window to end is enough."""
    now = time.time() if now is None else now
    keys = []
    for limit in limits:
        window = int(now // limit.seconds)
        keys.append((limit, window, _key(action, who, limit, window)))
    counts = cache.get_many([key for _limit, _window, key in keys])
    for limit, window, key in keys:
        if counts.get(key, 0) >= limit.count:
            retry_after = max(1, int((window + 1) * limit.seconds - now))
            raise RateLimited(
                _("You have done this too often. Try again in %(minutes)s minutes.")
                % {"minutes": max(1, round(retry_after / 60))},
                retry_after=retry_after,
            )
    for limit, _window, key in keys:
        if not cache.add(key, 1, limit.seconds + 60):
            try:
                cache.incr(key)
            except ValueError:  # expired between the add and the incr
                cache.set(key, 1, limit.seconds + 60)


def reset(action: str, who: object, *, limits: list[Limit], now: float | None = None) -> None:
    """Forget the current windows' counts (tests, and staff lifting a limit)."""
    now = time.time() if now is None else now
    cache.delete_many([_key(action, who, limit, int(now // limit.seconds)) for limit in limits])
