"""Reads about a person's identity: trust levels, citizen ids, background checks, consents."""

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from milieu.accounts.access import access_facts
from milieu.core.errors import NotFound
from milieu.territory.models import Municipality

from ..models import (
    BackgroundCheck,
    CitizenId,
    ResidencyShareConsent,
    TrustLevel,
    User,
)


def citizen_id_active(*, user: User, municipality: Municipality) -> CitizenId | None:
    """The citizen's id in this municipality that is neither revoked nor expired."""
    return (
        CitizenId.objects.filter(
            user=user,
            municipality=municipality,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("municipality")
        .first()
    )


def citizen_id_get(*, user: User, citizen_id_pk: int) -> CitizenId:
    """One of the user's own current citizen ids; anyone else's is simply not found."""
    found = CitizenId.objects.filter(pk=citizen_id_pk, user=user, revoked_at__isnull=True).first()
    if found is None:
        raise NotFound(_("This citizen id does not exist."))
    return found


def citizen_id_list(*, user: User) -> QuerySet[CitizenId]:
    """The citizen's current ids (expired ones included, so they can be confirmed)."""
    return (
        CitizenId.objects.filter(user=user, revoked_at__isnull=True)
        .select_related("municipality")
        .order_by("municipality__name")
    )


def _trust_from_facts(facts, municipality_id: int, now) -> TrustLevel:
    """A trust level from the access facts: a valid citizen id of the municipality itself, or
    of the home municipality when the citizen shares their residency with this one."""
    places = {municipality_id}
    if facts.home_id is not None and municipality_id in facts.shared:
        places.add(facts.home_id)
    if any(facts.citizen_ids.get(place, now) > now for place in places):
        today = now.date()
        screened = any(place in facts.checks and facts.checks[place] >= today for place in places)
        return TrustLevel.SCREENED if screened else TrustLevel.RESIDENT
    return TrustLevel.MEMBER if facts.email_verified else TrustLevel.VISITOR


def trust_level(*, user, municipality: Municipality) -> TrustLevel:
    if not user.is_authenticated:
        return TrustLevel.VISITOR
    return _trust_from_facts(access_facts(user), municipality.pk, timezone.now())


def trust_levels(*, user, municipalities: list[Municipality]) -> dict[int, TrustLevel]:
    """`trust_level` for several municipalities at once (by municipality pk), from the same
    cached facts: no query per municipality."""
    if not user.is_authenticated:
        return {m.pk: TrustLevel.VISITOR for m in municipalities}
    facts = access_facts(user)
    now = timezone.now()
    return {m.pk: _trust_from_facts(facts, m.pk, now) for m in municipalities}


def background_check_list(*, municipality: Municipality) -> QuerySet[BackgroundCheck]:
    return (
        BackgroundCheck.objects.filter(municipality=municipality)
        .select_related("user", "recorded_by")
        .order_by("-recorded_at")
    )


def residency_consent_list(*, user: User) -> QuerySet[ResidencyShareConsent]:
    return ResidencyShareConsent.objects.filter(
        user=user, withdrawn_at__isnull=True
    ).select_related("municipality")


def citizen_ids_due_for_reminder(*, now, horizon_days: int) -> QuerySet[CitizenId]:
    return (
        CitizenId.objects.filter(
            revoked_at__isnull=True,
            expires_at__gt=now,
            expires_at__lte=now + timedelta(days=horizon_days),
        )
        .exclude(Q(user__email="") | Q(user__email__endswith="@assisted.invalid"))
        .select_related("user", "municipality")
        .order_by("expires_at")
    )
