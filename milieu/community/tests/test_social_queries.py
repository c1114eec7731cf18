"""Query budget of the social lists (issue 6): the same number of queries, at most 12, for a few
posts, groups or comments as for many — the district feed, a group's feed, the home feed, the
group list and a post's comments, as pages and as API calls."""

from datetime import timedelta
from itertools import count

import pytest
from django.urls import reverse
from django.utils import timezone

from milieu.community.models import Comment, Group, Post, PostImage, Reaction
from milieu.community.selectors.social import encode_cursor
from milieu.community.tests import factories_social as f
from milieu.core.testing import assert_constant_queries, client_for

pytestmark = pytest.mark.django_db
_numbers = count(1)


@pytest.fixture
def here():
    return f.town(slug="ville-mesuree", name="Ville mesurée")


@pytest.fixture
def district(here):
    return here.districts.order_by("slug")[0]


@pytest.fixture
def viewer(here, district):
    return f.member(here, district=district, display_name="Lectrice")


def _rich_post(viewer, *, district=None, group=None) -> str:
    """A post by a new author, with two pictures, a comment and the viewer's reaction: all
    that the card shows. Returns its text."""
    municipality = (group or district).municipality
    author = f.member(municipality)
    if group is not None:
        f.add_member(group, author)
    text = f"Publication {next(_numbers):05d}"
    post = f.raw_post(author, district=district, group=group, body=text, comment_count=1)
    for position in range(2):
        PostImage.objects.create(
            post=post,
            image=f"community/posts/{post.pk}-{position}.jpg",
            content_type="image/jpeg",
            width=1600,
            height=1200,
            alt_text=f"Photo {post.pk}-{position}",
            position=position,
        )
    Comment.objects.create(post=post, author=author, body="Un commentaire")
    Reaction.objects.create(post=post, user=viewer, kind="thanks")
    return text


def posts_in(viewer, **where):
    def add(n):
        return [_rich_post(viewer, **where) for _ in range(n)]

    return add


def test_the_district_feed_page_is_constant(viewer, district):
    url = f"/fr/ville-mesuree/community/districts/{district.slug}/"
    assert_constant_queries(client_for(viewer), url, posts_in(viewer, district=district), many=20)


def test_the_district_feed_api_is_constant(viewer, district):
    url = f"/api/v1/municipalities/ville-mesuree/community/districts/{district.slug}/posts"
    assert_constant_queries(client_for(viewer), url, posts_in(viewer, district=district), many=20)


def test_the_next_page_of_a_feed_for_htmx_is_constant(viewer, district):
    """The fragment htmx asks for "older posts" (a cursor from the future: every post is
    older)."""
    future = Post(created_at=timezone.now() + timedelta(days=365), pk=10**9)
    url = f"/fr/ville-mesuree/community/districts/{district.slug}/?cursor={encode_cursor(future)}"
    assert_constant_queries(
        client_for(viewer),
        url,
        posts_in(viewer, district=district),
        many=20,
        HTTP_HX_REQUEST="true",
    )


@pytest.fixture
def club(here, viewer):
    return f.group(here, viewer, name="Club mesuré")


def test_the_group_feed_page_is_constant(viewer, club):
    url = f"/fr/ville-mesuree/community/groups/{club.slug}/"
    assert_constant_queries(client_for(viewer), url, posts_in(viewer, group=club), many=20)


def test_the_group_feed_api_is_constant(viewer, club):
    url = f"/api/v1/community/groups/{club.pk}/posts"
    assert_constant_queries(client_for(viewer), url, posts_in(viewer, group=club), many=20)


def _home_feed_posts(viewer, district, club):
    def add(n):
        texts = []
        for index in range(n):
            where = {"district": district} if index % 2 else {"group": club}
            texts.append(_rich_post(viewer, **where))
        return texts

    return add


def test_the_home_feed_api_is_constant(viewer, district, club):
    assert_constant_queries(
        client_for(viewer),
        "/api/v1/community/feed",
        _home_feed_posts(viewer, district, club),
        many=20,
    )


def test_the_home_feed_page_is_constant(viewer, district, club):
    """The people part's page `people:feed` is built on `home_feed` and `_feed.html`."""
    assert_constant_queries(
        client_for(viewer),
        reverse("people:feed"),
        _home_feed_posts(viewer, district, club),
        many=20,
    )


def _groups(here):
    def add(n):
        names = []
        for _ in range(n):
            admin = f.member(here)
            name = f"Groupe mesuré {next(_numbers):05d}"
            Group.objects.create(
                municipality=here,
                slug=f"g-{next(_numbers)}",
                name=name,
                description="Une description",
                visibility=Group.Visibility.ON_REQUEST if len(names) % 2 else Group.Visibility.OPEN,
                created_by=admin,
                member_count=1,
            )
            names.append(name)
        return names

    return add


def test_the_group_list_page_is_constant(here, viewer):
    assert_constant_queries(
        client_for(viewer), "/fr/ville-mesuree/community/groups/", _groups(here), many=20
    )


def test_the_group_list_api_is_constant(here, viewer):
    assert_constant_queries(
        client_for(viewer),
        "/api/v1/municipalities/ville-mesuree/community/groups",
        _groups(here),
        many=20,
    )


def test_the_community_home_is_constant_in_its_districts(here, viewer):
    def add(n):
        names = []
        for _ in range(n):
            name = f"Quartier mesuré {next(_numbers):05d}"
            f.DistrictFactory(municipality=here, name=name, slug=f"q-{next(_numbers)}")
            names.append(name)
        return names

    assert_constant_queries(client_for(viewer), "/fr/ville-mesuree/community/", add)


@pytest.fixture
def post(viewer, district):
    return f.raw_post(viewer, district=district, body="Le sujet")


def _comments(post):
    def add(n):
        texts = []
        for _ in range(n):
            author = f.member(post.municipality)
            text = f"Commentaire mesuré {next(_numbers):05d}"
            Comment.objects.create(post=post, author=author, body=text)
            texts.append(text)
        return texts

    return add


def test_the_comments_of_a_post_page_are_constant(viewer, post):
    url = f"/fr/ville-mesuree/community/posts/{post.pk}/"
    assert_constant_queries(client_for(viewer), url, _comments(post), many=20)


def test_the_comments_api_is_constant(viewer, post):
    url = f"/api/v1/community/posts/{post.pk}/comments"
    assert_constant_queries(client_for(viewer), url, _comments(post), many=20)


def test_the_members_of_a_group_page_is_constant(here, viewer, club):
    def add(n):
        names = []
        for _ in range(n):
            name = f"Membre mesuré {next(_numbers):05d}"
            f.add_member(club, f.member(here, display_name=name))
            names.append(name)
        return names

    url = f"/fr/ville-mesuree/community/groups/{club.slug}/members/"
    assert_constant_queries(client_for(viewer), url, add, many=19)
