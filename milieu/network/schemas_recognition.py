"""Schemas of the recognition API. Figures of evidence are `core.smallnumbers.Figure`s: a share
whose basis is under 5 comes as `{"value": null, "suppressed": true}`."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from milieu.core.smallnumbers import Figure


class MunicipalityRef(Schema):
    slug: str
    name: str


class BadgeRef(Schema):
    id: int
    name: str
    region: str | None = Field(..., description="The region's slug; null for the platform's.")


class EvidenceOut(Schema):
    text: str = Field(..., description="The evidence in one sentence, in the reader's language.")
    value: Figure = Field(..., description="The figure compared with the threshold.")
    basis: Figure | None = Field(..., description="The count a share was derived from.")
    unit: str = Field(..., description="score (out of 5) or percent.")
    source: str = Field(..., description="diagnostic or indicators.")
    date: str = Field(..., description="The day of the diagnostic, or the indicator's month.")
    dimension: str | None = None


class AwardOut(Schema):
    badge: BadgeRef
    municipality: MunicipalityRef
    since: date
    awarded_at: datetime
    confirmed_at: datetime
    lapsed_at: datetime | None
    current: bool
    evidence: EvidenceOut


class CriterionOut(Schema):
    id: int
    region: str | None
    name: str
    description: str
    name_fr: str
    name_en: str
    name_es: str
    description_fr: str
    description_en: str
    description_es: str
    original_language: str
    kind: str
    threshold: float
    params: dict
    active: bool
    rule: str
    holder_count: int


class BadgeOut(CriterionOut):
    holders: list[AwardOut] = Field(..., description="The first holders, by name.")


class BadgePageOut(Schema):
    items: list[BadgeOut]
    next_page: int | None


class CriterionPageOut(Schema):
    items: list[CriterionOut]
    next_page: int | None


class AwardPageOut(Schema):
    items: list[AwardOut]
    next_page: int | None


class MunicipalityAwardsOut(Schema):
    municipality: MunicipalityRef
    current: list[AwardOut]
    past: list[AwardOut]


class KindOut(Schema):
    key: str
    label: str
    unit: str
    maximum: float
    needs_dimension: bool


class CriterionIn(Schema):
    region: str | None = Field(None, description="A region's slug; omit for the platform's.")
    original_language: str = "fr"
    name_fr: str = ""
    name_en: str = ""
    name_es: str = ""
    description_fr: str = ""
    description_en: str = ""
    description_es: str = ""
    kind: str = ""
    threshold: float | None = None
    dimension: str | None = None
    active: bool = True


class CriterionPatch(Schema):
    original_language: str | None = None
    name_fr: str | None = None
    name_en: str | None = None
    name_es: str | None = None
    description_fr: str | None = None
    description_en: str | None = None
    description_es: str | None = None
    kind: str | None = None
    threshold: float | None = None
    dimension: str | None = None
    active: bool | None = None
