"""The registry of modules a municipality can switch on or off.

Each app registers its modules in its AppConfig.ready(); menus, pages (`module_required`) and the
API (`require_module`) read this registry, so a disabled module vanishes everywhere at once.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.http import Http404

if TYPE_CHECKING:
    from milieu.territory.models import Municipality


@dataclass(frozen=True)
class Module:
    key: str
    name: Any  # a lazily translated string
    description: Any
    url_name: str  # reversed with the municipality slug
    order: int = 100


_registry: dict[str, Module] = {}


def register(module: Module) -> Module:
    if module.key in _registry and _registry[module.key] != module:
        raise ValueError(f"Module {module.key!r} is already registered differently")
    _registry[module.key] = module
    return module


def all_modules() -> list[Module]:
    return sorted(_registry.values(), key=lambda m: (m.order, m.key))


def get(key: str) -> Module:
    return _registry[key]


def keys() -> set[str]:
    return set(_registry)


def enabled_modules(municipality: "Municipality") -> list[Module]:
    enabled = set(municipality.enabled_modules or [])
    return [m for m in all_modules() if m.key in enabled]


def is_enabled(municipality: "Municipality", key: str) -> bool:
    return key in (municipality.enabled_modules or [])


def module_required(key: str) -> Callable:
    """View decorator: the page does not exist in a municipality that has not enabled `key`.

    The view must receive the municipality as `request.municipality` (see `municipality_view`).
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not is_enabled(request.municipality, key):
                raise Http404("Module disabled")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
