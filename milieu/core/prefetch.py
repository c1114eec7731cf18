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
"""

from collections.abc import Callable, Iterable
from typing import Any

from milieu.core import caching

_key_functions: list[Callable[[int], str]] = []
_generation = 0


def register(key_for: Callable[[int], str]) -> None:
    if key_for not in _key_functions:
        _key_functions.append(key_for)


def keys_for(user_id: int) -> list[str]:
    return [key_for(user_id) for key_for in _key_functions]


def stash(user, values: dict[str, Any]) -> None:
    user._milieu_prefetched = (_generation, values)


def take(user, key: str) -> Any | None:
    """The value of `key` fetched with the user, or None (not fetched, not in the cache, or
    possibly stale since a forget)."""
    stashed = getattr(user, "_milieu_prefetched", None)
    if stashed is None or stashed[0] != _generation:
        return None
    return stashed[1].get(key)


def forgotten() -> None:
    """Called by every forget of a registered entry: what was stashed before may be stale."""
    global _generation
    _generation += 1


def forget(keys: Iterable[str]) -> None:
    """Forget entries read with the user (`caching.forget`), and the stashes of this process."""
    forgotten()
    caching.forget(keys)
