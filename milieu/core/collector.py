"""Keep Python's cycle collector off the objects a server process keeps for its whole life.

A web worker holds a few hundred thousand long-lived objects: Django and the apps, the URL
configuration, compiled templates and queries, the kept pages' index. Python's collector of
reference cycles walks all of them in each of its full collections, which came about once per
hundred first visits of the community feed and cost 100 to 120 ms each: 1.4 ms per first visit,
0.15 ms once frozen (`bench/profile_view.py --collector`). `gc.freeze()` moves the objects alive
at that moment out of the collector's sight; they are still freed by reference counting.

`settle_after(requests)` freezes once the process has served each of the numbers of requests
given (the first requests load templates, the URL configuration and the database connections);
`config/wsgi.py` and `config/asgi.py` call it, so every production server process does so, and
the tests do not.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable

from django.core.signals import request_finished

_lock = threading.Lock()
_served = 0
_points: frozenset[int] = frozenset()


def settle() -> None:
    """Collect what is garbage now, then freeze what is alive."""
    gc.collect()
    gc.freeze()


def _finished(**_kwargs) -> None:
    global _served
    with _lock:
        _served += 1
        due = _served in _points
        last = _served >= max(_points, default=0)
    if due:
        settle()
    if last:
        request_finished.disconnect(_finished, dispatch_uid="milieu.core.collector")


def settle_after(requests: Iterable[int] = (1, 200)) -> None:
    """Freeze the long-lived objects after the process has served each of `requests`
    requests (and once now, after the application has loaded)."""
    global _points, _served
    _points = frozenset(requests)
    _served = 0
    settle()
    if _points:
        request_finished.connect(_finished, dispatch_uid="milieu.core.collector")
