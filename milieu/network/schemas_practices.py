"""Schemas of the practices API. Inputs are plain: the services check the values and answer a
refusal with the fields to correct (400, code `validation`), as the pages do."""

from datetime import datetime

from ninja import Field, Schema


class MunicipalityRef(Schema):
    slug: str
    name: str
    region: str = Field(..., description="The slug of its region.")


class TagOut(Schema):
    slug: str
    name: str


class TagCountOut(TagOut):
    count: int = Field(..., description="How many published practices carry it.")


class PracticeOut(Schema):
    id: int
    municipality: MunicipalityRef
    title: str
    language: str
    dimension: str
    problem: str
    solution: str
    technology: str
    cost: str
    results: str
    contact: str
    status: str
    published_at: datetime | None
    tags: list[TagOut]
    adoption_count: int = Field(
        ..., description="The number of municipalities that adopted it (public: towns, not people)."
    )


class PracticePageOut(Schema):
    items: list[PracticeOut]
    next_page: int | None


class PracticeIn(Schema):
    title: str = ""
    language: str = "fr"
    dimension: str = ""
    problem: str = ""
    solution: str = ""
    technology: str = ""
    cost: str = ""
    results: str = ""
    contact: str = ""
    tags: list[str] = Field(default_factory=list, description="Tag names (at most 8).")


class AdoptionIn(Schema):
    municipality: str = Field(
        "", description="The slug of the adopting municipality (needed if you act for several)."
    )
    note: str = ""


class AdoptionOut(Schema):
    municipality: MunicipalityRef
    adopted_at: datetime
    note: str


class CommentIn(Schema):
    municipality: str = Field(
        "", description="The slug of the municipality you speak for (needed if several)."
    )
    body: str = ""


class CommentOut(Schema):
    id: int
    municipality: MunicipalityRef
    author: str = Field(..., description="The author's display name.")
    body: str
    created_at: datetime
    hidden: bool


class HideIn(Schema):
    hidden: bool = True
