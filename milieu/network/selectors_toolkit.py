"""Reads of the toolkit: the courses a person may take with their progress, a course's lessons,
"my learning", the authors' courses, and a municipality's coaching queue.

A learner's progress is personal data: a staff member's every view of a resident's progress
(coaching page or API) is logged as `personal_data_access` in the `milieu.audit` log
(`log_access`), as the newcomers' coordinators' views are.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from milieu.accounts.models import Role
from milieu.core.errors import NotFound
from milieu.territory.models import Municipality

from .models import CoachingRequest, CoachingStatus, Course, CourseStatus, Lesson, LessonCompletion
from .permissions_toolkit import authoring_regions, can_edit_course, is_operator

audit = logging.getLogger("milieu.audit")
PER_PAGE = 20
STAFF_LIKE = {Role.STAFF, Role.ADMIN, Role.CONSORTIUM_ADMIN}


def log_access(actor, user_ids: Iterable[int], what: str) -> None:
    """A staff member saw these people's learning progress (or their coaching request)."""
    for user_id in user_ids:
        if user_id != actor.pk:
            audit.info(
                "personal_data_access",
                extra={"actor": actor.pk, "subject": user_id, "what": what},
            )


# --- Who sees which course -----------------------------------------------------------------------


@dataclass(frozen=True)
class Audience:
    staff: bool
    elected: bool
    municipality_ids: frozenset[int]
    region_ids: frozenset[int]


def audience_of(user) -> Audience:
    """What decides the courses a person sees: their roles and the municipalities they belong
    to (members, staff, elected) or the regions they administer; read from the access facts."""
    if not user.is_authenticated:
        return Audience(False, False, frozenset(), frozenset())
    from milieu.accounts.access import access_facts

    facts = access_facts(user)
    roles = {role for role, _m, _r in facts.roles}
    towns = set(facts.memberships) | {m for _role, m, _r in facts.roles if m is not None}
    regions = {r for role, _m, r in facts.roles if role == Role.CONSORTIUM_ADMIN and r}
    return Audience(
        staff=bool(roles & STAFF_LIKE) or user.is_staff,
        elected=Role.ELECTED in roles,
        municipality_ids=frozenset(towns),
        region_ids=frozenset(regions),
    )


def _visible(audience: Audience) -> Q:
    who = Q(for_residents=True)
    if audience.staff:
        who |= Q(for_staff=True)
    if audience.elected:
        who |= Q(for_elected=True)
    where = Q(region__isnull=True)
    if audience.region_ids:
        where |= Q(region_id__in=sorted(audience.region_ids))
    if audience.municipality_ids:
        where |= Q(
            region_id__in=Municipality.objects.filter(
                pk__in=sorted(audience.municipality_ids)
            ).values("region_id")
        )
    return Q(status=CourseStatus.PUBLISHED) & who & where


def _with_progress(queryset: QuerySet[Course], user) -> QuerySet[Course]:
    lessons = (
        Lesson.objects.filter(course=OuterRef("pk"))
        .order_by()
        .values("course")
        .annotate(n=Count("pk"))
        .values("n")
    )
    queryset = queryset.annotate(
        lesson_count=Coalesce(Subquery(lessons, output_field=IntegerField()), 0)
    )
    if not user.is_authenticated:
        return queryset.annotate(done_count=Value(0, output_field=IntegerField()))
    done = (
        LessonCompletion.objects.filter(user=user, lesson__course=OuterRef("pk"))
        .order_by()
        .values("lesson__course")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(done_count=Coalesce(Subquery(done, output_field=IntegerField()), 0))


def course_page(*, visible_to, page: int = 1) -> tuple[list[Course], bool]:
    """The published courses `visible_to` may take, newest first, with their progress
    (`lesson_count`, `done_count`); by pages of PER_PAGE. Returns the page and whether more."""
    page = max(1, min(page, 10_000))
    queryset = _with_progress(
        Course.objects.filter(_visible(audience_of(visible_to))).select_related("region"),
        visible_to,
    )
    start = (page - 1) * PER_PAGE
    items = list(queryset[start : start + PER_PAGE + 1])
    return items[:PER_PAGE], len(items) > PER_PAGE


def course_get(*, visible_to, course_id: int) -> Course:
    """A course its audience may take, or that `visible_to` writes (drafts included)."""
    course = (
        _with_progress(Course.objects.select_related("region"), visible_to)
        .filter(pk=course_id)
        .first()
    )
    if course is None:
        raise NotFound(_("This course does not exist."))
    if can_edit_course(visible_to, course):
        return course
    if not Course.objects.filter(_visible(audience_of(visible_to)), pk=course.pk).exists():
        raise NotFound(_("This course does not exist."))
    return course


def lesson_list(*, course: Course, user) -> list[Lesson]:
    """The course's lessons in order, each with `done` (whether `user` completed it)."""
    lessons = list(course.lessons.all())
    done: set[int] = set()
    if user.is_authenticated:
        done = set(
            LessonCompletion.objects.filter(user=user, lesson__course=course).values_list(
                "lesson_id", flat=True
            )
        )
    for lesson in lessons:
        lesson.done = lesson.pk in done  # type: ignore[attr-defined]
    return lessons


def lesson_get(*, course: Course, lesson_id: int) -> Lesson:
    lesson = course.lessons.filter(pk=lesson_id).first()
    if lesson is None:
        raise NotFound(_("This lesson does not exist."))
    return lesson


def learning_of(*, user) -> list[Course]:
    """The courses `user` started (at least one lesson completed), with their progress,
    unfinished first. Also what a coach sees of a resident (log that view)."""
    started = LessonCompletion.objects.filter(user=user).values("lesson__course_id")
    courses = list(
        _with_progress(Course.objects.filter(pk__in=started).select_related("region"), user)
    )
    courses.sort(key=lambda c: (c.done_count >= c.lesson_count, c.pk))  # type: ignore[attr-defined]
    return courses


def authored_courses(*, user) -> list[Course]:
    """The courses `user` writes: the platform's for the operator, their regions' for a
    consortium administrator; drafts included."""
    where = Q(pk__in=[])
    if is_operator(user):
        where |= Q(region__isnull=True)
    regions = authoring_regions(user)
    if regions:
        where |= Q(region_id__in=regions)
    return list(
        _with_progress(Course.objects.filter(where).select_related("region"), user).order_by(
            "status", "-created_at", "-id"
        )
    )


# --- Coaching ----------------------------------------------------------------------------------


def coaching_queue(
    *, municipality: Municipality, status: str | None = None, page: int = 1
) -> tuple[list[CoachingRequest], bool]:
    """The municipality's coaching requests, newest first (only `status` when given)."""
    page = max(1, min(page, 10_000))
    queryset = CoachingRequest.objects.filter(municipality=municipality).select_related(
        "user", "handled_by", "municipality"
    )
    if status in CoachingStatus.values:
        queryset = queryset.filter(status=status)
    start = (page - 1) * PER_PAGE
    items = list(queryset[start : start + PER_PAGE + 1])
    return items[:PER_PAGE], len(items) > PER_PAGE


def coaching_get(*, municipality: Municipality, request_id: int) -> CoachingRequest:
    found = (
        CoachingRequest.objects.select_related("user", "handled_by", "municipality")
        .filter(municipality=municipality, pk=request_id)
        .first()
    )
    if found is None:
        raise NotFound(_("This coaching request does not exist."))
    return found


def my_coaching_requests(*, user) -> list[CoachingRequest]:
    if not user.is_authenticated:
        return []
    return list(CoachingRequest.objects.filter(user=user).select_related("municipality")[:PER_PAGE])
