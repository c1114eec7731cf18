"""The moves every cache in Milieu makes (see docs/architecture.md, "Performance").

- `forget(keys)`: delete entries now and again after the commit, so that a request reading
  between the write and the commit cannot put the old value back for long;
- `bump(key)`: give a version counter a new value (what is cached under the old one is never
  read again); `renew(keys)` bumps now and again after the commit (as `forget` deletes);
  `versions(keys)` reads counters in one call, starting those that have none;
- `json_response(key, compute, seconds)`: an API answer whose key names a version, its JSON
  body computed once and then sent as it is (no validation or serialisation per request).
"""

import json
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from ninja.responses import NinjaJSONEncoder


def forget(keys: Iterable[str]) -> None:
    keys = list(keys)
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # not in the cache (new, or evicted): any value but the last one
        cache.set(key, time.time_ns(), None)


def renew(keys: Iterable[str]) -> None:
    """Bump every counter of `keys` now and again after the commit."""
    keys = list(dict.fromkeys(keys))

    def bump_all() -> None:
        for key in keys:
            bump(key)

    if keys:
        bump_all()
        transaction.on_commit(bump_all)


def versions(keys: Iterable[str]) -> dict[str, int]:
    """The current value of each version counter of `keys`, in one call; a counter not in the
    cache (new, or evicted) starts now, at a value it never had."""
    keys = list(keys)
    found = cache.get_many(keys) if keys else {}
    for key in keys:
        if found.get(key) is None:
            start = time.time_ns()
            cache.add(key, start, None)
            found[key] = cache.get(key, start)
    return found


def json_response(key: str, compute: Callable[[], Any], seconds: int) -> HttpResponse:
    """`compute()` returns plain data (dicts, lists, dates), encoded as django-ninja would."""
    body = cache.get(key)
    if body is None:
        body = json.dumps(compute(), cls=NinjaJSONEncoder).encode()
        cache.set(key, body, seconds)
    return HttpResponse(body, content_type="application/json; charset=utf-8")
