"""The committees API: public reads, writes for the consortium administrator and the delegates,
the equal then weighted vote with exact results, and refusals that change nothing."""

import json

import pytest
from django.utils import translation

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import citizen_of, with_role
from milieu.core.testing import client_for
from milieu.territory import services_committees as services
from milieu.territory.models import Committee, CommitteeSeat, Motion, MotionRound, MotionVote

from .committees_factories import committee, consortium_admin, idees_collectives, seat, small_region
from .test_committees_services import NO_SIDE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    """These tests read the pages and messages in English (URLs reversed under /en/)."""
    with translation.override("en"):
        yield


def _post(client, url, data=None):
    return client.post(
        url, json.dumps(data or {}), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )


def _snapshot():
    return [
        list(model.objects.values().order_by("pk"))
        for model in (Committee, CommitteeSeat, Motion, MotionRound, MotionVote)
    ]


def test_committees_are_listed_publicly_with_their_seats():
    region, towns = small_region(2)
    board = committee(region, slug="produit", name="Comité produit", purpose="La plateforme.")
    seat(board, towns[0], display_name="Marie Tremblay")
    response = client_for().get(f"/api/v1/regions/{region.slug}/committees")
    assert response.status_code == 200
    [item] = response.json()
    assert {key: item[key] for key in ("region", "slug", "name", "purpose", "language")} == {
        "region": region.slug,
        "slug": "produit",
        "name": "Comité produit",
        "purpose": "La plateforme.",
        "language": "fr",
    }
    assert [(s["municipality"]["slug"], s["delegate"], s["until"]) for s in item["seats"]] == [
        (towns[0].slug, "Marie Tremblay", None)
    ]
    assert "email" not in json.dumps(item)
    got = client_for().get(f"/api/v1/regions/{region.slug}/committees/produit")
    assert got.status_code == 200
    assert got.json()["seats"] == item["seats"]
    assert client_for().get("/api/v1/regions/nowhere/committees").status_code == 404
    other, _towns = small_region(1)
    assert client_for().get(f"/api/v1/regions/{other.slug}/committees/produit").status_code == 404


def test_the_consortium_admin_creates_a_committee_and_assigns_seats():
    region, towns = small_region(2)
    admin = consortium_admin(region)
    base = f"/api/v1/regions/{region.slug}/committees"
    response = _post(client_for(admin), base, {"name": "Comité stratégique"})
    assert response.status_code == 201
    assert response.json()["slug"] == "comite-strategique"
    staff = with_role(towns[0], Role.STAFF, display_name="Luc Gagnon")
    url = f"{base}/comite-strategique/seats"
    response = _post(client_for(admin), url, {"municipality": towns[0].slug, "delegate": staff.pk})
    assert response.status_code == 201
    assert response.json()["delegate"] == "Luc Gagnon"
    before = _snapshot()
    response = _post(client_for(admin), url, {"municipality": towns[0].slug, "delegate": staff.pk})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation"
    assert list(response.json()["error"]["fields"]) == ["municipality"]
    response = _post(client_for(admin), url, {"municipality": "nowhere", "delegate": staff.pk})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "municipality": ["Choose a member municipality of the region."]
    }
    assert _snapshot() == before
    seat_id = CommitteeSeat.objects.get().pk
    ended = _post(client_for(admin), f"{url}/{seat_id}/end")
    assert ended.status_code == 200
    assert ended.json()["until"] is not None
    seats = client_for().get(f"{url}?ended=true").json()
    assert [s["id"] for s in seats] == [seat_id]
    assert client_for().get(url).json() == []


@pytest.mark.parametrize("who", ["anonymous", "citizen", "staff", "admin_other"])
def test_others_cannot_create_committees_or_assign_seats(who):
    region, towns = small_region(2)
    board = committee(region)
    staff = with_role(towns[0], Role.STAFF)
    actor = {
        "anonymous": None,
        "citizen": citizen_of(towns[0]),
        "staff": staff,
        "admin_other": consortium_admin(small_region(1)[0]),
    }[who]
    base = f"/api/v1/regions/{region.slug}/committees"
    before = _snapshot()
    expected = 401 if actor is None else 403
    assert _post(client_for(actor), base, {"name": "X"}).status_code == expected
    response = _post(
        client_for(actor),
        f"{base}/{board.slug}/seats",
        {"municipality": towns[0].slug, "delegate": staff.pk},
    )
    assert response.status_code == expected
    assert _snapshot() == before


def test_a_motion_through_the_equal_then_the_weighted_vote():
    region, towns = idees_collectives()
    board = committee(region, slug="produit")
    delegates = {slug: seat(board, town) for slug, town in towns.items()}
    base = f"/api/v1/regions/{region.slug}/committees/produit/motions"
    response = _post(client_for(delegates["delson"]), base, {"title": "Plateforme commune"})
    assert response.status_code == 201
    created = response.json()
    assert (created["number"], created["status"], created["round"]) == (1, "open", "equal")
    motion_url = f"{base}/1"

    for slug, user in delegates.items():
        choice = "no" if slug in NO_SIDE else "yes"
        if slug == "wendake":  # the last vote: the round shows who voted, not how
            results = client_for().get(f"{motion_url}/results").json()
            assert results[0]["is_open"] is True
            assert {v["choice"] for v in results[0]["votes"]} == {None}
            assert [w["slug"] for w in results[0]["waiting"]] == ["wendake"]
        response = _post(client_for(user), f"{motion_url}/votes", {"choice": choice})
        assert response.status_code == 201, response.json()
    assert response.json()["population"] == 2134

    before = _snapshot()
    again = _post(client_for(delegates["delson"]), f"{motion_url}/votes", {"choice": "no"})
    assert again.status_code == 403  # the round is closed
    assert _snapshot() == before

    detail = client_for().get(motion_url).json()
    assert detail["status"] == "adopted"
    [equal] = detail["rounds"]
    assert (equal["yes"], equal["no"], equal["abstain"], equal["contested"]) == (8, 3, 0, True)

    weighted_url = f"{motion_url}/weighted"
    response = _post(client_for(delegates["brossard"]), weighted_url, {"reason": "Population."})
    assert response.status_code == 201
    assert response.json()["round"] == "weighted"
    before = _snapshot()
    response = _post(client_for(delegates["magog"]), weighted_url, {"reason": "Encore."})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "weighted_already"
    assert _snapshot() == before

    for slug, user in delegates.items():
        choice = "no" if slug in NO_SIDE else "yes"
        response = _post(client_for(user), f"{motion_url}/votes", {"choice": choice})
        assert response.status_code == 201
    results = client_for().get(f"{motion_url}/results").json()
    weighted = results[1]
    assert weighted["kind"] == "weighted"
    assert (weighted["population_yes"], weighted["population_no"]) == (135_661, 160_986)
    assert weighted["outcome"] == "rejected"
    assert weighted["called_by_municipality"]["slug"] == "brossard"
    brossard = next(v for v in weighted["votes"] if v["municipality"]["slug"] == "brossard")
    assert (brossard["choice"], brossard["population"], brossard["share"]) == ("no", 85_721, 28.9)
    assert client_for().get(motion_url).json()["status"] == "rejected"
    listed = client_for().get(base).json()
    assert [(m["number"], m["status"]) for m in listed["items"]] == [(1, "rejected")]
    assert listed["next_page"] is None


def test_vote_refusals_are_clear_and_change_nothing():
    region, towns = small_region(3)
    board = committee(region)
    a = seat(board, towns[0])
    seat(board, towns[1])
    motion = services.motion_propose(actor=a, committee=board, values={"title": "M"})
    url = f"/api/v1/regions/{region.slug}/committees/{board.slug}/motions/{motion.number}"
    assert _post(client_for(a), f"{url}/votes", {"choice": "yes"}).status_code == 201
    c = seat(board, towns[2])
    before = _snapshot()
    second = _post(client_for(a), f"{url}/votes", {"choice": "no"})
    assert second.status_code == 409
    assert second.json()["error"] == {
        "code": "already_voted",
        "message": f"{towns[0].name} has already voted in this round; a vote cannot be changed.",
        "fields": {},
    }
    bad = _post(client_for(c), f"{url}/votes", {"choice": "maybe"})
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"] == {"choice": ["Choose yes, no or abstain."]}
    early = _post(client_for(a), f"{url}/weighted", {"reason": "Trop tôt."})
    assert early.status_code == 409
    assert early.json()["error"]["code"] == "equal_open"
    stranger = _post(client_for(with_role(towns[0], Role.STAFF)), f"{url}/votes", {"choice": "no"})
    assert stranger.status_code == 403
    assert _snapshot() == before
    closed = _post(client_for(a), f"{url}/close")
    assert closed.status_code == 200
    assert closed.json()["status"] == "adopted"  # 1 to 0
