"""Schemas of the newcomers API (`api_newcomers.py`)."""

from datetime import date, datetime

from ninja import Field, Schema

from .models import NewcomerResource


class ReasonOut(Schema):
    key: str
    points: int
    text: str


# --- Resource directory -------------------------------------------------------------------------


class ResourceOut(Schema):
    id: int
    category: str
    category_label: str
    name: str
    description: str = Field(..., description="In the reader's language, or French.")
    description_language: str
    description_fr: str
    description_en: str
    description_es: str
    url: str
    phone: str
    email: str
    address: str
    languages: list[str] = Field(..., description="The languages the resource serves people in.")
    published: bool


class ResourcePageOut(Schema):
    items: list[ResourceOut]
    count: int


class ResourceIn(Schema):
    category: NewcomerResource.Category
    name: str = Field(..., min_length=1, max_length=200)
    description_fr: str = Field(..., min_length=1, max_length=2000)
    description_en: str = Field("", max_length=2000)
    description_es: str = Field("", max_length=2000)
    url: str = Field("", max_length=200)
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=254)
    address: str = Field("", max_length=300)
    languages: list[str] = Field(default_factory=list, max_length=40)
    published: bool = True


class ResourcePatchIn(Schema):
    """Only the fields given change; `{"published": false}` unpublishes."""

    category: NewcomerResource.Category | None = None
    name: str | None = Field(None, min_length=1, max_length=200)
    description_fr: str | None = Field(None, min_length=1, max_length=2000)
    description_en: str | None = Field(None, max_length=2000)
    description_es: str | None = Field(None, max_length=2000)
    url: str | None = Field(None, max_length=200)
    phone: str | None = Field(None, max_length=30)
    email: str | None = Field(None, max_length=254)
    address: str | None = Field(None, max_length=300)
    languages: list[str] | None = Field(None, max_length=40)
    published: bool | None = None


# --- Profiles -----------------------------------------------------------------------------------


class NewcomerProfileIn(Schema):
    arrival_date: date
    languages_spoken: list[str] = Field(..., min_length=1, max_length=20)
    languages_wanted: list[str] = Field(default_factory=list, max_length=20)
    needs: list[str] = Field(default_factory=list, max_length=20)
    interests: list[str] = Field(default_factory=list, max_length=20)
    availability: list[str] = Field(default_factory=list, max_length=10)
    district_id: int | None = None
    about: str = Field("", max_length=1000)
    seeking: bool = True


class NewcomerProfileOut(Schema):
    id: int
    arrival_date: date
    languages_spoken: list[str]
    languages_wanted: list[str]
    needs: list[str]
    interests: list[str]
    availability: list[str]
    district_id: int | None
    about: str
    seeking: bool
    created_at: datetime
    updated_at: datetime


class BuddyProfileIn(Schema):
    languages: list[str] = Field(..., min_length=1, max_length=20)
    interests: list[str] = Field(default_factory=list, max_length=20)
    availability: list[str] = Field(default_factory=list, max_length=10)
    district_id: int | None = None
    capacity: int = Field(1, ge=1, le=5)
    about: str = Field("", max_length=1000)
    active: bool = True


class BuddyProfileOut(Schema):
    id: int
    languages: list[str]
    interests: list[str]
    availability: list[str]
    district_id: int | None
    capacity: int
    about: str
    active: bool
    created_at: datetime
    updated_at: datetime


# --- Coordinators -------------------------------------------------------------------------------


class QueueItemOut(Schema):
    id: int
    display_name: str
    arrival_date: date
    district: str | None
    languages_spoken: list[str]
    languages_wanted: list[str]
    needs: list[str]
    waiting_since: datetime


class QueuePageOut(Schema):
    items: list[QueueItemOut]
    count: int


class MatchOut(Schema):
    buddy_id: int
    display_name: str
    district: str | None
    languages: list[str]
    interests: list[str]
    availability: list[str]
    capacity: int
    open_pairings: int
    score: int = Field(..., ge=0, le=100)
    common_language: bool
    reasons: list[ReasonOut]


class MatchesOut(Schema):
    newcomer_id: int
    matches: list[MatchOut]


class ProposeIn(Schema):
    newcomer_id: int
    buddy_id: int
    note: str = Field("", max_length=1000)


class FeedbackOut(Schema):
    id: int
    author_role: str = Field(..., description="newcomer or buddy")
    rating: int
    comment: str
    created_at: datetime


class PairingStaffOut(Schema):
    id: int
    state: str
    newcomer_id: int
    newcomer_name: str
    buddy_id: int
    buddy_name: str
    proposed_at: datetime
    note: str
    score: int
    reasons: list[ReasonOut]
    newcomer_accepted_at: datetime | None
    buddy_accepted_at: datetime | None
    started_at: datetime | None
    ended_at: datetime | None
    end_reason: str
    next_checkin_at: datetime | None
    checkins_sent: int
    feedback: list[FeedbackOut]


class PairingStaffPageOut(Schema):
    items: list[PairingStaffOut]
    count: int


# --- My pairings --------------------------------------------------------------------------------


class PairingPersonOut(Schema):
    display_name: str
    handle: str


class PairingOut(Schema):
    id: int
    municipality: str
    state: str
    role: str = Field(..., description="newcomer, buddy or coordinator")
    proposed_at: datetime
    note: str
    score: int
    reasons: list[ReasonOut]
    newcomer_accepted: bool
    buddy_accepted: bool
    started_at: datetime | None
    ended_at: datetime | None
    end_reason: str
    next_checkin_at: datetime | None
    other: PairingPersonOut | None = Field(
        ..., description="The other person, once the pairing has started (for its two people)."
    )
    actions: list[str] = Field(..., description="accept, decline, complete, end, feedback")
    feedback_given: bool


class PairingPageOut(Schema):
    items: list[PairingOut]
    count: int


class EndIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500)


class FeedbackIn(Schema):
    rating: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=1000)
