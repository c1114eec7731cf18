"""The registry of residency-verification methods.

Each method is a `VerificationMethod` registered here at import (see the bottom of the module);
`services.verification` runs the flows, and a municipality's pages list the registered methods.
Adding a method is adding an entry, not editing a chain of `elif`.
"""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class VerificationMethod:
    key: str
    name: Any  # lazily translated
    description: Any
    citizen_starts: bool  # False for methods only staff start (at the counter)
    order: int = 100
    start_url_name: str = ""  # the citizen's page that starts it (reversed with the slug)


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


# --- The three methods of issue 3 ---------------------------------------------------------------

REGISTRY_LETTER = "registry_letter"
DOCUMENT = "document"
COUNTER = "counter"

register(
    VerificationMethod(
        key=REGISTRY_LETTER,
        name=_("Address and letter by post"),
        description=_(
            "Give your address: if it is in the municipality's civic registry, a letter with a "
            "one-time code is mailed to you. Enter the code here to be verified."
        ),
        citizen_starts=True,
        order=10,
        start_url_name="accounts_identity:claim_address",
    )
)
register(
    VerificationMethod(
        key=DOCUMENT,
        name=_("Proof of address"),
        description=_(
            "Send a recent proof of address (PDF, JPEG or PNG, 5 MB at most). Municipal staff "
            "review it; the file is deleted as soon as they decide."
        ),
        citizen_starts=True,
        order=20,
        start_url_name="accounts_identity:submit_document",
    )
)
register(
    VerificationMethod(
        key=COUNTER,
        name=_("At the counter"),
        description=_(
            "Come to a municipal service point with a proof of address: staff verify you in "
            "person, and can create an account for you if you have no computer."
        ),
        citizen_starts=False,
        order=30,
    )
)
