"""Writes for the citizen card: issuing a signed card (which creates the municipality's key on
first use) and rotating a municipality's card key. The cryptography is in `accounts.card`."""

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from milieu.accounts import card
from milieu.accounts.models import CardKey, CitizenId, User
from milieu.accounts.selectors.card import card_citizen_id
from milieu.core.errors import ApplicationError, NotFound
from milieu.core.permissions import require
from milieu.territory.models import Municipality

logger = logging.getLogger("milieu.audit")


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
