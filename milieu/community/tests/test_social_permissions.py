"""Who may do what in the social part, as pages and as API calls: anonymous visitors,
citizens of the town, citizens of another town, staff of the town and of another town, a member
of a group on request (the others are not), and someone the author blocked. Every refusal is
proven to have changed nothing."""

import json

import pytest
from django.test import Client

from milieu.community.models import (
    Comment,
    Group,
    GroupMembership,
    Post,
    PostImage,
    Reaction,
    SearchEntry,
)
from milieu.community.services import social as services
from milieu.community.tests import factories_social as f

ACTORS = [
    "anonymous",
    "citizen",
    "citizen_other",
    "staff",
    "staff_other",
    "group_member",
    "blocked",
]
TOWN = ["citizen", "staff", "group_member", "blocked"]  # who reads the town's community
READERS = ["citizen", "staff", "group_member"]  # who reads the author's post (not blocked)


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = settings.PRIVATE_MEDIA_ROOT = tmp_path
    here = f.town(slug="temiscaming", name="Témiscaming")
    there = f.town(slug="ville-marie", name="Ville-Marie")
    district = here.districts.order_by("slug")[0]
    author = f.member(here, district=district, display_name="Autrice")
    club = f.group(here, author, name="Club ouvert")
    secret = f.group(here, author, name="Cercle", visibility=Group.Visibility.ON_REQUEST)
    actors = {
        "anonymous": None,
        "citizen": f.member(here),
        "citizen_other": f.member(there),
        "staff": f.staff(here),
        "staff_other": f.staff(there),
        "group_member": f.member(here),
        "blocked": f.member(here),
    }
    f.add_member(secret, actors["group_member"])
    f.block(author, actors["blocked"])
    applicant = f.member(here)
    services.group_join(actor=applicant, group=secret)
    post = f.post(
        author,
        district=district,
        body="Publication de quartier",
        uploads=[services.Upload(file=f.upload_file())],
    )
    secret_post = f.post(author, group=secret, body="Dans le cercle")
    comment = f.comment(author, post, "Mon commentaire")
    return {
        "district": district,
        "club": club,
        "secret": secret,
        "post": post,
        "secret_post": secret_post,
        "comment": comment,
        "image": post.images.get(),
        "applicant": applicant,
        "actors": actors,
    }


def snapshot() -> tuple:
    return (
        list(
            Post.objects.order_by("pk").values_list("pk", "body", "comment_count", "reaction_count")
        ),
        list(Comment.objects.order_by("pk").values_list("pk", "body")),
        list(Reaction.objects.order_by("pk").values_list("pk", "user", "kind")),
        list(Group.objects.order_by("pk").values_list("pk", "name", "member_count", "post_count")),
        list(GroupMembership.objects.order_by("pk").values_list("pk", "user", "status", "role")),
        list(PostImage.objects.order_by("pk").values_list("pk", "alt_text")),
        list(SearchEntry.objects.order_by("pk").values_list("kind", "object_id", "text")),
    )


def operations(w) -> dict[str, tuple[str, str, dict | None, list[str]]]:
    """name: (method, url, data, who is allowed). API calls send JSON."""
    page = "/fr/temiscaming/community"
    api = "/api/v1/community"
    town_api = "/api/v1/municipalities/temiscaming/community"
    d, club, secret = w["district"].slug, w["club"], w["secret"]
    post, secret_post, comment, image = w["post"], w["secret_post"], w["comment"], w["image"]
    new_post = {"body": "Nouveau message", "language": "fr"}
    return {
        "district_page": ("GET", f"{page}/districts/{d}/", None, TOWN),
        "district_post": ("POST", f"{page}/districts/{d}/", new_post, TOWN),
        "api_district_feed": ("GET", f"{town_api}/districts/{d}/posts", None, TOWN),
        "api_district_post": ("POST", f"{town_api}/districts/{d}/posts", new_post, TOWN),
        "group_list_page": ("GET", f"{page}/groups/", None, TOWN),
        "api_group_list": ("GET", f"{town_api}/groups", None, TOWN),
        "group_create_page": (
            "POST",
            f"{page}/groups/new/",
            {"name": "Nouveau", "visibility": "open", "language": "fr"},
            TOWN,
        ),
        "api_group_create": ("POST", f"{town_api}/groups", {"name": "Nouveau"}, TOWN),
        "join_open_group": ("POST", f"{page}/groups/{club.slug}/join/", {}, TOWN),
        "api_join_open_group": ("POST", f"{api}/groups/{club.pk}/join", {}, TOWN),
        "secret_group_page": ("GET", f"{page}/groups/{secret.slug}/", None, TOWN),
        "secret_members_page": (
            "GET",
            f"{page}/groups/{secret.slug}/members/",
            None,
            ["group_member"],
        ),
        "api_secret_feed": ("GET", f"{api}/groups/{secret.pk}/posts", None, ["group_member"]),
        "api_secret_members": ("GET", f"{api}/groups/{secret.pk}/members", None, ["group_member"]),
        "secret_post_page": ("GET", f"{page}/posts/{secret_post.pk}/", None, ["group_member"]),
        "api_secret_post": ("POST", f"{api}/groups/{secret.pk}/posts", new_post, ["group_member"]),
        "secret_group_post": ("POST", f"{page}/groups/{secret.slug}/", new_post, ["group_member"]),
        "post_page": ("GET", f"{page}/posts/{post.pk}/", None, READERS),
        "api_post": ("GET", f"{api}/posts/{post.pk}", None, READERS),
        "picture": ("GET", f"{page}/posts/{post.pk}/pictures/{image.pk}/", None, READERS),
        "comment_page": (
            "POST",
            f"{page}/posts/{post.pk}/comments/",
            {"body": "Bravo", "language": "fr"},
            READERS,
        ),
        "api_comment": ("POST", f"{api}/posts/{post.pk}/comments", {"body": "Bravo"}, READERS),
        "react_page": ("POST", f"{page}/posts/{post.pk}/react/", {"kind": "like"}, READERS),
        "api_react": ("PUT", f"{api}/posts/{post.pk}/reaction", {"kind": "like"}, READERS),
        "edit_post_page": ("POST", f"{page}/posts/{post.pk}/edit/", new_post, []),
        "api_edit_post": ("PATCH", f"{api}/posts/{post.pk}", {"body": "Changé"}, []),
        "delete_post_page": ("POST", f"{page}/posts/{post.pk}/delete/", {}, []),
        "api_delete_post": ("DELETE", f"{api}/posts/{post.pk}", None, []),
        "api_add_picture": ("POST", f"{api}/posts/{post.pk}/images", "picture", []),
        "edit_comment_page": (
            "POST",
            f"{page}/comments/{comment.pk}/edit/",
            {"body": "Changé", "language": "fr"},
            [],
        ),
        "api_edit_comment": ("PATCH", f"{api}/comments/{comment.pk}", {"body": "Changé"}, []),
        "api_delete_comment": ("DELETE", f"{api}/comments/{comment.pk}", None, []),
        "edit_group_page": (
            "POST",
            f"{page}/groups/{club.slug}/edit/",
            {"name": "Repris", "visibility": "open", "language": "fr"},
            [],
        ),
        "api_edit_group": ("PATCH", f"{api}/groups/{club.pk}", {"name": "Repris"}, []),
        "approve_page": (
            "POST",
            f"{page}/groups/{secret.slug}/members/{w['applicant'].pk}/approve/",
            {},
            [],
        ),
        "api_approve": (
            "POST",
            f"{api}/groups/{secret.pk}/members/{w['applicant'].pk}/approve",
            {},
            [],
        ),
        "api_promote": (
            "POST",
            f"{api}/groups/{secret.pk}/members/{w['actors']['group_member'].pk}/promote",
            {},
            [],
        ),
    }


OPERATIONS = [
    "district_page",
    "district_post",
    "api_district_feed",
    "api_district_post",
    "group_list_page",
    "api_group_list",
    "group_create_page",
    "api_group_create",
    "join_open_group",
    "api_join_open_group",
    "secret_group_page",
    "secret_members_page",
    "api_secret_feed",
    "api_secret_members",
    "secret_post_page",
    "api_secret_post",
    "secret_group_post",
    "post_page",
    "api_post",
    "picture",
    "comment_page",
    "api_comment",
    "react_page",
    "api_react",
    "edit_post_page",
    "api_edit_post",
    "delete_post_page",
    "api_delete_post",
    "api_add_picture",
    "edit_comment_page",
    "api_edit_comment",
    "api_delete_comment",
    "edit_group_page",
    "api_edit_group",
    "approve_page",
    "api_approve",
    "api_promote",
]


def send(client: Client, method: str, url: str, data):
    if data == "picture":
        return client.post(url, {"file": f.upload_file(), "alt_text": "x"})
    if url.startswith("/api/"):
        body = json.dumps(data) if data is not None else None
        return getattr(client, method.lower())(url, body, content_type="application/json")
    if method == "GET":
        return client.get(url)
    return client.post(url, data or {})


def test_the_operations_list_is_complete(world):
    assert sorted(OPERATIONS) == sorted(operations(world))


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("actor", ACTORS)
def test_social_permission_matrix(world, actor, operation):
    client = Client()
    user = world["actors"][actor]
    if user is not None:
        client.force_login(user)
    method, url, data, allowed = operations(world)[operation]
    before = snapshot()

    response = send(client, method, url, data)

    if actor in allowed:
        assert response.status_code < 400, (actor, operation, response.status_code)
        if method != "GET":
            assert snapshot() != before, (actor, operation)
        if operation == "secret_group_page":  # its posts only for its members
            shows_posts = "Dans le cercle" in response.content.decode()
            assert shows_posts == (actor == "group_member")
        return
    if url.startswith("/api/"):
        expected = {401} if user is None else {403, 404}
        assert response.status_code in expected, (actor, operation, response.status_code)
    elif user is None:
        assert response.status_code in (302, 404), (actor, operation, response.status_code)
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"]
    else:
        assert response.status_code in (403, 404), (actor, operation, response.status_code)
    assert snapshot() == before, (actor, operation)


@pytest.mark.parametrize("actor", ["citizen", "staff", "blocked"])
def test_a_group_on_request_shows_its_name_to_the_town_but_not_its_posts(world, actor):
    client = Client()
    client.force_login(world["actors"][actor])
    body = client.get(f"/fr/temiscaming/community/groups/{world['secret'].slug}/").content.decode()
    assert "Cercle" in body and "Dans le cercle" not in body
    listed = client.get("/api/v1/municipalities/temiscaming/community/groups").json()
    assert "Cercle" in [group["name"] for group in listed["items"]]


def test_a_blocked_person_does_not_see_the_authors_posts_in_feeds(world):
    client = Client()
    client.force_login(world["actors"]["blocked"])
    body = client.get(f"/fr/temiscaming/community/districts/{world['district'].slug}/").content
    assert "Publication de quartier" not in body.decode()
    feed = client.get(
        f"/api/v1/municipalities/temiscaming/community/districts/{world['district'].slug}/posts"
    ).json()
    assert feed["items"] == []
