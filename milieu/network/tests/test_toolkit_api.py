"""The toolkit API: the same selectors, services and permissions as the pages."""

import json

import pytest

from milieu.core.testing import assert_constant_queries, client_for, showing
from milieu.network.models import CoachingRequest, Course, CourseStatus, LessonCompletion

from . import toolkit_factories as f

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def w():
    return f.world()


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def _patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


def test_the_course_list_is_paginated_with_the_readers_progress(w):
    courses = [f.course(lessons=2) for _ in range(21)]
    LessonCompletion.objects.create(user=w.citizen, lesson=courses[-1].lessons.first())
    body = client_for(w.citizen).get(f"{API}/toolkit/courses").json()
    assert len(body["items"]) == 20 and body["next_page"] == 2
    first = body["items"][0]
    assert (first["id"], first["lesson_count"], first["completed_lessons"], first["completed"]) == (
        courses[-1].pk,
        2,
        1,
        False,
    )
    last = client_for(w.citizen).get(f"{API}/toolkit/courses?page=2").json()
    assert [item["id"] for item in last["items"]] == [courses[0].pk] and last["next_page"] is None


def test_the_course_list_endpoint_runs_a_constant_number_of_queries(w):
    def add(n):
        return [f.course().title_fr for _ in range(n)]

    assert_constant_queries(client_for(w.citizen), f"{API}/toolkit/courses", add, many=15)


def test_a_learner_completes_a_course_through_the_api(w):
    course = f.course(lessons=2)
    first, last = course.lessons.all()
    client = client_for(w.citizen)
    base = f"{API}/toolkit/courses/{course.pk}/lessons"
    detail = client.get(f"{API}/toolkit/courses/{course.pk}").json()
    assert [lesson["choices"] for lesson in detail["lessons"]] == [[], ["Vrai", "Faux"]]
    assert _post(client, f"{base}/{first.pk}/complete", {}).json()["course_completed"] is False
    wrong = _post(client, f"{base}/{last.pk}/complete", {"answer": 0})
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "wrong_answer"
    right = _post(client, f"{base}/{last.pk}/complete", {"answer": 1})
    assert right.json() == {"lesson": last.pk, "course": course.pk, "course_completed": True}
    progress = client.get(f"{API}/toolkit/me/progress").json()
    assert progress == [
        {
            "course": course.pk,
            "title": course.title_fr,
            "lesson_count": 2,
            "completed_lessons": 2,
            "completed": True,
        }
    ]


def test_completing_needs_a_session_and_a_visible_course(w):
    hidden = f.course(w.other_region, quiz=False)
    lesson = hidden.lessons.first()
    url = f"{API}/toolkit/courses/{hidden.pk}/lessons/{lesson.pk}/complete"
    assert _post(client_for(), url, {}).status_code == 401
    assert _post(client_for(w.citizen), url, {}).status_code == 404
    assert not LessonCompletion.objects.exists()


def test_coaching_requests_through_the_api(w):
    body = {"municipality": w.town.slug, "topic": "Tablette", "preferred_time": "Soir"}
    assert _post(client_for(), f"{API}/toolkit/coaching", body).status_code == 401
    assert _post(client_for(w.other_citizen), f"{API}/toolkit/coaching", body).status_code == 403
    assert not CoachingRequest.objects.exists()
    made = _post(client_for(w.citizen), f"{API}/toolkit/coaching", body)
    assert made.status_code == 201 and made.json()["status"] == "open"
    assert _post(client_for(w.citizen), f"{API}/toolkit/coaching", body).status_code == 409
    mine = client_for(w.citizen).get(f"{API}/toolkit/coaching").json()
    assert [item["topic"] for item in mine] == ["Tablette"]


def test_the_staff_queue_and_its_updates_through_the_api(w, caplog):
    made = _post(
        client_for(w.citizen),
        f"{API}/toolkit/coaching",
        {"municipality": w.town.slug, "topic": "Tablette"},
    ).json()
    queue = f"{API}/municipalities/{w.town.slug}/staff/coaching"
    for person, status in ((w.citizen, 403), (w.other_staff, 403), (w.region_admin, 403)):
        assert client_for(person).get(queue).status_code == status
        refused = _patch(client_for(person), f"{queue}/{made['id']}", {"status": "done"})
        assert refused.status_code == status
    assert CoachingRequest.objects.get().status == "open"
    items = client_for(w.staff).get(queue).json()["items"]
    assert [(i["resident"], i["email"]) for i in items] == [("Gabriel", w.citizen.email)]
    done = _patch(client_for(w.staff), f"{queue}/{made['id']}", {"status": "done", "note": "Ok"})
    assert (done.json()["status"], done.json()["handled_by"]) == ("done", w.staff.display_name)
    caplog.set_level("INFO", logger="milieu.audit")
    assert client_for(w.staff).get(f"{queue}/{made['id']}/progress").json() == []
    access = [r for r in caplog.records if r.getMessage() == "personal_data_access"]
    assert [(r.actor, r.subject) for r in access] == [(w.staff.pk, w.citizen.pk)]


def test_the_staff_queue_endpoint_runs_a_constant_number_of_queries(w):
    from milieu.accounts.tests.factories import citizen_of
    from milieu.network import services_toolkit as services

    def add(n):
        for _ in range(n):
            person = citizen_of(w.town)
            services.coaching_request_create(actor=person, municipality=w.town, topic="Aide")

    assert_constant_queries(
        client_for(w.staff),
        f"{API}/municipalities/{w.town.slug}/staff/coaching",
        showing(add, "Aide"),
        many=15,
    )


def test_authors_write_courses_through_the_api(w):
    body = {"region": w.region.slug, "title_fr": "Régional", "for_staff": True}
    for person in (w.citizen, w.staff, w.other_staff, w.operator):
        assert _post(client_for(person), f"{API}/toolkit/courses", body).status_code == 403
    assert (
        _post(
            client_for(w.region_admin), f"{API}/toolkit/courses", {**body, "region": None}
        ).status_code
        == 403
    )
    assert not Course.objects.exists()
    admin = client_for(w.region_admin)
    made = _post(admin, f"{API}/toolkit/courses", body)
    assert made.status_code == 201 and made.json()["region"] == w.region.slug
    course = f"{API}/toolkit/courses/{made.json()['id']}"
    assert _post(admin, f"{course}/publish", {}).status_code == 400
    lesson = _post(
        admin,
        f"{course}/lessons",
        {
            "title_fr": "Un",
            "body_fr": "Texte",
            "question_fr": "Q?",
            "choices_fr": ["Oui", "Non"],
            "quiz_answer": 0,
        },
    )
    assert lesson.status_code == 201 and lesson.json()["choices"] == ["Oui", "Non"]
    assert _patch(client_for(w.operator), course, {"title_fr": "X"}).status_code == 404
    assert _patch(admin, course, {"title_en": "Regional"}).json()["lesson_count"] == 1
    published = _post(admin, f"{course}/publish", {})
    assert published.json()["status"] == CourseStatus.PUBLISHED
    assert Course.objects.get().title_fr == "Régional"
