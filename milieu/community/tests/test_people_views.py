"""The people part's pages: my community profile, a person's page and its actions, whom I
follow and block, search and my feed — in French, English and Spanish, without JavaScript and
with htmx."""

import re
from itertools import count

import pytest
from django.test import Client

from milieu.accounts.models import Membership, User
from milieu.accounts.tests.factories import citizen_of
from milieu.community.models import Block, CommunityProfile, Follow, Group
from milieu.core.testing import assert_constant_queries, client_for

from .factories_people import (
    blocks,
    district_post,
    follows,
    group_of,
    group_post,
    join,
    person,
    relations_snapshot,
    town,
)

pytestmark = pytest.mark.django_db
_numbers = count(1)
LANGUAGES = ["fr", "en", "es"]


@pytest.fixture
def here():
    return town(slug="rouyn", name="Rouyn-Noranda")


@pytest.fixture
def there():
    return town(slug="gatineau", name="Gatineau")


@pytest.fixture
def me(here):
    return person(here, handle="moi", display_name="Moi Même")


def _text(response) -> str:
    return response.content.decode()


# --- My community profile -----------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_my_community_profile_page_links_to_the_privacy_setting(here, me, language):
    response = client_for(me).get(f"/{language}/community/profile/")

    body = _text(response)
    assert response.status_code == 200
    assert f'<html lang="{language}">' in body
    assert 'value="moi"' in body
    assert f'href="/{language}/profile/#id_profile_visibility"' in body
    assert body.count("<h1>") == 1


def test_the_profile_page_creates_a_profile_on_first_use(here):
    user = citizen_of(here, display_name="Rémi Gagnon")

    response = client_for(user).get("/fr/community/profile/")

    assert response.status_code == 200
    assert CommunityProfile.objects.get(user=user).handle == "remi-gagnon"


def test_saving_my_profile_takes_me_to_my_page(here, me):
    response = client_for(me).post(
        "/en/community/profile/",
        {
            "handle": "moi-2",
            "bio": "Bénévole au marché",
            "interests": ["cooking", "arts"],
            "languages": ["fr", "en"],
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/en/community/people/moi-2/"
    profile = CommunityProfile.objects.get(user=me)
    assert (profile.handle, profile.bio, profile.interests, profile.languages) == (
        "moi-2",
        "Bénévole au marché",
        ["arts", "cooking"],
        ["en", "fr"],
    )


def test_a_bad_handle_is_explained_and_what_i_typed_stays(here, me):
    before = relations_snapshot()

    response = client_for(me).post(
        "/fr/community/profile/", {"handle": "Moi Même!", "bio": "Mon texte à garder"}
    )

    body = _text(response)
    assert response.status_code == 400
    assert "Mon texte à garder" in body
    assert 'value="Moi Même!"' in body
    assert "errorlist" in body
    assert relations_snapshot() == before


def test_a_taken_handle_is_explained(here, me):
    person(here, handle="marie")
    before = relations_snapshot()

    response = client_for(me).post("/en/community/profile/", {"handle": "marie", "bio": ""})

    assert response.status_code == 400
    assert "This handle is taken. Choose another one." in _text(response)
    assert relations_snapshot() == before


def test_anonymous_visitors_are_sent_to_log_in(here, me):
    for url in [
        "/fr/community/profile/",
        "/fr/community/people/moi/",
        "/fr/community/following/",
        "/fr/community/search/?q=x",
        "/fr/community/",
    ]:
        response = Client().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/fr/accounts/login/"), url


# --- A person's page ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_neighbours_page_shows_name_handle_details_and_posts(here, me, language):
    marie = person(
        here,
        handle="marie",
        display_name="Marie Tremblay",
        visibility=User.Visibility.MEMBERS,
        bio="Jardinière à Évain",
        interests=["gardening"],
        languages=["fr", "en"],
    )
    post = district_post(marie, here, "Semis de tomates samedi", language="fr")

    response = client_for(me).get(f"/{language}/community/people/marie/")

    body = _text(response)
    assert response.status_code == 200
    assert f'<html lang="{language}">' in body
    assert "<h1>Marie Tremblay</h1>" in body
    assert "@marie" in body
    assert "Jardinière à Évain" in body
    assert "Gardening" in body or "Jardinage" in body or "Jardinería" in body
    assert "Semis de tomates samedi" in body
    assert f'id="post-{post.pk}-text" lang="fr"' in body
    assert f"/{language}/messages/new/?to=marie" in body
    assert f"/{language}/rouyn/community/report/?target=person:{marie.pk}" in body


def test_a_private_profile_shows_only_name_and_handle_to_neighbours(here, me):
    person(
        here,
        handle="marie",
        display_name="Marie Tremblay",
        visibility=User.Visibility.PRIVATE,
        bio="Secret",
    )

    response = client_for(me).get("/en/community/people/marie/")

    body = _text(response)
    assert response.status_code == 200
    assert "<h1>Marie Tremblay</h1>" in body
    assert "Secret" not in body
    assert "This person keeps their details private." in body


def test_a_person_of_another_town_is_not_found_unless_public(here, there):
    stranger = person(there)
    person(here, handle="prive", visibility=User.Visibility.PRIVATE)
    person(here, handle="membres", visibility=User.Visibility.MEMBERS)
    person(here, handle="public", visibility=User.Visibility.PUBLIC, bio="Bonjour à tous")

    client = client_for(stranger)

    assert client.get("/fr/community/people/prive/").status_code == 404
    assert client.get("/fr/community/people/membres/").status_code == 404
    public = client.get("/fr/community/people/public/")
    assert public.status_code == 200
    assert "Bonjour à tous" in _text(public)


def test_an_unknown_handle_is_not_found(here, me):
    assert client_for(me).get("/fr/community/people/personne/").status_code == 404


def test_a_persons_page_shows_only_the_posts_i_may_read(here, me):
    marie = person(here, handle="marie")
    private = group_of(here, "Club privé", visibility=Group.Visibility.ON_REQUEST)
    group_post(marie, private, "Dans le club privé")
    district_post(marie, here, "Dans le quartier")
    district_post(marie, here, "Message caché", hidden=True)

    body = _text(client_for(me).get("/fr/community/people/marie/"))

    assert "Dans le quartier" in body
    assert "Dans le club privé" not in body
    assert "Message caché" not in body


def test_my_own_page_links_to_my_profile_and_has_no_follow_or_block(here, me):
    body = _text(client_for(me).get("/en/community/people/moi/"))

    assert 'href="/en/community/profile/"' in body
    assert "/follow/" not in body
    assert "/block/" not in body


def test_someone_who_blocked_me_shows_no_details_posts_or_follow(here, me):
    marie = person(here, handle="marie", visibility=User.Visibility.PUBLIC, bio="Ma bio")
    district_post(marie, here, "Mon message")
    blocks(marie, me)

    body = _text(client_for(me).get("/en/community/people/marie/"))

    assert "You cannot follow or write to this person." in body
    assert "Ma bio" not in body
    assert "Mon message" not in body
    assert "/people/marie/follow/" not in body
    assert "/messages/new/" not in body


def test_someone_i_blocked_shows_the_unblock_button(here, me):
    marie = person(here, handle="marie", visibility=User.Visibility.PUBLIC)
    blocks(me, marie)

    body = _text(client_for(me).get("/en/community/people/marie/"))

    assert 'action="/en/community/people/marie/unblock/"' in body
    assert "/people/marie/follow/" not in body


# --- Follow, block: without JavaScript and with htmx ---------------------------------------------


def test_following_without_javascript_comes_back_to_the_page(here, me):
    marie = person(here, handle="marie")

    response = client_for(me).post("/fr/community/people/marie/follow/")

    assert response.status_code == 302
    assert response["Location"] == "/fr/community/people/marie/"
    assert Follow.objects.filter(follower=me, followed=marie).exists()


def test_following_with_htmx_swaps_the_buttons(here, me):
    marie = person(here, handle="marie")

    response = client_for(me).post("/en/community/people/marie/follow/", HTTP_HX_REQUEST="true")

    body = _text(response)
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="person-actions"')
    assert 'action="/en/community/people/marie/unfollow/"' in body
    assert "You follow this person." in body
    assert Follow.objects.filter(follower=me, followed=marie).exists()


def test_unfollowing_with_htmx(here, me):
    marie = person(here, handle="marie")
    follows(me, marie)

    response = client_for(me).post("/en/community/people/marie/unfollow/", HTTP_HX_REQUEST="true")

    assert 'action="/en/community/people/marie/follow/"' in _text(response)
    assert not Follow.objects.exists()


def test_following_someone_who_blocked_me_is_refused_and_changes_nothing(here, me):
    marie = person(here, handle="marie")
    blocks(marie, me)
    before = relations_snapshot()

    response = client_for(me).post("/en/community/people/marie/follow/")

    assert response.status_code == 403
    assert "This person does not accept follows from you." in _text(response)
    assert relations_snapshot() == before


def test_a_refusal_with_htmx_is_shown_in_place_of_the_buttons(here, me):
    marie = person(here, handle="marie")
    blocks(marie, me)
    before = relations_snapshot()

    response = client_for(me).post("/en/community/people/marie/follow/", HTTP_HX_REQUEST="true")

    assert response.status_code == 400  # htmx swaps a 400 (base.html), not a 403
    assert _text(response).lstrip().startswith('<div id="person-actions"')
    assert 'role="alert"' in _text(response)
    assert "This person does not accept follows from you." in _text(response)
    assert relations_snapshot() == before


def test_a_persons_page_runs_the_same_few_queries_for_few_or_many_posts(here, me):
    marie = person(here, handle="marie")
    group = group_of(here, "Club")
    join(group, me)

    def add(n):
        bodies = []
        for index in range(n):
            body = f"Message numéro {next(_numbers)}"
            if index % 2:
                group_post(marie, group, body)
            else:
                district_post(marie, here, body)
            bodies.append(body)
        return bodies

    assert_constant_queries(client_for(me), "/fr/community/people/marie/", add, many=10)


def test_following_someone_i_cannot_see_is_not_found(here, there):
    stranger = person(there)
    person(here, handle="marie")
    before = relations_snapshot()

    response = client_for(stranger).post("/fr/community/people/marie/follow/")

    assert response.status_code == 404
    assert relations_snapshot() == before


def test_actions_are_posts_only(here, me):
    person(here, handle="marie")

    for action in ("follow", "unfollow", "block", "unblock"):
        response = client_for(me).get(f"/fr/community/people/marie/{action}/")
        assert response.status_code == 405
    assert relations_snapshot()[0:2] == ([], [])


def test_blocking_ends_the_follows_both_ways(here, me):
    marie = person(here, handle="marie")
    follows(me, marie)
    follows(marie, me)

    response = client_for(me).post("/fr/community/people/marie/block/")

    assert response.status_code == 302
    assert list(Block.objects.values_list("blocker_id", "blocked_id")) == [(me.pk, marie.pk)]
    assert not Follow.objects.exists()


def test_unblocking_from_my_list_comes_back_to_it(here, me):
    marie = person(here, handle="marie")
    blocks(me, marie)

    response = client_for(me).post(
        "/fr/community/people/marie/unblock/", {"next": "/fr/community/following/"}
    )

    assert response["Location"] == "/fr/community/following/"
    assert not Block.objects.exists()


def test_next_never_leaves_the_site(here, me):
    person(here, handle="marie")

    response = client_for(me).post(
        "/fr/community/people/marie/follow/", {"next": "https://evil.example/"}
    )

    assert response["Location"] == "/fr/community/people/marie/"


# --- Whom I follow and block ---------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_my_lists_show_whom_i_follow_and_block(here, me, language):
    marie = person(here, handle="marie", display_name="Marie Tremblay")
    paul = person(here, handle="paul", display_name="")
    follows(me, marie)
    blocks(me, paul)

    response = client_for(me).get(f"/{language}/community/following/")

    body = _text(response)
    assert response.status_code == 200
    assert f'<html lang="{language}">' in body
    assert "Marie Tremblay" in body
    assert "@paul" in body
    assert f'action="/{language}/community/people/paul/unblock/"' in body
    assert f'action="/{language}/community/people/marie/unfollow/"' in body


def test_my_lists_never_show_others_follows(here, me):
    marie, paul = person(here, display_name="Marie"), person(here, display_name="Paul Roy")
    follows(marie, paul)
    blocks(marie, paul)

    body = _text(client_for(me).get("/en/community/following/"))

    assert "Paul Roy" not in body


def _connections(here, me):
    def add(n):
        shown = []
        for _ in range(n):
            number = next(_numbers)
            followed = person(here, display_name=f"Suivi {number}")
            blocked = person(here, display_name=f"Bloqué {number}")
            follows(me, followed)
            blocks(me, blocked)
            shown += [f"Suivi {number}", f"Bloqué {number}"]
        return shown

    return add


def test_my_lists_run_the_same_few_queries_for_few_or_many_people(here, me):
    assert_constant_queries(
        client_for(me), "/fr/community/following/", _connections(here, me), many=20
    )


# --- Search ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_search_page_works_without_javascript(here, me, language):
    group = group_of(here, "Jardins du lac")
    post = district_post(person(here), here, "Le jardin ouvre samedi")
    marie = person(here, display_name="Marie Jardin", visibility=User.Visibility.MEMBERS)

    response = client_for(me).get(f"/{language}/community/search/?q=jardin")

    body = _text(response)
    assert response.status_code == 200
    assert f'<html lang="{language}">' in body
    assert f'action="/{language}/community/search/"' in body
    assert 'method="get"' in body
    assert (
        'id="posts-title"' in body and 'id="groups-title"' in body and 'id="people-title"' in body
    )
    assert "Le jardin ouvre samedi" in body
    assert group.name in body
    assert f'href="/{language}/community/people/{marie.community_profile.handle}/"' in body
    assert f'href="/{language}/rouyn/community/posts/{post.pk}/"' in body
    assert f'href="/{language}/rouyn/community/groups/{group.slug}/"' in body


def test_the_search_page_without_a_query_shows_only_the_form(here, me):
    response = client_for(me).get("/fr/community/search/")

    body = _text(response)
    assert response.status_code == 200
    assert 'name="q"' in body
    assert 'id="results-title"' not in body


def test_htmx_gets_only_the_results(here, me):
    district_post(person(here), here, "Le jardin ouvre samedi")

    response = client_for(me).get("/fr/community/search/?q=jardin", HTTP_HX_REQUEST="true")

    body = _text(response).strip()
    assert body.startswith('<section id="search-results"')
    assert "Le jardin ouvre samedi" in body
    assert "<html" not in body


def test_the_search_can_be_narrowed_to_a_kind_and_a_municipality(here, there, me):
    Membership.objects.create(user=me, municipality=there)
    district_post(person(here), here, "Marché de Rouyn")
    district_post(person(there), there, "Marché de Gatineau")
    group_of(there, "Marché")

    body = _text(
        client_for(me).get("/fr/community/search/?q=marche&kind=post&municipality=gatineau")
    )

    assert "Marché de Gatineau" in body
    assert "Marché de Rouyn" not in body
    assert 'id="groups-title"' not in body


def test_a_municipality_that_is_not_mine_is_refused_in_the_form(here, there, me):
    response = client_for(me).get("/fr/community/search/?q=marche&municipality=gatineau")

    assert response.status_code == 400
    assert "errorlist" in _text(response)


def test_the_next_page_of_results_keeps_the_query(here, me):
    author = person(here)
    for number in range(25):
        district_post(author, here, f"Annonce {number}")

    body = _text(client_for(me).get("/fr/community/search/?q=annonce"))

    assert re.search(r'href="\?q=annonce&amp;offset=20"', body)


# --- My feed --------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_my_feed_shows_what_i_follow(here, language):
    from milieu.territory.tests.factories import DistrictFactory

    district = DistrictFactory(municipality=here)
    me = citizen_of(here)
    Membership.objects.filter(user=me).update(district=district)
    marie = person(here, handle="marie")
    follows(me, marie)
    group = group_of(here, "Club")
    join(group, me)
    followed_post = district_post(marie, here, "Message de Marie")
    neighbourhood_post = district_post(person(here), here, "Dans mon quartier", district=district)
    group_message = group_post(person(here), group, "Dans mon club")
    district_post(person(here), here, "Ailleurs dans la ville")

    response = client_for(me).get(f"/{language}/community/")

    body = _text(response)
    assert response.status_code == 200
    assert f'<html lang="{language}">' in body
    for post in (followed_post, neighbourhood_post, group_message):
        assert f'id="post-{post.pk}"' in body
    assert "Ailleurs dans la ville" not in body


def test_older_posts_of_my_feed_come_as_a_fragment_for_htmx(here, me):
    marie = person(here, handle="marie")
    follows(me, marie)
    posts = [district_post(marie, here, f"Message {n}") for n in range(25)]
    client = client_for(me)
    first = _text(client.get("/fr/community/"))
    cursor = re.search(r'href="/fr/community/\?cursor=([^"]+)"', first).group(1)

    without_js = client.get(f"/fr/community/?cursor={cursor}")
    fragment = client.get(f"/fr/community/?cursor={cursor}", HTTP_HX_REQUEST="true")

    assert f'id="post-{posts[0].pk}"' not in first
    assert f'id="post-{posts[0].pk}"' in _text(without_js)
    assert "<html" in _text(without_js)
    assert f'id="post-{posts[0].pk}"' in _text(fragment)
    assert "<html" not in _text(fragment)


def test_a_feed_cursor_that_does_not_decode_shows_the_first_page(here, me):
    response = client_for(me).get("/fr/community/?cursor=!!nonsense")

    assert response.status_code == 200


def test_my_feed_never_shows_someone_who_blocked_me(here, me):
    marie = person(here, handle="marie")
    follows(me, marie)
    district_post(marie, here, "Message de Marie")
    Follow.objects.all().delete()
    blocks(marie, me)

    body = _text(client_for(me).get("/fr/community/"))

    assert "Message de Marie" not in body


def test_my_feed_runs_the_same_few_queries_for_few_or_many_posts(here, me):
    marie = person(here, handle="marie")
    follows(me, marie)

    def add(n):
        bodies = [f"Message numéro {next(_numbers)}" for _ in range(n)]
        for body in bodies:
            district_post(marie, here, body)
        return bodies

    assert_constant_queries(client_for(me), "/fr/community/", add, many=20)
