"""Schemas of the toolkit API."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

NEXT_PAGE = "The next page's number, or null on the last page."


class CourseOut(Schema):
    id: int
    title: str = Field(..., description="In the reader's language, else the original's.")
    summary: str
    language: str = Field(..., description="The language the title is shown in.")
    region: str | None = Field(..., description="The region's slug; null for the platform's.")
    for_residents: bool
    for_staff: bool
    for_elected: bool
    status: str
    lesson_count: int
    completed_lessons: int = Field(..., description="The reader's own progress.")
    completed: bool


class CoursePageOut(Schema):
    items: list[CourseOut]
    next_page: int | None = Field(..., description=NEXT_PAGE)


class LessonOut(Schema):
    id: int
    position: int
    title: str
    body: str = Field(..., description="Markdown-lite: paragraphs, `- ` lists, `**bold**`.")
    question: str = Field(..., description="The quiz's question; empty without a quiz.")
    choices: list[str]
    completed: bool


class CourseDetailOut(CourseOut):
    lessons: list[LessonOut]


class CourseTexts(Schema):
    original_language: str = "fr"
    title_fr: str = ""
    title_en: str = ""
    title_es: str = ""
    summary_fr: str = ""
    summary_en: str = ""
    summary_es: str = ""
    for_residents: bool = True
    for_staff: bool = False
    for_elected: bool = False


class CourseIn(CourseTexts):
    region: str | None = Field(None, description="A region's slug; null for a platform course.")


class CoursePatch(Schema):
    original_language: str | None = None
    title_fr: str | None = None
    title_en: str | None = None
    title_es: str | None = None
    summary_fr: str | None = None
    summary_en: str | None = None
    summary_es: str | None = None
    for_residents: bool | None = None
    for_staff: bool | None = None
    for_elected: bool | None = None


class PublishIn(Schema):
    publish: bool = True


class LessonIn(Schema):
    position: int | None = None
    title_fr: str | None = None
    title_en: str | None = None
    title_es: str | None = None
    body_fr: str | None = None
    body_en: str | None = None
    body_es: str | None = None
    question_fr: str | None = None
    question_en: str | None = None
    question_es: str | None = None
    choices_fr: list[str] | None = None
    choices_en: list[str] | None = None
    choices_es: list[str] | None = None
    quiz_answer: int | None = Field(
        None, ge=0, description="The right choice's number, from 0; null for no quiz."
    )


class CompleteIn(Schema):
    answer: int | None = Field(None, description="The chosen answer's number, from 0.")


class CompleteOut(Schema):
    lesson: int
    course: int
    course_completed: bool


class CoachingIn(Schema):
    municipality: str = Field(..., description="The slug of a municipality you belong to.")
    topic: str
    preferred_time: str = ""


class CoachingOut(Schema):
    id: int
    municipality: str
    topic: str
    preferred_time: str
    status: str
    scheduled_for: datetime | None
    created_at: datetime


class StaffCoachingOut(CoachingOut):
    resident: str = Field(..., description="The resident's display name.")
    email: str
    note: str
    handled_by: str | None


class StaffCoachingPageOut(Schema):
    items: list[StaffCoachingOut]
    next_page: int | None = Field(..., description=NEXT_PAGE)


class CoachingUpdateIn(Schema):
    status: str
    scheduled_for: datetime | None = None
    note: str | None = None


class ProgressOut(Schema):
    course: int
    title: str
    lesson_count: int
    completed_lessons: int
    completed: bool
