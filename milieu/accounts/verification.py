"""The registry of residency-verification methods.

Each method is a `VerificationMethod` registered here at import (see the bottom of the module);
`services.verification` runs the flows, and a municipality's pages list the registered methods.
Adding a method is adding an entry, not editing a chain of `elif`.
"""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class VerificationMethod:
    key: str
    name: Any  # lazily translated
    description: Any
    citizen_starts: bool  # False for methods only staff start (at the counter)
    order: int = 100


_methods: dict[str, VerificationMethod] = {}


def register(method: VerificationMethod) -> VerificationMethod:
    if method.key in _methods and _methods[method.key] != method:
        raise ValueError(f"Verification method {method.key!r} is already registered differently")
    _methods[method.key] = method
    return method


def get(key: str) -> VerificationMethod:
    return _methods[key]


def all_methods() -> list[VerificationMethod]:
    return sorted(_methods.values(), key=lambda m: (m.order, m.key))
