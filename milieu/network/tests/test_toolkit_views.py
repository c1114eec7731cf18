"""The toolkit's pages: who sees which course, a learner's path through a course, "My learning",
asking for coaching, the staff's queue (and the log of their views of a resident's progress),
the authors' pages; list pages in a constant number of queries."""

import pytest
from django.urls import reverse
from django.utils import translation

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import with_role
from milieu.core.testing import assert_constant_queries, client_for
from milieu.network import selectors_toolkit as selectors
from milieu.network import services_toolkit as services
from milieu.network.models import CoachingRequest, Course, CourseStatus, Lesson, LessonCompletion

from . import toolkit_factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return f.world()


def _titles(user) -> set[str]:
    courses, _more = selectors.course_page(visible_to=user)
    return {course.title_fr for course in courses}


def test_each_person_sees_the_courses_of_their_audience_and_region(w):
    f.course(title_fr="Public")
    f.course(title_fr="Brouillon", published=False)
    f.course(title_fr="Employés", for_residents=False, for_staff=True)
    f.course(title_fr="Élus", for_residents=False, for_elected=True)
    f.course(w.region, title_fr="Région")
    f.course(w.region, title_fr="Région employés", for_residents=False, for_staff=True)
    f.course(w.other_region, title_fr="Autre région")
    from django.contrib.auth.models import AnonymousUser

    elected = with_role(w.town, Role.ELECTED)
    assert _titles(AnonymousUser()) == {"Public"}
    assert _titles(w.citizen) == {"Public", "Région"}
    assert _titles(w.other_citizen) == {"Public", "Autre région"}
    assert _titles(w.staff) == {"Public", "Employés", "Région", "Région employés"}
    assert _titles(elected) == {"Public", "Élus", "Région"}
    assert _titles(w.region_admin) == {"Public", "Employés", "Région", "Région employés"}


def test_the_course_list_runs_a_constant_number_of_queries(w):
    client = client_for(w.citizen)

    def add(n):
        titles = []
        for _ in range(n):
            course = f.course(lessons=2)
            LessonCompletion.objects.create(user=w.citizen, lesson=course.lessons.first())
            titles.append(course.title_fr)
        return titles

    assert_constant_queries(client, reverse("toolkit:list"), add, few=2, many=15)


def test_a_hidden_or_draft_course_is_a_404(w):
    other = f.course(w.other_region)
    draft = f.course(published=False)
    client = client_for(w.citizen)
    assert client.get(reverse("toolkit:course", args=[other.pk])).status_code == 404
    assert client.get(reverse("toolkit:course", args=[draft.pk])).status_code == 404
    lesson = other.lessons.first()
    response = client.post(reverse("toolkit:lesson", args=[other.pk, lesson.pk]))
    assert response.status_code == 404
    assert not LessonCompletion.objects.exists()
    # Its authors preview it.
    assert client_for(w.operator).get(reverse("toolkit:course", args=[draft.pk])).status_code == 200


def test_a_learner_completes_a_course_lesson_by_lesson(w):
    course = f.course(lessons=2)
    first, last = course.lessons.all()
    client = client_for(w.citizen)
    response = client.post(reverse("toolkit:lesson", args=[course.pk, first.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("toolkit:lesson", args=[course.pk, last.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Vrai ou faux?" in page and 'name="answer"' in page
    wrong = client.post(reverse("toolkit:lesson", args=[course.pk, last.pk]), {"answer": "0"})
    assert wrong.status_code == 400
    assert _fr("That is not the right answer.") in wrong.content.decode()
    assert LessonCompletion.objects.filter(user=w.citizen).count() == 1
    right = client.post(reverse("toolkit:lesson", args=[course.pk, last.pk]), {"answer": "1"})
    assert right["Location"] == reverse("toolkit:course", args=[course.pk])
    mine = client.get(reverse("toolkit:mine")).content.decode()
    assert course.title_fr in mine
    assert '<progress max="2" value="2">' in mine
    assert "course-completed" in mine


def test_anonymous_visitors_read_a_lesson_and_are_asked_to_log_in_to_complete_it(w):
    course = f.course(lessons=1, quiz=False)
    lesson = course.lessons.first()
    client = client_for()
    page = client.get(reverse("toolkit:lesson", args=[course.pk, lesson.pk])).content.decode()
    assert "Un paragraphe." in page and "<li>un point</li>" in page
    response = client.post(reverse("toolkit:lesson", args=[course.pk, lesson.pk]))
    assert response.status_code == 302 and "login" in response["Location"]
    assert not LessonCompletion.objects.exists()
    assert client.get(reverse("toolkit:mine")).status_code == 302


def test_a_lesson_shows_in_the_readers_language(w):
    course = f.course(lessons=1, quiz=False, title_es="Curso en español")
    lesson = course.lessons.first()
    client = client_for(w.citizen)
    page = client.get(f"/es/toolkit/{course.pk}/lessons/{lesson.pk}/").content.decode()
    assert 'lang="es">Curso en español' in page
    assert 'lang="fr">Leçon 1' in page  # no Spanish title: the original


def test_a_resident_asks_their_town_for_coaching(w):
    client = client_for(w.citizen)
    response = client.post(
        reverse("toolkit:coaching"), {"topic": "Appels vidéo", "preferred_time": "Matin"}
    )
    assert response.status_code == 302
    made = CoachingRequest.objects.get()
    assert (made.user, made.municipality, made.topic) == (w.citizen, w.town, "Appels vidéo")
    again = client.post(reverse("toolkit:coaching"), {"topic": "Encore"})
    assert again.status_code == 400
    assert _fr("You already have a coaching request in progress with this municipality.") in (
        again.content.decode()
    )
    assert CoachingRequest.objects.count() == 1
    assert "Appels vidéo" in client.get(reverse("toolkit:mine")).content.decode()


def test_the_coaching_queue_is_for_the_towns_staff(w):
    url = reverse("toolkit_staff:queue", args=[w.town.slug])
    assert client_for().get(url).status_code == 302
    assert client_for(w.citizen).get(url).status_code == 403
    assert client_for(w.other_staff).get(url).status_code == 403
    assert client_for(w.region_admin).get(url).status_code == 403
    assert client_for(w.staff).get(url).status_code == 200


def test_the_coaching_queue_runs_a_constant_number_of_queries(w):
    from milieu.accounts.tests.factories import citizen_of

    def add(n):
        names = []
        for _ in range(n):
            person = citizen_of(w.town)
            services.coaching_request_create(actor=person, municipality=w.town, topic="Aide")
            names.append(person.display_name)
        return names

    assert_constant_queries(
        client_for(w.staff), reverse("toolkit_staff:queue", args=[w.town.slug]), add, many=15
    )


def test_staff_see_a_residents_progress_logged_and_schedule_the_request(w, caplog):
    course = f.course(lessons=2, title_fr="Courriel")
    LessonCompletion.objects.create(user=w.citizen, lesson=course.lessons.first())
    made = services.coaching_request_create(actor=w.citizen, municipality=w.town, topic="Aide")
    url = reverse("toolkit_staff:detail", args=[w.town.slug, made.pk])
    caplog.set_level("INFO", logger="milieu.audit")
    page = client_for(w.staff).get(url).content.decode()
    assert "Courriel" in page and '<progress max="2" value="1">' in page
    access = [r for r in caplog.records if r.getMessage() == "personal_data_access"]
    assert [(r.actor, r.subject, r.what) for r in access] == [
        (w.staff.pk, w.citizen.pk, "coaching_progress")
    ]
    caplog.clear()
    assert client_for(w.other_staff).get(url).status_code == 403
    other_url = reverse("toolkit_staff:detail", args=[w.other_town.slug, made.pk])
    assert client_for(w.other_staff).get(other_url).status_code == 404
    assert not [r for r in caplog.records if r.getMessage() == "personal_data_access"]
    response = client_for(w.staff).post(
        url, {"status": "scheduled", "scheduled_for": "2026-12-10T14:00", "note": "Au bureau"}
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert (made.status, made.note, made.handled_by) == ("scheduled", "Au bureau", w.staff)
    refused = client_for(w.other_staff).post(other_url, {"status": "done"})
    assert refused.status_code == 404
    assert CoachingRequest.objects.get(pk=made.pk).status == "scheduled"


def test_an_operator_writes_and_publishes_a_course(w):
    client = client_for(w.operator)
    response = client.post(
        reverse("toolkit:manage"),
        {
            "author": "",
            "original_language": "fr",
            "title_fr": "Tablette 101",
            "summary_fr": "Premiers pas",
            "for_residents": "on",
        },
    )
    course = Course.objects.get(title_fr="Tablette 101")
    assert response["Location"] == reverse("toolkit:manage_course", args=[course.pk])
    assert course.region is None and course.status == CourseStatus.DRAFT
    response = client.post(
        reverse("toolkit:lesson_new", args=[course.pk]),
        {
            "original_language": "fr",
            "position": "1",
            "title_fr": "Allumer",
            "body_fr": "Appuyez sur le bouton.",
            "question_fr": "Où appuyer?",
            "choices_fr": "Bouton\nÉcran",
            "quiz_answer": "0",
        },
    )
    assert response.status_code == 302
    assert Lesson.objects.get(course=course).choices() == ["Bouton", "Écran"]
    client.post(reverse("toolkit:manage_publish", args=[course.pk]))
    course.refresh_from_db()
    assert course.status == CourseStatus.PUBLISHED
    assert "Tablette 101" in client_for().get(reverse("toolkit:list")).content.decode()


def test_a_consortium_admin_writes_for_their_region_only(w):
    platform = f.course(published=False, title_fr="Plateforme")
    client = client_for(w.region_admin)
    page = client.get(reverse("toolkit:manage")).content.decode()
    assert f'<option value="{w.region.pk}">' in page and '<option value="">' not in page
    response = client.post(
        reverse("toolkit:manage"),
        {
            "author": str(w.region.pk),
            "original_language": "fr",
            "title_fr": "Régional",
            "for_staff": "on",
        },
    )
    assert response.status_code == 302
    assert Course.objects.get(title_fr="Régional").region == w.region
    forged = client.post(
        reverse("toolkit:manage"),
        {
            "author": str(w.other_region.pk),
            "original_language": "fr",
            "title_fr": "Ailleurs",
            "for_staff": "on",
        },
    )
    assert forged.status_code == 400
    assert not Course.objects.filter(title_fr="Ailleurs").exists()
    assert client.get(reverse("toolkit:manage_course", args=[platform.pk])).status_code == 404
    edit = client.post(
        reverse("toolkit:manage_course", args=[platform.pk]),
        {"original_language": "fr", "title_fr": "Piraté", "for_residents": "on"},
    )
    assert edit.status_code == 404
    assert Course.objects.get(pk=platform.pk).title_fr == "Plateforme"


@pytest.mark.parametrize("who", ["citizen", "staff", "other_staff"])
def test_other_people_cannot_author(w, who):
    client = client_for(getattr(w, who))
    assert client.get(reverse("toolkit:manage")).status_code == 403
    response = client.post(
        reverse("toolkit:manage"),
        {"author": "", "original_language": "fr", "title_fr": "X", "for_residents": "on"},
    )
    assert response.status_code == 403
    assert not Course.objects.exists()


def _fr(message: str) -> str:
    """A message as the French pages show it (HTML-escaped like the template)."""
    from django.utils.html import escape

    with translation.override("fr"):
        return str(escape(translation.gettext(message)))
