"""Reads about a person's identity: trust levels, citizen ids, background checks, consents."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from milieu.core.errors import NotFound
from milieu.territory.models import Municipality

from ..models import (
    BackgroundCheck,
    CitizenId,
    Membership,
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


def _vouching_municipalities(user: User, municipality: Municipality) -> list[int]:
    """Where a verification counts for `municipality`: itself, and the home municipality when
    the citizen has consented to share it with `municipality`."""
    ids = [municipality.pk]
    home = Membership.objects.filter(user=user, is_home=True).values_list(
        "municipality_id", flat=True
    )
    home_id = next(iter(home), None)
    if (
        home_id is not None
        and home_id != municipality.pk
        and ResidencyShareConsent.objects.filter(
            user=user, municipality=municipality, withdrawn_at__isnull=True
        ).exists()
    ):
        ids.append(home_id)
    return ids


def trust_level(*, user, municipality: Municipality) -> TrustLevel:
    if not user.is_authenticated:
        return TrustLevel.VISITOR
    now = timezone.now()
    places = _vouching_municipalities(user, municipality)
    resident = CitizenId.objects.filter(
        user=user, municipality__in=places, revoked_at__isnull=True, expires_at__gt=now
    ).exists()
    if resident:
        screened = BackgroundCheck.objects.filter(
            user=user,
            municipality__in=places,
            revoked_at__isnull=True,
            expires_on__gte=now.date(),
        ).exists()
        return TrustLevel.SCREENED if screened else TrustLevel.RESIDENT
    if EmailAddress.objects.filter(user=user, verified=True).exists():
        return TrustLevel.MEMBER
    return TrustLevel.VISITOR


def trust_levels(
    *, user, municipalities: list[Municipality], shared: set[int] | None = None
) -> dict[int, TrustLevel]:
    """`trust_level` for several municipalities at once (by municipality pk), in at most five
    queries however many there are: for pages that list a person's municipalities. `shared`:
    the pks of the municipalities the person shares their residency with
    (`residency_consent_list`), when the caller has read them already."""
    if not user.is_authenticated:
        return {m.pk: TrustLevel.VISITOR for m in municipalities}
    now = timezone.now()
    home_id = (
        Membership.objects.filter(user=user, is_home=True)
        .values_list("municipality_id", flat=True)
        .first()
    )
    if shared is None:
        shared = set(
            ResidencyShareConsent.objects.filter(user=user, withdrawn_at__isnull=True).values_list(
                "municipality_id", flat=True
            )
        )
    with_id = set(
        CitizenId.objects.filter(
            user=user, revoked_at__isnull=True, expires_at__gt=now
        ).values_list("municipality_id", flat=True)
    )
    checked = set(
        BackgroundCheck.objects.filter(
            user=user, revoked_at__isnull=True, expires_on__gte=now.date()
        ).values_list("municipality_id", flat=True)
    )
    member: bool | None = None
    levels: dict[int, TrustLevel] = {}
    for municipality in municipalities:
        places = {municipality.pk}
        if home_id is not None and home_id != municipality.pk and municipality.pk in shared:
            places.add(home_id)
        if places & with_id:
            levels[municipality.pk] = (
                TrustLevel.SCREENED if places & checked else TrustLevel.RESIDENT
            )
            continue
        if member is None:
            member = EmailAddress.objects.filter(user=user, verified=True).exists()
        levels[municipality.pk] = TrustLevel.MEMBER if member else TrustLevel.VISITOR
    return levels


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
