"""The proposals API: reading ideas, submitting, supporting, the staff's answer, the errors."""

import pytest

from milieu.core.testing import client_for

from ..models import Proposal, ProposalStatus, Support
from .factories_proposals import call, proposal, resident, staff, supported, town

pytestmark = pytest.mark.django_db


def _call_url(consultation) -> str:
    return (
        f"/api/v1/municipalities/{consultation.municipality.slug}"
        f"/consultations/{consultation.pk}/proposals"
    )


def _url(p, action: str = "") -> str:
    base = f"/api/v1/municipalities/{p.municipality.slug}/proposals/{p.pk}"
    return f"{base}/{action}" if action else base


def test_anyone_lists_a_calls_ideas_most_supported_first_with_a_cursor():
    city = town()
    consultation = call(city)
    ideas = [proposal(consultation) for _ in range(3)]
    supported(ideas[1], 2)
    supported(ideas[2], 1)
    response = client_for().get(_call_url(consultation), {"limit": 2})
    assert response.status_code == 200
    body = response.json()
    assert [item["id"] for item in body["items"]] == [ideas[1].pk, ideas[2].pk]
    assert body["items"][0]["support_count"] == 2
    assert body["items"][0]["author"] == {"display_name": ideas[1].author.display_name}
    assert "email" not in str(body)
    following = client_for().get(
        _call_url(consultation), {"limit": 2, "cursor": body["next_cursor"]}
    )
    assert [item["id"] for item in following.json()["items"]] == [ideas[0].pk]
    assert following.json()["next_cursor"] is None


def test_a_bad_sort_or_cursor_is_a_field_error():
    consultation = call(town())
    response = client_for().get(_call_url(consultation), {"sort": "oldest"})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["sort"]
    response = client_for().get(_call_url(consultation), {"cursor": "nope"})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["cursor"]


def test_a_resident_submits_an_idea_and_another_supports_it_once():
    city = town()
    consultation = call(city, threshold=1)
    author, supporter = resident(city), resident(city)
    response = client_for(author).post(
        _call_url(consultation),
        {"title": "Une aire de pique-nique", "body": "Des tables près de la rivière, à l'ombre."},
        content_type="application/json",
    )
    assert response.status_code == 201
    created = response.json()
    assert (created["status"], created["is_mine"], created["support_count"]) == (
        "submitted",
        True,
        0,
    )
    p = Proposal.objects.get(pk=created["id"])
    response = client_for(supporter).post(_url(p, "support"))
    assert response.status_code == 200
    assert (response.json()["support_count"], response.json()["i_support"]) == (1, True)
    assert response.json()["city_committed"] is True
    again = client_for(supporter).post(_url(p, "support"))
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_supported"
    own = client_for(author).post(_url(p, "support"))
    assert own.status_code == 403
    assert own.json()["error"]["code"] == "own_proposal"
    assert Support.objects.filter(proposal=p).count() == 1
    back = client_for(supporter).delete(_url(p, "support"))
    assert back.status_code == 200
    assert back.json()["support_count"] == 0


def test_submitting_needs_eligibility_and_an_account():
    city = town()
    consultation = call(city)
    payload = {"title": "Une idée", "body": "Une idée assez longue pour être lue."}
    anonymous = client_for().post(_call_url(consultation), payload, content_type="application/json")
    assert anonymous.status_code == 401
    outsider = client_for(resident(town())).post(
        _call_url(consultation), payload, content_type="application/json"
    )
    assert outsider.status_code == 403
    assert outsider.json()["error"]["code"] == "not_eligible"
    short = client_for(resident(city)).post(
        _call_url(consultation),
        {"title": "Une idée", "body": "Trop court"},
        content_type="application/json",
    )
    assert short.status_code == 400
    assert list(short.json()["error"]["fields"]) == ["body"]
    assert Proposal.objects.count() == 0


def test_the_author_edits_then_withdraws():
    city = town()
    p = proposal(call(city))
    client = client_for(p.author)
    response = client.patch(_url(p), {"title": "Titre changé"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["title"] == "Titre changé"
    other = client_for(resident(city)).patch(
        _url(p), {"title": "Piraté"}, content_type="application/json"
    )
    assert other.status_code == 403
    response = client.post(_url(p, "withdraw"))
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"


def test_staff_answer_and_everyone_reads_the_answer():
    city = town()
    clerk = staff(city)
    p = proposal(call(city, threshold=1))
    supported(p, 1)
    response = client_for(clerk).post(
        _url(p, "answer"),
        {"status": "accepted", "answer": "Ce sera fait cet été.", "language": "fr"},
        content_type="application/json",
    )
    assert response.status_code == 200
    public = client_for().get(_url(p)).json()
    assert public["status"] == "accepted"
    assert public["answer"]["text"] == "Ce sera fait cet été."
    assert public["city_committed"] is False
    status = client_for(clerk).post(
        _url(p, "status"), {"status": "implemented"}, content_type="application/json"
    )
    assert status.json()["status"] == "implemented"


@pytest.mark.parametrize("who", ["anonymous", "resident", "author", "staff_elsewhere"])
def test_only_the_towns_staff_answer_hide_and_list_the_queue(who):
    city = town()
    p = proposal(call(city))
    actor = {
        "anonymous": None,
        "resident": resident(city),
        "author": p.author,
        "staff_elsewhere": staff(town()),
    }[who]
    client = client_for(actor)
    answer = client.post(
        _url(p, "answer"),
        {"status": "rejected", "answer": "Non."},
        content_type="application/json",
    )
    hide = client.post(_url(p, "hide"), {"reason": "Spam"}, content_type="application/json")
    queue = client.get(f"/api/v1/municipalities/{city.slug}/staff/proposals")
    expected = 401 if actor is None else 403
    assert (answer.status_code, hide.status_code, queue.status_code) == (expected,) * 3
    p.refresh_from_db()
    assert (p.status, p.answer, p.hidden_at) == (ProposalStatus.SUBMITTED, "", None)


def test_a_hidden_idea_is_not_found_except_for_its_author_and_staff():
    city = town()
    clerk = staff(city)
    p = proposal(call(city))
    response = client_for(clerk).post(
        _url(p, "hide"), {"reason": "Hors sujet"}, content_type="application/json"
    )
    assert response.json()["hidden"] is True
    assert client_for().get(_url(p)).status_code == 404
    assert client_for(resident(city)).get(_url(p)).status_code == 404
    mine = client_for(p.author).get(_url(p))
    assert (mine.status_code, mine.json()["hidden_reason"]) == (200, "Hors sujet")
    assert client_for().get(_call_url(p.consultation)).json()["items"] == []


def test_the_staff_queue_lists_ideas_awaiting_an_answer_first():
    city = town()
    clerk = staff(city)
    consultation = call(city, threshold=1)
    below, waiting = proposal(consultation), proposal(consultation)
    supported(waiting, 1)
    response = client_for(clerk).get(f"/api/v1/municipalities/{city.slug}/staff/proposals")
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["items"]] == [waiting.pk]
    every = client_for(clerk).get(
        f"/api/v1/municipalities/{city.slug}/staff/proposals", {"state": "all"}
    )
    assert [item["id"] for item in every.json()["items"]] == [waiting.pk, below.pk]


def test_an_idea_of_another_town_is_not_found():
    p = proposal(call(town()))
    other = town()
    response = client_for().get(f"/api/v1/municipalities/{other.slug}/proposals/{p.pk}")
    assert response.status_code == 404
