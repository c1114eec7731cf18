"""Schemas of the reports API (tag `reports`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema

NEXT_CURSOR = "Pass it as `cursor` for the next page; none at the end."
TRANSLATED = "In the request's language (`Accept-Language`) when written in it, else the original."
STATUSES = "`open`, `acknowledged`, `in_progress`, `closed_fixed`, `closed_not_fixed`, `duplicate`"


class ChoiceOut(Schema):
    key: str
    name: str


class AttributeOut(Schema):
    """An extra question of a category (GeoReport v2's service attribute)."""

    code: str
    datatype: str = Field(
        ..., description="string, number, datetime, text, singlevaluelist or multivaluelist."
    )
    required: bool
    description: str = Field(..., description="The question.")
    order: int
    values: list[ChoiceOut] = Field(..., description="The choices of a list question.")


class CategoryOut(Schema):
    code: str = Field(..., description="The service code, unique in the municipality.")
    name: str = Field(..., description=TRANSLATED)
    description: str = Field(..., description=TRANSLATED)
    group: str
    keywords: str
    department: str | None = Field(..., description="The department that handles it.")
    attributes: list[AttributeOut]


class ReportIn(Schema):
    """A new report. The point is required, within 60 km of the municipality's centre; photos
    are added on the pages (not through this API)."""

    category: str = Field(..., description="A category's `code`.")
    description: str = Field(..., max_length=4000)
    latitude: float
    longitude: float
    address: str = Field("", max_length=300)
    attributes: dict[str, Any] = Field(
        {}, description="The answers to the category's extra questions, by code."
    )
    contact_email: str = Field("", description="An email for updates (never shown).")


class ReportPrivateOut(Schema):
    """What only the reporter and the municipality's staff see."""

    reporter: str | None = Field(..., description="The reporter's display name, if an account.")
    mine: bool
    contact_email: str
    source: str = Field(..., description="`web`, `api` or `open311`.")
    photo_count: int
    attributes: dict[str, Any] = Field(
        ..., description="The answers to the extra questions (free text may say who wrote it)."
    )


class ReportOut(Schema):
    id: int
    municipality: str = Field(..., description="The municipality's slug.")
    category: str = Field(..., description="The category's code.")
    category_name: str = Field(..., description=TRANSLATED)
    status: str = Field(..., description=STATUSES)
    status_label: str
    is_open: bool
    description: str
    address: str
    latitude: float | None
    longitude: float | None
    public_note: str = Field(..., description="The municipality's last word to the public.")
    department: str | None
    duplicate_of: int | None
    requested_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    private: ReportPrivateOut | None = Field(
        ..., description="For the reporter and the municipality's staff; null for others."
    )


class ReportPageOut(Schema):
    items: list[ReportOut]
    next_cursor: str | None = Field(..., description=NEXT_CURSOR)


class NearbyOut(Schema):
    id: int
    status: str
    description: str
    distance_m: int
    requested_at: datetime


class UpdateOut(Schema):
    id: int
    created_at: datetime
    status_from: str
    status_to: str
    note: str
    internal: bool
    department: str | None = Field(..., description="The department given (assignments).")
    author: str | None = Field(..., description="Display name, for the staff only.")


class StatusIn(Schema):
    status: str = Field(..., description=STATUSES)
    note: str = Field("", max_length=1000, description="For the reporter and the public.")
    duplicate_of: int | None = Field(None, description="The report repeated, for `duplicate`.")


class AssignIn(Schema):
    department: int | None = Field(..., description="A department's id, or null for none.")


class NoteIn(Schema):
    note: str = Field(..., max_length=2000)
    internal: bool = Field(False, description="Staff only; otherwise the reporter is told.")


class DepartmentOut(Schema):
    id: int
    name: str
    email: str


class ClientIn(Schema):
    name: str = Field(..., max_length=200, description="The application's name.")


class ClientOut(Schema):
    id: int
    name: str
    key_prefix: str = Field(..., description="The first characters of its key.")
    created_at: datetime
    revoked_at: datetime | None


class ClientCreatedOut(ClientOut):
    key: str = Field(..., description="The `api_key`, shown this once only.")
