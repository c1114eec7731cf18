"""The citizen card: Ed25519 keys per municipality; signing and verifying card tokens.

This module holds the cryptography and the key rows; it has no views and checks no permission.
Pages, the API and staff tools go through `services.card` (writes) and `selectors.card` (reads).

The token
    A compact JWS. Header: ``{"alg": "EdDSA", "kid": …, "typ": "citizen-card+jws"}``. Payload:
    ``iss`` (the municipality slug), ``sub`` (the citizen id number), ``name`` (display name),
    ``exp`` (the citizen id's expiry), ``iat`` and ``nbf`` (the signing time), ``jti`` (random,
    unique) — and nothing else: no address, no email.

Keys (`CardKey`)
    One active key per municipality signs; it is created on first use. The private JWK is stored
    encrypted with Fernet under a key derived from SECRET_KEY with HKDF-SHA256 (the
    SECRET_KEY_FALLBACKS still decrypt, so SECRET_KEY can rotate); the public JWK is stored as
    JSON. `kid` is the start of the key's RFC 7638 thumbprint. While a key signs,
    `publish_until` follows the latest expiry of the cards it signed, so when
    `card_key_rotate` retires it, `publish_until` is exactly the moment its last card expires:
    the key stays in the JWKS until then, and afterwards its cards are refused as `unknown_key`
    (they have all expired anyway).

Revocation
    By citizen id: a card is revoked when its citizen id (``iss`` + ``sub``) is revoked
    (`CitizenId.revoked_at` set) or no longer exists. Renewing a citizen id does not supersede
    the cards already handed out: they still name the same person and expire at their own
    ``exp``. The published revocation list holds the revoked citizen ids that have not expired
    yet (an expired card is refused for its expiry anyway), so it stays short. ``jti`` identifies
    one card for logs and leaves room for revoking a single card later (that would need a table
    of issued cards).

Verification order (server and `static/js/card-verifier.js` alike)
    malformed → unknown_key (no published key with this `kid` for this issuer) → bad_signature →
    expired → not_yet_valid (60 s of clock leeway) → revoked.
"""

import base64
import binascii
import functools
import json
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from jwcrypto.jwk import JWK
from jwcrypto.jws import JWS

from milieu.core import caching
from milieu.core.errors import ApplicationError
from milieu.territory.models import Municipality

from .models import CardKey, CitizenId

TOKEN_TYPE = "citizen-card+jws"  # noqa: S105 - the JWS `typ`, not a secret
ALGORITHM = "EdDSA"
CLAIMS = ("iss", "sub", "name", "exp", "iat", "nbf", "jti")
MAX_TOKEN_LENGTH = 2048  # a card is about 450 characters
NOT_BEFORE_LEEWAY = 60  # seconds of clock difference tolerated between signer and verifier
KID_LENGTH = 22  # characters of the base64url thumbprint (132 bits)
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")
_HKDF_SALT = b"milieu.accounts.card"
_HKDF_INFO = b"citizen-card private key encryption v1"


# --- Errors -------------------------------------------------------------------------------------


class CardError(ApplicationError):
    """A card token that cannot be accepted. Each subclass has its own stable `code`."""

    status_code = 400
    code = "invalid_card"
    default_message: Any = _("This card cannot be accepted.")

    def __init__(self, message: Any = None, **kwargs: Any) -> None:
        super().__init__(message or self.default_message, **kwargs)


class CardMalformed(CardError):
    code = "malformed"
    default_message = _(
        "This is not a citizen card code, or it is incomplete. Scan or paste it again."
    )


class CardUnknownKey(CardError):
    code = "unknown_key"
    default_message = _(
        "This card was not signed with a published key of its municipality: it may be forged, "
        "or too old."
    )


class CardBadSignature(CardError):
    code = "bad_signature"
    default_message = _("The signature of this card does not match: it was altered or forged.")


class CardExpired(CardError):
    code = "expired"
    default_message = _("This card has expired.")


class CardNotYetValid(CardError):
    code = "not_yet_valid"
    default_message = _("This card is not valid yet. Check this device's date and time.")


class CardRevoked(CardError):
    code = "revoked"
    default_message = _("This card was revoked by its municipality.")


CARD_ERRORS: tuple[type[CardError], ...] = (
    CardMalformed,
    CardUnknownKey,
    CardBadSignature,
    CardExpired,
    CardNotYetValid,
    CardRevoked,
)


# --- Private keys at rest -----------------------------------------------------------------------


def _fernet_for(secret: str) -> Fernet:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=_HKDF_SALT, info=_HKDF_INFO)
    derived = hkdf.derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def _fernet() -> MultiFernet:
    """Encrypts with SECRET_KEY; decrypts with it or any of SECRET_KEY_FALLBACKS."""
    secrets_ = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet_for(secret) for secret in secrets_])


def encrypt_private_jwk(private_jwk_json: str) -> str:
    return _fernet().encrypt(private_jwk_json.encode()).decode("ascii")


def decrypt_private_jwk(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode("ascii")).decode()
    except InvalidToken:
        raise RuntimeError(
            "A citizen-card private key cannot be decrypted: SECRET_KEY changed. Put the previous "
            "key in SECRET_KEY_FALLBACKS, or rotate the municipality's card key."
        ) from None


# --- Keys ---------------------------------------------------------------------------------------


def _key_create(municipality: Municipality, now: datetime) -> CardKey:
    jwk = JWK.generate(kty="OKP", crv="Ed25519")
    kid = jwk.thumbprint()[:KID_LENGTH]
    public = {**jwk.export_public(as_dict=True), "kid": kid, "use": "sig", "alg": ALGORITHM}
    return CardKey.objects.create(
        municipality=municipality,
        kid=kid,
        private_jwk=encrypt_private_jwk(jwk.export_private()),
        public_jwk=public,
        created_at=now,
    )


def _lock(municipality: Municipality) -> None:
    """Serialise key creation and rotation per municipality (PostgreSQL row lock; on SQLite the
    IMMEDIATE transaction already serialises writers)."""
    list(Municipality.objects.select_for_update().filter(pk=municipality.pk).values_list("pk"))


def _active_key(municipality: Municipality) -> CardKey | None:
    return (
        CardKey.objects.filter(municipality=municipality, retired_at__isnull=True)
        .order_by("-created_at", "-pk")
        .first()
    )


@transaction.atomic
def card_key_active(municipality: Municipality, *, now: datetime | None = None) -> CardKey:
    """The key that signs the municipality's cards, created on first use."""
    key = _active_key(municipality)
    if key is None:
        _lock(municipality)
        key = _active_key(municipality) or _key_create(municipality, now or timezone.now())
    return key


@transaction.atomic
def card_key_rotate(municipality: Municipality, *, now: datetime | None = None) -> CardKey:
    """Create a new active key and retire the previous one(s).

    A retired key stops signing but stays published until `publish_until`, the latest expiry of
    the cards it signed (now, if it signed none).
    """
    now = now or timezone.now()
    _lock(municipality)
    for old in CardKey.objects.filter(municipality=municipality, retired_at__isnull=True):
        old.retired_at = now
        if old.publish_until is None:
            old.publish_until = now
        old.save(update_fields=["retired_at", "publish_until"])
    transaction.on_commit(card_keys_changed)
    return _key_create(municipality, now)


CARD_KEYS_VERSION_KEY = "accounts:card-keys:version"


def card_keys_changed() -> None:
    """Bump the card keys' version: a card kept for reuse (`services.citizen_card_current`) is
    signed again with the new key."""
    caching.bump(CARD_KEYS_VERSION_KEY)


def card_keys_published(*, now: datetime | None = None) -> QuerySet[CardKey]:
    """Every municipality's keys that verifiers must know: active ones, and retired ones whose
    cards have not all expired."""
    now = now or timezone.now()
    return (
        CardKey.objects.filter(Q(retired_at__isnull=True) | Q(publish_until__gt=now))
        .select_related("municipality")
        .order_by("municipality__slug", "created_at", "pk")
    )


def public_jwk(key: CardKey) -> dict[str, Any]:
    """The key as published in the JWKS, with the issuer it signs for (JWK extension members,
    which RFC 7517 §4 tells other implementations to ignore)."""
    return {
        **key.public_jwk,
        "municipality": key.municipality.slug,
        "municipality_name": key.municipality.name,
    }


# --- Signing ------------------------------------------------------------------------------------


def _json(value: dict) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def card_claims(citizen_id: CitizenId, *, now: datetime) -> dict[str, Any]:
    """The whole payload of a card, and the only place that decides what a card says."""
    issued = int(now.timestamp())
    return {
        "iss": citizen_id.municipality.slug,
        "sub": citizen_id.number,
        "name": citizen_id.user.display_name.strip(),
        "exp": int(citizen_id.expires_at.timestamp()),
        "iat": issued,
        "nbf": issued,
        "jti": secrets.token_urlsafe(12),
    }


@functools.lru_cache(maxsize=256)
def _private_key(kid: str, encrypted: str, secret_key: str) -> JWK:
    """A card key decrypted and parsed once per process (a key derivation, a decryption and a
    parse on every card otherwise). Keyed by the ciphertext and SECRET_KEY, so a re-encrypted key
    or a changed secret is decrypted again."""
    return JWK.from_json(decrypt_private_jwk(encrypted))


def card_sign(claims: dict[str, Any], *, key: CardKey) -> str:
    """The compact JWS of `claims` signed with `key`; the key's `publish_until` follows the
    card's expiry so that a retired key stays published as long as its cards are valid."""
    if set(claims) != set(CLAIMS):
        raise ValueError(f"A card holds exactly the claims {CLAIMS}")
    private = _private_key(key.kid, key.private_jwk, settings.SECRET_KEY)
    jws = JWS(_json(claims).encode())
    header = {"alg": ALGORITHM, "kid": key.kid, "typ": TOKEN_TYPE}
    jws.add_signature(private, alg=ALGORITHM, protected=_json(header))
    expires = datetime.fromtimestamp(claims["exp"], tz=UTC)
    if key.publish_until is None or key.publish_until < expires:
        # Conditional and atomic: concurrent signers can only raise it.
        CardKey.objects.filter(pk=key.pk).filter(
            Q(publish_until__isnull=True) | Q(publish_until__lt=expires)
        ).update(publish_until=expires)
        key.publish_until = expires
    return jws.serialize(compact=True)


# --- Verifying ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifiedCard:
    claims: dict[str, Any]
    kid: str
    municipality: Municipality


def _b64decode(part: str) -> bytes:
    if not _BASE64URL.fullmatch(part):
        raise CardMalformed
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        raise CardMalformed from None


def _json_object(part: str) -> dict[str, Any]:
    try:
        value = json.loads(_b64decode(part).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise CardMalformed from None
    if not isinstance(value, dict):
        raise CardMalformed
    return value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_token(token: Any) -> tuple[dict[str, Any], dict[str, Any], bytes, bytes]:
    """Header, payload, signing input and signature of a card token, or `CardMalformed`.

    Nothing here is trusted yet: the signature is checked afterwards.
    """
    if not isinstance(token, str):
        raise CardMalformed
    token = "".join(token.split())  # a token copied over several lines still reads
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise CardMalformed
    parts = token.split(".")
    if len(parts) != 3:
        raise CardMalformed
    header, payload = _json_object(parts[0]), _json_object(parts[1])
    signature = _b64decode(parts[2])
    if (
        header.get("alg") != ALGORITHM
        or header.get("typ") != TOKEN_TYPE
        or not isinstance(header.get("kid"), str)
        or "crit" in header
        or len(signature) != 64
    ):
        raise CardMalformed
    for claim in ("iss", "sub", "name", "jti"):
        if not isinstance(payload.get(claim), str):
            raise CardMalformed
    for claim in ("exp", "iat", "nbf"):
        if not _is_int(payload.get(claim)):
            raise CardMalformed
    return header, payload, f"{parts[0]}.{parts[1]}".encode("ascii"), signature


def card_verify(token: Any, *, now: datetime | None = None) -> VerifiedCard:
    """Check a card as a verifier must: structure, key, signature, dates, revocation.

    Raises one of `CARD_ERRORS`; returns the claims and the issuing municipality otherwise.
    """
    now = now or timezone.now()
    header, payload, signing_input, signature = parse_token(token)
    key = (
        card_keys_published(now=now)
        .filter(kid=header["kid"], municipality__slug=payload["iss"])
        .first()
    )
    if key is None:
        raise CardUnknownKey
    try:
        raw = _b64decode(key.public_jwk["x"])
        Ed25519PublicKey.from_public_bytes(raw).verify(signature, signing_input)
    except (InvalidSignature, CardMalformed, KeyError, ValueError):
        raise CardBadSignature from None
    timestamp = now.timestamp()
    if timestamp >= payload["exp"]:
        raise CardExpired
    if payload["nbf"] > timestamp + NOT_BEFORE_LEEWAY:
        raise CardNotYetValid
    citizen_id = (
        CitizenId.objects.filter(municipality=key.municipality, number=payload["sub"])
        .only("revoked_at")
        .first()
    )
    if citizen_id is None or citizen_id.revoked_at is not None:
        raise CardRevoked
    claims = {name: payload[name] for name in CLAIMS}
    return VerifiedCard(claims=claims, kid=key.kid, municipality=key.municipality)


# --- Published documents ------------------------------------------------------------------------


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def jwks_document(*, now: datetime | None = None) -> dict[str, Any]:
    return {"keys": [public_jwk(key) for key in card_keys_published(now=now)]}


def revocation_document(*, now: datetime | None = None) -> dict[str, Any]:
    """Revoked citizen ids whose cards have not expired yet, and when the list was made."""
    now = now or timezone.now()
    revoked = (
        CitizenId.objects.filter(revoked_at__isnull=False, expires_at__gt=now)
        .select_related("municipality")
        .order_by("municipality__slug", "number")
    )
    return {
        "generated_at": _iso(now),
        "revoked": [
            {
                "iss": citizen_id.municipality.slug,
                "sub": citizen_id.number,
                "revoked_at": _iso(citizen_id.revoked_at),
                "exp": int(citizen_id.expires_at.timestamp()),
            }
            for citizen_id in revoked
            if citizen_id.revoked_at is not None
        ],
    }
