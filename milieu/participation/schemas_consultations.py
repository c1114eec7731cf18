"""The schemas of the consultations API. Inputs stay loose (the services check every value and
answer with the field to correct); outputs are what the pages show."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema


class PhaseIn(Schema):
    kind: str = Field(..., description="A phase of the kind (information, answering, ...).")
    starts_at: datetime
    ends_at: datetime


class ConsultationIn(Schema):
    kind: str = Field(..., description="A registered kind: survey, proposal, budget.")
    title_fr: str = ""
    title_en: str = ""
    title_es: str = ""
    description_fr: str = ""
    description_en: str = ""
    description_es: str = ""
    original_language: str = "fr"
    district: int | None = None
    ballot_mode: str = Field("open", description="open or secret.")
    min_trust: int = Field(2, description="1 member, 2 verified resident, 3 screened.")
    min_age: int | None = None
    support_threshold: int | None = None
    budget_amount: Decimal | None = None
    phases: list[PhaseIn]


class ConsultationPatch(Schema):
    title_fr: str | None = None
    title_en: str | None = None
    title_es: str | None = None
    description_fr: str | None = None
    description_en: str | None = None
    description_es: str | None = None
    original_language: str | None = None
    district: int | None = None
    ballot_mode: str | None = None
    min_trust: int | None = None
    min_age: int | None = None
    support_threshold: int | None = None
    budget_amount: Decimal | None = None
    phases: list[PhaseIn] | None = None


class PhaseOut(Schema):
    kind: str
    name: str
    starts_at: datetime
    ends_at: datetime
    current: bool


class ConsultationOut(Schema):
    id: int
    municipality: str = Field(..., description="The municipality's slug.")
    kind: str
    status: str
    title: str = Field(..., description="In the request's language, else the original's.")
    description: str
    language: str = Field(..., description="The language of the title shown.")
    district: str | None = Field(None, description="The district's name, when limited to one.")
    ballot_mode: str
    min_trust: int
    min_age: int | None
    support_threshold: int | None
    budget_amount: Decimal | None
    phases: list[PhaseOut]
    published_at: datetime | None
    closed_at: datetime | None
    url: str


class ConsultationPageOut(Schema):
    items: list[ConsultationOut]
    next_cursor: str | None


class ParticipationOut(Schema):
    taken_part: bool = Field(..., description="The person took part already.")
    may_take_part: bool = Field(..., description="The person may take part now.")
    refusal: str | None = Field(None, description="Why not, in the request's language.")


class ResultsOut(Schema):
    consultation_id: int
    final: bool = Field(..., description="Computed at closing; else provisional.")
    computed_at: datetime | None
    participants: int
    results: dict[str, Any]
