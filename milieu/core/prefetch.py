"""Cache entries read on almost every request of a logged-in person, fetched with the person.

The logged-in user, their access facts and their unread count are each cached; read one by one
they cost a round trip to the cache each. The authentication backend (`accounts.backends`)
reads every registered entry together with the user, in one `get_many`, and stashes the values
on the user object; the code that owns an entry asks `take()` before going to the cache.

A stashed value is only ever older than the cache until a write in this process forgets one of
these entries: every forget calls `forgotten()`, and from then on `take()` answers None (so the
owner reads the cache again, which the forget has emptied).

Apps register the key of their entry in `AppConfig.ready()`:

    prefetch.register(unread_cache_key)  # a function of the user id

and read and keep it with `get(user, key)` and `put(user, key, value, seconds)`:

- `get` answers from the stash, where an entry that was absent is known to be absent (no second
  round trip to find out again);
- `put` (after computing a missing entry) keeps the value for the end of the request, when
  `batch` (opened by `core.middleware` around each request) writes every entry computed during
  the request in one `set_many`: the first request of a person after their entries expired
  computes the user and their access facts, and writes them in one round trip instead of two.
  A forget in this process since the value was computed drops it (the write would put an old
  value back). Outside a request (tasks, commands, a user not read by the backend) `put` writes
  at once.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.cache import cache

from milieu.core import caching

_key_functions: list[Callable[[int], str]] = []
_generation = 0


def register(key_for: Callable[[int], str]) -> None:
    if key_for not in _key_functions:
        _key_functions.append(key_for)


def keys_for(user_id: int) -> list[str]:
    return [key_for(user_id) for key_for in _key_functions]


def stash(user, values: dict[str, Any], fetched: Iterable[str] = ()) -> None:
    """Keep on the user what was read with it: `values` found, among the keys `fetched`."""
    user._milieu_prefetched = (_generation, values, frozenset(fetched) | values.keys())


def take(user, key: str) -> Any | None:
    """The value of `key` fetched with the user, or None (not fetched, not in the cache, or
    possibly stale since a forget)."""
    stashed = getattr(user, "_milieu_prefetched", None)
    if stashed is None or stashed[0] != _generation:
        return None
    return stashed[1].get(key)


def get(user, key: str) -> Any | None:
    """The entry `key` of this person: from what was fetched with the user while it is good
    (absent then means absent now), else from the cache."""
    stashed = getattr(user, "_milieu_prefetched", None)
    if stashed is not None and stashed[0] == _generation and key in stashed[2]:
        return stashed[1].get(key)
    return cache.get(key)


_pending: ContextVar[list[tuple[int, str, Any, int]] | None] = ContextVar(
    "milieu_prefetch_pending", default=None
)


@contextmanager
def batch() -> Iterator[None]:
    """The span of a request (`core.middleware`): what `put` keeps inside is written at the
    end, in one round trip per expiry, skipping what a forget in this process has made stale
    since it was computed."""
    pending: list[tuple[int, str, Any, int]] = []
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
        by_expiry: dict[int, dict[str, Any]] = {}
        for generation, key, value, seconds in pending:
            if generation == _generation:
                by_expiry.setdefault(seconds, {})[key] = value
        for seconds, values in by_expiry.items():
            cache.set_many(values, seconds)


def put(user, key: str, value: Any, seconds: int, *, now: bool = False) -> None:
    """Keep an entry computed for this person: `get` finds it for the rest of the request; it is
    written at the end of the request with the others (`batch`), or at once (`now`, or outside
    a request)."""
    stashed = getattr(user, "_milieu_prefetched", None)
    if stashed is not None and stashed[0] == _generation:
        stashed[1][key] = value
    pending = _pending.get()
    if now or pending is None:
        cache.set(key, value, seconds)
    else:
        pending.append((_generation, key, value, seconds))


def forgotten() -> None:
    """Called by every forget of a registered entry: what was stashed before may be stale."""
    global _generation
    _generation += 1


def forget(keys: Iterable[str]) -> None:
    """Forget entries read with the user (`caching.forget`), and the stashes of this process."""
    forgotten()
    caching.forget(keys)
