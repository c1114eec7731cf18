"""Writes for the citizen card: issuing a signed card (which creates the municipality's key on
first use) and rotating a municipality's card key. The cryptography is in `accounts.card`."""

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from milieu.accounts import card
from milieu.accounts.access import access_facts
from milieu.accounts.models import CardKey, CitizenId, User
from milieu.accounts.selectors.card import card_citizen_id
from milieu.core.errors import ApplicationError, NotFound
from milieu.core.permissions import require
from milieu.territory.models import Municipality

logger = logging.getLogger("milieu.audit")

# A signed card is shown again for this long instead of signing a new one on every visit (the
# page and GET /api/v1/card): signing and drawing its QR code made it the slowest page.
CARD_REUSE_SECONDS = 6 * 3600


@dataclass(frozen=True)
class CitizenCard:
    token: str  # the compact JWS, what the QR code carries
    claims: dict[str, Any]
    citizen_id: CitizenId
    kid: str


@transaction.atomic
def citizen_card_issue(*, actor: User, now: datetime | None = None) -> CitizenCard:
    """Sign a card for the actor's valid citizen id (the home municipality's first).

    Raises `NotFound` (code "no_citizen_id") without a valid citizen id, and `ApplicationError`
    (code "name_required") when the account has no display name to print on the card.
    """
    now = now or timezone.now()
    citizen_id = card_citizen_id(user=actor, now=now)
    if citizen_id is None:
        raise NotFound(
            _("You have no valid citizen id. Verify your residency to get one."),
            code="no_citizen_id",
        )
    if not actor.display_name.strip():
        raise ApplicationError(
            _("Add your name to your profile: the card shows it."), code="name_required"
        )
    key = card.card_key_active(citizen_id.municipality, now=now)
    claims = card.card_claims(citizen_id, now=now)
    token = card.card_sign(claims, key=key)
    return CitizenCard(token=token, claims=claims, citizen_id=citizen_id, kid=key.kid)


def citizen_card_current(*, actor: User, now: datetime | None = None) -> CitizenCard:
    """The card to show: the one signed for the actor in the last hours when nothing it says
    or depends on has changed since, otherwise a new one (`citizen_card_issue`, same errors).

    The reuse is keyed by what decides the card: the actor's unrevoked citizen ids and their
    expiry, the home municipality and the display name (from the cached access facts and user,
    which every change forgets), and the card keys' version (bumped by every key rotation). A
    reused card is never past its expiry: its `exp` is the citizen id's.
    """
    now = now or timezone.now()
    facts = access_facts(actor)
    decided_by = repr((sorted(facts.citizen_ids.items()), facts.home_id, actor.display_name))
    digest = hashlib.sha256(decided_by.encode()).hexdigest()[:32]
    key = f"accounts:card:v1:{actor.pk}:{digest}"
    found = cache.get_many([key, card.CARD_KEYS_VERSION_KEY])
    version = found.get(card.CARD_KEYS_VERSION_KEY, 0)
    reused = found.get(key)
    if reused is not None:
        keys_version, citizen_card = reused
        if keys_version == version and citizen_card.claims["exp"] > now.timestamp() + 60:
            return citizen_card
    citizen_card = citizen_card_issue(actor=actor, now=now)
    cache.set(key, (version, citizen_card), CARD_REUSE_SECONDS)
    return citizen_card


@transaction.atomic
def card_key_rotate(*, actor: User, municipality: Municipality) -> CardKey:
    """Give the municipality a new signing key; the previous one stays published until the last
    card it signed expires."""
    require(
        actor,
        "accounts.rotate_card_key",
        municipality,
        _("You are not allowed to rotate this municipality's card keys."),
    )
    key = card.card_key_rotate(municipality)
    logger.info(
        "card_key_rotated",
        extra={"actor": actor.pk, "municipality": municipality.pk, "kid": key.kid},
    )
    return key
