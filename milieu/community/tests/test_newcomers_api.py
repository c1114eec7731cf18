"""The newcomers API: the same services, permissions and errors as the pages."""

import json
import logging

import pytest
from django.utils import translation

from milieu.accounts.tests.factories import citizen_of
from milieu.community.models import BuddyProfile, NewcomerProfile, NewcomerResource, Pairing
from milieu.community.tests.factories_newcomers import (
    buddy_of,
    coordinator_of,
    newcomer_of,
    pairing_of,
    resource_of,
    town,
)
from milieu.core.testing import client_for

pytestmark = pytest.mark.django_db
BASE = "/api/v1/municipalities/brossard/newcomers"


@pytest.fixture
def brossard():
    return town()


@pytest.fixture
def coordinator(brossard):
    return coordinator_of(brossard)


def send(client, method: str, url: str, payload=None, **extra):
    return getattr(client, method.lower())(
        url, data=json.dumps(payload or {}), content_type="application/json", **extra
    )


# --- Resource directory -------------------------------------------------------------------------


def test_anyone_reads_the_directory_in_their_language(brossard):
    resource_of(
        brossard,
        name="Maison de l'accueil",
        description_fr="Accueil.",
        description_es="Acogida.",
        languages=["fr", "es"],
    )
    resource_of(brossard, name="Caché", published=False)

    response = client_for().get(f"{BASE}/resources", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    item = data["items"][0]
    assert (item["name"], item["description"], item["description_language"]) == (
        "Maison de l'accueil",
        "Acogida.",
        "es",
    )
    english = client_for().get(f"{BASE}/resources", HTTP_ACCEPT_LANGUAGE="en").json()
    assert (english["items"][0]["description"], english["items"][0]["description_language"]) == (
        "Accueil.",
        "fr",
    )
    assert client_for().get(f"{BASE}/resources?language=en").json()["count"] == 0
    assert client_for().get(f"{BASE}/resources?category=welcome").json()["count"] == 1
    assert client_for().get(f"{BASE}/resources?category=nope").status_code == 422


def test_the_directory_is_paginated_with_limit_and_offset(brossard):
    for index in range(5):
        resource_of(brossard, name=f"Service {index}")
    data = client_for().get(f"{BASE}/resources?limit=2&offset=2").json()
    assert data["count"] == 5
    assert [item["name"] for item in data["items"]] == ["Service 2", "Service 3"]


def test_staff_create_change_unpublish_and_delete_resources(brossard, coordinator):
    client = client_for(coordinator)
    created = send(
        client,
        "POST",
        f"{BASE}/resources",
        {
            "category": "housing",
            "name": "Logement Brossard",
            "description_fr": "Aide au logement.",
            "languages": ["fr", "en"],
            "url": "https://logement.example.org",
        },
    )
    assert created.status_code == 201
    resource_id = created.json()["id"]

    changed = send(
        client, "PATCH", f"{BASE}/resources/{resource_id}", {"description_en": "Housing help."}
    )
    assert changed.status_code == 200
    assert changed.json()["description_en"] == "Housing help."
    assert changed.json()["name"] == "Logement Brossard"

    hidden = send(client, "PATCH", f"{BASE}/resources/{resource_id}", {"published": False})
    assert hidden.json()["published"] is False
    assert client_for().get(f"{BASE}/resources").json()["count"] == 0

    assert client.delete(f"{BASE}/resources/{resource_id}").status_code == 204
    assert not NewcomerResource.objects.exists()


def test_a_bad_resource_is_refused_field_by_field(brossard, coordinator):
    response = send(
        client_for(coordinator),
        "POST",
        f"{BASE}/resources",
        {
            "category": "housing",
            "name": "Logement",
            "description_fr": "Aide.",
            "url": "javascript:alert(1)",
            "languages": ["xx"],
        },
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"url", "languages"}
    assert not NewcomerResource.objects.exists()


# --- My profiles --------------------------------------------------------------------------------


def test_i_create_read_and_replace_my_newcomer_profile(brossard):
    person = citizen_of(brossard)
    client = client_for(person)
    assert client.get(f"{BASE}/me").status_code == 404
    payload = {
        "arrival_date": "2026-08-15",
        "languages_spoken": ["es"],
        "languages_wanted": ["fr"],
        "needs": ["french"],
        "availability": ["weekend_morning"],
    }
    saved = send(client, "PUT", f"{BASE}/me", payload)
    assert saved.status_code == 200
    assert saved.json()["languages_spoken"] == ["es"]
    assert saved.json()["seeking"] is True
    again = send(client, "PUT", f"{BASE}/me", {**payload, "seeking": False, "needs": []})
    assert again.json()["id"] == saved.json()["id"]
    assert client.get(f"{BASE}/me").json()["seeking"] is False
    assert NewcomerProfile.objects.count() == 1


def test_a_bad_newcomer_profile_is_refused(brossard):
    client = client_for(citizen_of(brossard))
    response = send(
        client,
        "PUT",
        f"{BASE}/me",
        {"arrival_date": "2026-08-15", "languages_spoken": ["es"], "needs": ["money"]},
    )
    assert response.status_code == 400
    with translation.override("fr"):  # the API's language when the request asks for none
        expected = translation.gettext("Unknown choice: %(values)s.") % {"values": "money"}
    assert response.json()["error"]["fields"] == {"needs": [expected]}
    missing = send(client, "PUT", f"{BASE}/me", {"arrival_date": "2026-08-15"})
    assert missing.status_code == 422
    assert not NewcomerProfile.objects.exists()


def test_i_create_and_read_my_buddy_profile(brossard):
    client = client_for(citizen_of(brossard))
    assert client.get(f"{BASE}/buddy").status_code == 404
    saved = send(client, "PUT", f"{BASE}/buddy", {"languages": ["fr"], "capacity": 3})
    assert saved.status_code == 200
    assert client.get(f"{BASE}/buddy").json()["capacity"] == 3
    too_many = send(client, "PUT", f"{BASE}/buddy", {"languages": ["fr"], "capacity": 9})
    assert too_many.status_code == 422
    assert BuddyProfile.objects.get().capacity == 3


# --- My pairings --------------------------------------------------------------------------------


def test_the_whole_workflow_through_the_api(brossard, coordinator):
    newcomer = newcomer_of(
        brossard, user=citizen_of(brossard, display_name="Lucía"), languages_spoken=["es"]
    )
    buddy = buddy_of(brossard, user=citizen_of(brossard, display_name="Marc"), languages=["es"])
    staff = client_for(coordinator)

    matches = staff.get(f"{BASE}/{newcomer.pk}/matches", HTTP_ACCEPT_LANGUAGE="en").json()
    assert matches["newcomer_id"] == newcomer.pk
    assert [(m["buddy_id"], m["score"]) for m in matches["matches"]] == [(buddy.pk, 35)]
    assert matches["matches"][0]["reasons"][0] == {
        "key": "language",
        "points": 30,
        "text": "Both speak Spanish.",
    }

    proposed = send(
        staff, "POST", f"{BASE}/pairings", {"newcomer_id": newcomer.pk, "buddy_id": buddy.pk}
    )
    assert proposed.status_code == 201
    pairing_id = proposed.json()["id"]
    assert proposed.json()["state"] == "proposed"
    assert proposed.json()["score"] == 35

    me, them = client_for(newcomer.user), client_for(buddy.user)
    mine = me.get("/api/v1/community/pairings").json()
    assert mine["count"] == 1
    item = mine["items"][0]
    assert (item["role"], item["other"], item["actions"]) == (
        "newcomer",
        None,
        ["accept", "decline"],
    )

    assert me.post(f"/api/v1/community/pairings/{pairing_id}/accept").json()["newcomer_accepted"]
    active = them.post(f"/api/v1/community/pairings/{pairing_id}/accept").json()
    assert active["state"] == "active"
    assert active["other"]["display_name"] == "Lucía"
    assert active["other"]["handle"] == newcomer.user.community_profile.handle
    assert active["actions"] == ["complete", "end"]

    ended = send(me, "POST", f"/api/v1/community/pairings/{pairing_id}/end", {"reason": "Moved."})
    assert ended.json()["state"] == "ended"
    assert ended.json()["actions"] == ["feedback"]
    feedback = send(me, "POST", f"/api/v1/community/pairings/{pairing_id}/feedback", {"rating": 4})
    assert feedback.status_code == 201
    assert feedback.json()["author_role"] == "newcomer"
    twice = send(me, "POST", f"/api/v1/community/pairings/{pairing_id}/feedback", {"rating": 2})
    assert twice.status_code == 409
    assert twice.json()["error"]["code"] == "feedback_given"

    listed = staff.get(f"{BASE}/pairings?state=ended").json()
    assert [(p["id"], [f["rating"] for f in p["feedback"]]) for p in listed["items"]] == [
        (pairing_id, [4])
    ]
    assert staff.get(f"{BASE}/pairings?state=active").json()["count"] == 0


def test_impossible_transitions_are_409_and_change_nothing(brossard):
    newcomer = newcomer_of(brossard)
    pairing = pairing_of(newcomer, buddy_of(brossard), "completed")
    client = client_for(newcomer.user)
    for action in ("accept", "decline", "complete"):
        response = client.post(f"/api/v1/community/pairings/{pairing.pk}/{action}")
        assert response.status_code == 409, action
        assert response.json()["error"]["code"] == "invalid_state"
    ended = send(client, "POST", f"/api/v1/community/pairings/{pairing.pk}/end", {"reason": "x"})
    assert ended.status_code == 409
    pairing.refresh_from_db()
    assert (pairing.state, pairing.end_reason) == ("completed", "")


def test_a_second_proposal_for_the_same_newcomer_is_409(brossard, coordinator):
    newcomer = newcomer_of(brossard)
    pairing_of(newcomer, buddy_of(brossard), "proposed")
    other = buddy_of(brossard)
    response = send(
        client_for(coordinator),
        "POST",
        f"{BASE}/pairings",
        {"newcomer_id": newcomer.pk, "buddy_id": other.pk},
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "pairing_in_progress"
    assert Pairing.objects.count() == 1


def test_the_queue_and_the_matches_log_each_view(brossard, coordinator, caplog):
    waiting = newcomer_of(brossard)
    client = client_for(coordinator)
    with caplog.at_level(logging.INFO, logger="milieu.audit"):
        queue = client.get(f"{BASE}/queue").json()
        client.get(f"{BASE}/{waiting.pk}/matches")
    assert [item["id"] for item in queue["items"]] == [waiting.pk]
    access = [r for r in caplog.records if r.getMessage() == "personal_data_access"]
    assert [(r.actor, r.subject, r.what) for r in access] == [
        (coordinator.pk, waiting.user.pk, "newcomer_queue"),
        (coordinator.pk, waiting.user.pk, "newcomer_matches"),
    ]


def test_a_pairing_of_someone_else_is_not_found(brossard):
    pairing = pairing_of(newcomer_of(brossard), buddy_of(brossard), "active")
    stranger = client_for(citizen_of(brossard))
    assert stranger.get(f"/api/v1/community/pairings/{pairing.pk}").status_code == 404
    assert stranger.post(f"/api/v1/community/pairings/{pairing.pk}/complete").status_code == 404
    assert stranger.get("/api/v1/community/pairings").json()["count"] == 0
    pairing.refresh_from_db()
    assert pairing.state == "active"


def test_a_coordinator_reads_a_pairing_and_the_view_is_logged(brossard, coordinator, caplog):
    newcomer = newcomer_of(brossard)
    pairing = pairing_of(newcomer, buddy_of(brossard), "active")
    with caplog.at_level(logging.INFO, logger="milieu.audit"):
        data = client_for(coordinator).get(f"/api/v1/community/pairings/{pairing.pk}").json()
        client_for(newcomer.user).get(f"/api/v1/community/pairings/{pairing.pk}")
    assert (data["role"], data["other"], data["actions"]) == (
        "coordinator",
        None,
        ["complete", "end"],
    )
    access = [r for r in caplog.records if r.getMessage() == "personal_data_access"]
    assert [(r.actor, r.subject, r.what) for r in access] == [
        (coordinator.pk, newcomer.user.pk, "pairing")
    ]
