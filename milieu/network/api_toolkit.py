"""The toolkit API (tag `toolkit`): courses and lessons with the reader's progress, completing a
lesson, "my learning", coaching requests, the authors' operations and the staff's coaching
queue — with the selectors, services, permissions and errors of the pages.

Reading courses needs no account (what an anonymous visitor sees: the platform's courses for
residents); everything else needs a session. A refusal has the shared body
`{"error": {"code", "message", "fields"}}` and changes nothing.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.security import django_auth

from milieu.core.errors import NotFound, field_error
from milieu.core.http import AuthenticatedRequest, MilieuRequest
from milieu.core.schemas import ErrorOut
from milieu.territory import selectors as territory
from milieu.territory.models import Region

from . import selectors_toolkit as selectors
from . import services_toolkit as services
from .models import CoachingRequest, Course, Lesson
from .schemas_toolkit import (
    CoachingIn,
    CoachingOut,
    CoachingUpdateIn,
    CompleteIn,
    CompleteOut,
    CourseDetailOut,
    CourseIn,
    CourseOut,
    CoursePageOut,
    CoursePatch,
    LessonIn,
    LessonOut,
    ProgressOut,
    PublishIn,
    StaffCoachingOut,
    StaffCoachingPageOut,
)

router = Router(tags=["toolkit"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
COURSE = "/toolkit/courses/{course_id}"
STAFF = "/municipalities/{slug}/staff/coaching"


def _course_out(course: Course) -> dict:
    return {
        "id": course.pk,
        "title": course.title,
        "summary": course.summary,
        "language": course.language,
        "region": course.region.slug if course.region else None,
        "for_residents": course.for_residents,
        "for_staff": course.for_staff,
        "for_elected": course.for_elected,
        "status": course.status,
        "lesson_count": getattr(course, "lesson_count", 0),
        "completed_lessons": getattr(course, "done_count", 0),
        "completed": course.is_completed,
    }


def _lesson_out(lesson: Lesson) -> dict:
    return {
        "id": lesson.pk,
        "position": lesson.position,
        "title": lesson.title,
        "body": lesson.translated("body"),
        "question": lesson.question if lesson.has_quiz else "",
        "choices": lesson.choices() if lesson.has_quiz else [],
        "completed": getattr(lesson, "done", False),
    }


def _coaching_out(item: CoachingRequest) -> dict:
    return {
        "id": item.pk,
        "municipality": item.municipality.slug,
        "topic": item.topic,
        "preferred_time": item.preferred_time,
        "status": item.status,
        "scheduled_for": item.scheduled_for,
        "created_at": item.created_at,
    }


def _staff_out(item: CoachingRequest) -> dict:
    return {
        **_coaching_out(item),
        "resident": item.user.display_name,
        "email": item.user.email,
        "note": item.note,
        "handled_by": item.handled_by.display_name if item.handled_by else None,
    }


def _editable(request: MilieuRequest, course_id: int) -> Course:
    course = Course.objects.select_related("region").filter(pk=course_id).first()
    if course is None or not request.user.has_perm("network.edit_course", course):
        raise NotFound(_("This course does not exist."))
    return course


def _lines(values: dict) -> dict:
    for code in ("fr", "en", "es"):
        key = f"choices_{code}"
        if values.get(key) is not None:
            values[key] = "\n".join(choice.strip() for choice in values[key] if choice.strip())
    return values


# --- Learners ---------------------------------------------------------------------------------


@router.get("/toolkit/courses", response={200: CoursePageOut, **ERRORS})
def list_courses(request: MilieuRequest, page: int = Query(1, ge=1, le=10_000)):
    """The published courses the reader may take (their audience and region), newest first, by
    pages of 20, with the reader's progress."""
    items, more = selectors.course_page(visible_to=request.user, page=page)
    return {"items": [_course_out(c) for c in items], "next_page": page + 1 if more else None}


@router.get(COURSE, response={200: CourseDetailOut, **ERRORS})
def get_course(request: MilieuRequest, course_id: int):
    """A course with its lessons in order (authors also see their drafts)."""
    course = selectors.course_get(visible_to=request.user, course_id=course_id)
    lessons = selectors.lesson_list(course=course, user=request.user)
    return {**_course_out(course), "lessons": [_lesson_out(lesson) for lesson in lessons]}


@router.post(
    COURSE + "/lessons/{lesson_id}/complete",
    response={200: CompleteOut, **ERRORS},
    auth=django_auth,
)
def complete_lesson(
    request: AuthenticatedRequest, course_id: int, lesson_id: int, payload: CompleteIn
):
    """Complete a lesson, with the quiz's answer when it has one (`wrong_answer` otherwise)."""
    course = selectors.course_get(visible_to=request.user, course_id=course_id)
    lesson = selectors.lesson_get(course=course, lesson_id=lesson_id)
    finished = services.lesson_complete(actor=request.user, lesson=lesson, answer=payload.answer)
    return {"lesson": lesson.pk, "course": course.pk, "course_completed": finished}


@router.get("/toolkit/me/progress", response={200: list[ProgressOut], **ERRORS}, auth=django_auth)
def my_progress(request: AuthenticatedRequest):
    """The courses I started, unfinished first."""
    return [
        {
            "course": course.pk,
            "title": course.title,
            "lesson_count": course.lesson_count,  # type: ignore[attr-defined]
            "completed_lessons": course.done_count,  # type: ignore[attr-defined]
            "completed": course.is_completed,
        }
        for course in selectors.learning_of(user=request.user)
    ]


@router.post("/toolkit/coaching", response={201: CoachingOut, **ERRORS}, auth=django_auth)
def request_coaching(request: AuthenticatedRequest, payload: CoachingIn):
    """Ask a municipality one belongs to for free coaching (one request in progress at a time)."""
    municipality = territory.municipality_get(slug=payload.municipality)
    item = services.coaching_request_create(
        actor=request.user,
        municipality=municipality,
        topic=payload.topic,
        preferred_time=payload.preferred_time,
    )
    return Status(201, _coaching_out(item))


@router.get("/toolkit/coaching", response={200: list[CoachingOut], **ERRORS}, auth=django_auth)
def my_coaching(request: AuthenticatedRequest):
    """My coaching requests, newest first (the latest 20)."""
    return [_coaching_out(item) for item in selectors.my_coaching_requests(user=request.user)]


# --- Authors ----------------------------------------------------------------------------------


@router.post("/toolkit/courses", response={201: CourseDetailOut, **ERRORS}, auth=django_auth)
def create_course(request: AuthenticatedRequest, payload: CourseIn):
    """A draft course of the platform (operator) or of a region (its consortium administrator)."""
    values = payload.dict()
    slug = values.pop("region")
    region = None
    if slug:
        region = Region.objects.filter(slug=slug).first()
        if region is None:
            raise field_error("region", _("Unknown region."))
    course = services.course_create(actor=request.user, region=region, values=values)
    return Status(201, {**_course_out(course), "lessons": []})


@router.patch(COURSE, response={200: CourseOut, **ERRORS}, auth=django_auth)
def update_course(request: AuthenticatedRequest, course_id: int, payload: CoursePatch):
    course = services.course_update(
        actor=request.user,
        course=_editable(request, course_id),
        values=payload.dict(exclude_unset=True),
    )
    return _course_out(selectors.course_get(visible_to=request.user, course_id=course.pk))


@router.post(COURSE + "/publish", response={200: CourseOut, **ERRORS}, auth=django_auth)
def publish_course(request: AuthenticatedRequest, course_id: int, payload: PublishIn):
    """Publish (it needs a lesson) or take back to draft."""
    course = services.course_publish(
        actor=request.user, course=_editable(request, course_id), publish=payload.publish
    )
    return _course_out(selectors.course_get(visible_to=request.user, course_id=course.pk))


@router.post(COURSE + "/lessons", response={201: LessonOut, **ERRORS}, auth=django_auth)
def create_lesson(request: AuthenticatedRequest, course_id: int, payload: LessonIn):
    """Add a lesson at the end (choices as lists, in the same order in every language)."""
    lesson = services.lesson_create(
        actor=request.user,
        course=_editable(request, course_id),
        values=_lines(payload.dict(exclude_unset=True)),
    )
    return Status(201, _lesson_out(lesson))


@router.patch(
    COURSE + "/lessons/{lesson_id}", response={200: LessonOut, **ERRORS}, auth=django_auth
)
def update_lesson(request: AuthenticatedRequest, course_id: int, lesson_id: int, payload: LessonIn):
    course = _editable(request, course_id)
    lesson = selectors.lesson_get(course=course, lesson_id=lesson_id)
    lesson = services.lesson_update(
        actor=request.user, lesson=lesson, values=_lines(payload.dict(exclude_unset=True))
    )
    return _lesson_out(lesson)


# --- Staff: the coaching queue ----------------------------------------------------------------


def _staff_municipality(request: AuthenticatedRequest, slug: str):
    from milieu.core.errors import PermissionDenied

    municipality = territory.municipality_get(slug=slug)
    if not request.user.has_perm("network.handle_coaching", municipality):
        raise PermissionDenied(_("Only this municipality's staff handle its coaching requests."))
    return municipality


@router.get(STAFF, response={200: StaffCoachingPageOut, **ERRORS}, auth=django_auth)
def coaching_queue(
    request: AuthenticatedRequest,
    slug: str,
    status: str | None = None,
    page: int = Query(1, ge=1, le=10_000),
):
    """The municipality's coaching requests, newest first, by pages of 20 (its staff)."""
    municipality = _staff_municipality(request, slug)
    items, more = selectors.coaching_queue(municipality=municipality, status=status, page=page)
    return {"items": [_staff_out(item) for item in items], "next_page": page + 1 if more else None}


@router.patch(STAFF + "/{request_id}", response={200: StaffCoachingOut, **ERRORS}, auth=django_auth)
def update_coaching(
    request: AuthenticatedRequest, slug: str, request_id: int, payload: CoachingUpdateIn
):
    """Schedule a request (with its appointment) or mark it done, with a note."""
    municipality = _staff_municipality(request, slug)
    item = selectors.coaching_get(municipality=municipality, request_id=request_id)
    item = services.coaching_request_update(
        actor=request.user,
        coaching=item,
        status=payload.status,
        scheduled_for=payload.scheduled_for,
        note=payload.note,
    )
    return _staff_out(selectors.coaching_get(municipality=municipality, request_id=item.pk))


@router.get(
    STAFF + "/{request_id}/progress", response={200: list[ProgressOut], **ERRORS}, auth=django_auth
)
def coaching_progress(request: AuthenticatedRequest, slug: str, request_id: int):
    """The requesting resident's course progress (each view is logged)."""
    municipality = _staff_municipality(request, slug)
    item = selectors.coaching_get(municipality=municipality, request_id=request_id)
    courses = selectors.learning_of(user=item.user)
    selectors.log_access(request.user, [item.user_id], "coaching_progress")
    return [
        {
            "course": course.pk,
            "title": course.title,
            "lesson_count": course.lesson_count,  # type: ignore[attr-defined]
            "completed_lessons": course.done_count,  # type: ignore[attr-defined]
            "completed": course.is_completed,
        }
        for course in courses
    ]
