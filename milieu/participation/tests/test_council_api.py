"""The council API: public reads (a draft is not found), questions submitted and withdrawn by
residents, the questions grouped by item for elected officials and staff only, and the staff's
operations, with refusals that change nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from milieu.core.testing import client_for
from milieu.participation import services_council as services
from milieu.participation.models import CitizenQuestion, Meeting

from .test_council_factories import elected, held, item, meeting, pdf, resident, staff, town

pytestmark = pytest.mark.django_db


def _base(municipality) -> str:
    return f"/api/v1/municipalities/{municipality.slug}/council"


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_the_public_reads_a_published_meeting_with_its_agenda_and_counts():
    here = town()
    officer = staff(here)
    sitting = meeting(here, actor=officer, title_fr="Séance publique")
    point = item(sitting, "Parc", actor=officer, number="3")
    services.document_add(
        actor=officer, meeting=sitting, title="Plan", upload=pdf(), agenda_item=point
    )
    services.question_submit(actor=resident(here), meeting=sitting, text="?", agenda_item=point.pk)
    draft = meeting(here, actor=officer, publish=False)
    client = client_for()
    listed = client.get(f"{_base(here)}/meetings").json()
    assert [m["id"] for m in listed["items"]] == [sitting.pk]
    assert listed["count"] == 1
    body = client.get(f"{_base(here)}/meetings/{sitting.pk}").json()
    assert body["title"] == "Séance publique"
    assert [(i["number"], i["title"], i["question_count"]) for i in body["agenda"]] == [
        ("3", "Parc", 1)
    ]
    assert [d["title"] for d in body["agenda"][0]["documents"]] == ["Plan"]
    assert "author" not in str(body)
    assert client.get(f"{_base(here)}/meetings/{draft.pk}").status_code == 404
    assert [
        d["title"] for d in client.get(f"{_base(here)}/meetings/{sitting.pk}/documents").json()
    ] == ["Plan"]
    assert len(client.get(f"{_base(here)}/meetings/{sitting.pk}/agenda").json()) == 1
    elsewhere = town()
    assert client.get(f"{_base(elsewhere)}/meetings/{sitting.pk}").status_code == 404


def test_a_resident_submits_and_withdraws_a_question():
    here = town()
    sitting = meeting(here)
    point = item(sitting, "Parc")
    person = resident(here)
    client = client_for(person)
    created = _post(
        client,
        f"{_base(here)}/meetings/{sitting.pk}/questions",
        {"agenda_item_id": point.pk, "text": "Quand ?"},
    )
    assert created.status_code == 201
    assert created.json()["agenda_item_id"] == point.pk
    mine = client.get(f"{_base(here)}/meetings/{sitting.pk}/my-questions").json()
    assert [q["text"] for q in mine] == ["Quand ?"]
    question_id = created.json()["id"]
    other = _post(client_for(resident(here)), f"{_base(here)}/questions/{question_id}/withdraw", {})
    assert other.status_code == 404
    done = _post(client, f"{_base(here)}/questions/{question_id}/withdraw", {})
    assert (done.status_code, done.json()["status"]) == (200, "withdrawn")


def test_submitting_refusals_change_nothing():
    here = town()
    sitting = meeting(here)
    url = f"{_base(here)}/meetings/{sitting.pk}/questions"
    assert _post(client_for(), url, {"text": "?"}).status_code == 401
    assert _post(client_for(resident(town())), url, {"text": "?"}).status_code == 403
    empty = _post(client_for(resident(here)), url, {"text": "  "})
    assert empty.status_code == 400
    assert list(empty.json()["error"]["fields"]) == ["text"]
    person = resident(here)
    for n in range(3):
        assert _post(client_for(person), url, {"text": f"Q{n}"}).status_code == 201
    limit = _post(client_for(person), url, {"text": "Q4"})
    assert (limit.status_code, limit.json()["error"]["code"]) == (409, "limit")
    assert CitizenQuestion.objects.count() == 3


def test_questions_grouped_by_item_for_elected_officials_and_staff_only():
    here = town()
    officer = staff(here)
    sitting = meeting(here, actor=officer)
    point = item(sitting, "Parc", actor=officer, number="1")
    asker = resident(here, display_name="Léa L")
    services.question_submit(actor=asker, meeting=sitting, text="Sur le parc", agenda_item=point.pk)
    services.question_submit(actor=asker, meeting=sitting, text="Autre", agenda_item=None)
    url = f"{_base(here)}/meetings/{sitting.pk}/questions"
    for reader in (officer, elected(here)):
        groups = client_for(reader).get(url).json()
        assert [
            (g["agenda_item_id"], [(q["text"], q["author_display_name"]) for q in g["questions"]])
            for g in groups
        ] == [(point.pk, [("Sur le parc", "Léa L")]), (None, [("Autre", "Léa L")])]
    for outsider in (asker, staff(town()), elected(here, mfa=False)):
        assert client_for(outsider).get(url).status_code == 403
    assert client_for().get(url).status_code == 401


def test_staff_create_publish_hold_and_publish_minutes():
    here = town()
    officer = staff(here)
    client = client_for(officer)
    starts = (timezone.now() + timedelta(days=5)).isoformat()
    created = _post(
        client,
        f"{_base(here)}/meetings",
        {"title_fr": "Séance API", "starts_at": starts, "place": "Mairie"},
    )
    assert created.status_code == 201
    meeting_id = created.json()["id"]
    assert created.json()["status"] == "draft"
    changed = client.patch(
        f"{_base(here)}/meetings/{meeting_id}",
        {"place": "Salle du conseil"},
        content_type="application/json",
    )
    assert changed.json()["place"] == "Salle du conseil"
    item_made = _post(client, f"{_base(here)}/meetings/{meeting_id}/agenda", {"title": "Budget"})
    assert (item_made.status_code, item_made.json()["position"]) == (201, 1)
    published = _post(client, f"{_base(here)}/meetings/{meeting_id}/publish", {})
    assert published.json()["status"] == "published"
    again = _post(client, f"{_base(here)}/meetings/{meeting_id}/publish", {})
    assert again.status_code == 409
    early = _post(client, f"{_base(here)}/meetings/{meeting_id}/minutes", {"minutes": "Tôt."})
    assert early.status_code == 409
    found = Meeting.objects.get(pk=meeting_id)
    held(found, officer)
    minutes = _post(
        client, f"{_base(here)}/meetings/{meeting_id}/minutes", {"minutes": "Un.\n\nDeux."}
    )
    assert (minutes.status_code, minutes.json()["minutes"]) == (200, "Un.\n\nDeux.")


def test_elected_officials_and_residents_cannot_use_staff_operations():
    here = town()
    officer = staff(here)
    sitting = meeting(here, actor=officer)
    question = services.question_submit(actor=resident(here), meeting=sitting, text="?")
    for actor in (elected(here), resident(here), staff(town())):
        client = client_for(actor)
        assert (
            _post(
                client,
                f"{_base(here)}/meetings",
                {"title_fr": "X", "starts_at": timezone.now().isoformat()},
            ).status_code
            == 403
        )
        assert (
            _post(
                client, f"{_base(here)}/questions/{question.pk}/answer", {"answer": "Non"}
            ).status_code
            == 403
        )
        assert (
            _post(client, f"{_base(here)}/meetings/{sitting.pk}/agenda", {"title": "X"}).status_code
            == 403
        )
    assert Meeting.objects.count() == 1
    question.refresh_from_db()
    assert (question.status, question.answer) == ("submitted", "")
    answered = _post(
        client_for(officer), f"{_base(here)}/questions/{question.pk}/answer", {"answer": "Oui"}
    )
    assert answered.json()["status"] == "answered"
    rejected = _post(
        client_for(officer), f"{_base(here)}/questions/{question.pk}/reject", {"reason": "Doublon"}
    )
    assert (rejected.json()["status"], rejected.json()["rejection_reason"]) == (
        "rejected",
        "Doublon",
    )
