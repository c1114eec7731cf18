"""Volunteers' profiles, opportunities, applications and hours.

Accepting an application takes one of the opportunity's places with a conditional UPDATE
(`accepted_count < places`), so two coordinators accepting at the same moment can never fill more
places than there are (the CHECK on the table is the last guard). Confirmed hours earn the
volunteer the points of the municipality's "confirmed volunteer hour" rule, once per log.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from milieu.accounts.models import Membership, TrustLevel
from milieu.core import geo, ratelimit
from milieu.core.errors import ApplicationError, Conflict, PermissionDenied
from milieu.core.permissions import require
from milieu.core.ratelimit import Limit
from milieu.rewards import services as rewards
from milieu.rewards.models import EarningRule
from milieu.territory.models import District, Municipality

from .. import availability
from ..models import (
    ApplicationStatus,
    HoursLog,
    HoursStatus,
    Opportunity,
    OpportunityStatus,
    Organisation,
    Skill,
    VolunteerApplication,
    VolunteerProfile,
)
from ..permissions import has_required_trust, may_serve
from .common import invalid, languages, tell, text

MAX_SKILLS = 20
MAX_ONE_OFF_DATES = 20
MAX_HOURS_BACK_DAYS = 90
LIMITS = {
    "opportunity": [Limit(20, 3600), Limit(60, 86_400)],
    "apply": [Limit(20, 3600), Limit(50, 86_400)],
    "hours": [Limit(30, 3600)],
}


class TrustRequired(ApplicationError):
    status_code = 403
    code = "trust_required"


def _skills(values: dict[str, Any], field: str = "skills") -> list[Skill] | None:
    chosen = values.get(field)
    if chosen is None:
        return None
    slugs = {getattr(skill, "slug", skill) for skill in chosen}
    if len(slugs) > MAX_SKILLS:
        raise invalid(field, _("Choose at most %(count)s skills.") % {"count": MAX_SKILLS})
    skills = list(Skill.objects.filter(slug__in=slugs))
    if len(skills) != len(slugs):
        raise invalid(field, _("Unknown skill."))
    return skills


def _slots(values: dict[str, Any], field: str = "availability") -> int | None:
    codes = values.get(field)
    if codes is None:
        return None
    if isinstance(codes, str):
        codes = [codes]
    try:
        return availability.from_codes(codes)
    except ValueError:
        raise invalid(field, _("Unknown time of the week.")) from None


def _district_cell(district: District | None, municipality: Municipality) -> dict[str, str]:
    if district is not None and district.latitude is not None and district.longitude is not None:
        return geo.cell_columns(geo.cell_at(district.latitude, district.longitude))
    return geo.cell_columns(geo.cell_at(municipality.latitude, municipality.longitude))


# --- Volunteer profiles -------------------------------------------------------------------------


def _home(actor) -> Membership:
    membership = (
        Membership.objects.filter(user=actor, is_home=True)
        .select_related("municipality", "district")
        .first()
    )
    if membership is None:
        raise ApplicationError(
            _("Choose your home municipality in your profile first."), code="no_home"
        )
    return membership


@transaction.atomic
def profile_save(*, actor, values: dict[str, Any]) -> VolunteerProfile:
    """Create or change `actor`'s volunteer profile, placed at their home district's centre.
    Fields left out keep their value; `suggestible` is off until the person turns it on."""
    home = _home(actor)
    require(actor, "volunteering.keep_profile", home.municipality)
    profile = VolunteerProfile.objects.select_for_update().filter(
        user=actor
    ).first() or VolunteerProfile(user=actor, municipality=home.municipality)
    skills = _skills(values)
    slots = _slots(values)
    if "other_skills" in values:
        profile.other_skills = text(values, "other_skills", 300)
    if "interests" in values:
        profile.interests = text(values, "interests", 300)
    if "languages" in values:
        profile.languages = languages(values)
    if slots is not None:
        profile.weekly_slots = slots
    if "one_off_dates" in values:
        profile.one_off_dates = _one_off_dates(values.get("one_off_dates") or [])
    if "suggestible" in values:
        profile.suggestible = bool(values["suggestible"])
    profile.municipality = home.municipality
    for field, value in _district_cell(home.district, home.municipality).items():
        setattr(profile, field, value)
    profile.updated_at = timezone.now()
    profile.save()
    if skills is not None:
        profile.skills.set(skills)
    return profile


def _one_off_dates(raw: list[Any]) -> list[str]:
    today = timezone.localdate()
    dates: set[date] = set()
    for value in raw:
        try:
            day = value if isinstance(value, date) else date.fromisoformat(str(value))
        except ValueError:
            raise invalid("one_off_dates", _("Enter dates as YYYY-MM-DD.")) from None
        if day < today or day > today + timedelta(days=366):
            raise invalid("one_off_dates", _("Choose dates within the coming year."))
        dates.add(day)
    if len(dates) > MAX_ONE_OFF_DATES:
        raise invalid("one_off_dates", _("At most %(count)s dates.") % {"count": MAX_ONE_OFF_DATES})
    return [day.isoformat() for day in sorted(dates)]


@transaction.atomic
def profile_delete(*, actor) -> None:
    """Forget the profile (skills, availability, consent to be suggested)."""
    VolunteerProfile.objects.filter(user=actor).delete()


# --- Opportunities ------------------------------------------------------------------------------


def _validate_opportunity(
    values: dict[str, Any], organisation: Organisation, municipality: Municipality
) -> dict[str, Any]:
    clean: dict[str, Any] = {
        "title": text(values, "title", 150, required=True),
        "description": text(values, "description", 5000, required=True),
        "other_skills": text(values, "other_skills", 300),
        "schedule_note": text(values, "schedule_note", 300),
        "place": text(values, "place", 200),
        "languages": languages(values),
        "remote": bool(values.get("remote")),
    }
    try:
        raw = values.get("places")
        places = 1 if raw in (None, "") else int(raw)
    except (TypeError, ValueError):
        raise invalid("places", _("Enter a whole number.")) from None
    if not 1 <= places <= 500:
        raise invalid("places", _("Between 1 and 500 places."))
    clean["places"] = places
    try:
        raw = values.get("required_trust")
        trust = TrustLevel.MEMBER if raw in (None, "") else int(raw)
    except (TypeError, ValueError):
        raise invalid("required_trust", _("Unknown trust level.")) from None
    if trust not in (TrustLevel.MEMBER, TrustLevel.RESIDENT, TrustLevel.SCREENED):
        raise invalid("required_trust", _("Unknown trust level."))
    clean["required_trust"] = trust
    today = timezone.localdate()
    ends_on = _date(values.get("ends_on"), "ends_on")
    if ends_on is None:
        raise invalid("ends_on", _("This field is required."))
    if ends_on < today or ends_on > today + timedelta(days=731):
        raise invalid("ends_on", _("Choose an end date within the next two years."))
    clean["ends_on"] = ends_on
    one_off = _date(values.get("one_off_on"), "one_off_on")
    if one_off is not None and not today <= one_off <= ends_on:
        raise invalid("one_off_on", _("Choose a day between today and the end date."))
    clean["one_off_on"] = one_off
    slots = _slots(values) or 0
    if one_off is not None:
        slots = (slots & availability.of_day(one_off)) or availability.of_day(one_off)
    clean["weekly_slots"] = slots
    district = values.get("district")
    if district is not None and not isinstance(district, District):
        district = District.objects.filter(municipality=municipality, slug=district).first()
        if district is None:
            raise invalid("district", _("Unknown district."))
    if district is not None and district.municipality_id != municipality.pk:
        raise invalid("district", _("Unknown district."))
    clean["district"] = district
    clean["skills"] = _skills(values)
    if not clean["skills"] and not clean["other_skills"]:
        raise invalid("skills", _("Name at least one skill wanted."))
    return clean


def _date(value: Any, field: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise invalid(field, _("Enter a date as YYYY-MM-DD.")) from None


def _apply_opportunity(opportunity: Opportunity, clean: dict[str, Any]) -> Opportunity:
    skills = clean.pop("skills")
    for field, value in clean.items():
        setattr(opportunity, field, value)
    for field, value in _district_cell(clean["district"], opportunity.municipality).items():
        setattr(opportunity, field, value)
    opportunity.updated_at = timezone.now()
    opportunity.save()
    if skills is not None:
        opportunity.skills.set(skills)
    return opportunity


@transaction.atomic
def opportunity_create(
    *, actor, organisation: Organisation, values: dict[str, Any], municipality=None
) -> Opportunity:
    """Post an opportunity for a verified organisation (its manager or a coordinator), in its
    home municipality or one it serves."""
    require(
        actor,
        "volunteering.recruit",
        organisation,
        _("Only a verified organisation's team can post opportunities."),
    )
    municipality = municipality or organisation.municipality
    if (
        municipality.pk != organisation.municipality_id
        and not organisation.serves.filter(pk=municipality.pk).exists()
    ):
        raise invalid("municipality", _("This organisation does not serve this municipality."))
    clean = _validate_opportunity(values, organisation, municipality)
    ratelimit.hit("volunteering.opportunity", actor.pk, limits=LIMITS["opportunity"])
    opportunity = Opportunity(
        organisation=organisation, municipality=municipality, created_by=actor
    )
    return _apply_opportunity(opportunity, clean)


@transaction.atomic
def opportunity_update(*, actor, opportunity: Opportunity, values: dict[str, Any]) -> Opportunity:
    require(actor, "volunteering.recruit_for", opportunity)
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    merged = {
        "title": opportunity.title,
        "description": opportunity.description,
        "other_skills": opportunity.other_skills,
        "schedule_note": opportunity.schedule_note,
        "place": opportunity.place,
        "languages": opportunity.languages,
        "remote": opportunity.remote,
        "places": opportunity.places,
        "required_trust": opportunity.required_trust,
        "ends_on": opportunity.ends_on,
        "one_off_on": opportunity.one_off_on,
        "availability": availability.to_codes(opportunity.weekly_slots),
        "district": opportunity.district,
        "skills": list(opportunity.skills.all()),
        **values,
    }
    clean = _validate_opportunity(merged, opportunity.organisation, opportunity.municipality)
    if clean["places"] < opportunity.accepted_count:
        raise invalid(
            "places",
            _("%(count)s volunteers are already accepted: keep at least as many places.")
            % {"count": opportunity.accepted_count},
        )
    return _apply_opportunity(opportunity, clean)


@transaction.atomic
def opportunity_set_status(*, actor, opportunity: Opportunity, status: str) -> Opportunity:
    require(actor, "volunteering.recruit_for", opportunity)
    if status not in OpportunityStatus.values:
        raise invalid("status", _("Unknown status."))
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    opportunity.status = status
    opportunity.updated_at = timezone.now()
    opportunity.save(update_fields=["status", "updated_at"])
    return opportunity


# --- Applications -------------------------------------------------------------------------------


def _opportunity_kwargs(opportunity: Opportunity) -> dict[str, Any]:
    return {
        "municipality_slug": opportunity.municipality.slug,
        "opportunity_id": opportunity.pk,
    }


@transaction.atomic
def application_submit(
    *, actor, opportunity: Opportunity, message: str = ""
) -> VolunteerApplication:
    """Apply to an open opportunity. Without the opportunity's required trust level the answer
    is `trust_required` (403), and nothing is stored."""
    if not actor.has_perm("volunteering.view_opportunity", opportunity):
        raise PermissionDenied(_("You are not allowed to do this."))
    if opportunity.status != OpportunityStatus.OPEN or opportunity.ends_on < timezone.localdate():
        raise Conflict(_("This opportunity is closed."), code="closed")
    if not (actor.is_authenticated and may_serve(actor, opportunity)):
        raise PermissionDenied(
            _("Only residents of the municipalities this opportunity serves can apply.")
        )
    if not has_required_trust(actor, opportunity):
        raise TrustRequired(
            _("This mission asks for the trust level “%(level)s”, which you do not have yet.")
            % {"level": TrustLevel(opportunity.required_trust).label}
        )
    require(actor, "volunteering.apply", opportunity)
    message = text({"message": message}, "message", 2000)
    ratelimit.hit("volunteering.apply", actor.pk, limits=LIMITS["apply"])
    existing = VolunteerApplication.objects.filter(opportunity=opportunity, volunteer=actor).first()
    if existing is not None:
        if existing.status != ApplicationStatus.WITHDRAWN:
            raise Conflict(_("You already applied to this opportunity."), code="already_applied")
        existing.status = ApplicationStatus.PENDING
        existing.message = message
        existing.created_at = timezone.now()
        existing.decided_at = None
        existing.decided_by = None
        existing.save()
        application = existing
    else:
        try:
            with transaction.atomic():
                application = VolunteerApplication.objects.create(
                    opportunity=opportunity, volunteer=actor, message=message
                )
        except IntegrityError:
            raise Conflict(
                _("You already applied to this opportunity."), code="already_applied"
            ) from None
    title = opportunity.title
    for user_id in opportunity.organisation.members.values_list("user_id", flat=True):
        tell(
            user_id=user_id,
            key=f"application:{application.pk}:submitted:{application.created_at.timestamp()}",
            title=lambda: _("A new volunteer applied to “%(title)s”.") % {"title": title},
            url_name="volunteering:application",
            url_kwargs={
                "municipality_slug": opportunity.municipality.slug,
                "application_id": application.pk,
            },
            municipality=opportunity.municipality,
        )
    return application


def _locked_application(application: VolunteerApplication) -> VolunteerApplication:
    return (
        VolunteerApplication.objects.select_for_update(of=("self",))
        .select_related("opportunity__organisation", "opportunity__municipality")
        .get(pk=application.pk)
    )


def _refuse_unless(application: VolunteerApplication, *states: str) -> None:
    if application.status not in states:
        raise Conflict(
            _("This application is %(status)s: this step is no longer possible.")
            % {"status": application.get_status_display().lower()},
            code="wrong_state",
        )


@transaction.atomic
def application_accept(
    *, actor, application: VolunteerApplication, note: str = ""
) -> VolunteerApplication:
    """Accept a pending application, taking one of the places: when none is left, `full` (409)."""
    require(actor, "volunteering.decide_application", application)
    application = _locked_application(application)
    _refuse_unless(application, ApplicationStatus.PENDING)
    opportunity = application.opportunity
    taken = Opportunity.objects.filter(pk=opportunity.pk, accepted_count__lt=F("places")).update(
        accepted_count=F("accepted_count") + 1, updated_at=timezone.now()
    )
    if not taken:
        raise Conflict(_("All the places of this opportunity are taken."), code="full")
    return _decide(application, actor, ApplicationStatus.ACCEPTED, note)


@transaction.atomic
def application_decline(
    *, actor, application: VolunteerApplication, note: str = ""
) -> VolunteerApplication:
    require(actor, "volunteering.decide_application", application)
    application = _locked_application(application)
    _refuse_unless(application, ApplicationStatus.PENDING, ApplicationStatus.ACCEPTED)
    if application.status == ApplicationStatus.ACCEPTED:
        _free_place(application.opportunity)
    return _decide(application, actor, ApplicationStatus.DECLINED, note)


def _free_place(opportunity: Opportunity) -> None:
    Opportunity.objects.filter(pk=opportunity.pk, accepted_count__gt=0).update(
        accepted_count=F("accepted_count") - 1, updated_at=timezone.now()
    )


def _decide(
    application: VolunteerApplication, actor, status: str, note: str
) -> VolunteerApplication:
    application.status = status
    application.decision_note = (note or "").strip()[:500]
    application.decided_by = actor
    application.decided_at = timezone.now()
    application.save()
    title = application.opportunity.title
    tell(
        user_id=application.volunteer_id,
        key=f"application:{application.pk}:{status}",
        title=(
            (lambda: _("You are accepted for “%(title)s”.") % {"title": title})
            if status == ApplicationStatus.ACCEPTED
            else (lambda: _("Your application for “%(title)s” was declined.") % {"title": title})
        ),
        url_name="volunteering:application",
        url_kwargs={
            "municipality_slug": application.opportunity.municipality.slug,
            "application_id": application.pk,
        },
        municipality=application.opportunity.municipality,
    )
    return application


@transaction.atomic
def application_withdraw(*, actor, application: VolunteerApplication) -> VolunteerApplication:
    if application.volunteer_id != actor.pk:
        raise PermissionDenied(_("You are not allowed to do this."))
    application = _locked_application(application)
    _refuse_unless(application, ApplicationStatus.PENDING, ApplicationStatus.ACCEPTED)
    if application.status == ApplicationStatus.ACCEPTED:
        _free_place(application.opportunity)
    application.status = ApplicationStatus.WITHDRAWN
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decided_at"])
    return application


# --- Hours --------------------------------------------------------------------------------------


def _hours(value: Any) -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.25"))
    except (InvalidOperation, ValueError):
        raise invalid("hours", _("Enter a number of hours, e.g. 2.5.")) from None
    if not Decimal("0.25") <= hours <= Decimal("24"):
        raise invalid("hours", _("Between a quarter of an hour and 24 hours."))
    return hours


@transaction.atomic
def hours_log(
    *, actor, application: VolunteerApplication, worked_on: Any, hours: Any, note: str = ""
) -> HoursLog:
    """The volunteer logs hours worked on an accepted application, for the organisation to
    confirm."""
    application = VolunteerApplication.objects.select_related(
        "opportunity__organisation", "opportunity__municipality"
    ).get(pk=application.pk)
    require(actor, "volunteering.log_hours", application)
    day = _date(worked_on, "worked_on")
    today = timezone.localdate()
    if day is None:
        raise invalid("worked_on", _("This field is required."))
    if day > today or day < today - timedelta(days=MAX_HOURS_BACK_DAYS):
        raise invalid(
            "worked_on",
            _("Choose a day in the last %(days)s days.") % {"days": MAX_HOURS_BACK_DAYS},
        )
    amount = _hours(hours)
    note = text({"note": note}, "note", 500)
    ratelimit.hit("volunteering.hours", actor.pk, limits=LIMITS["hours"])
    entry = HoursLog.objects.create(
        application=application,
        volunteer=actor,
        organisation=application.opportunity.organisation,
        worked_on=day,
        hours=amount,
        note=note,
    )
    opportunity = application.opportunity
    for user_id in opportunity.organisation.members.values_list("user_id", flat=True):
        tell(
            user_id=user_id,
            key=f"hours:{entry.pk}:logged",
            title=lambda: _("Hours to confirm for “%(title)s”.") % {"title": opportunity.title},
            url_name="volunteering:application",
            url_kwargs={
                "municipality_slug": opportunity.municipality.slug,
                "application_id": application.pk,
            },
            municipality=opportunity.municipality,
        )
    return entry


def _locked_hours(entry: HoursLog) -> HoursLog:
    return (
        HoursLog.objects.select_for_update(of=("self",))
        .select_related("application__opportunity__municipality", "organisation")
        .get(pk=entry.pk)
    )


@transaction.atomic
def hours_confirm(*, actor, entry: HoursLog) -> HoursLog:
    """The organisation confirms logged hours (never the volunteer who logged them); the
    volunteer earns the points of the municipality's volunteer-hour rule, one unit per whole
    hour, once per log."""
    require(
        actor,
        "volunteering.confirm_hours",
        entry,
        _("Hours are confirmed by the organisation, not by the volunteer."),
    )
    entry = _locked_hours(entry)
    if entry.status != HoursStatus.PENDING:
        raise Conflict(_("These hours were already reviewed."), code="wrong_state")
    entry.status = HoursStatus.CONFIRMED
    entry.confirmed_by = actor
    entry.confirmed_at = timezone.now()
    entry.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    _award_hours(entry)
    return entry


def _award_hours(entry: HoursLog) -> None:
    units = int(entry.hours)
    if units < 1:
        return
    municipality = entry.application.opportunity.municipality
    with suppress(ApplicationError):
        rewards.points_award(
            program=rewards.program_for(municipality),
            user=entry.volunteer,
            action=EarningRule.Action.VOLUNTEER_HOUR,
            key=f"volunteer-hours:{entry.pk}",
            units=units,
        )


@transaction.atomic
def hours_reject(*, actor, entry: HoursLog, note: str = "") -> HoursLog:
    require(actor, "volunteering.confirm_hours", entry)
    entry = _locked_hours(entry)
    if entry.status != HoursStatus.PENDING:
        raise Conflict(_("These hours were already reviewed."), code="wrong_state")
    entry.status = HoursStatus.REJECTED
    entry.confirmed_by = actor
    entry.confirmed_at = timezone.now()
    if note.strip():
        entry.note = "\n".join(part for part in (entry.note, note.strip()) if part)[:500]
    entry.save(update_fields=["status", "confirmed_by", "confirmed_at", "note"])
    return entry
