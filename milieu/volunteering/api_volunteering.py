"""The volunteering API: the skills taxonomy, organisations and their teams, my volunteer
profile, opportunities, matching both ways, applications and hours — with the selectors,
services, permissions and errors the pages use.

Who sees what. The open opportunities of verified organisations, and verified organisations,
are public (they name no resident): anyone may read them, logged in or not. An organisation
waiting for verification (or suspended) is seen by its team and the staff of its home
municipality only; anything else is *not found*. Its team (manager, coordinators) recruits only
once the organisation is verified: it posts opportunities, reads who applied, accepts or
declines them, sees the volunteers suggested for a mission and confirms their hours. An
application is seen by its volunteer and the organisation's team; logged hours by their
volunteer and the team, and only the team confirms them — never the volunteer who logged them.

Places and people. No answer carries an H3 cell or a coordinate: a profile is placed at its
owner's district's centre and an opportunity at its district's, and a reader sees a distance in
whole kilometres. A volunteer is shown to an organisation by their display name only; their
email address never leaves the server, and only volunteers who turned on `suggestible` are ever
suggested.

Lists are paged by an opaque `cursor`; the two ranked lists of the matching (20 a page, best
first) by `page`. Names of skills are in the request's language (`Accept-Language`).
"""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet, prefetch_related_objects
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.security import django_auth

from milieu.core.cursor import keyset_page
from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import AuthenticatedRequest
from milieu.core.permissions import require
from milieu.core.schemas import ErrorOut
from milieu.territory import selectors as territory_selectors

from . import availability, matching, selectors
from .models import (
    HoursLog,
    Opportunity,
    Organisation,
    OrganisationMember,
    OrganisationStatus,
    Skill,
    VolunteerApplication,
    VolunteerProfile,
)
from .permissions import MODULE, organisation_roles
from .schemas import (
    HOURS_STATUS_PATTERN,
    ApplicationDecisionIn,
    ApplicationDetailOut,
    ApplicationPageOut,
    ApplyIn,
    HoursIn,
    HoursOut,
    HoursPageOut,
    HoursReviewIn,
    OpportunitiesQuery,
    OpportunityDetailOut,
    OpportunityIn,
    OpportunityPageOut,
    OpportunityPatch,
    OpportunityStatusIn,
    OrganisationIn,
    OrganisationOut,
    OrganisationPageOut,
    OrganisationPatch,
    OrganisationReviewPageOut,
    OrganisationStatusIn,
    SkillOut,
    SuggestedOpportunityPageOut,
    SuggestedVolunteerPageOut,
    TeamMemberIn,
    TeamMemberOut,
    VolunteerProfileIn,
    VolunteerProfileOut,
)
from .services import organisations as organisation_services
from .services import volunteering as services

router = Router(tags=["volunteering"], auth=django_auth)
ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}
MUNICIPAL = "/municipalities/{slug}"
ORGANISATION = MUNICIPAL + "/organisations/{organisation_id}"
OPPORTUNITY = MUNICIPAL + "/opportunities/{opportunity_id}"
APPLICATION = MUNICIPAL + "/volunteer-applications/{application_id}"
HOURS = MUNICIPAL + "/volunteer-hours/{hours_id}"
PROFILE = "/me/volunteer-profile"


# --- Edge validation ------------------------------------------------------------------------------


def _invalid(fields: dict[str, str]) -> ApplicationError:
    return ApplicationError(
        _("Some fields need correcting."),
        code="validation",
        extra={"fields": {name: [message] for name, message in fields.items()}},
    )


def _municipality(slug: str):
    return territory_selectors.municipality_get(slug=slug, module=MODULE)


def _skill(slug: str) -> Skill:
    found = next((skill for skill in selectors.skill_list() if skill.slug == slug), None)
    if found is None:
        raise _invalid({"skill": _("Unknown skill.")})
    return found


# --- Shapes ---------------------------------------------------------------------------------------


def _person(user) -> dict | None:
    return {"display_name": user.display_name} if user is not None else None


def _skill_ref(skill: Skill) -> dict:
    return {"slug": skill.slug, "name": skill.name}


def _organisation(request, organisation: Organisation) -> dict:
    return {
        "id": organisation.pk,
        "municipality": organisation.municipality.slug,
        "serves": sorted(m.slug for m in organisation.serves.all()),
        "name": organisation.name,
        "mission": organisation.mission,
        "services": organisation.services,
        "contact_email": organisation.email,
        "phone": organisation.phone,
        "website": organisation.website,
        "languages": organisation.languages or [],
        "status": organisation.status,
        "verified_at": organisation.verified_at,
        "my_role": organisation_roles(request.user).get(organisation.pk),
    }


def _organisation_review(request, organisation: Organisation) -> dict:
    return {
        **_organisation(request, organisation),
        "status_note": organisation.status_note,
        "registered_by": _person(organisation.created_by),
        "created_at": organisation.created_at,
    }


def _organisation_ref(organisation: Organisation) -> dict:
    return {
        "id": organisation.pk,
        "name": organisation.name,
        "municipality": organisation.municipality.slug,
    }


def _member(request, member: OrganisationMember) -> dict:
    return {
        "id": member.pk,
        "person": _person(member.user),
        "role": member.role,
        "added_at": member.added_at,
        "is_me": member.user_id == request.user.pk,
    }


def _profile(profile: VolunteerProfile) -> dict:
    return {
        "municipality": profile.municipality.slug,
        "skills": [_skill_ref(skill) for skill in profile.skills.all()],
        "other_skills": profile.other_skills,
        "interests": profile.interests,
        "languages": profile.languages or [],
        "availability": availability.to_codes(profile.weekly_slots),
        "one_off_dates": profile.one_off_dates or [],
        "suggestible": profile.suggestible,
        "updated_at": profile.updated_at,
    }


def _opportunity(opportunity: Opportunity) -> dict:
    return {
        "id": opportunity.pk,
        "municipality": opportunity.municipality.slug,
        "organisation": _organisation_ref(opportunity.organisation),
        "title": opportunity.title,
        "description": opportunity.description,
        "skills": [_skill_ref(skill) for skill in opportunity.skills.all()],
        "other_skills": opportunity.other_skills,
        "languages": opportunity.languages or [],
        "availability": availability.to_codes(opportunity.weekly_slots),
        "one_off_on": opportunity.one_off_on,
        "schedule_note": opportunity.schedule_note,
        "remote": opportunity.remote,
        "place": opportunity.place,
        "district": opportunity.district.slug if opportunity.district is not None else None,
        "places": opportunity.places,
        "places_left": opportunity.places_left,
        "required_trust": opportunity.required_trust,
        "ends_on": opportunity.ends_on,
        "status": opportunity.status,
        "created_at": opportunity.created_at,
    }


def _opportunity_detail(request, opportunity: Opportunity) -> dict:
    mine = selectors.application_of(request.user, opportunity)
    return {
        **_opportunity(opportunity),
        "is_team": opportunity.organisation_id in organisation_roles(request.user),
        "my_application": {"id": mine.pk, "status": mine.status} if mine is not None else None,
    }


def _explanation(match: matching.Match) -> dict:
    return {
        "parts": match.parts,
        "shared_skills": [_skill_ref(skill) for skill in match.shared_skills],
        "overlap_slots": match.overlap_slots,
        "km": match.km,
        "shared_languages": match.shared_languages,
    }


def _hours(entry: HoursLog, application: VolunteerApplication, volunteer) -> dict:
    opportunity = application.opportunity
    return {
        "id": entry.pk,
        "application_id": application.pk,
        "opportunity": {"id": opportunity.pk, "title": opportunity.title},
        "volunteer": _person(volunteer),
        "worked_on": entry.worked_on,
        "hours": entry.hours,
        "note": entry.note,
        "status": entry.status,
        "reviewed_by": _person(entry.confirmed_by),
        "reviewed_at": entry.confirmed_at,
        "created_at": entry.created_at,
    }


def _hours_entry(entry: HoursLog) -> dict:
    return _hours(entry, entry.application, entry.volunteer)


def _application(request, application: VolunteerApplication) -> dict:
    opportunity = application.opportunity
    return {
        "id": application.pk,
        "status": application.status,
        "opportunity": {
            "id": opportunity.pk,
            "title": opportunity.title,
            "municipality": opportunity.municipality.slug,
            "organisation": _organisation_ref(opportunity.organisation),
        },
        "volunteer": _person(application.volunteer),
        "is_mine": application.volunteer_id == request.user.pk,
        "message": application.message,
        "decision_note": application.decision_note,
        "created_at": application.created_at,
        "decided_at": application.decided_at,
    }


def _application_detail(request, application: VolunteerApplication) -> dict:
    return {
        **_application(request, application),
        "hours": [
            _hours(entry, application, application.volunteer) for entry in application.hours.all()
        ],
    }


# --- Scoped lookups -------------------------------------------------------------------------------


def _organisation_by_id(request, slug: str, organisation_id: int) -> Organisation:
    return selectors.organisation_get(
        viewer=request.user, municipality=_municipality(slug), organisation_id=organisation_id
    )


def _opportunity_by_id(request, slug: str, opportunity_id: int) -> Opportunity:
    return selectors.opportunity_get(
        viewer=request.user, municipality=_municipality(slug), opportunity_id=opportunity_id
    )


def _application_by_id(request, slug: str, application_id: int) -> VolunteerApplication:
    return selectors.application_get(
        viewer=request.user, municipality=_municipality(slug), application_id=application_id
    )


def _hours_by_id(request, slug: str, hours_id: int) -> HoursLog:
    return selectors.hours_get(
        viewer=request.user, municipality=_municipality(slug), hours_id=hours_id
    )


# --- Skills ---------------------------------------------------------------------------------------


@router.get("/skills", response={200: list[SkillOut]}, auth=None)
def skill_list(request):
    """The platform's skills taxonomy, in its order, named in the request's language (open to
    everyone: it names no one)."""
    return [_skill_ref(skill) for skill in selectors.skill_list()]


# --- Organisations --------------------------------------------------------------------------------


@router.get(f"{MUNICIPAL}/organisations", response={200: OrganisationPageOut, **ERRORS}, auth=None)
def organisation_list(
    request,
    slug: str,
    q: str | None = None,
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=50),
):
    """The verified organisations of the municipality or serving it, by name (public). `q`:
    words of their name or mission."""
    organisations = selectors.organisation_list(
        municipality=_municipality(slug), text=(q or "").strip()
    )
    items, next_cursor = keyset_page(organisations, ("name", "pk"), cursor, limit)
    return {"items": [_organisation(request, o) for o in items], "next_cursor": next_cursor}


@router.post(f"{MUNICIPAL}/organisations", response={201: OrganisationOut, **ERRORS})
def organisation_register(request: AuthenticatedRequest, slug: str, payload: OrganisationIn):
    """Register an organisation in the municipality (its members); I become its manager. It
    recruits once the municipality's staff verified it. 429 `rate_limited`."""
    municipality = _municipality(slug)
    values: dict[str, Any] = payload.dict()
    values["email"] = values.pop("contact_email")
    organisation = organisation_services.organisation_register(
        actor=request.user, municipality=municipality, values=values
    )
    shown = _organisation_by_id(request, slug, organisation.pk)
    return Status(201, _organisation(request, shown))


@router.get(ORGANISATION, response={200: OrganisationOut, **ERRORS}, auth=None)
def organisation_get(request, slug: str, organisation_id: int):
    """An organisation: public once verified; before (or when suspended), its team and the
    municipality's staff only."""
    return _organisation(request, _organisation_by_id(request, slug, organisation_id))


@router.patch(ORGANISATION, response={200: OrganisationOut, **ERRORS})
def organisation_update(
    request: AuthenticatedRequest, slug: str, organisation_id: int, payload: OrganisationPatch
):
    """Change the organisation (its managers); only the fields given change."""
    organisation = _organisation_by_id(request, slug, organisation_id)
    values = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    if "contact_email" in values:
        values["email"] = values.pop("contact_email")
    organisation_services.organisation_update(
        actor=request.user, organisation=organisation, values=values
    )
    return _organisation(request, _organisation_by_id(request, slug, organisation_id))


@router.get(f"{ORGANISATION}/members", response={200: list[TeamMemberOut], **ERRORS})
def member_list(request: AuthenticatedRequest, slug: str, organisation_id: int):
    """The organisation's team, managers first, by their display names (its team, and the
    municipality's staff with MFA)."""
    organisation = _organisation_by_id(request, slug, organisation_id)
    require(request.user, "volunteering.view_team", organisation)
    team = sorted(selectors.organisation_team(organisation), key=lambda m: m.role != "manager")
    return [_member(request, member) for member in team]


@router.post(f"{ORGANISATION}/members", response={201: TeamMemberOut, **ERRORS})
def member_add(
    request: AuthenticatedRequest, slug: str, organisation_id: int, payload: TeamMemberIn
):
    """Add a person to the team by the verified email address of their account (its managers).
    404 when no account matches; 409 `already_member`; 429 `rate_limited`."""
    organisation = _organisation_by_id(request, slug, organisation_id)
    member = organisation_services.organisation_member_add(
        actor=request.user, organisation=organisation, email=payload.email, role=payload.role
    )
    return Status(201, _member(request, member))


@router.delete(f"{ORGANISATION}/members/{{member_id}}", response={204: None, **ERRORS})
def member_remove(request: AuthenticatedRequest, slug: str, organisation_id: int, member_id: int):
    """Remove a person from the team (its managers). 400 `last_manager`: an organisation keeps
    at least one manager."""
    organisation = _organisation_by_id(request, slug, organisation_id)
    require(request.user, "volunteering.manage_organisation", organisation)
    member = organisation.members.select_related("user").filter(pk=member_id).first()
    if member is None:
        raise NotFound(_("Not found."))
    member.organisation = organisation
    organisation_services.organisation_member_remove(actor=request.user, member=member)
    return Status(204, None)


@router.get(f"{MUNICIPAL}/staff/organisations", response={200: OrganisationReviewPageOut, **ERRORS})
def organisation_review_list(
    request: AuthenticatedRequest,
    slug: str,
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=50),
):
    """The municipality's organisations waiting for verification, then the suspended ones,
    oldest first (its staff with MFA)."""
    municipality = _municipality(slug)
    organisations = (
        selectors.organisation_queue(visible_to=request.user, municipality=municipality)
        .exclude(status=OrganisationStatus.VERIFIED)
        .select_related("municipality")
    )
    items, next_cursor = keyset_page(organisations, ("status", "created_at", "pk"), cursor, limit)
    prefetch_related_objects(items, "serves")
    return {
        "items": [_organisation_review(request, o) for o in items],
        "next_cursor": next_cursor,
    }


@router.post(f"{ORGANISATION}/status", response={200: OrganisationOut, **ERRORS})
def organisation_set_status(
    request: AuthenticatedRequest, slug: str, organisation_id: int, payload: OrganisationStatusIn
):
    """Verify or suspend an organisation of the municipality (its staff with MFA); its managers
    are told."""
    organisation = _organisation_by_id(request, slug, organisation_id)
    organisation_services.organisation_set_status(
        actor=request.user, organisation=organisation, status=payload.status, note=payload.note
    )
    return _organisation(request, _organisation_by_id(request, slug, organisation_id))


# --- My volunteer profile -------------------------------------------------------------------------


def _my_profile(request) -> VolunteerProfile:
    profile = selectors.profile_of(request.user)
    if profile is None:
        raise NotFound(_("You have no volunteer profile yet."), code="no_profile")
    return profile


@router.get(PROFILE, response={200: VolunteerProfileOut, **ERRORS})
def profile_get(request: AuthenticatedRequest):
    """My volunteer profile. 404 `no_profile` until I save one."""
    return _profile(_my_profile(request))


@router.put(PROFILE, response={200: VolunteerProfileOut, **ERRORS})
def profile_put(request: AuthenticatedRequest, payload: VolunteerProfileIn):
    """Create or replace my volunteer profile, in my home municipality (400 `no_home` without
    one). I am suggested to organisations only when `suggestible` is true."""
    services.profile_save(actor=request.user, values=payload.dict())
    return _profile(_my_profile(request))


@router.delete(PROFILE, response={204: None, **ERRORS})
def profile_delete(request: AuthenticatedRequest):
    """Forget my volunteer profile (my applications and hours stay). 404 `no_profile`."""
    _my_profile(request)
    services.profile_delete(actor=request.user)
    return Status(204, None)


# --- Opportunities --------------------------------------------------------------------------------


def _listed(opportunities: QuerySet) -> QuerySet:
    return opportunities.select_related("organisation__municipality", "municipality", "district")


@router.get(f"{MUNICIPAL}/opportunities", response={200: OpportunityPageOut, **ERRORS}, auth=None)
def opportunity_list(request, slug: str, query: Query[OpportunitiesQuery]):
    """The open opportunities of verified organisations that residents of the municipality may
    answer, soonest ending first (public). Filters: `skill` (a slug), words (`q`), `remote`."""
    municipality = _municipality(slug)
    filters = selectors.OpportunityFilters(
        skill=_skill(query.skill) if query.skill else None,
        text=(query.q or "").strip(),
        remote=query.remote,
    )
    opportunities = _listed(selectors.opportunity_list(municipality=municipality, filters=filters))
    items, next_cursor = keyset_page(opportunities, ("ends_on", "-pk"), query.cursor, query.limit)
    return {"items": [_opportunity(o) for o in items], "next_cursor": next_cursor}


@router.post(f"{ORGANISATION}/opportunities", response={201: OpportunityDetailOut, **ERRORS})
def opportunity_create(
    request: AuthenticatedRequest, slug: str, organisation_id: int, payload: OpportunityIn
):
    """Post an opportunity in the municipality (the team of a verified organisation of it, or
    serving it). 403 while the organisation is not verified; 429 `rate_limited`."""
    municipality = _municipality(slug)
    organisation = _organisation_by_id(request, slug, organisation_id)
    opportunity = services.opportunity_create(
        actor=request.user,
        organisation=organisation,
        municipality=municipality,
        values=payload.dict(),
    )
    shown = _opportunity_by_id(request, slug, opportunity.pk)
    return Status(201, _opportunity_detail(request, shown))


@router.get(
    f"{MUNICIPAL}/opportunities/suggested",
    response={200: SuggestedOpportunityPageOut, **ERRORS},
)
def opportunity_suggested(request: AuthenticatedRequest, slug: str, page: int = Query(1, ge=1)):
    """The open opportunities of the municipality ranked for me, best first, 20 a page, each
    with its score out of 100 and why (its members). Those I applied to are left out. 404
    `no_profile` until I save a volunteer profile."""
    municipality = _municipality(slug)
    require(request.user, "volunteering.keep_profile", municipality)
    profile = _my_profile(request)
    profile.municipality = municipality  # ranked where I look, from my district
    matches, total = matching.opportunities_for(profile, page=page)
    shown = [match.opportunity for match in matches if match.opportunity is not None]
    prefetch_related_objects(shown, "skills", "district", "organisation__municipality")
    return {
        "items": [
            {
                "opportunity": _opportunity(match.opportunity),
                "score": match.score,
                "explanation": _explanation(match),
            }
            for match in matches
            if match.opportunity is not None
        ],
        "total": total,
        "page": page,
        "next_page": page + 1 if page * matching.PAGE_SIZE < total else None,
    }


@router.get(OPPORTUNITY, response={200: OpportunityDetailOut, **ERRORS}, auth=None)
def opportunity_get(request, slug: str, opportunity_id: int):
    """An opportunity: public while open for a verified organisation; its team sees it in every
    status."""
    return _opportunity_detail(request, _opportunity_by_id(request, slug, opportunity_id))


@router.patch(OPPORTUNITY, response={200: OpportunityDetailOut, **ERRORS})
def opportunity_update(
    request: AuthenticatedRequest, slug: str, opportunity_id: int, payload: OpportunityPatch
):
    """Change an opportunity (the team of its verified organisation); only the fields given
    change. Its places cannot drop below the volunteers already accepted."""
    opportunity = _opportunity_by_id(request, slug, opportunity_id)
    nullable = {"one_off_on", "district"}
    values = {
        name: value
        for name, value in payload.dict(exclude_unset=True).items()
        if value is not None or name in nullable
    }
    services.opportunity_update(actor=request.user, opportunity=opportunity, values=values)
    return _opportunity_detail(request, _opportunity_by_id(request, slug, opportunity_id))


@router.post(f"{OPPORTUNITY}/status", response={200: OpportunityDetailOut, **ERRORS})
def opportunity_set_status(
    request: AuthenticatedRequest, slug: str, opportunity_id: int, payload: OpportunityStatusIn
):
    """Open, close or set back to draft an opportunity (the team of its verified
    organisation)."""
    opportunity = _opportunity_by_id(request, slug, opportunity_id)
    services.opportunity_set_status(
        actor=request.user, opportunity=opportunity, status=payload.status
    )
    return _opportunity_detail(request, _opportunity_by_id(request, slug, opportunity_id))


@router.get(f"{OPPORTUNITY}/volunteers", response={200: SuggestedVolunteerPageOut, **ERRORS})
def opportunity_volunteers(
    request: AuthenticatedRequest, slug: str, opportunity_id: int, page: int = Query(1, ge=1)
):
    """Volunteers who agreed to be suggested, ranked for this opportunity, best first, 20 a
    page, each with its score and why, by display name only (the team of its verified
    organisation). Its team and those who already applied are left out."""
    opportunity = _opportunity_by_id(request, slug, opportunity_id)
    require(request.user, "volunteering.recruit_for", opportunity)
    matches, total = matching.volunteers_for(opportunity, page=page)
    return {
        "items": [
            {
                "volunteer": _person(match.profile.user),
                "other_skills": match.profile.other_skills,
                "interests": match.profile.interests,
                "score": match.score,
                "explanation": _explanation(match),
            }
            for match in matches
            if match.profile is not None
        ],
        "total": total,
        "page": page,
        "next_page": page + 1 if page * matching.PAGE_SIZE < total else None,
    }


# --- Applications ---------------------------------------------------------------------------------


@router.post(f"{OPPORTUNITY}/applications", response={201: ApplicationDetailOut, **ERRORS})
def application_submit(
    request: AuthenticatedRequest, slug: str, opportunity_id: int, payload: ApplyIn
):
    """Apply to an open opportunity. 403 `trust_required` without the trust level it asks for
    (a background check for work with youth); 409 `closed`, `already_applied`; 429
    `rate_limited`."""
    opportunity = _opportunity_by_id(request, slug, opportunity_id)
    application = services.application_submit(
        actor=request.user, opportunity=opportunity, message=payload.message
    )
    shown = _application_by_id(request, slug, application.pk)
    return Status(201, _application_detail(request, shown))


@router.get("/me/volunteer-applications", response={200: ApplicationPageOut, **ERRORS})
def my_application_list(
    request: AuthenticatedRequest, cursor: str | None = None, limit: int = Query(20, ge=1, le=50)
):
    """My applications, in every municipality, newest first."""
    applications = selectors.my_applications(request.user).select_related(
        "volunteer", "opportunity__organisation__municipality"
    )
    items, next_cursor = keyset_page(applications, ("-created_at", "-pk"), cursor, limit)
    return {"items": [_application(request, a) for a in items], "next_cursor": next_cursor}


@router.get(f"{OPPORTUNITY}/applications", response={200: ApplicationPageOut, **ERRORS})
def opportunity_application_list(
    request: AuthenticatedRequest,
    slug: str,
    opportunity_id: int,
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=50),
):
    """Who applied to the opportunity (withdrawn applications left out), accepted first, then
    declined, then pending, oldest first (the organisation's team)."""
    opportunity = _opportunity_by_id(request, slug, opportunity_id)
    require(request.user, "volunteering.view_applications", opportunity.organisation)
    applications = selectors.opportunity_applications(opportunity)
    items, next_cursor = keyset_page(applications, ("status", "created_at", "pk"), cursor, limit)
    return {"items": [_application(request, a) for a in items], "next_cursor": next_cursor}


@router.get(APPLICATION, response={200: ApplicationDetailOut, **ERRORS})
def application_get(request: AuthenticatedRequest, slug: str, application_id: int):
    """An application with its hours (its volunteer and the organisation's team)."""
    return _application_detail(request, _application_by_id(request, slug, application_id))


def _step(request, slug: str, application_id: int, service: Callable, **values) -> dict:
    application = _application_by_id(request, slug, application_id)
    service(actor=request.user, application=application, **values)
    return _application_detail(request, _application_by_id(request, slug, application_id))


@router.post(f"{APPLICATION}/accept", response={200: ApplicationDetailOut, **ERRORS})
def application_accept(
    request: AuthenticatedRequest,
    slug: str,
    application_id: int,
    payload: ApplicationDecisionIn | None = None,
):
    """Accept a pending application, taking one of the places (the team of the verified
    organisation; the volunteer is told). 409 `full`, `wrong_state`."""
    note = payload.note if payload else ""
    return _step(request, slug, application_id, services.application_accept, note=note)


@router.post(f"{APPLICATION}/decline", response={200: ApplicationDetailOut, **ERRORS})
def application_decline(
    request: AuthenticatedRequest,
    slug: str,
    application_id: int,
    payload: ApplicationDecisionIn | None = None,
):
    """Decline a pending or accepted application, freeing its place (the team of the verified
    organisation; the volunteer is told). 409 `wrong_state`."""
    note = payload.note if payload else ""
    return _step(request, slug, application_id, services.application_decline, note=note)


@router.post(f"{APPLICATION}/withdraw", response={200: ApplicationDetailOut, **ERRORS})
def application_withdraw(request: AuthenticatedRequest, slug: str, application_id: int):
    """Withdraw my application, pending or accepted (its volunteer only). 409 `wrong_state`."""
    return _step(request, slug, application_id, services.application_withdraw)


# --- Hours ----------------------------------------------------------------------------------------


@router.post(f"{APPLICATION}/hours", response={201: HoursOut, **ERRORS})
def hours_log(request: AuthenticatedRequest, slug: str, application_id: int, payload: HoursIn):
    """Log hours worked on my accepted application, for the organisation to confirm (its
    volunteer only). 429 `rate_limited`."""
    application = _application_by_id(request, slug, application_id)
    entry = services.hours_log(
        actor=request.user,
        application=application,
        worked_on=payload.worked_on,
        hours=payload.hours,
        note=payload.note,
    )
    return Status(201, _hours(entry, application, application.volunteer))


@router.get(f"{ORGANISATION}/hours", response={200: HoursPageOut, **ERRORS})
def organisation_hours(
    request: AuthenticatedRequest,
    slug: str,
    organisation_id: int,
    status: str = Query("pending", pattern=HOURS_STATUS_PATTERN),
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=50),
):
    """The hours logged for the organisation, oldest day first (its team): `pending` ones, to
    confirm, unless `status` says `confirmed`, `rejected` or `all`."""
    organisation = _organisation_by_id(request, slug, organisation_id)
    require(request.user, "volunteering.view_applications", organisation)
    entries = selectors.organisation_hours(organisation, status="" if status == "all" else status)
    items, next_cursor = keyset_page(entries, ("worked_on", "pk"), cursor, limit)
    return {"items": [_hours_entry(entry) for entry in items], "next_cursor": next_cursor}


@router.post(f"{HOURS}/confirm", response={200: HoursOut, **ERRORS})
def hours_confirm(request: AuthenticatedRequest, slug: str, hours_id: int):
    """Confirm logged hours (the team of the verified organisation, never the volunteer who
    logged them); the volunteer earns the municipality's points for them. 409 `wrong_state`."""
    entry = _hours_by_id(request, slug, hours_id)
    services.hours_confirm(actor=request.user, entry=entry)
    return _hours_entry(_hours_by_id(request, slug, hours_id))


@router.post(f"{HOURS}/reject", response={200: HoursOut, **ERRORS})
def hours_reject(
    request: AuthenticatedRequest, slug: str, hours_id: int, payload: HoursReviewIn | None = None
):
    """Refuse logged hours, with a note for the volunteer (the team of the verified
    organisation, never the volunteer). 409 `wrong_state`."""
    entry = _hours_by_id(request, slug, hours_id)
    services.hours_reject(actor=request.user, entry=entry, note=payload.note if payload else "")
    return _hours_entry(_hours_by_id(request, slug, hours_id))
