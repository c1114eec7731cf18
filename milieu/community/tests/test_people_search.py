"""The community's search (`selectors.search.search_list`): what a reader may see, accents and
case ignored in French and English, newest first, paginated, filtered; and its page and API
within the query budget."""

from datetime import timedelta
from itertools import count

import pytest
from django.utils import timezone

from milieu.accounts.models import User
from milieu.community.models import Group, SearchEntry
from milieu.community.selectors.search import search_list
from milieu.core.testing import assert_constant_queries, client_for

from .factories_people import (
    blocks,
    district_post,
    group_of,
    group_post,
    join,
    person,
    staff_of,
    town,
    visit,
)

pytestmark = pytest.mark.django_db
_numbers = count(1)


@pytest.fixture
def here():
    return town(slug="rouyn", name="Rouyn-Noranda")


@pytest.fixture
def there():
    return town(slug="gatineau", name="Gatineau")


@pytest.fixture
def me(here):
    return person(here, handle="moi")


def _found(viewer, query, **kwargs) -> list[tuple[str, int]]:
    page = search_list(visible_to=viewer, query=query, **kwargs)
    return [(hit.kind, hit.id) for hit in page.hits]


# --- Words -----------------------------------------------------------------------------------------


def test_french_words_are_found_without_their_accents_and_the_other_way(here, me):
    author = person(here)
    fete = district_post(author, here, "Fête de quartier à l'école Saint-Éloi")

    assert _found(me, "fete ecole") == [("post", fete.pk)]
    assert _found(me, "FÊTE École") == [("post", fete.pk)]
    assert _found(me, "saint-eloi") == [("post", fete.pk)]


def test_english_words_are_found_by_their_beginning_whatever_their_case(here, me):
    author = person(here)
    post = district_post(author, here, "Community GARDENING workshop, café included", language="en")

    assert _found(me, "garden work") == [("post", post.pk)]
    assert _found(me, "cafe") == [("post", post.pk)]
    assert _found(me, "gardening pool") == []


def test_an_empty_query_finds_nothing_and_asks_nothing(here, me, django_assert_num_queries):
    district_post(person(here), here, "Bonjour")

    with django_assert_num_queries(0):
        page = search_list(visible_to=me, query="  ?! ")

    assert (page.hits, page.count) == ([], 0)


def test_posts_groups_and_people_come_together_newest_first(here, me):
    now = timezone.now()
    author = person(here, handle="jardinier", visibility=User.Visibility.MEMBERS)
    old = district_post(author, here, "Jardin partagé")
    group = group_of(here, "Jardins du lac")
    new = district_post(author, here, "Le jardin ouvre samedi")
    SearchEntry.objects.filter(kind="post", object_id=old.pk).update(created_at=now - timedelta(3))
    SearchEntry.objects.filter(kind="group", object_id=group.pk).update(
        created_at=now - timedelta(2)
    )
    SearchEntry.objects.filter(kind="person", object_id=author.pk).update(
        created_at=now - timedelta(1)
    )

    assert _found(me, "jardin") == [
        ("post", new.pk),
        ("person", author.pk),
        ("group", group.pk),
        ("post", old.pk),
    ]


# --- Posts -----------------------------------------------------------------------------------------


def test_posts_of_my_municipalities_district_feeds_are_found_not_those_of_others(here, there, me):
    mine = district_post(person(here), here, "Corvée de nettoyage")
    district_post(person(there), there, "Corvée de nettoyage")

    assert _found(me, "corvee") == [("post", mine.pk)]


def test_a_visited_municipality_counts_like_my_home(here, there, me):
    visit(me, there)
    theirs = district_post(person(there), there, "Corvée")

    assert _found(me, "corvee") == [("post", theirs.pk)]


def test_staff_find_the_posts_of_their_municipality(here, there):
    clerk = staff_of(there)
    theirs = district_post(person(there), there, "Corvée")
    district_post(person(here), here, "Corvée")

    assert _found(clerk, "corvee") == [("post", theirs.pk)]


def test_a_private_groups_post_is_not_found_by_a_non_member(here, me):
    private = group_of(here, "Club privé", visibility=Group.Visibility.ON_REQUEST)
    group_post(person(here), private, "Réunion secrète")
    join(private, me, active=False)  # asked, not yet accepted

    assert _found(me, "reunion", kind="post") == []


def test_a_private_groups_post_is_found_by_its_members(here, me):
    private = group_of(here, "Club privé", visibility=Group.Visibility.ON_REQUEST)
    secret = group_post(person(here), private, "Réunion secrète")
    join(private, me)

    assert _found(me, "reunion", kind="post") == [("post", secret.pk)]


def test_an_open_groups_post_is_found_by_every_member_of_its_municipality(here, there, me):
    group = group_of(here, "Club ouvert")
    post = group_post(person(here), group, "Randonnée dimanche")
    stranger = person(there)

    assert _found(me, "randonnee") == [("post", post.pk)]
    assert _found(stranger, "randonnee") == []


def test_a_groups_post_in_another_town_is_found_by_its_members_only(here, there, me):
    group = group_of(there, "Club d'ailleurs", visibility=Group.Visibility.ON_REQUEST)
    post = group_post(person(there), group, "Randonnée")
    join(group, me)

    assert _found(me, "randonnee") == [("post", post.pk)]


def test_hidden_posts_and_posts_of_hidden_groups_are_not_found(here, me):
    district_post(person(here), here, "Annonce cachée", hidden=True)
    group = group_of(here, "Club")
    group_post(person(here), group, "Annonce du club")
    join(group, me)
    group.hidden_at = timezone.now()
    group.save()

    assert _found(me, "annonce") == []


def test_posts_from_people_blocked_either_way_are_not_found(here, me):
    blocked, blocker, friend = person(here), person(here), person(here)
    district_post(blocked, here, "Vente de garage")
    district_post(blocker, here, "Vente de garage")
    kept = district_post(friend, here, "Vente de garage")
    blocks(me, blocked)
    blocks(blocker, me)

    assert _found(me, "vente garage") == [("post", kept.pk)]


def test_a_municipality_whose_community_is_off_is_not_searched(here, me):
    district_post(person(here), here, "Corvée")
    here.enabled_modules = ["districts"]
    here.save()

    assert _found(me, "corvee") == []


# --- Groups ----------------------------------------------------------------------------------------


def test_groups_of_my_municipalities_are_found_open_or_on_request(here, there, me):
    open_group = group_of(here, "Tricot du mardi")
    on_request = group_of(here, "Tricot avancé", visibility=Group.Visibility.ON_REQUEST)
    group_of(there, "Tricot de Gatineau")
    group_of(here, "Tricot caché", hidden=True)

    assert set(_found(me, "tricot")) == {("group", open_group.pk), ("group", on_request.pk)}


def test_groups_are_found_by_their_description(here, me):
    group = group_of(here, "Club du samedi", description="Échecs et jeux de société")

    assert _found(me, "echecs") == [("group", group.pk)]


# --- People ----------------------------------------------------------------------------------------


def test_a_private_profile_is_never_found(here, there, me):
    person(here, display_name="Ginette Secret", visibility=User.Visibility.PRIVATE)
    clerk = staff_of(here)

    assert _found(me, "ginette") == []
    assert _found(clerk, "ginette") == []


def test_a_members_profile_is_found_by_people_of_its_municipalities_only(here, there, me):
    ginette = person(here, display_name="Ginette Roy", visibility=User.Visibility.MEMBERS)
    stranger = person(there)
    clerk_there = staff_of(there)

    assert _found(me, "ginette") == [("person", ginette.pk)]
    assert _found(stranger, "ginette") == []
    assert _found(clerk_there, "ginette") == []


def test_a_public_profile_is_found_by_everyone_logged_in(here, there):
    ginette = person(here, display_name="Ginette Roy", visibility=User.Visibility.PUBLIC)
    stranger = person(there)

    assert _found(stranger, "ginette roy") == [("person", ginette.pk)]


def test_people_are_found_by_handle_and_bio(here, me):
    ginette = person(
        here, handle="ginou", bio="Apicultrice à Évain", visibility=User.Visibility.MEMBERS
    )

    assert _found(me, "ginou") == [("person", ginette.pk)]
    assert _found(me, "apicultrice evain") == [("person", ginette.pk)]


def test_people_blocked_either_way_are_not_found(here, me):
    blocked = person(here, display_name="Ginette Un", visibility=User.Visibility.PUBLIC)
    blocker = person(here, display_name="Ginette Deux", visibility=User.Visibility.PUBLIC)
    kept = person(here, display_name="Ginette Trois", visibility=User.Visibility.PUBLIC)
    blocks(me, blocked)
    blocks(blocker, me)

    assert _found(me, "ginette") == [("person", kept.pk)]


def test_a_deactivated_account_is_not_found(here, me):
    ginette = person(here, display_name="Ginette", visibility=User.Visibility.PUBLIC)
    User.objects.filter(pk=ginette.pk).update(is_active=False)

    assert _found(me, "ginette") == []


def test_anonymous_visitors_find_nothing(here):
    from django.contrib.auth.models import AnonymousUser

    person(here, display_name="Ginette", visibility=User.Visibility.PUBLIC)

    assert _found(AnonymousUser(), "ginette") == []


# --- Filters and pages -----------------------------------------------------------------------------


def test_the_kind_filter_keeps_one_kind(here, me):
    post = district_post(person(here), here, "Marché fermier")
    group = group_of(here, "Marché")
    ginette = person(here, display_name="Marché Ginette", visibility=User.Visibility.MEMBERS)

    assert _found(me, "marche", kind="post") == [("post", post.pk)]
    assert _found(me, "marche", kind="group") == [("group", group.pk)]
    assert _found(me, "marche", kind="person") == [("person", ginette.pk)]


def test_the_municipality_filter_keeps_one_of_my_municipalities(here, there, me):
    visit(me, there)
    post_here = district_post(person(here), here, "Marché")
    post_there = district_post(person(there), there, "Marché")
    ginette = person(there, display_name="Marché Ginette", visibility=User.Visibility.MEMBERS)

    assert _found(me, "marche", municipality=here) == [("post", post_here.pk)]
    assert set(_found(me, "marche", municipality=there)) == {
        ("post", post_there.pk),
        ("person", ginette.pk),
    }


def test_filtering_on_a_municipality_that_is_not_mine_shows_no_posts_or_groups(here, there, me):
    district_post(person(there), there, "Marché")
    group_of(there, "Marché")

    assert _found(me, "marche", municipality=there) == []


def test_results_are_paginated_by_limit_and_offset(here, me):
    author = person(here)
    posts = [district_post(author, here, f"Annonce {n}") for n in range(5)]
    newest_first = [("post", post.pk) for post in reversed(posts)]

    first = search_list(visible_to=me, query="annonce", limit=2)
    last = search_list(visible_to=me, query="annonce", limit=2, offset=4)

    assert [(h.kind, h.id) for h in first.hits] == newest_first[:2]
    assert (first.count, first.next_offset, first.previous_offset) == (5, 2, None)
    assert [(h.kind, h.id) for h in last.hits] == newest_first[4:]
    assert (last.next_offset, last.previous_offset) == (None, 2)


def test_people_and_posts_share_one_capped_count_and_one_order(here, me, monkeypatch):
    """People are read in their own query: the page still merges both kinds newest first, and
    the count stops at the cap whichever kind fills it."""
    from milieu.community.selectors import search as selectors

    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    now = timezone.now()
    expected = []
    for number in range(3):
        author = person(here, handle=f"verger-{number}", visibility=User.Visibility.MEMBERS)
        post = district_post(author, here, f"Verger {number}")
        SearchEntry.objects.filter(kind="person", object_id=author.pk).update(
            created_at=now - timedelta(hours=2 * number)
        )
        SearchEntry.objects.filter(kind="post", object_id=post.pk).update(
            created_at=now - timedelta(hours=2 * number + 1)
        )
        expected += [("person", author.pk), ("post", post.pk)]

    first = search_list(visible_to=me, query="verger", limit=2)
    second = search_list(visible_to=me, query="verger", limit=2, offset=2)

    assert [(h.kind, h.id) for h in first.hits] == expected[:2]
    assert (first.capped, first.shown_count) == (True, 3)
    assert [(h.kind, h.id) for h in second.hits] == expected[2:4]
    assert second.shown_count == 5  # more than 5: the cap counts past the page


# --- Query budget ------------------------------------------------------------------------------------


def _results(here, me):
    """Adds a post, a group and a person matching "potager" per item; each shows a name."""

    def add(n):
        shown = []
        for _ in range(n):
            number = next(_numbers)
            author = person(
                here,
                handle=f"potager-{number}",
                display_name=f"Potager Personne {number}",
                visibility=User.Visibility.MEMBERS,
            )
            district_post(author, here, f"Potager numéro {number}")
            group = group_of(here, f"Potager Groupe {number}")
            group_post(author, group, f"Potager du groupe {number}")
            shown += [f"Potager Personne {number}", group.name, f"Potager du groupe {number}"]
        return shown

    return add


def test_the_search_page_runs_the_same_few_queries_for_few_or_many_results(here, me):
    assert_constant_queries(
        client_for(me), "/fr/community/search/?q=potager", _results(here, me), many=5
    )


def test_the_search_api_runs_the_same_few_queries_for_few_or_many_results(here, me):
    assert_constant_queries(
        client_for(me), "/api/v1/community/search?q=potager&limit=100", _results(here, me)
    )


def test_the_search_results_for_htmx_run_the_same_few_queries(here, me):
    assert_constant_queries(
        client_for(me),
        "/fr/community/search/?q=potager",
        _results(here, me),
        many=5,
        HTTP_HX_REQUEST="true",
    )
