"""The registry of demo-data loaders: each app registers one in its AppConfig.ready().

`manage.py load_demo` runs them in order. Every loader must be idempotent: running the demo twice
leaves the same rows as running it once.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoLoader:
    name: str
    load: Callable[[], list[str]]  # returns lines to print (e.g. the demo logins)
    order: int


_loaders: dict[str, DemoLoader] = {}


def register(name: str, load: Callable[[], list[str]], *, order: int = 100) -> None:
    _loaders[name] = DemoLoader(name=name, load=load, order=order)


def loaders() -> list[DemoLoader]:
    return sorted(_loaders.values(), key=lambda loader: (loader.order, loader.name))
