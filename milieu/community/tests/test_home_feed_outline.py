"""The home feed's first page is put together from the kept outlines of my neighbourhoods' and
groups' feeds and one small query for the people I follow (`selectors.social.home_feed_outline`).
These tests build feeds where every rule of the home feed matters (hidden, private and foreign
posts, blocks, long feeds cut short) and prove that the first page is exactly the one the full
query gives, and that the page kept rendered from it follows every change at once."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from milieu.community.models import Group
from milieu.community.selectors import social
from milieu.community.services import social as services
from milieu.community.tests import factories_social as f
from milieu.community.tests.factories_people import follows
from milieu.core import pagecache
from milieu.core.testing import client_for

pytestmark = pytest.mark.django_db

START = timezone.now() - timedelta(days=30)


@pytest.fixture(autouse=True)
def fresh_pages():
    pagecache.clear()
    yield
    pagecache.clear()


class Clock:
    """Posts written at increasing times, one minute apart."""

    def __init__(self) -> None:
        self.minutes = 0

    def post(self, author, **where):
        self.minutes += 1
        return f.raw_post(
            author,
            body=f"Message {self.minutes}",
            created_at=START + timedelta(minutes=self.minutes),
            **where,
        )


def reference(viewer) -> tuple[list[int], str | None]:
    """The first page as the full query gives it."""
    ids = social.community_municipality_ids(viewer)
    page = social._page(social._home_queryset(viewer, ids), viewer, None, social.PAGE_SIZE)
    return [post.pk for post in page.posts], page.next_cursor


def from_outline(viewer) -> tuple[list[int], str | None]:
    cache.clear()  # the posts were written directly: no feed was told
    social._outlines.clear()
    outline = social.home_feed_outline(viewer=viewer)
    assert outline is not None, "the outlines should tell this page"
    page = social.home_feed(viewer=viewer, outline=outline)
    return [post.pk for post in page.posts], page.next_cursor


@pytest.fixture
def world():
    """Me in the first district of Amos, in two groups (open and on request) and in a hidden
    one; Marie, whom I follow, writes everywhere; Bob, whom I blocked, in my district."""
    here, elsewhere = f.town(slug="amos"), f.town(slug="val-dor")
    mine, other = here.districts.order_by("slug")
    me = f.member(here, district=mine)
    marie, bob, admin = f.member(here), f.member(here), f.member(here)
    open_mine = f.group(here, admin, name="Jardins")
    closed_mine = f.group(here, admin, name="Parents", visibility=Group.Visibility.ON_REQUEST)
    hidden_mine = f.group(here, admin, name="Caché")
    open_other = f.group(here, admin, name="Vélo")
    closed_other = f.group(here, admin, name="Privé", visibility=Group.Visibility.ON_REQUEST)
    for joined in (open_mine, closed_mine, hidden_mine):
        f.add_member(joined, me)
    Group.objects.filter(pk=hidden_mine.pk).update(hidden_at=timezone.now())
    far = f.member(elsewhere)
    far_group = f.group(elsewhere, far, name="Loin")
    follows(me, marie)
    follows(me, far)
    f.block(me, bob)
    return {
        "me": me,
        "marie": marie,
        "bob": bob,
        "admin": admin,
        "far": far,
        "mine": mine,
        "other": other,
        "open_mine": open_mine,
        "closed_mine": closed_mine,
        "hidden_mine": hidden_mine,
        "open_other": open_other,
        "closed_other": closed_other,
        "far_district": elsewhere.districts.order_by("slug")[0],
        "far_group": far_group,
    }


def test_the_first_page_is_the_full_querys_own(world):
    clock = Clock()
    w = world
    shown = [
        clock.post(w["admin"], district=w["mine"]),
        clock.post(w["marie"], district=w["other"]),  # followed, another district
        clock.post(w["admin"], group=w["open_mine"]),
        clock.post(w["admin"], group=w["closed_mine"]),
        clock.post(w["marie"], group=w["open_other"]),  # followed, open group
        clock.post(w["me"], district=w["other"]),  # mine
    ]
    hidden = [
        clock.post(w["bob"], district=w["mine"]),  # blocked
        clock.post(w["marie"], group=w["closed_other"]),  # followed, but a group on request
        clock.post(w["admin"], group=w["hidden_mine"]),  # a hidden group
        clock.post(w["admin"], district=w["other"]),  # not followed, another district
        clock.post(w["far"], district=w["far_district"]),  # followed, not my municipality
        clock.post(w["far"], group=w["far_group"]),
        clock.post(w["admin"], district=w["mine"], hidden_at=timezone.now()),  # moderated
    ]

    ids, cursor = from_outline(w["me"])

    assert (ids, cursor) == reference(w["me"])
    assert sorted(ids) == sorted(post.pk for post in shown)
    assert not set(ids) & {post.pk for post in hidden}
    assert cursor is None


def test_long_feeds_cut_short_still_give_the_right_page_and_cursor(world):
    clock = Clock()
    w = world
    for index in range(70):  # more than an outline keeps, in every source
        clock.post(w["admin"], district=w["mine"])
        if index % 2:
            clock.post(w["admin"], group=w["open_mine"])
        if index % 3 == 0:
            clock.post(w["marie"], district=w["other"])
            clock.post(w["bob"], district=w["mine"])

    ids, cursor = from_outline(w["me"])

    assert (ids, cursor) == reference(w["me"])
    assert len(ids) == social.PAGE_SIZE and cursor is not None
    # The next page, through the cursor, follows on without a gap.
    following = social.home_feed(viewer=w["me"], cursor=cursor)
    everything = social._home_queryset(w["me"], social.community_municipality_ids(w["me"]))
    newest = list(everything.order_by("-created_at", "-id").values_list("pk", flat=True)[:40])
    assert ids + [post.pk for post in following.posts] == newest


def test_a_source_cut_short_above_the_pages_end_falls_back_to_the_full_query(world):
    """The 41 newest posts of my district, all that its outline keeps, are Bob's, whom I
    blocked: the outline cannot tell which of its older posts make my page; the full query
    does."""
    clock = Clock()
    w = world
    older = [clock.post(w["admin"], district=w["mine"]) for _ in range(30)]
    for _ in range(10):
        clock.post(w["marie"], district=w["other"])
    for _ in range(50):
        clock.post(w["bob"], district=w["mine"])
    cache.clear()
    social._outlines.clear()

    assert social.home_feed_outline(viewer=w["me"]) is None
    page = social.home_feed(viewer=w["me"])

    assert ([post.pk for post in page.posts], page.next_cursor) == reference(w["me"])
    assert {post.pk for post in older[-10:]} <= {post.pk for post in page.posts}


def test_an_empty_feed_has_no_page_after(world):
    ids, cursor = from_outline(world["me"])
    assert ids == [] and cursor is None


def feed_page(user) -> str:
    response = client_for(user).get("/en/community/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_kept_page_follows_every_change_at_once(world):
    w = world
    first = f.post(w["admin"], district=w["mine"], body="Corvée de neige samedi")
    assert "Corvée de neige samedi" in feed_page(w["me"])

    f.add_member(w["open_other"], w["marie"])
    f.post(w["marie"], group=w["open_other"], body="Sortie à vélo dimanche")
    assert "Sortie à vélo dimanche" in feed_page(w["me"])  # someone I follow, elsewhere

    services.reaction_set(actor=w["me"], post=first, kind="thanks")
    assert 'aria-pressed="true"' in feed_page(w["me"])

    services.post_update(actor=w["admin"], post=first, body="Corvée de neige dimanche")
    assert "Corvée de neige dimanche" in feed_page(w["me"])

    f.block(w["me"], w["admin"])
    assert "Corvée de neige" not in feed_page(w["me"])


def test_readers_of_the_same_page_share_it_and_never_each_others_reactions(world):
    w = world
    neighbour = f.member(w["mine"].municipality, district=w["mine"])
    found = f.post(w["admin"], district=w["mine"], body="Fête de quartier")
    services.reaction_set(actor=neighbour, post=found, kind="thanks")

    assert feed_page(neighbour).count('aria-pressed="true"') == 1
    other = f.member(w["mine"].municipality, district=w["mine"])
    assert 'aria-pressed="true"' not in feed_page(other)
    assert "Fête de quartier" in feed_page(other)


def test_who_may_react_is_part_of_the_kept_pages_variant(world):
    """An unverified neighbour reads the same posts but may not react: neither sees the
    other's page."""
    w = world
    here = w["mine"].municipality
    f.post(w["admin"], district=w["mine"], body="Fête de quartier")
    unverified = f.member(here, district=w["mine"], verified=False)
    verified = f.member(here, district=w["mine"])

    assert 'name="kind"' not in feed_page(unverified)
    assert 'name="kind"' in feed_page(verified)
    assert 'name="kind"' not in feed_page(unverified)


def test_the_kept_api_feed_says_what_the_api_would_say(world, monkeypatch):
    w = world
    found = f.post(w["admin"], district=w["mine"], body="Corvée de neige samedi")
    f.post(w["marie"], district=w["other"], body="Sortie à vélo dimanche")
    services.reaction_set(actor=w["me"], post=found, kind="thanks")
    client = client_for(w["me"])

    kept = client.get("/api/v1/community/feed")
    again = client.get("/api/v1/community/feed")
    monkeypatch.setattr(social, "home_feed_outline", lambda **kwargs: None)
    rendered = client.get("/api/v1/community/feed")

    assert kept.status_code == again.status_code == rendered.status_code == 200
    assert kept.json() == again.json() == rendered.json()
    assert [item["body"] for item in kept.json()["items"]] == [
        "Sortie à vélo dimanche",
        "Corvée de neige samedi",
    ]
    assert kept.json()["items"][1]["my_reaction"] == "thanks"


def test_the_kept_api_feed_follows_a_new_post_at_once(world):
    w = world
    client = client_for(w["me"])
    f.post(w["admin"], district=w["mine"], body="Corvée de neige samedi")
    assert len(client.get("/api/v1/community/feed").json()["items"]) == 1

    f.post(w["admin"], district=w["mine"], body="Corvée de neige dimanche")

    assert len(client.get("/api/v1/community/feed").json()["items"]) == 2
