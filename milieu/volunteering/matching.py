"""Matching volunteers and opportunities, both ways, with the score explained.

A score out of 100 adds four parts:

- skills (40): the share of the opportunity's taxonomy skills the volunteer has;
- availability (25): the share of the opportunity's times of the week the volunteer is free
  (a one-off day counts as met when the volunteer named that date);
- distance (20): full within 2 km, nothing beyond 25 km, linear between; remote work is full;
- language (15): the volunteer speaks one of the opportunity's languages (full when it names
  none).

Each way reads in a constant number of queries, whatever the size of the page: the candidates
are narrowed in SQL first (open opportunities of verified organisations in the municipality;
volunteers who opted in, in the municipality, with the trust level the opportunity needs, ranked
by shared skills and cut to `CANDIDATES`), then scored in Python on the columns the score
reads, sorted, and paged; the page's few rows are then read whole, with their related rows. Only
volunteers who turned on `suggestible` are ever suggested.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from milieu.accounts.models import BackgroundCheck, CitizenId, TrustLevel
from milieu.core import geo

from . import availability
from .models import (
    ApplicationStatus,
    Opportunity,
    OpportunityStatus,
    Organisation,
    OrganisationStatus,
    Skill,
    VolunteerApplication,
    VolunteerProfile,
)

WEIGHTS = {"skills": 40, "availability": 25, "distance": 20, "language": 15}
NEAR_KM = 2.0
FAR_KM = 25.0
CANDIDATES = 400
SCORED_PROFILE_FIELDS = ("user_id", "weekly_slots", "one_off_dates", "languages", "cell")
PAGE_SIZE = 20


@dataclass
class Match:
    """One ranked suggestion: the other side, its score, and why."""

    score: int
    parts: dict[str, int]
    shared_skills: list[Skill]
    overlap_slots: list[str]
    km: int | None
    shared_languages: list[str]
    opportunity: Opportunity | None = None
    profile: VolunteerProfile | None = None
    notes: list[str] = field(default_factory=list)


def _distance_part(first: str, second: str, remote: bool) -> tuple[int, int | None]:
    if remote:
        return WEIGHTS["distance"], None
    if not first or not second:
        return WEIGHTS["distance"] // 2, None
    return _cell_distance_part(first, second)


@lru_cache(maxsize=4096)
def _cell_distance_part(first: str, second: str) -> tuple[int, int]:
    """Places are district centres: a town's hundreds of candidates share a few pairs of cells,
    whose distance is computed once."""
    km = geo.distance_km(first, second)
    if km <= NEAR_KM:
        part = WEIGHTS["distance"]
    elif km >= FAR_KM:
        part = 0
    else:
        part = round(WEIGHTS["distance"] * (FAR_KM - km) / (FAR_KM - NEAR_KM))
    return part, geo.rounded_km(first, second)


def score(
    *,
    profile_skills: set[int],
    profile_slots: int,
    profile_dates: set[str],
    profile_languages: list[str],
    profile_cell: str,
    opportunity: Opportunity,
    opportunity_skills: set[int],
    skills_by_id: dict[int, Skill],
) -> Match:
    """The score of one volunteer for one opportunity, with its parts."""
    wanted = opportunity_skills
    shared = profile_skills & wanted
    skills_part = round(WEIGHTS["skills"] * len(shared) / len(wanted)) if wanted else 0
    if opportunity.one_off_on is not None and opportunity.one_off_on.isoformat() in profile_dates:
        overlap = opportunity.weekly_slots
    else:
        overlap = profile_slots & opportunity.weekly_slots
    if opportunity.weekly_slots:
        availability_part = round(
            WEIGHTS["availability"]
            * availability.count(overlap)
            / availability.count(opportunity.weekly_slots)
        )
    else:
        availability_part = WEIGHTS["availability"] if profile_slots or profile_dates else 0
    distance_part, km = _distance_part(profile_cell, opportunity.cell, opportunity.remote)
    languages = [code for code in profile_languages if code in (opportunity.languages or [])]
    if not opportunity.languages:
        language_part = WEIGHTS["language"]
    else:
        language_part = WEIGHTS["language"] if languages else 0
    parts = {
        "skills": skills_part,
        "availability": availability_part,
        "distance": distance_part,
        "language": language_part,
    }
    return Match(
        score=sum(parts.values()),
        parts=parts,
        shared_skills=sorted(
            (skills_by_id[pk] for pk in shared if pk in skills_by_id),
            key=lambda skill: (skill.position, skill.slug),
        ),
        overlap_slots=availability.to_codes(overlap),
        km=km,
        shared_languages=languages,
    )


def _skills_of(through, owner: str, owners: list[int]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = defaultdict(set)
    for owner_id, skill_id in through.objects.filter(**{f"{owner}_id__in": owners}).values_list(
        f"{owner}_id", "skill_id"
    ):
        found[owner_id].add(skill_id)
    return found


def open_opportunities(municipality, today: date | None = None):
    """The opportunities residents of `municipality` may answer now: open, not ended, of a
    verified organisation, in the municipality, or remote for an organisation serving it."""
    today = today or timezone.localdate()
    # The organisations serving it in a subquery, not a join: one row per opportunity, so no
    # DISTINCT (which sorted every candidate's whole row, related rows included).
    serving = Organisation.serves.through.objects.filter(municipality=municipality).values(
        "organisation_id"
    )
    return Opportunity.objects.filter(
        Q(municipality=municipality) | Q(remote=True, organisation_id__in=serving),
        status=OpportunityStatus.OPEN,
        ends_on__gte=today,
        organisation__status=OrganisationStatus.VERIFIED,
    )


def opportunities_for(
    profile: VolunteerProfile, *, page: int = 1, per_page: int = PAGE_SIZE
) -> tuple[list[Match], int]:
    """Open opportunities ranked for `profile`'s volunteer, best first, with the total. The
    ones they already applied to (and did not withdraw from) are left out."""
    applied = VolunteerApplication.objects.filter(volunteer_id=profile.user_id).exclude(
        status=ApplicationStatus.WITHDRAWN
    )
    # Scored on the opportunities' own rows; the page's few get their organisation and
    # municipality afterwards (building those for every candidate was most of the time).
    candidates = list(
        open_opportunities(profile.municipality_id)
        .exclude(pk__in=applied.values("opportunity_id"))
        .order_by("-created_at")[: CANDIDATES * 5]
    )
    # The shared skills are some of the volunteer's: theirs are all the names needed.
    skills_by_id = {skill.pk: skill for skill in profile.skills.all()}
    mine = set(skills_by_id)
    wanted = _skills_of(Opportunity.skills.through, "opportunity", [o.pk for o in candidates])
    matches = []
    for opportunity in candidates:
        match = score(
            profile_skills=mine,
            profile_slots=profile.weekly_slots,
            profile_dates=set(profile.one_off_dates or []),
            profile_languages=profile.languages or [],
            profile_cell=profile.cell,
            opportunity=opportunity,
            opportunity_skills=wanted.get(opportunity.pk, set()),
            skills_by_id=skills_by_id,
        )
        match.opportunity = opportunity
        matches.append(match)
    matches.sort(key=_by_score_then_ending)
    start = (max(page, 1) - 1) * per_page
    shown = matches[start : start + per_page]
    full = Opportunity.objects.select_related("organisation", "municipality").in_bulk(
        [m.opportunity.pk for m in shown]  # type: ignore[union-attr]
    )
    for match in shown:
        match.opportunity = full[match.opportunity.pk]  # type: ignore[union-attr]
    return shown, len(matches)


def _by_score_then_ending(match: Match) -> tuple:
    opportunity = match.opportunity
    assert opportunity is not None
    return (-match.score, opportunity.ends_on, -opportunity.pk)


def _trusted(queryset, opportunity: Opportunity):
    """Keep the volunteers who have the opportunity's required trust level there."""
    if opportunity.required_trust < TrustLevel.RESIDENT:
        return queryset
    now = timezone.now()
    queryset = queryset.filter(
        Exists(
            CitizenId.objects.filter(
                user_id=OuterRef("user_id"),
                municipality_id=opportunity.municipality_id,
                revoked_at__isnull=True,
                expires_at__gt=now,
            )
        )
    )
    if opportunity.required_trust >= TrustLevel.SCREENED:
        queryset = queryset.filter(
            Exists(
                BackgroundCheck.objects.filter(
                    user_id=OuterRef("user_id"),
                    municipality_id=opportunity.municipality_id,
                    revoked_at__isnull=True,
                    expires_on__gte=now.date(),
                )
            )
        )
    return queryset


def volunteers_for(
    opportunity: Opportunity, *, page: int = 1, per_page: int = PAGE_SIZE
) -> tuple[list[Match], int]:
    """Volunteers who opted in, ranked for `opportunity`, best first, with the number scored.
    Members of the organisation and people who already applied are left out."""
    # The shared skills are some of the opportunity's: its own are all the names needed.
    skills_by_id = {skill.pk: skill for skill in opportunity.skills.all()}
    wanted = set(skills_by_id)
    places = [opportunity.municipality_id]
    if opportunity.remote:
        places += [municipality.pk for municipality in opportunity.organisation.serves.all()]
    profiles = VolunteerProfile.objects.filter(
        suggestible=True, municipality_id__in=places, user__is_active=True
    ).exclude(
        Q(user__organisation_roles__organisation_id=opportunity.organisation_id)
        | Q(user__volunteer_applications__opportunity_id=opportunity.pk)
    )
    profiles = _trusted(profiles, opportunity)
    if wanted:
        profiles = profiles.filter(skills__in=wanted).annotate(
            shared=Count("skills", distinct=True)
        )
        profiles = profiles.order_by("-shared", "-updated_at", "pk")
    else:
        profiles = profiles.order_by("-updated_at", "pk")
    # Scored on the columns the score reads; the page's few are then read whole, with their
    # person (building every candidate's whole row and account was most of the time).
    candidates = list(profiles.only(*SCORED_PROFILE_FIELDS)[:CANDIDATES])
    theirs = _skills_of(
        VolunteerProfile.skills.through, "volunteerprofile", [p.pk for p in candidates]
    )
    matches = []
    for profile in candidates:
        match = score(
            profile_skills=theirs.get(profile.pk, set()),
            profile_slots=profile.weekly_slots,
            profile_dates=set(profile.one_off_dates or []),
            profile_languages=profile.languages or [],
            profile_cell=profile.cell,
            opportunity=opportunity,
            opportunity_skills=wanted,
            skills_by_id=skills_by_id,
        )
        match.profile = profile
        matches.append(match)
    matches.sort(key=lambda m: (-m.score, m.profile.pk if m.profile else 0))
    start = (max(page, 1) - 1) * per_page
    shown = matches[start : start + per_page]
    full = VolunteerProfile.objects.select_related("user").in_bulk(
        [m.profile.pk for m in shown]  # type: ignore[union-attr]
    )
    for match in shown:
        match.profile = full[match.profile.pk]  # type: ignore[union-attr]
    return shown, len(matches)
