"""A reader's first page of my feed, of a district's or of a group's shows its posts' kept
cards without reading the posts (`selectors.social.OutlinedPost`): only the posts whose card
the cache lacks are read, together; a card follows every change to what it shows and the
reader's own relation to the post; a post deleted between the outline and the rendering gives
the page without it."""

import pytest
from django.core.cache import cache

from milieu.community.models import Post
from milieu.community.selectors import social
from milieu.community.services import social as services
from milieu.community.tests import factories_social as f
from milieu.community.tests.factories_people import follows
from milieu.core import pagecache
from milieu.core.testing import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh():
    pagecache.clear()
    cache.clear()
    social._outlines.clear()
    yield
    pagecache.clear()


@pytest.fixture
def posts_read(monkeypatch) -> list[set[int]]:
    """One set per query of the stand-ins' loader: the posts it read."""
    reads: list[set[int]] = []
    original = social._OutlineLoader.read

    def read(self, stand_in):
        before = set(self.posts)
        post = original(self, stand_in)
        if set(self.posts) != before:
            reads.append(set(self.posts) - before)
        return post

    monkeypatch.setattr(social._OutlineLoader, "read", read)
    return reads


@pytest.fixture
def world():
    """Anne and Bruno in the same district of Amos, where Claire wrote three posts; Bruno also
    follows Denis, who wrote in the other district."""
    here = f.town(slug="amos")
    mine, other = here.districts.order_by("slug")
    claire, denis = f.member(here), f.member(here)
    anne, bruno = f.member(here, district=mine), f.member(here, district=mine)
    follows(bruno, denis)
    posts = [
        f.post(claire, district=mine, body=text)
        for text in ("Corvée de neige", "Marché samedi", "Chat perdu")
    ]
    far = f.post(denis, district=other, body="Sortie à vélo")
    cache.clear()  # as after a while: nothing kept yet
    return {
        "anne": anne,
        "bruno": bruno,
        "claire": claire,
        "posts": posts,
        "far": far,
        "district": mine,
    }


def feed_page(user) -> str:
    response = client_for(user).get("/en/community/")
    assert response.status_code == 200
    return response.content.decode()


def test_cards_kept_for_one_reader_serve_the_next_without_reading_their_posts(world, posts_read):
    w = world
    assert "Chat perdu" in feed_page(w["anne"])
    assert posts_read == [{post.pk for post in w["posts"]}]  # all three, in one query

    posts_read.clear()
    page = feed_page(w["bruno"])  # another page (Denis's post too), the same three cards

    assert posts_read == [{w["far"].pk}]
    for text in ("Corvée de neige", "Marché samedi", "Chat perdu", "Sortie à vélo"):
        assert text in page


def test_a_card_follows_what_changes_on_its_post_and_only_it_is_read_again(world, posts_read):
    w = world
    first, second, _third = w["posts"]
    assert "1 comment" not in feed_page(w["anne"])

    services.comment_create(actor=w["bruno"], post=second, body="J'y serai", language="fr")
    services.post_update(actor=w["claire"], post=first, body="Corvée de neige dimanche")
    posts_read.clear()
    page = feed_page(w["anne"])

    assert "1 comment" in page and "Corvée de neige dimanche" in page
    assert posts_read == [{first.pk, second.pk}]


def test_the_readers_reaction_and_authorship_are_their_own(world):
    w = world
    services.reaction_set(actor=w["bruno"], post=w["posts"][0], kind="thanks")
    mine = f.post(w["anne"], district=w["posts"][0].district, body="Mon annonce")
    cache.clear()

    anne, bruno, anne_again = feed_page(w["anne"]), feed_page(w["bruno"]), feed_page(w["anne"])

    assert 'aria-pressed="true"' not in anne and 'aria-pressed="true"' not in anne_again
    assert bruno.count('aria-pressed="true"') == 1
    edit = f"/community/posts/{mine.pk}/edit/"
    assert edit in anne and edit not in bruno


def delete_after_the_outline(monkeypatch, name: str, gone: Post) -> None:
    """`gone` is deleted once the selector `name` has read the outline, before the cards."""
    outline = getattr(social, name)

    def outline_then_delete(**kwargs):
        found = outline(**kwargs)
        Post.objects.filter(pk=gone.pk).delete()
        return found

    monkeypatch.setattr(social, name, outline_then_delete)


def test_a_post_deleted_while_the_page_is_rendered_is_left_out(world, monkeypatch):
    w = world
    delete_after_the_outline(monkeypatch, "home_feed_outline", w["posts"][1])
    page = feed_page(w["anne"])

    assert "Marché samedi" not in page
    assert "Corvée de neige" in page and "Chat perdu" in page


def page_of(user, path: str) -> str:
    response = client_for(user).get(path)
    assert response.status_code == 200
    return response.content.decode()


def district_path(district) -> str:
    return f"/en/{district.municipality.slug}/community/districts/{district.slug}/"


def test_a_districts_page_shows_the_kept_cards_and_reads_only_a_changed_one(world, posts_read):
    w = world
    path = district_path(w["district"])
    first = w["posts"][0]
    assert "Chat perdu" in page_of(w["anne"], path)
    assert posts_read == [{post.pk for post in w["posts"]}]

    services.reaction_set(actor=w["bruno"], post=first, kind="thanks")  # a new count, too
    posts_read.clear()
    bruno = page_of(w["bruno"], path)

    assert posts_read == [{first.pk}]
    assert bruno.count('aria-pressed="true"') == 1 and "1 reaction" in bruno
    posts_read.clear()
    anne = page_of(w["anne"], path)  # the card of the new count, without her reaction
    assert posts_read == [{first.pk}]
    assert 'aria-pressed="true"' not in anne and "1 reaction" in anne


def test_who_may_react_is_part_of_a_kept_card(world):
    w = world
    here = w["district"].municipality
    unverified = f.member(here, district=w["district"], verified=False)
    path = district_path(w["district"])

    assert 'name="kind"' in page_of(w["anne"], path)
    assert 'name="kind"' not in page_of(unverified, path)


def test_a_groups_page_shows_the_kept_cards_and_reads_only_the_missing_ones(world, posts_read):
    w = world
    here = w["district"].municipality
    garden = f.group(here, w["claire"], name="Jardins")
    for person in (w["anne"], w["bruno"]):
        f.add_member(garden, person)
    ours = [f.post(w["claire"], group=garden, body=text) for text in ("Semis", "Compost")]
    cache.clear()
    path = f"/en/{here.slug}/community/groups/{garden.slug}/"
    assert "Compost" in page_of(w["anne"], path)
    assert posts_read == [{post.pk for post in ours}]

    mine = f.post(w["bruno"], group=garden, body="Mes tomates")
    posts_read.clear()
    page = page_of(w["bruno"], path)

    assert posts_read == [{mine.pk}]  # the feed changed: its other cards did not
    assert "Semis" in page and "Mes tomates" in page
    assert f"/community/posts/{mine.pk}/edit/" in page


def test_a_post_deleted_while_a_districts_page_is_rendered_is_left_out(world, monkeypatch):
    w = world
    delete_after_the_outline(monkeypatch, "district_feed_outline", w["posts"][2])
    page = page_of(w["anne"], district_path(w["district"]))

    assert "Chat perdu" not in page and "Corvée de neige" in page
