"""Schemas of the diagnostic and plans APIs."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from milieu.core.smallnumbers import Figure


class LevelOut(Schema):
    level: int
    label: str


class QuestionOut(Schema):
    key: str
    text: str


class DimensionOut(Schema):
    key: str
    name: str
    questions: list[QuestionOut]


class QuestionnaireOut(Schema):
    levels: list[LevelOut]
    dimensions: list[DimensionOut]


class DiagnosticOut(Schema):
    id: int
    status: str = Field(..., description="draft or completed.")
    started_at: datetime
    completed_at: datetime | None
    scores: dict[str, float] = Field(..., description="Per dimension key, 0 to 5 (completed).")
    overall: float | None


class RecommendationOut(Schema):
    dimension: str
    dimension_name: str
    score: float
    text: str
    first_actions: list[str]


class DiagnosticDetailOut(DiagnosticOut):
    answers: dict[str, int] = Field(..., description="Question key → level 0 to 5.")
    answered: int
    total: int
    recommendations: list[RecommendationOut]


class DiagnosticPageOut(Schema):
    count: int
    draft: int | None = Field(..., description="The id of the diagnostic in progress, if any.")
    items: list[DiagnosticOut] = Field(..., description="Completed diagnostics, latest first.")


class AnswersIn(Schema):
    answers: dict[str, int] = Field(..., description="Question key → level 0 to 5.")


class ComparisonOut(Schema):
    band: str
    shown: bool = Field(
        ..., description="False while fewer than 5 other municipalities of the band contribute."
    )
    contributors: Figure = Field(..., description="Municipalities counted (suppressed under 5).")
    overall: Figure
    dimensions: dict[str, Figure]


class PracticeRef(Schema):
    id: int
    title: str


class PlanActionOut(Schema):
    id: int
    title: str
    dimension: str
    diagnostic: int | None
    owner: str
    start: date | None
    due: date | None
    status: str = Field(..., description="planned, in_progress, done or dropped.")
    notes: str
    practices: list[PracticeRef]


class ProgressOut(Schema):
    dimension: str
    done: int
    total: int


class PlanPageOut(Schema):
    count: int
    items: list[PlanActionOut]
    progress: list[ProgressOut]


class PlanActionIn(Schema):
    title: str = ""
    dimension: str = ""
    owner: str = ""
    start: date | None = None
    due: date | None = None
    status: str = "planned"
    notes: str = ""
    practices: list[int] = []


class PlanActionPatch(Schema):
    title: str | None = None
    dimension: str | None = None
    owner: str | None = None
    start: date | None = None
    due: date | None = None
    status: str | None = None
    notes: str | None = None
    practices: list[int] | None = None


class FromRecommendationIn(Schema):
    diagnostic: int
    dimension: str


class MemberPlanOut(Schema):
    municipality: str
    name: str
    by_status: dict[str, int]
    percent_done: int | None
    latest_overall: float | None
