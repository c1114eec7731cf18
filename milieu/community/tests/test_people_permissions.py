"""Who may see a person, their details, follow them, block them and find them: every kind of
actor against private, members-only and public profiles, as pages and as API calls; each
refusal is proven to have changed nothing.

The person is a citizen of Rouyn-Noranda. Actors: anonymous, a citizen of Rouyn-Noranda, a
citizen of Gatineau, staff of each town, a neighbour the person blocked, and a neighbour who
blocked the person.
"""

import pytest
from django.test import Client

from milieu.accounts.models import Role, User
from milieu.accounts.tests.factories import with_role
from milieu.community import search
from milieu.community.models import Block, Follow
from milieu.community.selectors.search import search_list

from .factories_people import blocks, district_post, person, profile_for, relations_snapshot, town

ACTORS = [
    "anonymous",
    "citizen",
    "citizen_other",
    "staff",
    "staff_other",
    "blocked_by_person",
    "blocker_of_person",
]
VISIBILITIES = [User.Visibility.PRIVATE, User.Visibility.MEMBERS, User.Visibility.PUBLIC]
SAME_TOWN = {"citizen", "staff", "blocked_by_person", "blocker_of_person"}


@pytest.fixture
def world(db, request):
    here = town(slug="rouyn", name="Rouyn-Noranda")
    there = town(slug="gatineau", name="Gatineau")
    actors = {
        "anonymous": None,
        "citizen": person(here, handle="voisin"),
        "citizen_other": person(there, handle="ailleurs"),
        "staff": with_role(here, Role.STAFF),
        "staff_other": with_role(there, Role.STAFF),
        "blocked_by_person": person(here, handle="bloque"),
        "blocker_of_person": person(here, handle="bloqueur"),
    }
    for key in ("staff", "staff_other"):
        profile_for(actors[key])
    return {"here": here, "there": there, "actors": actors}


def _person(world, visibility):
    marie = person(
        world["here"],
        handle="marie",
        display_name="Marie Tremblay",
        visibility=visibility,
        bio="Bio de Marie",
    )
    district_post(marie, world["here"], "Message de Marie")
    blocks(marie, world["actors"]["blocked_by_person"])
    blocks(world["actors"]["blocker_of_person"], marie)
    return marie


def _client(world, actor) -> Client:
    client = Client()
    user = world["actors"][actor]
    if user is not None:
        client.force_login(user)
    return client


def sees(actor, visibility) -> bool:
    if actor == "anonymous":
        return False
    return actor in SAME_TOWN or visibility == User.Visibility.PUBLIC


def sees_details(actor, visibility) -> bool:
    if not sees(actor, visibility) or actor in ("blocked_by_person", "blocker_of_person"):
        return False
    if visibility == User.Visibility.PUBLIC:
        return True
    return visibility == User.Visibility.MEMBERS and actor in SAME_TOWN


def sees_posts(actor) -> bool:
    """Posts of a district feed: readers of Rouyn-Noranda's community, without a block."""
    return actor in ("citizen", "staff")


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("actor", ACTORS)
def test_the_person_page(world, actor, visibility):
    _person(world, visibility)

    response = _client(world, actor).get("/fr/community/people/marie/")

    if actor == "anonymous":
        assert response.status_code == 302
        return
    if not sees(actor, visibility):
        assert response.status_code == 404
        return
    body = response.content.decode()
    assert response.status_code == 200
    assert "Marie Tremblay" in body and "@marie" in body
    assert ("Bio de Marie" in body) is sees_details(actor, visibility)
    assert ("Message de Marie" in body) is sees_posts(actor)


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("actor", ACTORS)
def test_the_person_api(world, actor, visibility):
    _person(world, visibility)

    response = _client(world, actor).get("/api/v1/community/people/marie")

    if actor == "anonymous":
        assert response.status_code == 401
        return
    if not sees(actor, visibility):
        assert response.status_code == 404
        return
    data = response.json()
    assert data["details_visible"] is sees_details(actor, visibility)
    assert data["bio"] == ("Bio de Marie" if sees_details(actor, visibility) else None)
    assert bool(data["posts"]) is sees_posts(actor)


def _expected_follow(actor, visibility, api: bool) -> int:
    if actor == "anonymous":
        return 401 if api else 302
    if not sees(actor, visibility):
        return 404
    if actor == "blocked_by_person":
        return 403
    if actor == "blocker_of_person":
        return 409
    return 200 if api else 302


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("actor", ACTORS)
def test_following(world, actor, visibility, api):
    marie = _person(world, visibility)
    client = _client(world, actor)
    before = relations_snapshot()

    if api:
        response = client.put("/api/v1/community/people/marie/follow")
    else:
        response = client.post("/fr/community/people/marie/follow/")

    expected = _expected_follow(actor, visibility, api)
    assert response.status_code == expected
    if expected in (200, 302) and actor != "anonymous":
        user = world["actors"][actor]
        assert list(Follow.objects.values_list("follower_id", "followed_id")) == [
            (user.pk, marie.pk)
        ]
    else:
        assert relations_snapshot() == before


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("actor", ACTORS)
def test_blocking(world, actor, visibility, api):
    marie = _person(world, visibility)
    client = _client(world, actor)
    before = relations_snapshot()

    if api:
        response = client.put("/api/v1/community/people/marie/block")
    else:
        response = client.post("/fr/community/people/marie/block/")

    if actor == "anonymous":
        assert response.status_code == (401 if api else 302)
        assert relations_snapshot() == before
    elif not sees(actor, visibility):
        assert response.status_code == 404
        assert relations_snapshot() == before
    else:
        assert response.status_code == (200 if api else 302)
        assert Block.objects.filter(blocker=world["actors"][actor], blocked=marie).exists()


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("actor", [a for a in ACTORS if a != "anonymous"])
def test_finding_the_person(world, actor, visibility):
    marie = _person(world, visibility)
    search.index_person(marie)

    found = search_list(visible_to=world["actors"][actor], query="marie tremblay")

    expected = (
        visibility != User.Visibility.PRIVATE
        and sees(actor, visibility)
        and actor not in ("blocked_by_person", "blocker_of_person")
    )
    assert [hit.person for hit in found.hits if hit.person] == ([marie] if expected else [])


@pytest.mark.parametrize("actor", [a for a in ACTORS if a != "anonymous"])
def test_finding_the_persons_post(world, actor):
    _person(world, User.Visibility.PUBLIC)

    found = search_list(visible_to=world["actors"][actor], query="message marie", kind="post")

    assert bool(found.hits) is sees_posts(actor)
