"""A server process freezes its long-lived objects once loaded and after its first requests
(`core.collector`, called by `config/wsgi.py` and `config/asgi.py`)."""

import gc

from django.core.signals import request_finished

from milieu.core import collector


def test_the_long_lived_objects_are_frozen_at_start_and_after_the_given_requests(monkeypatch):
    frozen: list[int] = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(collector._served))
    monkeypatch.setattr(gc, "collect", lambda *args: 0)

    def listening() -> bool:
        return any(key[0] == "milieu.core.collector" for key, *_rest in request_finished.receivers)

    try:
        collector.settle_after((1, 3))
        assert frozen == [0] and listening()
        for _ in range(5):  # what the signal calls at the end of each request
            collector._finished()
        assert frozen == [0, 1, 3]
        assert not listening()  # done: it no longer listens to requests
    finally:
        request_finished.disconnect(dispatch_uid="milieu.core.collector")


def test_the_servers_entry_points_settle_the_process(monkeypatch):
    calls: list[tuple] = []
    monkeypatch.setattr(collector, "settle_after", lambda *args: calls.append(args))
    import importlib

    for name in ("config.wsgi", "config.asgi"):
        module = importlib.import_module(name)
        calls.clear()
        importlib.reload(module)
        assert calls == [()], name
