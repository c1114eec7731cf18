"""Every read of the volunteering module's organisations, opportunities, applications and hours
(the incubator's are in `selectors_ideas.py`, the matching in `matching.py`). Lists are ordered
on indexed columns and paged by the caller; related rows come with `select_related` and
`prefetch_related`, so a page's query count does not grow with its rows."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from milieu.core.errors import NotFound
from milieu.core.permissions import require

from .matching import open_opportunities
from .models import (
    ApplicationStatus,
    HoursLog,
    HoursStatus,
    Opportunity,
    Organisation,
    OrganisationMember,
    OrganisationStatus,
    Skill,
    VolunteerApplication,
    VolunteerProfile,
)

PAGE_SIZE = 20
audit = logging.getLogger("milieu.audit")


def skill_list() -> list[Skill]:
    return list(Skill.objects.order_by("position", "slug"))


def profile_of(user) -> VolunteerProfile | None:
    if not user.is_authenticated:
        return None
    return (
        VolunteerProfile.objects.filter(user=user)
        .select_related("municipality")
        .prefetch_related("skills")
        .first()
    )


# --- Organisations ------------------------------------------------------------------------------


def organisation_list(*, municipality, text: str = "") -> QuerySet[Organisation]:
    """Verified organisations of `municipality` or serving it, by name."""
    organisations = Organisation.objects.filter(
        Q(municipality=municipality) | Q(serves=municipality),
        status=OrganisationStatus.VERIFIED,
    ).distinct()
    if text:
        organisations = organisations.filter(Q(name__icontains=text) | Q(mission__icontains=text))
    return (
        organisations.select_related("municipality")
        .prefetch_related("serves")
        .order_by("name", "pk")
    )


def organisation_get(*, viewer, municipality, organisation_id: int) -> Organisation:
    """An organisation of (or serving) `municipality` that `viewer` may see; else `NotFound`."""
    organisation = (
        Organisation.objects.filter(
            Q(municipality=municipality) | Q(serves=municipality), pk=organisation_id
        )
        .select_related("municipality", "verified_by")
        .prefetch_related("serves")
        .distinct()
        .first()
    )
    if organisation is None or not viewer.has_perm("volunteering.view_organisation", organisation):
        raise NotFound(_("Not found."))
    return organisation


def organisation_team(organisation: Organisation) -> list[OrganisationMember]:
    return list(organisation.members.select_related("user").order_by("role", "added_at", "pk"))


def my_organisations(user) -> list[Organisation]:
    if not user.is_authenticated:
        return []
    return list(
        Organisation.objects.filter(members__user=user)
        .select_related("municipality")
        .order_by("name", "pk")
    )


# --- Opportunities ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpportunityFilters:
    skill: Skill | None = None
    text: str = ""
    remote: bool | None = None


def opportunity_list(
    *, municipality, filters: OpportunityFilters = OpportunityFilters()
) -> QuerySet[Opportunity]:
    """Open opportunities residents of `municipality` may answer, soonest ending first."""
    opportunities = open_opportunities(municipality)
    if filters.skill is not None:
        opportunities = opportunities.filter(skills=filters.skill)
    if filters.text:
        opportunities = opportunities.filter(
            Q(title__icontains=filters.text) | Q(description__icontains=filters.text)
        )
    if filters.remote is not None:
        opportunities = opportunities.filter(remote=filters.remote)
    return (
        opportunities.select_related("organisation", "municipality", "district")
        .prefetch_related("skills")
        .order_by("ends_on", "-pk")
    )


def organisation_opportunities(organisation: Organisation) -> QuerySet[Opportunity]:
    """All of an organisation's opportunities, for its team, open ones first."""
    return (
        organisation.opportunities.select_related("municipality", "organisation")
        .prefetch_related("skills")
        .order_by("status", "-created_at", "-pk")
    )


def opportunity_get(*, viewer, municipality, opportunity_id: int) -> Opportunity:
    opportunity = (
        Opportunity.objects.filter(pk=opportunity_id)
        .filter(Q(municipality=municipality) | Q(organisation__serves=municipality, remote=True))
        .select_related("organisation__municipality", "municipality", "district")
        .prefetch_related("skills")  # `organisation.serves` is read only for remote work
        .distinct()
        .first()
    )
    if opportunity is None or not viewer.has_perm("volunteering.view_opportunity", opportunity):
        raise NotFound(_("Not found."))
    return opportunity


# --- Applications and hours ---------------------------------------------------------------------


def my_applications(user) -> QuerySet[VolunteerApplication]:
    return (
        VolunteerApplication.objects.filter(volunteer=user)
        .select_related("opportunity__organisation", "opportunity__municipality")
        .order_by("-created_at", "-pk")
    )


def application_of(user, opportunity: Opportunity) -> VolunteerApplication | None:
    if not user.is_authenticated:
        return None
    return VolunteerApplication.objects.filter(volunteer=user, opportunity=opportunity).first()


def opportunity_applications(opportunity: Opportunity) -> QuerySet[VolunteerApplication]:
    return (
        opportunity.applications.exclude(status=ApplicationStatus.WITHDRAWN)
        .select_related("volunteer")
        .order_by("status", "created_at", "pk")
    )


def application_get(*, viewer, municipality, application_id: int) -> VolunteerApplication:
    application = (
        VolunteerApplication.objects.filter(pk=application_id)
        .filter(
            Q(opportunity__municipality=municipality)
            | Q(opportunity__organisation__serves=municipality)
        )
        .select_related(
            "volunteer",
            "opportunity__organisation__municipality",
            "opportunity__municipality",
        )
        .prefetch_related(
            Prefetch(
                "hours",
                queryset=HoursLog.objects.select_related("confirmed_by").order_by(
                    "-worked_on", "-pk"
                ),
            )
        )
        .distinct()
        .first()
    )
    if application is None or not viewer.has_perm("volunteering.view_application", application):
        raise NotFound(_("Not found."))
    return application


def hours_to_confirm(organisation: Organisation) -> QuerySet[HoursLog]:
    return organisation_hours(organisation, status=HoursStatus.PENDING)


def organisation_hours(organisation: Organisation, *, status: str = "") -> QuerySet[HoursLog]:
    """An organisation's logged hours (of one `status`, or all), oldest day first."""
    entries = HoursLog.objects.filter(organisation=organisation)
    if status:
        entries = entries.filter(status=status)
    return entries.select_related("volunteer", "confirmed_by", "application__opportunity").order_by(
        "worked_on", "pk"
    )


def hours_get(*, viewer, municipality, hours_id: int) -> HoursLog:
    """Hours logged for an opportunity of (or serving) `municipality`, seen by their volunteer
    or the organisation's recruiting team; else `NotFound`."""
    entry = (
        HoursLog.objects.filter(pk=hours_id)
        .filter(
            Q(application__opportunity__municipality=municipality)
            | Q(application__opportunity__organisation__serves=municipality)
        )
        .select_related(
            "volunteer",
            "confirmed_by",
            "organisation__municipality",
            "application__opportunity__municipality",
        )
        .distinct()
        .first()
    )
    if entry is None or not (
        entry.volunteer_id == viewer.pk
        or viewer.has_perm("volunteering.recruit", entry.organisation)
    ):
        raise NotFound(_("Not found."))
    return entry


def confirmed_hours(user) -> Decimal:
    """A volunteer's confirmed hours, all organisations together."""
    total = HoursLog.objects.filter(volunteer=user, status=HoursStatus.CONFIRMED).aggregate(
        total=Sum("hours")
    )["total"]
    return total or Decimal("0")


def hours_by_municipality(*, municipality, since=None) -> Decimal:
    """Confirmed hours given to opportunities of `municipality` (for the indicators)."""
    entries = HoursLog.objects.filter(
        status=HoursStatus.CONFIRMED, application__opportunity__municipality=municipality
    )
    if since is not None:
        entries = entries.filter(worked_on__gte=since)
    return entries.aggregate(total=Sum("hours"))["total"] or Decimal("0")


# --- The staff's queue --------------------------------------------------------------------------


def organisation_queue(*, visible_to, municipality, status: str = "") -> QuerySet[Organisation]:
    """The organisations registered in `municipality`, for its staff (with MFA): in `status`
    (all of them when empty), those waiting longest first, with who registered them."""
    require(visible_to, "volunteering.moderate_organisations", municipality)
    organisations = Organisation.objects.filter(municipality=municipality)
    if status:
        organisations = organisations.filter(status=status)
    return organisations.select_related("created_by", "verified_by").order_by(
        "status", "created_at", "pk"
    )


def log_access(actor, organisations, what: str = "organisation_registration") -> None:
    """A staff member was shown who registered these organisations (name and email)."""
    for organisation in organisations:
        subject = organisation.created_by_id
        if subject is not None and subject != actor.pk:
            audit.info(
                "personal_data_access",
                extra={
                    "actor": actor.pk,
                    "subject": subject,
                    "what": what,
                    "organisation": organisation.pk,
                },
            )


def organisation_for_staff(*, visible_to, municipality, organisation_id: int) -> Organisation:
    require(visible_to, "volunteering.moderate_organisations", municipality)
    organisation = (
        Organisation.objects.filter(municipality=municipality, pk=organisation_id)
        .select_related("municipality", "created_by")
        .first()
    )
    if organisation is None:
        raise NotFound("organisation")
    return organisation
