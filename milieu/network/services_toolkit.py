"""Writes of the toolkit: courses and lessons (authors), lesson completions (learners) and
coaching requests (residents ask, staff handle). Every function checks its permission and runs
in one transaction; a refusal raises an `ApplicationError` and changes nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from milieu.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied, field_error
from milieu.core.mixins import LANGUAGE_CODES
from milieu.territory.models import Municipality, Region

from .models import (
    CoachingRequest,
    CoachingStatus,
    Course,
    CourseStatus,
    Lesson,
    LessonCompletion,
)

COURSE_FIELDS = (
    "original_language",
    *(f"{name}_{code}" for name in ("title", "summary") for code in LANGUAGE_CODES),
    "for_residents",
    "for_staff",
    "for_elected",
)
LESSON_FIELDS = (
    "original_language",
    "position",
    *(
        f"{name}_{code}"
        for name in ("title", "body", "question", "choices")
        for code in LANGUAGE_CODES
    ),
    "quiz_answer",
)


def _set(instance, fields: tuple[str, ...], values: dict[str, Any]) -> None:
    for name in fields:
        if name in values and values[name] is not None:
            setattr(instance, name, values[name])
        elif name == "quiz_answer" and name in values:
            instance.quiz_answer = None


def _check_course(course: Course) -> None:
    if course.original_language not in LANGUAGE_CODES:
        raise field_error("original_language", _("Choose French, English or Spanish."))
    if not getattr(course, f"title_{course.original_language}").strip():
        raise field_error(
            f"title_{course.original_language}", _("Give the title in the original language.")
        )
    if not (course.for_residents or course.for_staff or course.for_elected):
        raise field_error("for_residents", _("Choose at least one audience."))


def _check_lesson(lesson: Lesson) -> None:
    if lesson.original_language not in LANGUAGE_CODES:
        raise field_error("original_language", _("Choose French, English or Spanish."))
    original = lesson.original_language
    if not getattr(lesson, f"title_{original}").strip():
        raise field_error(f"title_{original}", _("Give the title in the original language."))
    if not getattr(lesson, f"body_{original}").strip():
        raise field_error(f"body_{original}", _("Write the lesson in the original language."))
    if lesson.quiz_answer is not None:
        if not getattr(lesson, f"question_{original}").strip():
            raise field_error(f"question_{original}", _("A quiz needs its question."))
        choices = lesson.choices(original)
        if len(choices) < 2:
            raise field_error(f"choices_{original}", _("A quiz needs at least two choices."))
        if lesson.quiz_answer >= len(choices):
            raise field_error("quiz_answer", _("The right choice must be one of the choices."))
        for code in LANGUAGE_CODES:
            other = [line for line in getattr(lesson, f"choices_{code}").splitlines() if line]
            if other and len(other) != len(choices):
                raise field_error(
                    f"choices_{code}", _("Give the same number of choices in every language.")
                )


def _require_author(actor, region: Region | None) -> None:
    if not actor.has_perm("network.author_courses", region):
        raise PermissionDenied(
            _(
                "Only the platform operator writes platform courses, and a region's consortium "
                "administrator its region's courses."
            )
        )


def _require_editor(actor, course: Course) -> None:
    if not actor.has_perm("network.edit_course", course):
        raise PermissionDenied(_("You may not edit this course."))


@transaction.atomic
def course_create(*, actor, region: Region | None, values: dict[str, Any]) -> Course:
    """A draft course of the platform (`region` None) or of a region."""
    _require_author(actor, region)
    course = Course(region=region, created_by=actor if actor.is_authenticated else None)
    _set(course, COURSE_FIELDS, values)
    _check_course(course)
    course.save()
    return course


@transaction.atomic
def course_update(*, actor, course: Course, values: dict[str, Any]) -> Course:
    _require_editor(actor, course)
    course = Course.objects.select_for_update().get(pk=course.pk)
    _set(course, COURSE_FIELDS, values)
    _check_course(course)
    course.save()
    return course


@transaction.atomic
def course_publish(*, actor, course: Course, publish: bool = True) -> Course:
    """Publish a course (it needs at least one lesson), or take it back to draft."""
    _require_editor(actor, course)
    course = Course.objects.select_for_update().get(pk=course.pk)
    if publish:
        if not course.lessons.exists():
            raise ApplicationError(_("Add a lesson before publishing the course."), code="empty")
        course.status = CourseStatus.PUBLISHED
        course.published_at = course.published_at or timezone.now()
    else:
        course.status = CourseStatus.DRAFT
    course.save(update_fields=["status", "published_at"])
    return course


@transaction.atomic
def lesson_create(*, actor, course: Course, values: dict[str, Any]) -> Lesson:
    _require_editor(actor, course)
    lesson = Lesson(course=course, original_language=course.original_language)
    lesson.position = (course.lessons.count() or 0) + 1
    _set(lesson, LESSON_FIELDS, values)
    _check_lesson(lesson)
    lesson.save()
    return lesson


@transaction.atomic
def lesson_update(*, actor, lesson: Lesson, values: dict[str, Any]) -> Lesson:
    _require_editor(actor, lesson.course)
    lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
    _set(lesson, LESSON_FIELDS, values)
    _check_lesson(lesson)
    lesson.save()
    return lesson


@transaction.atomic
def lesson_delete(*, actor, lesson: Lesson) -> None:
    _require_editor(actor, lesson.course)
    lesson.delete()


# --- Learning ---------------------------------------------------------------------------------


def lesson_complete(*, actor, lesson: Lesson, answer: int | None = None) -> bool:
    """Mark the lesson completed for `actor` (the quiz, if any, answered right). The caller
    found the course through `course_get(visible_to=actor)`. Completing twice changes nothing.
    Returns whether the whole course is now completed."""
    if not actor.is_authenticated:
        raise PermissionDenied(_("Log in to keep your progress."))
    if lesson.course.status != CourseStatus.PUBLISHED:
        raise NotFound(_("This course does not exist."))
    if lesson.has_quiz and answer != lesson.quiz_answer:
        raise ApplicationError(
            _("That is not the right answer: read the lesson again and try once more."),
            code="wrong_answer",
            extra={"fields": {"answer": [_("That is not the right answer.")]}},
        )
    try:
        with transaction.atomic():
            LessonCompletion.objects.create(user=actor, lesson=lesson)
    except IntegrityError:
        pass  # already completed: UNIQUE(user, lesson)
    total = Lesson.objects.filter(course_id=lesson.course_id).count()
    done = LessonCompletion.objects.filter(user=actor, lesson__course_id=lesson.course_id).count()
    return done >= total


# --- Coaching ---------------------------------------------------------------------------------


@transaction.atomic
def coaching_request_create(
    *, actor, municipality: Municipality, topic: str, preferred_time: str = ""
) -> CoachingRequest:
    """A member asks their municipality for free coaching; one request open at a time."""
    if not actor.has_perm("network.request_coaching", municipality):
        raise PermissionDenied(_("Only members of this municipality can ask it for coaching."))
    topic = (topic or "").strip()
    if not topic:
        raise field_error("topic", _("Say what you would like help with."))
    if len(topic) > 1000:
        raise field_error("topic", _("Keep it under 1,000 characters."))
    if CoachingRequest.objects.filter(
        user=actor,
        municipality=municipality,
        status__in=[CoachingStatus.OPEN, CoachingStatus.SCHEDULED],
    ).exists():
        raise Conflict(
            _("You already have a coaching request in progress with this municipality."),
            code="already_open",
        )
    return CoachingRequest.objects.create(
        user=actor,
        municipality=municipality,
        topic=topic,
        preferred_time=(preferred_time or "").strip()[:200],
    )


@transaction.atomic
def coaching_request_update(
    *,
    actor,
    coaching: CoachingRequest,
    status: str,
    scheduled_for: datetime | None = None,
    note: str | None = None,
) -> CoachingRequest:
    """Staff schedule a request (with its appointment) or mark it done, with a note."""
    if not actor.has_perm("network.handle_coaching", coaching.municipality):
        raise PermissionDenied(_("Only this municipality's staff handle its coaching requests."))
    if status not in CoachingStatus.values:
        raise field_error("status", _("Choose a status."))
    if status == CoachingStatus.SCHEDULED and scheduled_for is None:
        raise field_error("scheduled_for", _("Give the appointment's date and time."))
    coaching = CoachingRequest.objects.select_for_update().get(pk=coaching.pk)
    coaching.status = status
    if scheduled_for is not None:
        coaching.scheduled_for = scheduled_for
    if note is not None:
        coaching.note = note.strip()
    coaching.handled_by = actor
    coaching.updated_at = timezone.now()
    coaching.save()
    return coaching
