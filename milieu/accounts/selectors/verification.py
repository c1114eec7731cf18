"""Reads for residency verification: address matching, a citizen's own verification, and the
staff's queues and decisions log (each scoped to one municipality and checked against a perm)."""

import re
import unicodedata

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import gettext as _

from milieu.core.errors import NotFound, PermissionDenied
from milieu.territory.models import Municipality

from ..models import CivicAddress, User, Verification
from ..verification import COUNTER, DOCUMENT, REGISTRY_LETTER

DECIDE = "accounts.decide_verification"
MANAGE_REGISTRY = "accounts.manage_civic_registry"

# --- Normalising addresses ----------------------------------------------------------------------

# Canadian postal codes: no D, F, I, O, Q, U anywhere; no W or Z in first position.
POSTAL_CODE_RE = re.compile(r"^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]\d[ABCEGHJ-NPRSTV-Z]\d$")

# Abbreviations found in registries and typed by citizens, mapped to one spelling. "rue" and the
# other street types are kept: they are part of the name ("rue Principale" ≠ "boulevard Principale").
STREET_ABBREVIATIONS = {
    "boul": "boulevard",
    "bd": "boulevard",
    "blvd": "boulevard",
    "av": "avenue",
    "ave": "avenue",
    "ch": "chemin",
    "rte": "route",
    "mtee": "montee",
    "pl": "place",
    "terr": "terrasse",
    "cr": "croissant",
    "crois": "croissant",
    "prom": "promenade",
    "imp": "impasse",
    "rd": "road",
    "dr": "drive",
    "ste": "sainte",
    "stes": "saintes",
    "sts": "saints",
}
# Words left out of the looser comparison used when the exact key does not match.
STREET_GENERIC_WORDS = {
    "rue",
    "avenue",
    "boulevard",
    "chemin",
    "route",
    "montee",
    "place",
    "rang",
    "terrasse",
    "croissant",
    "promenade",
    "impasse",
    "allee",
    "street",
    "road",
    "drive",
    "de",
    "du",
    "des",
    "la",
    "le",
    "les",
    "l",
    "d",
}


def normalise_postal_code(value: str) -> str:
    """`h0h 0h0`, `H0H-0H0` → `H0H0H0` (not validated: see `POSTAL_CODE_RE`)."""
    return re.sub(r"[\s\-]", "", value or "").upper()


def normalise_civic_number(value: str) -> str:
    """` 12 a ` → `12A`."""
    return re.sub(r"\s", "", value or "").upper()


def street_key(value: str) -> str:
    """The form of a street name used for matching.

    Lowercase, accents removed, punctuation and hyphens turned into spaces, spaces collapsed,
    common abbreviations spelled out: `Boul. Saint-Laurent` and `boulevard  st laurent` give
    `boulevard saint laurent`. "St" is "saint" except as the last word ("Main St" → street).
    """
    text = (value or "").replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    tokens = re.findall(r"[^\W_]+", text)
    words = []
    for position, word in enumerate(tokens):
        if word == "st":
            words.append("street" if position == len(tokens) - 1 and position > 0 else "saint")
        else:
            words.append(STREET_ABBREVIATIONS.get(word, word))
    return " ".join(words)[:200]


def _street_core(key: str) -> str:
    return " ".join(word for word in key.split() if word not in STREET_GENERIC_WORDS)


def civic_address_match(
    *, municipality: Municipality, civic_number: str, street: str, postal_code: str
) -> CivicAddress | None:
    """The registry line for an address as a citizen typed it, or None.

    The postal code and civic number must match exactly (once normalised); the street by its key,
    or, when that fails, by its name without the street type and articles ("Principale" for
    "rue Principale") provided exactly one line of that postal code and number fits.
    """
    candidates = list(
        CivicAddress.objects.filter(
            municipality=municipality,
            postal_code=normalise_postal_code(postal_code),
            civic_number=normalise_civic_number(civic_number),
        ).select_related("district")[:20]
    )
    key = street_key(street)
    if not key:
        return None
    for address in candidates:
        if address.street_key == key:
            return address
    core = _street_core(key)
    loose = [a for a in candidates if core and _street_core(a.street_key) == core]
    return loose[0] if len(loose) == 1 else None


# --- A citizen's own verification ---------------------------------------------------------------


def verification_current(*, user, municipality: Municipality) -> Verification | None:
    """The citizen's latest verification in this municipality (None for visitors)."""
    if not user.is_authenticated:
        return None
    return (
        Verification.objects.filter(user=user, municipality=municipality)
        .select_related("address", "decided_by")
        .order_by("-created_at", "-pk")
        .first()
    )


# --- Staff --------------------------------------------------------------------------------------


def _require(visible_to, municipality: Municipality, perm: str = DECIDE) -> None:
    if not visible_to.has_perm(perm, municipality):
        raise PermissionDenied(_("You are not allowed to see this municipality's verifications."))


def _filtered(qs: QuerySet[Verification], method: str | None, status: str | None):
    if method:
        qs = qs.filter(method=method)
    if status:
        qs = qs.filter(status=status)
    return qs


def verification_list(
    *,
    visible_to,
    municipality: Municipality,
    method: str | None = None,
    status: str | None = None,
) -> QuerySet[Verification]:
    """Every verification of the municipality, newest first, optionally by method and status."""
    _require(visible_to, municipality)
    qs = (
        Verification.objects.filter(municipality=municipality)
        .select_related("user", "decided_by", "revoked_by", "address", "address__district")
        .order_by("-created_at", "-pk")
    )
    return _filtered(qs, method, status)


def verification_get(
    *, visible_to, municipality: Municipality, verification_id: int
) -> Verification:
    """A verification of *this* municipality; another municipality's is simply not found."""
    try:
        return verification_list(visible_to=visible_to, municipality=municipality).get(
            pk=verification_id
        )
    except Verification.DoesNotExist:
        raise NotFound(_("This verification does not exist.")) from None


def document_queue(*, visible_to, municipality: Municipality) -> QuerySet[Verification]:
    """Proofs of address waiting for a decision, oldest first."""
    _require(visible_to, municipality)
    return (
        Verification.objects.filter(
            municipality=municipality, method=DOCUMENT, status=Verification.Status.PENDING
        )
        .select_related("user")
        .order_by("created_at", "pk")
    )


def decision_log(
    *,
    visible_to,
    municipality: Municipality,
    method: str | None = None,
    status: str | None = None,
) -> QuerySet[Verification]:
    """Every decision (who, when, method, outcome, and any revocation), newest first."""
    _require(visible_to, municipality)
    qs = (
        Verification.objects.filter(municipality=municipality, decided_at__isnull=False)
        .select_related("user", "decided_by", "revoked_by")
        .order_by("-decided_at", "-pk")
    )
    return _filtered(qs, method, status)


def letters_to_print(*, visible_to, municipality: Municipality) -> QuerySet[Verification]:
    """Pending letter verifications whose letter has not been printed yet."""
    _require(visible_to, municipality)
    return Verification.objects.filter(
        municipality=municipality,
        method=REGISTRY_LETTER,
        status=Verification.Status.PENDING,
        letter_printed_at__isnull=True,
        address__isnull=False,
    )


def letters_awaiting_code(*, visible_to, municipality: Municipality) -> QuerySet[Verification]:
    """Letters printed and mailed whose code has not been entered yet (they can be reprinted)."""
    _require(visible_to, municipality)
    return (
        Verification.objects.filter(
            municipality=municipality,
            method=REGISTRY_LETTER,
            status=Verification.Status.PENDING,
            letter_printed_at__isnull=False,
        )
        .select_related("user", "address")
        .order_by("letter_printed_at", "pk")
    )


def civic_registry_summary(*, visible_to, municipality: Municipality) -> dict:
    """How many addresses the registry holds and when it was last imported."""
    _require(visible_to, municipality, MANAGE_REGISTRY)
    return CivicAddress.objects.filter(municipality=municipality).aggregate(
        count=Count("pk"), last_import=Max("imported_at")
    )


def verification_counts(*, visible_to, municipality: Municipality) -> dict[str, int]:
    """What waits for staff: letters to print, proofs of address to review."""
    _require(visible_to, municipality)
    pending = Verification.Status.PENDING
    return Verification.objects.filter(municipality=municipality, status=pending).aggregate(
        letters_to_print=Count(
            "pk",
            filter=Q(method=REGISTRY_LETTER, letter_printed_at__isnull=True, address__isnull=False),
        ),
        letters_awaiting_code=Count(
            "pk", filter=Q(method=REGISTRY_LETTER, letter_printed_at__isnull=False)
        ),
        documents=Count("pk", filter=Q(method=DOCUMENT)),
    )


def user_for_counter(*, visible_to, municipality: Municipality, email: str) -> User:
    """The account a resident at the counter names by its email address."""
    _require(visible_to, municipality)
    user = User.objects.filter(email__iexact=(email or "").strip()).first()
    if user is None:
        raise NotFound(_("No account uses this email address. Create an assisted account instead."))
    return user


def assisted_account_list(*, visible_to, municipality: Municipality) -> QuerySet[User]:
    """Accounts staff of this municipality created for residents and still manage.

    An account leaves the list (and staff lose the right to change it) as soon as its owner has
    chosen a password or logged in: from then on, only the owner manages it.
    """
    _require(visible_to, municipality)
    return (
        User.objects.filter(
            verifications__municipality=municipality,
            verifications__method=COUNTER,
            verifications__consent_recorded_at__isnull=False,
            password__startswith=UNUSABLE_PASSWORD_PREFIX,
            last_login__isnull=True,
        )
        .distinct()
        .order_by("display_name", "pk")
    )


def assisted_account_get(*, visible_to, municipality: Municipality, user_id: int) -> User:
    try:
        return assisted_account_list(visible_to=visible_to, municipality=municipality).get(
            pk=user_id
        )
    except User.DoesNotExist:
        raise NotFound(_("This account is not managed by the municipality.")) from None
