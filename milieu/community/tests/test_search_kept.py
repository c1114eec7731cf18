"""What a search finds is kept for everyone who searches the same words in the same
municipalities (`selectors.search`): these tests prove that a second reader's search reads no
index, that what differs per reader (blocks, private groups) never travels from one to
another, that every change to the index shows at once, and that a reader whose blocks leave
too few kept results gets them from the database."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from milieu.community.models import Group, SearchEntry
from milieu.community.selectors import search as selectors
from milieu.community.selectors.search import search_list

from .factories_people import blocks, district_post, group_of, group_post, join, person, town

pytestmark = pytest.mark.django_db


@pytest.fixture
def here():
    return town(slug="ville-marie", name="Ville-Marie")


def found(viewer, query, **kwargs) -> list[tuple[str, int]]:
    return [
        (hit.kind, hit.id) for hit in search_list(visible_to=viewer, query=query, **kwargs).hits
    ]


def test_a_second_reader_of_the_town_reads_no_index(here):
    first, second = person(here), person(here)
    post = district_post(person(here), here, "Corvée de déneigement samedi")
    assert found(first, "deneigement") == [("post", post.pk)]

    with CaptureQueriesContext(connection) as captured:
        assert found(second, "deneigement") == [("post", post.pk)]

    assert not [q for q in captured.captured_queries if "community_searchentry" in q["sql"]]


def test_a_new_post_and_a_removed_one_show_at_once(here):
    reader = person(here)
    older = district_post(person(here), here, "Marché aux puces")
    assert found(reader, "puces") == [("post", older.pk)]

    newer = district_post(person(here), here, "Encore des puces")
    assert found(reader, "puces") == [("post", newer.pk), ("post", older.pk)]

    older.hidden_at = older.created_at
    from milieu.community import search

    search.index_post(older)
    assert found(reader, "puces") == [("post", newer.pk)]


def test_my_blocks_apply_to_kept_results_and_to_no_one_else(here):
    author = person(here, handle="auteur")
    blocker, other = person(here), person(here)
    post = district_post(author, here, "Vente de garage")
    assert found(other, "garage") == [("post", post.pk)]  # kept

    blocks(blocker, author)

    assert found(blocker, "garage") == []
    assert found(other, "garage") == [("post", post.pk)]
    assert ("person", author.pk) not in found(blocker, "auteur")


def test_a_private_groups_posts_reach_its_members_only(here):
    member, outsider = person(here), person(here)
    private = group_of(here, "Parents", visibility=Group.Visibility.ON_REQUEST)
    join(private, member)
    secret = group_post(person(here), private, "Sortie au lac secret")
    public = district_post(person(here), here, "Sortie au lac pour tous")

    assert found(outsider, "lac") == [("post", public.pk)]  # kept for the town
    assert found(member, "lac") == [("post", public.pk), ("post", secret.pk)]
    assert found(outsider, "lac") == [("post", public.pk)]


def test_blocks_that_empty_the_kept_rows_fall_back_to_the_database(here, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    monkeypatch.setattr(selectors, "SLACK", 2)
    prolific, reader = person(here), person(here)
    others = [district_post(person(here), here, f"Potager {n}") for n in range(2)]
    for n in range(8):  # newer than the others, and more than the kept rows
        district_post(prolific, here, f"Potager du voisin {n}")
    assert len(found(person(here), "potager", limit=20)) == 4  # the cap, and one past it

    blocks(reader, prolific)

    assert found(reader, "potager", limit=20) == [("post", p.pk) for p in reversed(others)]
    assert SearchEntry.objects.filter(kind="post").count() == 10


def search_page(user, words: str) -> str:
    from milieu.core.testing import client_for

    response = client_for(user).get(f"/en/community/search/?q={words}")
    assert response.status_code == 200
    return response.content.decode()


def test_the_kept_results_page_follows_blocks_groups_and_new_posts(here):
    from milieu.core import pagecache

    pagecache.clear()
    author = person(here, handle="auteur")
    blocker, member, other = person(here), person(here), person(here)
    private = group_of(here, "Parents", visibility=Group.Visibility.ON_REQUEST)
    join(private, member)
    district_post(author, here, "Fête des voisins au parc")
    group_post(person(here), private, "Fête privée des parents")
    blocks(blocker, author)

    assert "Fête des voisins" in search_page(other, "fete")
    assert "Fête privée" not in search_page(other, "fete")
    assert "Fête des voisins" not in search_page(blocker, "fete")
    assert "Fête privée" in search_page(member, "fete")
    assert "Fête privée" not in search_page(other, "fete")

    district_post(person(here), here, "Fête de la rentrée")
    assert "Fête de la rentrée" in search_page(other, "fete")
    pagecache.clear()


def test_a_capped_kept_page_is_never_shown_across_a_block(here, monkeypatch):
    """Past the cap, two readers' counts are the same: the entries shown tell their pages
    apart."""
    from milieu.core import pagecache

    pagecache.clear()
    monkeypatch.setattr(selectors, "COUNT_CAP", 1)
    author = person(here, handle="auteur")
    blocker, other = person(here), person(here)
    district_post(person(here), here, "Jardin un")
    district_post(person(here), here, "Jardin deux")
    district_post(author, here, "Jardin de l'auteur")
    blocks(blocker, author)

    assert "Jardin de l" in search_page(other, "jardin")
    assert "Jardin de l" not in search_page(blocker, "jardin")
    pagecache.clear()


def test_the_kept_api_answer_is_the_one_the_api_gives_each_reader(here, monkeypatch):
    from milieu.core.testing import client_for

    author = person(here, handle="auteur")
    blocker, other = person(here), person(here)
    district_post(author, here, "Atelier vélo samedi")
    district_post(person(here), here, "Atelier couture dimanche")
    blocks(blocker, author)
    url = "/api/v1/community/search?q=atelier"

    kept = client_for(other).get(url).json()
    again = client_for(other).get(url).json()
    theirs = client_for(blocker).get(url).json()
    monkeypatch.setattr(selectors, "_found_kept", lambda *args: None)
    live = client_for(other).get(url).json()

    assert kept == again == live
    assert [item["text"] for item in kept["items"]] == [
        "Atelier couture dimanche",
        "Atelier vélo samedi",
    ]
    assert [item["text"] for item in theirs["items"]] == ["Atelier couture dimanche"]


def test_the_form_and_the_posts_found_are_kept_for_other_readers_pages(here, monkeypatch):
    """Two readers shown different results (one is in a private group) render the search
    form once, and a post both find once: its summary is kept until the post is edited."""
    from milieu.accounts.models import User
    from milieu.community.services import social as services
    from milieu.core import pagecache
    from milieu.core.testing import fields_rendered

    pagecache.clear()
    author = person(here, handle="auteur", display_name="Alice")
    member, other = person(here), person(here)
    private = group_of(here, "Parents", visibility=Group.Visibility.ON_REQUEST)
    join(private, member)
    public = district_post(author, here, "Fête des voisins au parc")
    group_post(person(here), private, "Fête privée des parents")
    fields = fields_rendered(monkeypatch)

    assert "Alice" in search_page(other, "fete")
    assert fields == ["q", "kind", "municipality"]

    fields.clear()
    User.objects.filter(pk=author.pk).update(display_name="Alice B.")  # no one is told
    page = search_page(member, "fete")  # another page: the group's post too
    assert "Fête privée" in page and fields == []
    assert "Alice" in page and "Alice B." not in page  # the public post's kept summary

    from .factories_social import accept_netiquette

    accept_netiquette(author, here)
    services.post_update(actor=author, post=public, body="Fête des voisins au grand parc")
    page = search_page(member, "fete")
    assert "Alice B." in page and "grand parc" in page  # edited: rendered anew
    pagecache.clear()


def test_a_search_form_with_errors_is_rendered_with_them(here):
    from milieu.core.testing import client_for

    page = client_for(person(here)).get(f"/en/community/search/?q={'a' * 201}")

    assert page.status_code == 400
    assert "at most 200 characters" in page.content.decode()
