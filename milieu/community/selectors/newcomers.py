"""Reads of the newcomers part: the resource directory, my profiles and pairings, and the
coordinators' queue, newcomer profiles, matches and pairings.

Newcomer profiles are personal data: a coordinator's every view of one (page or API) is logged
as `personal_data_access` in the `milieu.audit` log (`log_access`). The newcomers module must
be on for the directory, the profiles, the queue and the matches (`require_module`: a 404
otherwise); pairings already made stay readable by their people and coordinators.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from milieu.core import modules
from milieu.core.compiled import CompiledQuery
from milieu.core.errors import NotFound
from milieu.core.permissions import require
from milieu.territory.models import District, Municipality

from .. import choices, matching
from ..models import BuddyProfile, NewcomerProfile, NewcomerResource, Pairing, PairingFeedback

audit = logging.getLogger("milieu.audit")
PER_PAGE = 20


def require_module(municipality: Municipality) -> None:
    if not modules.is_enabled(municipality, "newcomers"):
        raise NotFound(_("This municipality has not enabled this module."))


def log_access(actor, profiles: Iterable[NewcomerProfile], what: str) -> None:
    """A coordinator saw these newcomers' profiles (or part of them): who, whose, what."""
    for profile in profiles:
        if profile.user_id != actor.pk:
            audit.info(
                "personal_data_access",
                extra={
                    "actor": actor.pk,
                    "subject": profile.user_id,
                    "what": what,
                    "newcomer_profile": profile.pk,
                },
            )


# --- Resource directory -------------------------------------------------------------------------


@dataclass(frozen=True)
class ShownResource:
    """A resource as a reader sees it: its description in their language, or French."""

    resource: NewcomerResource
    description: str
    language: str

    def __getattr__(self, name: str) -> Any:
        return getattr(self.resource, name)

    @property
    def category_label(self) -> str:
        return str(self.resource.get_category_display())

    @property
    def language_labels(self) -> list[str]:
        return choices.labels(choices.LANGUAGES, self.resource.languages or [])


def shown(resource: NewcomerResource, language: str | None = None) -> ShownResource:
    language = (language or get_language() or "fr")[:2]
    own = getattr(resource, f"description_{language}", "") if language in ("en", "es") else ""
    if own:
        return ShownResource(resource, own, language)
    return ShownResource(resource, resource.description_fr, "fr")


# Categories in their declared order (welcome first), not alphabetically by key.
CATEGORY_ORDER = Case(
    *[
        When(category=value, then=Value(rank))
        for rank, value in enumerate(NewcomerResource.Category.values)
    ],
    default=Value(len(NewcomerResource.Category.values)),
    output_field=IntegerField(),
)


def resource_list(
    *,
    municipality: Municipality,
    category: str | None = None,
    language: str | None = None,
    include_unpublished: bool = False,
) -> QuerySet[NewcomerResource]:
    """The directory by category (in `Category`'s order) then name; published resources only, unless staff manage it.
    `language`: only resources that serve people in that language."""
    resources = NewcomerResource.objects.filter(municipality=municipality)
    if not include_unpublished:
        require_module(municipality)
        resources = resources.filter(published=True)
    if category:
        resources = resources.filter(category=category)
    if language:
        if language not in choices.LANGUAGE_CODES:
            return resources.none()
        # The JSON list's text holds `"en"` when English is served (SQLite and PostgreSQL).
        resources = resources.filter(languages__icontains=f'"{language}"')
    return resources.order_by(CATEGORY_ORDER, "name", "pk")


def resource_get(*, municipality: Municipality, resource_id: int) -> NewcomerResource:
    """Any resource of the municipality, published or not (for its managers)."""
    resource = NewcomerResource.objects.filter(municipality=municipality, pk=resource_id).first()
    if resource is None:
        raise NotFound(_("This resource does not exist."))
    resource.municipality = municipality
    return resource


# --- Profiles -----------------------------------------------------------------------------------


def district_choices(*, municipality: Municipality) -> list[tuple[int, str]]:
    return list(
        District.objects.filter(municipality=municipality)
        .order_by("name")
        .values_list("pk", "name")
    )


def newcomer_profile_of(*, user, municipality: Municipality) -> NewcomerProfile | None:
    """The person's own newcomer profile in the municipality, if any."""
    if not user.is_authenticated:
        return None
    return (
        NewcomerProfile.objects.select_related("district")
        .filter(user=user, municipality=municipality)
        .first()
    )


def buddy_profile_of(*, user, municipality: Municipality) -> BuddyProfile | None:
    if not user.is_authenticated:
        return None
    return (
        BuddyProfile.objects.select_related("district")
        .filter(user=user, municipality=municipality)
        .first()
    )


def newcomer_profile_get(
    *, visible_to, municipality: Municipality, profile_id: int, what: str = "newcomer_profile"
) -> NewcomerProfile:
    """A newcomer profile for its person or a coordinator (whose view is logged); anyone else
    finds nothing."""
    found = list(
        NewcomerProfile.objects.select_related("user", "district").filter(
            municipality=municipality, pk=profile_id
        )
    )
    profile = found[0] if found else None
    if profile is not None:
        profile.municipality = municipality  # the same row: no join
    if profile is None or not visible_to.has_perm("community.view_newcomer_profile", profile):
        raise NotFound(_("This newcomer profile does not exist."))
    log_access(visible_to, [profile], what)
    return profile


def buddy_profile_get(*, municipality: Municipality, buddy_id: int) -> BuddyProfile:
    """A buddy of the municipality (for coordinators proposing them)."""
    buddy = (
        BuddyProfile.objects.select_related("user", "district")
        .filter(municipality=municipality, pk=buddy_id)
        .first()
    )
    if buddy is None:
        raise NotFound(_("This buddy does not exist."))
    return buddy


def profile_rows(profile: NewcomerProfile | BuddyProfile) -> list[tuple[str, str]]:
    """A profile as (translated field name, translated value) rows, for pages."""

    def names(choice_list: list, keys: list[str]) -> str:
        return ", ".join(choices.labels(choice_list, keys or [])) or "—"

    district = profile.district.name if profile.district_id and profile.district else "—"
    if isinstance(profile, NewcomerProfile):
        return [
            (_("Date of arrival"), profile.arrival_date.isoformat()),
            (_("Languages spoken"), names(choices.LANGUAGES, profile.languages_spoken)),
            (_("Languages to practise"), names(choices.LANGUAGES, profile.languages_wanted)),
            (_("Looking for"), names(choices.NEEDS, profile.needs)),
            (_("Interests"), names(choices.INTERESTS, profile.interests)),
            (_("Available"), names(choices.AVAILABILITY, profile.availability)),
            (_("District"), district),
            (_("Looking for a buddy"), _("Yes") if profile.seeking else _("No")),
        ]
    return [
        (_("Languages spoken"), names(choices.LANGUAGES, profile.languages)),
        (_("Interests"), names(choices.INTERESTS, profile.interests)),
        (_("Available"), names(choices.AVAILABILITY, profile.availability)),
        (_("District"), district),
        (_("Newcomers at a time"), str(profile.capacity)),
        (_("Available for new pairings"), _("Yes") if profile.active else _("No")),
    ]


# --- Coordinators -------------------------------------------------------------------------------


def _open_pairing_of_newcomer() -> Exists:
    return Exists(Pairing.objects.filter(newcomer=OuterRef("pk"), state__in=Pairing.OPEN_STATES))


def newcomer_queue(*, visible_to, municipality: Municipality) -> QuerySet[NewcomerProfile]:
    """Newcomers looking for a buddy and without a pairing in progress, longest waiting first
    (coordinators only)."""
    require(visible_to, "community.coordinate_pairing", municipality)
    require_module(municipality)
    return (
        NewcomerProfile.objects.filter(municipality=municipality, seeking=True)
        .filter(~_open_pairing_of_newcomer())
        .select_related("user", "district")
        .order_by("created_at", "pk")
    )


def newcomer_matches(*, visible_to, newcomer: NewcomerProfile, limit: int = 10):
    """The ranked buddies for a newcomer (coordinators only; see `community.matching`)."""
    require(visible_to, "community.coordinate_pairing", newcomer.municipality)
    require_module(newcomer.municipality)
    return matching.rank_buddies(newcomer=newcomer, limit=limit)


def _open_pairing_ids(newcomer_id: int):
    return Pairing.objects.filter(
        newcomer_id=newcomer_id, state__in=Pairing.OPEN_STATES
    ).values_list("pk")[:1]


OPEN_PAIRING = CompiledQuery(_open_pairing_ids)  # most newcomers on a coordinator's page have none


def open_pairing_of(newcomer: NewcomerProfile) -> Pairing | None:
    if not OPEN_PAIRING.rows(newcomer.pk):
        return None
    return (
        _pairings()
        .filter(newcomer=newcomer, state__in=Pairing.OPEN_STATES)
        .order_by("-proposed_at")
        .first()
    )


# --- Pairings -----------------------------------------------------------------------------------


def _pairings() -> QuerySet[Pairing]:
    return Pairing.objects.select_related(
        "municipality",
        "newcomer__user__community_profile",
        "buddy__user__community_profile",
        "proposed_by",
    )


def _with_my_feedback(pairings: QuerySet[Pairing], user) -> QuerySet[Pairing]:
    return pairings.annotate(
        has_feedback=Exists(PairingFeedback.objects.filter(pairing=OuterRef("pk"), author=user))
    )


def pairing_list_mine(*, visible_to, municipality: Municipality | None = None) -> QuerySet[Pairing]:
    """The pairings I am one of the two people of, newest first."""
    pairings = _pairings().filter(Q(newcomer__user=visible_to) | Q(buddy__user=visible_to))
    if municipality is not None:
        pairings = pairings.filter(municipality=municipality)
    return _with_my_feedback(pairings, visible_to).order_by("-proposed_at", "-pk")


def pairing_get(
    *, visible_to, pairing_id: int, municipality: Municipality | None = None
) -> Pairing:
    """A pairing for its two people and its coordinators; anyone else finds nothing."""
    if not visible_to.is_authenticated:
        raise NotFound(_("This pairing does not exist."))
    pairings = _with_my_feedback(_pairings().filter(pk=pairing_id), visible_to)
    if municipality is not None:
        pairings = pairings.filter(municipality=municipality)
    pairing = pairings.prefetch_related("feedback").first()
    if pairing is None or not visible_to.has_perm("community.view_pairing", pairing):
        raise NotFound(_("This pairing does not exist."))
    return pairing


def pairing_list(
    *, visible_to, municipality: Municipality, state: str | None = None
) -> QuerySet[Pairing]:
    """The municipality's pairings, newest first, optionally in one state (coordinators)."""
    require(visible_to, "community.coordinate_pairing", municipality)
    pairings = _pairings().filter(municipality=municipality)
    if state:
        pairings = pairings.filter(state=state)
    return pairings.prefetch_related("feedback").order_by("-proposed_at", "-pk")


def is_party(user, pairing: Pairing) -> bool:
    return user.is_authenticated and user.pk in (pairing.newcomer.user_id, pairing.buddy.user_id)


def other_person(user, pairing: Pairing):
    """The other one of the pairing's two people, once the pairing has started (before, each
    knows only why they were matched)."""
    if pairing.started_at is None or not is_party(user, pairing):
        return None
    if user.pk == pairing.newcomer.user_id:
        return pairing.buddy.user
    return pairing.newcomer.user


def handle_of(user) -> str:
    try:
        return user.community_profile.handle
    except ObjectDoesNotExist:
        return ""
