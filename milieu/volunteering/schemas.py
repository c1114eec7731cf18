"""Schemas of the volunteering API: skills, organisations and their teams, volunteer profiles,
opportunities, matching, applications and hours.

No schema here carries a place or a way to reach a volunteer: a profile's or an opportunity's
cell never leaves the server (a reader sees a distance in whole kilometres), and a volunteer is
shown to an organisation by their display name only, never their email address.
"""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from milieu.accounts.models import TrustLevel

from .availability import SLOT_CODES
from .models import ApplicationStatus, HoursStatus, OpportunityStatus, OrganisationStatus

MAX_PAGE_SIZE = 50
LANGUAGES = "fr, en or es"
SLOTS = (
    "Times of the week as `<day>-<part>` codes: day mon … sun, part morning, afternoon or "
    f"evening (e.g. `{SLOT_CODES[4]}`)."
)
TRUST = ", ".join(f"{level.value} ({level.label})" for level in TrustLevel)
ORGANISATION_STATUSES = ", ".join(OrganisationStatus.values)
OPPORTUNITY_STATUSES = ", ".join(OpportunityStatus.values)
APPLICATION_STATUSES = ", ".join(ApplicationStatus.values)
HOURS_STATUSES = ", ".join(HoursStatus.values)
HOURS_STATUS_PATTERN = f"^({'|'.join([*HoursStatus.values, 'all'])})$"
NEXT_CURSOR = "Pass it as `cursor` for the next page; none at the end."


class SkillOut(Schema):
    slug: str
    name: str = Field(..., description="In the request's language.")


class DisplayNameOut(Schema):
    display_name: str = Field(..., description="What the person chose to be called; may be empty.")


# --- Organisations ------------------------------------------------------------------------------


class OrganisationOut(Schema):
    id: int
    municipality: str = Field(..., description="The slug of its home municipality.")
    serves: list[str] = Field(..., description="The slugs of the other municipalities it serves.")
    name: str
    mission: str
    services: str
    contact_email: str = Field(..., description="The organisation's own contact address.")
    phone: str
    website: str
    languages: list[str] = Field(..., description=LANGUAGES)
    status: str = Field(..., description=ORGANISATION_STATUSES)
    verified_at: datetime | None
    my_role: str | None = Field(
        ..., description="manager or coordinator when I am on its team; none otherwise."
    )


class OrganisationPageOut(Schema):
    items: list[OrganisationOut]
    next_cursor: str | None = Field(..., description=NEXT_CURSOR)


class OrganisationReviewOut(OrganisationOut):
    """An organisation as the staff who verify it see it."""

    status_note: str = Field(..., description="The staff's note with the last decision.")
    registered_by: DisplayNameOut | None
    created_at: datetime


class OrganisationReviewPageOut(Schema):
    items: list[OrganisationReviewOut]
    next_cursor: str | None = Field(..., description=NEXT_CURSOR)


class OrganisationIn(Schema):
    """A new organisation; the person registering it becomes its manager, and it recruits once
    the municipality's staff verified it."""

    name: str = Field(..., description="At most 150 characters, unique in the municipality.")
    mission: str = Field(..., description="At most 3,000 characters.")
    services: str = Field("", description="At most 3,000 characters.")
    contact_email: str = Field(..., description="The organisation's contact address.")
    phone: str = Field("", description="At most 30 characters.")
    website: str = Field("", description="An http(s) address.")
    languages: list[str] = Field([], description=f"The languages it works in: {LANGUAGES}.")
    serves: list[str] = Field(
        [], description="Slugs of other municipalities it serves (remote opportunities)."
    )


class OrganisationPatch(Schema):
    """Only the fields given change."""

    name: str | None = None
    mission: str | None = None
    services: str | None = None
    contact_email: str | None = None
    phone: str | None = None
    website: str | None = None
    languages: list[str] | None = None
    serves: list[str] | None = None


class OrganisationStatusIn(Schema):
    status: str = Field(..., description="verified or suspended.")
    note: str = Field("", description="Why, for the organisation's managers (at most 500).")


class TeamMemberOut(Schema):
    id: int
    person: DisplayNameOut
    role: str = Field(..., description="manager or coordinator.")
    added_at: datetime
    is_me: bool


class TeamMemberIn(Schema):
    email: str = Field(
        ...,
        description=(
            "The verified address of the person's account; the answer is the same for an "
            "unknown address and one that is not verified."
        ),
    )
    role: str = Field("coordinator", description="manager or coordinator.")


# --- Volunteer profiles -------------------------------------------------------------------------


class VolunteerProfileOut(Schema):
    municipality: str = Field(..., description="The slug of my home municipality.")
    skills: list[SkillOut]
    other_skills: str
    interests: str
    languages: list[str] = Field(..., description=LANGUAGES)
    availability: list[str] = Field(..., description=SLOTS)
    one_off_dates: list[date] = Field(..., description="Single days I am free.")
    suggestible: bool = Field(
        ..., description="Whether verified organisations may see me among suggested volunteers."
    )
    updated_at: datetime


class VolunteerProfileIn(Schema):
    """My whole volunteer profile (what is left out is emptied). It is placed at my home
    district's centre, which is never sent back."""

    skills: list[str] = Field([], description="Slugs of the skills taxonomy (at most 20).")
    other_skills: str = Field("", description="At most 300 characters.")
    interests: str = Field("", description="At most 300 characters.")
    languages: list[str] = Field([], description=LANGUAGES)
    availability: list[str] = Field([], description=SLOTS)
    one_off_dates: list[date] = Field([], description="At most 20 days within the coming year.")
    suggestible: bool = Field(
        False, description="Let verified organisations see me among suggested volunteers."
    )


# --- Opportunities ------------------------------------------------------------------------------


class OrganisationRefOut(Schema):
    id: int
    name: str
    municipality: str


class ApplicationRefOut(Schema):
    id: int
    status: str = Field(..., description=APPLICATION_STATUSES)


class OpportunityOut(Schema):
    id: int
    municipality: str = Field(..., description="The slug of the municipality it takes place in.")
    organisation: OrganisationRefOut
    title: str
    description: str
    skills: list[SkillOut]
    other_skills: str
    languages: list[str] = Field(..., description=LANGUAGES)
    availability: list[str] = Field(..., description=SLOTS)
    one_off_on: date | None = Field(..., description="The day, for a one-off mission.")
    schedule_note: str
    remote: bool
    place: str = Field(..., description="Where it takes place, as the organisation says it.")
    district: str | None = Field(..., description="The slug of its district, if any.")
    places: int
    places_left: int
    required_trust: int = Field(..., description=f"The trust level needed to apply: {TRUST}.")
    ends_on: date
    status: str = Field(..., description=OPPORTUNITY_STATUSES)
    created_at: datetime


class OpportunityDetailOut(OpportunityOut):
    is_team: bool = Field(..., description="Whether I am on the organisation's team.")
    my_application: ApplicationRefOut | None


class OpportunityPageOut(Schema):
    items: list[OpportunityOut]
    next_cursor: str | None = Field(..., description=NEXT_CURSOR)


class OpportunitiesQuery(Schema):
    skill: str | None = Field(None, description="A skill's slug.")
    q: str | None = Field(None, description="Words of the title or description.")
    remote: bool | None = Field(None, description="Only remote ones (true) or on site (false).")
    cursor: str | None = None
    limit: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


class OpportunityIn(Schema):
    title: str = Field(..., description="At most 150 characters.")
    description: str = Field(..., description="At most 5,000 characters.")
    skills: list[str] = Field(
        [], description="Slugs of the skills wanted; at least one, or `other_skills`."
    )
    other_skills: str = Field("", description="At most 300 characters.")
    languages: list[str] = Field([], description=LANGUAGES)
    availability: list[str] = Field([], description=SLOTS)
    one_off_on: date | None = Field(None, description="A one-off mission's day.")
    schedule_note: str = Field("", description="At most 300 characters.")
    remote: bool = False
    place: str = Field("", description="At most 200 characters; never a person's address.")
    district: str | None = Field(None, description="The slug of a district of the municipality.")
    places: int = Field(1, description="1 to 500.")
    required_trust: int = Field(int(TrustLevel.MEMBER), description=TRUST)
    ends_on: date = Field(..., description="Within the next two years.")


class OpportunityPatch(Schema):
    """Only the fields given change; `one_off_on` and `district` may be set to null."""

    title: str | None = None
    description: str | None = None
    skills: list[str] | None = None
    other_skills: str | None = None
    languages: list[str] | None = None
    availability: list[str] | None = None
    one_off_on: date | None = None
    schedule_note: str | None = None
    remote: bool | None = None
    place: str | None = None
    district: str | None = None
    places: int | None = None
    required_trust: int | None = None
    ends_on: date | None = None


class OpportunityStatusIn(Schema):
    status: str = Field(..., description=OPPORTUNITY_STATUSES)


# --- Matching -----------------------------------------------------------------------------------


class ScorePartsOut(Schema):
    skills: int = Field(..., description="Out of 40: the share of the wanted skills.")
    availability: int = Field(..., description="Out of 25: the share of the times met.")
    distance: int = Field(..., description="Out of 20: full within 2 km, none beyond 25 km.")
    language: int = Field(..., description="Out of 15: a language in common.")


class ExplanationOut(Schema):
    parts: ScorePartsOut
    shared_skills: list[SkillOut]
    overlap_slots: list[str] = Field(..., description=SLOTS)
    km: int | None = Field(
        ..., description="The distance in whole kilometres; none when remote or unknown."
    )
    shared_languages: list[str]


class SuggestedOpportunityOut(Schema):
    opportunity: OpportunityOut
    score: int = Field(..., description="Out of 100, the sum of the explanation's parts.")
    explanation: ExplanationOut


class SuggestedOpportunityPageOut(Schema):
    items: list[SuggestedOpportunityOut]
    total: int
    page: int
    next_page: int | None


class SuggestedVolunteerOut(Schema):
    """A volunteer who agreed to be suggested; their name only, never how to reach them."""

    volunteer: DisplayNameOut
    other_skills: str
    interests: str
    score: int = Field(..., description="Out of 100, the sum of the explanation's parts.")
    explanation: ExplanationOut


class SuggestedVolunteerPageOut(Schema):
    items: list[SuggestedVolunteerOut]
    total: int
    page: int
    next_page: int | None


# --- Applications and hours ---------------------------------------------------------------------


class ApplicationOpportunityOut(Schema):
    id: int
    title: str
    municipality: str
    organisation: OrganisationRefOut


class HoursOpportunityOut(Schema):
    id: int
    title: str


class HoursOut(Schema):
    id: int
    application_id: int
    opportunity: HoursOpportunityOut
    volunteer: DisplayNameOut
    worked_on: date
    hours: Decimal = Field(..., description="In quarters of an hour.")
    note: str
    status: str = Field(..., description=HOURS_STATUSES)
    reviewed_by: DisplayNameOut | None
    reviewed_at: datetime | None
    created_at: datetime


class HoursPageOut(Schema):
    items: list[HoursOut]
    next_cursor: str | None = Field(..., description=NEXT_CURSOR)


class ApplicationOut(Schema):
    id: int
    status: str = Field(..., description=APPLICATION_STATUSES)
    opportunity: ApplicationOpportunityOut
    volunteer: DisplayNameOut
    is_mine: bool
    message: str
    decision_note: str
    created_at: datetime
    decided_at: datetime | None


class ApplicationDetailOut(ApplicationOut):
    hours: list[HoursOut] = Field(..., description="Hours logged, latest day first.")


class ApplicationPageOut(Schema):
    items: list[ApplicationOut]
    next_cursor: str | None = Field(..., description=NEXT_CURSOR)


class ApplyIn(Schema):
    message: str = Field("", description="For the organisation; at most 2,000 characters.")


class ApplicationDecisionIn(Schema):
    note: str = Field("", description="For the volunteer (optional, at most 500 characters).")


class HoursIn(Schema):
    worked_on: date = Field(..., description="A day of the last 90.")
    hours: Decimal = Field(..., description="0.25 to 24, rounded to a quarter of an hour.")
    note: str = Field("", description="At most 500 characters.")


class HoursReviewIn(Schema):
    note: str = Field("", description="For the volunteer (optional).")
