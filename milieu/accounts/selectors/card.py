"""Reads for the citizen card: the citizen id a card is made from, the published documents
(JWKS, revocation list) and the server-side verification of a token. See `accounts.card`."""

from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef
from django.utils import timezone

from milieu.accounts import card
from milieu.accounts.models import CitizenId, Membership, User


def card_citizen_id(*, user: User | AnonymousUser, now: datetime | None = None) -> CitizenId | None:
    """The citizen id the user's card is made from: valid (not revoked, not expired), the home
    municipality's first, then the one that lasts longest. None if there is none."""
    if not user.is_authenticated:
        return None
    now = now or timezone.now()
    home = Membership.objects.filter(user=user, municipality=OuterRef("municipality"), is_home=True)
    return (
        CitizenId.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=now)
        .annotate(at_home=Exists(home))
        .select_related("municipality", "user")
        .order_by("-at_home", "-expires_at", "-pk")
        .first()
    )


def card_citizen_id_expired(
    *, user: User | AnonymousUser, now: datetime | None = None
) -> CitizenId | None:
    """The user's most recent citizen id that expired without being revoked (to offer its
    confirmation), or None."""
    if not user.is_authenticated:
        return None
    now = now or timezone.now()
    return (
        CitizenId.objects.filter(user=user, revoked_at__isnull=True, expires_at__lte=now)
        .select_related("municipality")
        .order_by("-expires_at", "-pk")
        .first()
    )


def card_jwks(*, now: datetime | None = None) -> dict[str, Any]:
    """The JWKS of every municipality's published card keys (active, and retired ones whose
    cards have not all expired)."""
    return card.jwks_document(now=now)


def card_revocations(*, now: datetime | None = None) -> dict[str, Any]:
    """Revoked citizen ids whose cards would otherwise still be valid, with the time of the list."""
    return card.revocation_document(now=now)


def card_verify(*, token: Any, now: datetime | None = None) -> card.VerifiedCard:
    """Verify a card token on the server; raises one of `card.CARD_ERRORS`."""
    return card.card_verify(token, now=now)
