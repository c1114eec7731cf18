"""The toolkit's services: authoring (who writes which course, what a course and a lesson need),
completing lessons (the quiz, twice, the whole course), coaching requests; every refusal
changes nothing."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.utils import translation

from milieu.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from milieu.network import services_toolkit as services
from milieu.network.models import (
    CoachingRequest,
    CoachingStatus,
    Course,
    CourseStatus,
    Lesson,
    LessonCompletion,
)
from milieu.network.toolkit_content import COURSES
from milieu.network.toolkit_text import render

from . import toolkit_factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """These tests read the English messages (pages under /en/, errors in English)."""
    with translation.override("en"):
        yield


TEXTS = {"title_fr": "Courriel 101", "summary_fr": "Bien utiliser le courriel."}


@pytest.fixture
def w():
    return f.world()


def _people(w):
    return {
        "anonymous": AnonymousUser(),
        "citizen": w.citizen,
        "other_citizen": w.other_citizen,
        "staff": w.staff,
        "other_staff": w.other_staff,
        "region_admin": w.region_admin,
        "operator": w.operator,
    }


@pytest.mark.parametrize(
    ("who", "platform", "region"),
    [
        ("anonymous", False, False),
        ("citizen", False, False),
        ("other_citizen", False, False),
        ("staff", False, False),
        ("other_staff", False, False),
        ("region_admin", False, True),
        ("operator", True, False),
    ],
)
def test_who_creates_platform_and_region_courses(w, who, platform, region):
    actor = _people(w)[who]
    for target, allowed in ((None, platform), (w.region, region)):
        if allowed:
            course = services.course_create(actor=actor, region=target, values=TEXTS)
            assert (course.region, course.status) == (target, CourseStatus.DRAFT)
        else:
            before = Course.objects.count()
            with pytest.raises(PermissionDenied):
                services.course_create(actor=actor, region=target, values=TEXTS)
            assert Course.objects.count() == before


def test_a_consortium_admin_without_mfa_writes_nothing(w):
    admin = f.consortium_admin(w.region, mfa=False)
    with pytest.raises(PermissionDenied):
        services.course_create(actor=admin, region=w.region, values=TEXTS)
    assert not Course.objects.exists()


@pytest.mark.parametrize(
    "who", ["anonymous", "citizen", "other_citizen", "staff", "other_staff", "operator"]
)
def test_only_the_regions_admin_edits_a_region_course(w, who):
    course = f.course(w.region, published=False)
    actor = _people(w)[who]
    with pytest.raises(PermissionDenied):
        services.course_update(actor=actor, course=course, values={"title_fr": "Changé"})
    with pytest.raises(PermissionDenied):
        services.course_publish(actor=actor, course=course)
    with pytest.raises(PermissionDenied):
        services.lesson_create(
            actor=actor, course=course, values={"title_fr": "L", "body_fr": "Texte"}
        )
    course.refresh_from_db()
    assert (course.title_fr, course.status, course.lessons.count()) == (
        f"Cours {course.title_fr.split()[-1]}",
        CourseStatus.DRAFT,
        2,
    )
    services.course_publish(actor=w.region_admin, course=course)
    course.refresh_from_db()
    assert course.status == CourseStatus.PUBLISHED
    assert course.published_at is not None


def test_the_admin_of_another_region_cannot_edit(w):
    course = f.course(w.region, published=False)
    other = f.consortium_admin(w.other_region)
    with pytest.raises(PermissionDenied):
        services.course_update(actor=other, course=course, values={"title_fr": "Changé"})
    assert Course.objects.get(pk=course.pk).title_fr == course.title_fr


def test_a_course_needs_its_title_in_its_original_language_and_an_audience(w):
    with pytest.raises(ApplicationError) as error:
        services.course_create(
            actor=w.operator, region=None, values={"original_language": "en", "title_fr": "X"}
        )
    assert error.value.extra["fields"] == {"title_en": ["Give the title in the original language."]}
    with pytest.raises(ApplicationError) as error:
        services.course_create(
            actor=w.operator, region=None, values={**TEXTS, "for_residents": False}
        )
    assert list(error.value.extra["fields"]) == ["for_residents"]
    assert not Course.objects.exists()


def test_publishing_needs_a_lesson(w):
    course = services.course_create(actor=w.operator, region=None, values=TEXTS)
    with pytest.raises(ApplicationError) as error:
        services.course_publish(actor=w.operator, course=course)
    assert error.value.code == "empty"
    assert Course.objects.get(pk=course.pk).status == CourseStatus.DRAFT


def test_a_lesson_quiz_needs_a_valid_right_choice_and_the_same_choices_everywhere(w):
    course = services.course_create(actor=w.operator, region=None, values=TEXTS)
    base = {"title_fr": "Leçon", "body_fr": "Texte", "question_fr": "Question?"}
    with pytest.raises(ApplicationError) as error:
        services.lesson_create(
            actor=w.operator, course=course, values={**base, "choices_fr": "A\nB", "quiz_answer": 2}
        )
    assert list(error.value.extra["fields"]) == ["quiz_answer"]
    with pytest.raises(ApplicationError) as error:
        services.lesson_create(
            actor=w.operator,
            course=course,
            values={**base, "choices_fr": "A\nB", "choices_en": "A\nB\nC", "quiz_answer": 0},
        )
    assert list(error.value.extra["fields"]) == ["choices_en"]
    assert not Lesson.objects.exists()
    first = services.lesson_create(
        actor=w.operator, course=course, values={**base, "choices_fr": "A\nB", "quiz_answer": 1}
    )
    second = services.lesson_create(
        actor=w.operator, course=course, values={"title_fr": "Deux", "body_fr": "Texte"}
    )
    assert (first.position, second.position, second.has_quiz) == (1, 2, False)


def test_a_wrong_answer_completes_nothing_and_the_right_one_completes_the_course(w):
    course = f.course(lessons=2)
    first, last = course.lessons.all()
    assert services.lesson_complete(actor=w.citizen, lesson=first) is False
    with pytest.raises(ApplicationError) as error:
        services.lesson_complete(actor=w.citizen, lesson=last, answer=0)
    assert error.value.code == "wrong_answer"
    assert LessonCompletion.objects.filter(user=w.citizen).count() == 1
    with pytest.raises(ApplicationError):
        services.lesson_complete(actor=w.citizen, lesson=last)  # no answer
    assert services.lesson_complete(actor=w.citizen, lesson=last, answer=1) is True
    assert services.lesson_complete(actor=w.citizen, lesson=last, answer=1) is True  # twice
    assert LessonCompletion.objects.filter(user=w.citizen).count() == 2


def test_anonymous_people_and_drafts_complete_nothing(w):
    draft = f.course(published=False, quiz=False)
    lesson = draft.lessons.first()
    with pytest.raises(PermissionDenied):
        services.lesson_complete(actor=AnonymousUser(), lesson=lesson)
    with pytest.raises(NotFound):
        services.lesson_complete(actor=w.citizen, lesson=lesson)
    assert not LessonCompletion.objects.exists()


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("anonymous", False),
        ("citizen", True),
        ("other_citizen", False),
        ("staff", True),
        ("other_staff", False),
        ("region_admin", False),
    ],
)
def test_members_of_the_town_ask_it_for_coaching(w, who, allowed):
    actor = _people(w)[who]
    if allowed:
        made = services.coaching_request_create(
            actor=actor, municipality=w.town, topic="  Mon courriel  ", preferred_time="Matin"
        )
        assert (made.topic, made.status, made.municipality) == (
            "Mon courriel",
            CoachingStatus.OPEN,
            w.town,
        )
    else:
        with pytest.raises(PermissionDenied):
            services.coaching_request_create(actor=actor, municipality=w.town, topic="Aide")
        assert not CoachingRequest.objects.exists()


def test_one_coaching_request_in_progress_at_a_time(w):
    first = services.coaching_request_create(actor=w.citizen, municipality=w.town, topic="A")
    with pytest.raises(Conflict):
        services.coaching_request_create(actor=w.citizen, municipality=w.town, topic="B")
    with pytest.raises(ApplicationError) as error:
        services.coaching_request_create(actor=w.staff, municipality=w.town, topic="  ")
    assert list(error.value.extra["fields"]) == ["topic"]
    services.coaching_request_update(actor=w.staff, coaching=first, status="done", note="Fait")
    services.coaching_request_create(actor=w.citizen, municipality=w.town, topic="B")
    assert CoachingRequest.objects.filter(user=w.citizen).count() == 2


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("anonymous", False),
        ("citizen", False),
        ("other_citizen", False),
        ("staff", True),
        ("other_staff", False),
        ("region_admin", False),
        ("operator", False),
    ],
)
def test_only_the_towns_staff_handle_its_coaching_requests(w, who, allowed):
    from datetime import UTC, datetime

    made = services.coaching_request_create(actor=w.citizen, municipality=w.town, topic="Aide")
    when = datetime(2026, 12, 10, 14, tzinfo=UTC)
    actor = _people(w)[who]
    if allowed:
        done = services.coaching_request_update(
            actor=actor, coaching=made, status="scheduled", scheduled_for=when, note="Au bureau"
        )
        assert (done.status, done.scheduled_for, done.note, done.handled_by) == (
            "scheduled",
            when,
            "Au bureau",
            actor,
        )
    else:
        with pytest.raises(PermissionDenied):
            services.coaching_request_update(
                actor=actor, coaching=made, status="scheduled", scheduled_for=when, note="X"
            )
        made.refresh_from_db()
        assert (made.status, made.scheduled_for, made.note, made.handled_by) == (
            "open",
            None,
            "",
            None,
        )


def test_scheduling_needs_the_appointment(w):
    made = services.coaching_request_create(actor=w.citizen, municipality=w.town, topic="Aide")
    with pytest.raises(ApplicationError) as error:
        services.coaching_request_update(actor=w.staff, coaching=made, status="scheduled")
    assert list(error.value.extra["fields"]) == ["scheduled_for"]
    assert CoachingRequest.objects.get(pk=made.pk).status == "open"


def test_staff_without_mfa_do_not_handle_coaching(w):
    from milieu.accounts.models import Role
    from milieu.accounts.tests.factories import with_role

    made = services.coaching_request_create(actor=w.citizen, municipality=w.town, topic="Aide")
    no_mfa = with_role(w.town, Role.STAFF, mfa=False)
    with pytest.raises(PermissionDenied):
        services.coaching_request_update(actor=no_mfa, coaching=made, status="done")
    assert CoachingRequest.objects.get(pk=made.pk).status == "open"


def test_load_toolkit_writes_the_three_courses_in_three_languages_and_is_idempotent(w):
    call_command("load_toolkit", stdout=open("/dev/null", "w"))  # noqa: SIM115
    courses = Course.objects.filter(key__isnull=False).order_by("key")
    assert sorted(c.key for c in courses) == [
        "passwords-and-scams",
        "privacy-law-25",
        "using-milieu",
    ]
    assert {c.title_en for c in courses} == {
        "Using Milieu",
        "Digital skills: safe passwords and scams",
        "Privacy basics (Law 25)",
    }
    for course in courses:
        assert course.status == CourseStatus.PUBLISHED and course.region is None
        assert all(
            getattr(course, f"{n}_{c}") for n in ("title", "summary") for c in ["fr", "en", "es"]
        )
        lessons = list(course.lessons.all())
        assert 2 <= len(lessons) <= 4
        for lesson in lessons:
            for code in ("fr", "en", "es"):
                assert lesson.translated("title", code) == getattr(lesson, f"title_{code}") != ""
                assert getattr(lesson, f"body_{code}")
                assert len(lesson.choices(code)) == len(lesson.choices("fr")) >= 2
            assert lesson.quiz_answer < len(lesson.choices("fr"))
    lesson = Lesson.objects.filter(course__key="using-milieu").first()
    LessonCompletion.objects.create(user=w.citizen, lesson=lesson)
    call_command("load_toolkit", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Course.objects.count() == 3
    assert Lesson.objects.count() == sum(len(spec["lessons"]) for spec in COURSES)
    assert LessonCompletion.objects.filter(user=w.citizen, lesson=lesson).exists()


def test_lesson_text_is_escaped_with_paragraphs_lists_and_bold():
    html = render("Un <script>alert(1)</script> **gras**\n\n- a & b\n- <b>c</b>")
    assert html == (
        "<p>Un &lt;script&gt;alert(1)&lt;/script&gt; <strong>gras</strong></p>"
        "<ul><li>a &amp; b</li><li>&lt;b&gt;c&lt;/b&gt;</li></ul>"
    )
