"""Schemas of the sharing API: categories, listings, exchanges and their steps, reviews.

No schema here carries a place: a listing's cell and the position a reader passes for one search
never leave the server. A reader sees a distance in whole kilometres.
"""

from datetime import date, datetime

from ninja import Field, Schema

from milieu.core.schemas import PictureOut

from .models import ExchangeState, ListingKind, ProblemReason, ProblemStatus
from .selectors import DISTANCES_KM

TERMS = (
    "free; swap (an object in exchange); barter (something in exchange, said in `terms_text`); "
    "points (reward points, `points`, paid wallet to wallet at the handover)."
)
KINDS = ", ".join(ListingKind.values)
STATES = ", ".join(ExchangeState.values)
KIND_PATTERN = f"^({'|'.join(ListingKind.values)})$"
STATE_PATTERN = f"^({'|'.join(ExchangeState.values)})$"
REASONS = ", ".join(ProblemReason.values)
PROBLEM_STATUSES = ", ".join(ProblemStatus.values)
PROBLEM_STATUS_PATTERN = f"^({'|'.join([*ProblemStatus.values, 'all'])})$"
MAX_PAGE_SIZE = 50


class CategoryOut(Schema):
    slug: str
    name: str = Field(..., description="In the request's language.")
    parent: str | None = Field(..., description="The parent category's slug; none at the top.")
    for_objects: bool
    for_services: bool
    requires_screening: bool = Field(
        ...,
        description=(
            "Whoever provides in this category (offers it, or answers a request for it) needs a "
            "background check recorded by the municipality (trust level `screened`)."
        ),
    )


class ListingCategoryOut(Schema):
    slug: str
    name: str


class PersonNameOut(Schema):
    display_name: str = Field(..., description="What the person chose to be called; may be empty.")


class ReputationOut(Schema):
    reviews: int = Field(..., description="How many reviews the person received.")
    average: float | None = Field(..., description="Their mean rating (1 to 5), to one decimal.")
    completed: int = Field(..., description="How many exchanges they completed.")


class ListingOut(Schema):
    id: int
    municipality: str = Field(..., description="The municipality's slug.")
    kind: str = Field(..., description=KINDS)
    category: ListingCategoryOut
    title: str
    description: str
    language: str
    condition: str = Field(..., description="new, good, fair, worn; empty for a service.")
    terms: str = Field(..., description=TERMS)
    terms_text: str = Field(..., description="What the owner asks in exchange, in words.")
    points: int | None = Field(..., description="For `points`: the reward points asked.")
    loan_max_days: int | None = Field(..., description="The longest loan, for a loan.")
    status: str = Field(..., description="active, paused or closed (the last two: mine only).")
    created_at: datetime
    owner: PersonNameOut
    is_mine: bool
    distance_km: int = Field(
        ...,
        description=(
            "From the reader's district (or the position given for this request), in whole "
            "kilometres, at least 1: a listing's place is known to within a neighbourhood."
        ),
    )
    requires_screening: bool = Field(
        ..., description="Its provider needs a background check (see the categories)."
    )
    photos: list[PictureOut] = Field(
        ..., description="Up to four, in their order; re-encoded without EXIF or GPS data."
    )


class PhotoPatch(Schema):
    alt_text: str = Field(..., max_length=300, description="What the photo shows.")


class ListingDetailOut(ListingOut):
    owner_reputation: ReputationOut
    taken_days: list[date] = Field(
        ...,
        description="For a loan: the days of the next 90 on which it is already promised.",
    )


class ListingPageOut(Schema):
    items: list[ListingOut]
    next_cursor: str | None = Field(
        ..., description="Pass it as `cursor` for the next (older) page; none at the end."
    )


class ListingsQuery(Schema):
    kind: str | None = Field(None, pattern=KIND_PATTERN, description=KINDS)
    category: str | None = Field(
        None, description="A category's slug (its subcategories are included)."
    )
    q: str | None = Field(None, description="Words of the title or description.")
    within_km: int | None = Field(
        None,
        ge=1,
        le=50,
        description=(
            "Only listings within this distance of the reader (the pages offer "
            f"{', '.join(str(km) for km in DISTANCES_KM)})."
        ),
    )
    available_from: date | None = Field(None, description="With `available_until`: free loans.")
    available_until: date | None = Field(
        None, description="Leaves out objects lent on any day from `available_from` to this one."
    )
    near_lat: float | None = Field(
        None,
        ge=-90,
        le=90,
        description=(
            "With `near_lng`: measure from this position instead of my district. It is turned "
            "into a neighbourhood-sized cell at once, and neither stored nor sent back."
        ),
    )
    near_lng: float | None = Field(None, ge=-180, le=180)
    cursor: str | None = None
    limit: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


class NearQuery(Schema):
    near_lat: float | None = Field(
        None, ge=-90, le=90, description="As for the list: never stored nor sent back."
    )
    near_lng: float | None = Field(None, ge=-180, le=180)


class ListingIn(Schema):
    """A new listing. Its place is a district of the municipality (its centre), or a position I
    share once (`lat` and `lng`, turned into a neighbourhood-sized cell and forgotten); without
    either, my own district's centre."""

    kind: str = Field(..., description=f"{KINDS}.")
    category: str = Field(..., description="A category's slug, for objects or for services.")
    title: str = Field(..., description="At most 120 characters.")
    description: str = Field("", description="At most 4,000 characters.")
    language: str | None = Field(
        None, description="The language of the text (fr, en, es); default: the request's."
    )
    condition: str = Field("", description="new, good, fair or worn (objects only).")
    terms: str = Field("free", description=TERMS)
    terms_text: str = Field("", description="For barter: what I would like, in words (200).")
    points: int | None = Field(
        None, description="For `points`: the reward points asked, 1 to 10,000."
    )
    loan_max_days: int | None = Field(None, description="A loan's longest length, 1 to 60 days.")
    district: str | None = Field(None, description="The slug of a district of the municipality.")
    lat: float | None = None
    lng: float | None = None


class ListingPatch(Schema):
    """Only the fields given change (the kind stays). A new place: `district`, or `lat` and
    `lng`."""

    category: str | None = None
    title: str | None = None
    description: str | None = None
    language: str | None = None
    condition: str | None = None
    terms: str | None = None
    terms_text: str | None = None
    points: int | None = None
    loan_max_days: int | None = None
    district: str | None = None
    lat: float | None = None
    lng: float | None = None


class ListingStatusIn(Schema):
    status: str = Field(
        ..., description="active, paused or closed (closing declines the requests waiting)."
    )


class ExchangeListingOut(Schema):
    id: int
    municipality: str
    kind: str
    title: str
    category: ListingCategoryOut


class ExchangeOut(Schema):
    id: int
    state: str = Field(..., description=STATES)
    listing: ExchangeListingOut
    my_role: str = Field(..., description="owner (of the listing) or requester.")
    owner: PersonNameOut
    requester: PersonNameOut
    message: str
    starts_on: date | None = Field(..., description="A loan's first day.")
    due_on: date | None = Field(..., description="A loan's last day.")
    points: int | None = Field(
        ...,
        description=(
            "The reward points agreed when it was asked for, paid by the receiving side to the "
            "provider when both confirm the handover."
        ),
    )
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None


class ExchangeEventOut(Schema):
    action: str = Field(
        ...,
        description=(
            "request, accept, decline, cancel, confirm_handover, confirm_return or flag_late "
            "(the audit rows of the problems reported to the staff are left out)."
        ),
    )
    by: str | None = Field(..., description="owner or requester; none for a former member.")
    from_state: str
    to_state: str
    note: str
    at: datetime


class ReviewOut(Schema):
    by: str = Field(..., description="owner or requester: who wrote it, about the other side.")
    rating: int
    text: str
    created_at: datetime


class MyProblemOut(Schema):
    id: int
    reason: str = Field(..., description=REASONS)
    details: str
    status: str = Field(..., description=PROBLEM_STATUSES)
    created_at: datetime
    resolved_at: datetime | None
    staff_note: str = Field(..., description="The municipality's answer, once it is closed.")


class ExchangeDetailOut(ExchangeOut):
    meeting_place: str = Field(..., description="Seen by the two parties only.")
    handover_code: str | None = Field(
        ...,
        description=(
            "To the side that receives only (the requester, or the owner of a service "
            "requested), while the exchange is accepted: the code of the QR code they show at "
            "the handover; the other side sends it (`POST …/handover`) to confirm it for both."
        ),
    )
    owner_handed_over_at: datetime | None
    requester_handed_over_at: datetime | None
    owner_returned_at: datetime | None
    requester_returned_at: datetime | None
    late_flagged_at: datetime | None
    events: list[ExchangeEventOut] = Field(..., description="Every step, oldest first.")
    other_reputation: ReputationOut = Field(..., description="The other side's reputation.")
    my_problems: list[MyProblemOut] = Field(
        ..., description="The problems I reported on it, newest first (never the other side's)."
    )
    my_review: ReviewOut | None
    their_review: ReviewOut | None = Field(
        ..., description="Shown once both sides have reviewed (so neither answers the other)."
    )


class ExchangePageOut(Schema):
    items: list[ExchangeOut]
    next_cursor: str | None = Field(
        ..., description="Pass it as `cursor` for the next page; none at the end."
    )


class ExchangeRequestIn(Schema):
    message: str = Field("", description="At most 1,000 characters.")
    starts_on: date | None = Field(None, description="A loan's first day (loans only).")
    due_on: date | None = Field(None, description="A loan's last day (loans only).")


class ExchangeAcceptIn(Schema):
    meeting_place: str = Field(
        "", description="Where to meet (at most 300 characters); seen by the two parties only."
    )


class ExchangeNoteIn(Schema):
    note: str = Field("", description="Why, for the other side (optional).")


class HandoverIn(Schema):
    code: str = Field(
        "",
        description=(
            "The provider: the code of the QR code the receiving side shows, which confirms the "
            "handover for both sides. Without it, I confirm my own side."
        ),
    )


class ReviewIn(Schema):
    rating: int = Field(..., description="1 to 5.")
    text: str = Field("", description="At most 1,000 characters.")


class ProblemIn(Schema):
    reason: str = Field(..., description=f"{REASONS}.")
    details: str = Field("", description="For the staff only; at most 1,000 characters.")


class ProblemResolveIn(Schema):
    status: str = Field(..., description="resolved or dismissed.")
    note: str = Field(
        "", description="Read by the person who reported it; at most 1,000 characters."
    )


class ProblemListingOut(Schema):
    id: int
    kind: str
    title: str


class ProblemOut(Schema):
    """A problem as the municipality's staff see it."""

    id: int
    exchange_id: int
    exchange_state: str = Field(..., description=STATES)
    listing: ProblemListingOut
    owner: PersonNameOut
    requester: PersonNameOut
    reported_by: str | None = Field(
        ..., description="owner or requester; none for a former member."
    )
    reason: str = Field(..., description=REASONS)
    details: str
    status: str = Field(..., description=PROBLEM_STATUSES)
    created_at: datetime
    resolved_at: datetime | None
    staff_note: str


class ProblemPageOut(Schema):
    items: list[ProblemOut]
    next_cursor: str | None = Field(
        ..., description="Pass it as `cursor` for the next (older) page; none at the end."
    )
