"""The people part of the API: my community profile, a person, follow and block, my lists and
search — the same rules and errors as the pages."""

import json
from itertools import count

import pytest
from django.test import Client
from django.utils import translation

from milieu.accounts.models import User
from milieu.community.models import Block, CommunityProfile, Follow
from milieu.core.testing import assert_constant_queries, client_for

from .factories_people import (
    blocks,
    district_post,
    follows,
    group_of,
    person,
    relations_snapshot,
    town,
)

pytestmark = pytest.mark.django_db
_numbers = count(1)
API = "/api/v1/community"


@pytest.fixture
def here():
    return town(slug="rouyn", name="Rouyn-Noranda")


@pytest.fixture
def there():
    return town(slug="gatineau", name="Gatineau")


@pytest.fixture
def me(here):
    return person(here, handle="moi", display_name="Moi Même", bio="Ma bio")


def _fr(message: str) -> str:
    """`message` as the API says it without a language of its own: in French."""
    with translation.override("fr"):
        return translation.gettext(message)


def _patch(client, url, data):
    return client.patch(url, json.dumps(data), content_type="application/json")


# --- My profile -----------------------------------------------------------------------------------


def test_my_profile(here, me):
    response = client_for(me).get(f"{API}/me/profile")

    assert response.status_code == 200
    assert response.json() == {
        "handle": "moi",
        "display_name": "Moi Même",
        "bio": "Ma bio",
        "interests": [],
        "languages": [],
        "profile_visibility": "private",
    }


def test_my_profile_is_created_on_first_use(here):
    from milieu.accounts.tests.factories import citizen_of

    user = citizen_of(here, display_name="Rémi Gagnon")

    assert client_for(user).get(f"{API}/me/profile").json()["handle"] == "remi-gagnon"
    assert CommunityProfile.objects.filter(user=user).count() == 1


def test_patching_my_profile_changes_only_what_is_given(here, me):
    response = _patch(
        client_for(me), f"{API}/me/profile", {"handle": "moi-2", "interests": ["music"]}
    )

    assert response.status_code == 200
    assert response.json()["handle"] == "moi-2"
    assert response.json()["interests"] == ["music"]
    assert response.json()["bio"] == "Ma bio"


def test_a_bad_handle_is_a_400_with_the_field(here, me):
    before = relations_snapshot()

    response = _patch(client_for(me), f"{API}/me/profile", {"handle": "Pas bon!", "bio": "x"})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation"
    assert list(response.json()["error"]["fields"]) == ["handle"]
    assert relations_snapshot() == before


def test_a_taken_handle_is_a_400(here, me):
    person(here, handle="marie")

    response = _patch(client_for(me), f"{API}/me/profile", {"handle": "marie"})

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "handle": [_fr("This handle is taken. Choose another one.")]
    }


def test_a_bio_too_long_is_refused_by_the_schema(here, me):
    response = _patch(client_for(me), f"{API}/me/profile", {"bio": "x" * 501})

    assert response.status_code == 422
    assert CommunityProfile.objects.get(user=me).bio == "Ma bio"


def test_anonymous_callers_get_401_everywhere(here, me):
    person(here, handle="marie", visibility=User.Visibility.PUBLIC)
    client = Client()
    calls = [
        ("get", f"{API}/me/profile"),
        ("patch", f"{API}/me/profile"),
        ("get", f"{API}/people/marie"),
        ("put", f"{API}/people/marie/follow"),
        ("delete", f"{API}/people/marie/follow"),
        ("put", f"{API}/people/marie/block"),
        ("delete", f"{API}/people/marie/block"),
        ("get", f"{API}/me/following"),
        ("get", f"{API}/me/blocked"),
        ("get", f"{API}/search?q=marie"),
        ("get", f"{API}/translations?target=post:1&lang=en"),
    ]
    before = relations_snapshot()
    for method, url in calls:
        response = getattr(client, method)(url, content_type="application/json")
        assert response.status_code == 401, (method, url)
        assert response.json()["error"]["code"] == "not_authenticated"
    assert relations_snapshot() == before


# --- A person -------------------------------------------------------------------------------------


def test_a_neighbour_with_a_members_profile(here, me):
    marie = person(
        here,
        handle="marie",
        display_name="Marie",
        visibility=User.Visibility.MEMBERS,
        bio="Jardinière",
        interests=["gardening"],
        languages=["fr"],
    )
    post = district_post(marie, here, "Semis samedi")
    follows(marie, me)

    response = client_for(me).get(f"{API}/people/marie")

    assert response.status_code == 200
    data = response.json()
    assert data | {"posts": []} == {
        "id": marie.pk,
        "handle": "marie",
        "display_name": "Marie",
        "details_visible": True,
        "bio": "Jardinière",
        "interests": ["gardening"],
        "languages": ["fr"],
        "relation": {
            "is_me": False,
            "following": False,
            "follows_me": True,
            "blocked": False,
            "blocks_me": False,
            "can_follow": True,
        },
        "posts": [],
    }
    assert [p["id"] for p in data["posts"]] == [post.pk]
    assert data["posts"][0]["body"] == "Semis samedi"


def test_a_private_profile_gives_no_details(here, me):
    person(here, handle="marie", visibility=User.Visibility.PRIVATE, bio="Secret")

    data = client_for(me).get(f"{API}/people/marie").json()

    assert (data["details_visible"], data["bio"], data["interests"], data["languages"]) == (
        False,
        None,
        None,
        None,
    )


def test_a_person_of_another_town_is_a_404_unless_public(here, there):
    stranger = person(there)
    person(here, handle="membres", visibility=User.Visibility.MEMBERS)
    person(here, handle="public", visibility=User.Visibility.PUBLIC, bio="Bonjour")
    client = client_for(stranger)

    hidden = client.get(f"{API}/people/membres")
    assert hidden.status_code == 404
    assert hidden.json()["error"]["code"] == "not_found"
    assert client.get(f"{API}/people/public").json()["bio"] == "Bonjour"


# --- Follow and block -----------------------------------------------------------------------------


def test_following_and_unfollowing(here, me):
    marie = person(here, handle="marie")
    client = client_for(me)

    followed = client.put(f"{API}/people/marie/follow")
    assert followed.status_code == 200
    assert followed.json() == {"handle": "marie", "following": True}
    assert Follow.objects.filter(follower=me, followed=marie).exists()

    assert client.delete(f"{API}/people/marie/follow").status_code == 204
    assert not Follow.objects.exists()


def test_following_someone_who_blocked_me_is_a_403_and_changes_nothing(here, me):
    marie = person(here, handle="marie")
    blocks(marie, me)
    before = relations_snapshot()

    response = client_for(me).put(f"{API}/people/marie/follow")

    assert response.status_code == 403
    assert response.json()["error"]["message"] == _fr(
        "This person does not accept follows from you."
    )
    assert relations_snapshot() == before


def test_following_someone_i_blocked_is_a_409(here, me):
    marie = person(here, handle="marie")
    blocks(me, marie)
    before = relations_snapshot()

    response = client_for(me).put(f"{API}/people/marie/follow")

    assert response.status_code == 409
    assert relations_snapshot() == before


def test_following_myself_is_a_400(here, me):
    response = client_for(me).put(f"{API}/people/moi/follow")

    assert response.status_code == 400
    assert not Follow.objects.exists()


def test_blocking_and_unblocking(here, me):
    marie = person(here, handle="marie")
    follows(me, marie)
    follows(marie, me)
    client = client_for(me)

    blocked = client.put(f"{API}/people/marie/block")
    assert blocked.json() == {"handle": "marie", "blocked": True}
    assert not Follow.objects.exists()
    assert Block.objects.filter(blocker=me, blocked=marie).exists()

    assert client.delete(f"{API}/people/marie/block").status_code == 204
    assert not Block.objects.exists()


def test_blocking_someone_i_cannot_see_is_a_404(here, there):
    stranger = person(there)
    person(here, handle="marie")
    before = relations_snapshot()

    response = client_for(stranger).put(f"{API}/people/marie/block")

    assert response.status_code == 404
    assert relations_snapshot() == before


# --- My lists -------------------------------------------------------------------------------------


def test_whom_i_follow_and_block_newest_first(here, me):
    marie, paul, luc = (
        person(here, handle=h, display_name=h.title()) for h in ("marie", "paul", "luc")
    )
    follows(me, marie)
    follows(me, paul)
    blocks(me, luc)
    client = client_for(me)

    following = client.get(f"{API}/me/following").json()
    blocked = client.get(f"{API}/me/blocked").json()

    assert [(p["handle"], p["display_name"]) for p in following["items"]] == [
        ("paul", "Paul"),
        ("marie", "Marie"),
    ]
    assert following["count"] == 2
    assert [p["id"] for p in blocked["items"]] == [luc.pk]
    assert blocked["count"] == 1


def test_my_lists_are_paginated(here, me):
    for _ in range(3):
        follows(me, person(here))

    page = client_for(me).get(f"{API}/me/following?limit=2&offset=2").json()

    assert (len(page["items"]), page["count"]) == (1, 3)


def test_my_lists_run_the_same_few_queries(here, me):
    def add(n):
        shown = []
        for _ in range(n):
            number = next(_numbers)
            followed = person(here, handle=f"suivi-{number}")
            blocked = person(here, handle=f"bloque-{number}")
            follows(me, followed)
            blocks(me, blocked)
            shown.append(f"suivi-{number}")
        return shown

    client = client_for(me)
    assert_constant_queries(client, f"{API}/me/following?limit=100", add)

    def add_blocked(n):
        shown = []
        for _ in range(n):
            number = next(_numbers)
            blocks(me, person(here, handle=f"autre-{number}"))
            shown.append(f"autre-{number}")
        return shown

    assert_constant_queries(client, f"{API}/me/blocked?limit=100", add_blocked)


# --- Search ---------------------------------------------------------------------------------------


def test_search_returns_posts_groups_and_people_newest_first(here, me):
    author = person(
        here, handle="jardiniere", display_name="Josée Jardin", visibility=User.Visibility.MEMBERS
    )
    post = district_post(author, here, "Le jardin ouvre samedi")
    group = group_of(here, "Jardins du lac", description="Potagers")

    response = client_for(me).get(f"{API}/search?q=JARDIN")

    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 3
    assert data["next_offset"] is None
    assert [(item["kind"], item["id"]) for item in data["items"]] == [
        ("group", group.pk),
        ("post", post.pk),
        ("person", author.pk),
    ]
    group_item, post_item, person_item = data["items"]
    assert group_item | {"created_at": None} == {
        "kind": "group",
        "id": group.pk,
        "title": "Jardins du lac",
        "text": "Potagers",
        "language": "fr",
        "municipality": "rouyn",
        "handle": None,
        "url": f"/fr/rouyn/community/groups/{group.slug}/",
        "created_at": None,
    }
    assert (post_item["title"], post_item["handle"], post_item["url"]) == (
        "Josée Jardin",
        "jardiniere",
        f"/fr/rouyn/community/posts/{post.pk}/",
    )
    assert (person_item["title"], person_item["text"], person_item["url"]) == (
        "Josée Jardin",
        "@jardiniere",
        "/fr/community/people/jardiniere/",
    )


def test_search_filters_by_kind_municipality_and_pages(here, me):
    author = person(here)
    posts = [district_post(author, here, f"Annonce {n}") for n in range(3)]
    group_of(here, "Annonces")
    client = client_for(me)

    page = client.get(f"{API}/search?q=annonce&kind=post&municipality=rouyn&limit=2").json()

    assert [item["id"] for item in page["items"]] == [posts[2].pk, posts[1].pk]
    assert (page["count"], page["next_offset"]) == (3, 2)


def test_search_with_an_unknown_kind_or_municipality_is_refused(here, me):
    client = client_for(me)

    assert client.get(f"{API}/search?q=x&kind=event").status_code == 422
    assert client.get(f"{API}/search?q=x&municipality=nulle-part").status_code == 404


def test_search_never_returns_a_blocked_person_or_their_posts(here, me):
    marie = person(here, display_name="Marie Bloc", visibility=User.Visibility.PUBLIC)
    district_post(marie, here, "Marie Bloc écrit")
    blocks(marie, me)

    assert client_for(me).get(f"{API}/search?q=bloc").json() == {
        "items": [],
        "count": 0,
        "count_is_lower_bound": False,
        "next_offset": None,
    }
