"""The social API: the same operations, permissions and errors as the pages."""

import json

import pytest

from milieu.community.models import Comment, Group, GroupMembership, Post, PostImage, Reaction
from milieu.community.services import common
from milieu.community.tests import factories_social as f
from milieu.core.ratelimit import Limit
from milieu.core.testing import client_for

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def here():
    return f.town(slug="amos", name="Amos")


@pytest.fixture
def district(here):
    return here.districts.order_by("slug")[0]


@pytest.fixture
def alice(here, district):
    return f.member(here, district=district, display_name="Alice")


@pytest.fixture
def bob(here):
    return f.member(here, display_name="Bob")


def call(user, method: str, path: str, payload=None, **extra):
    client = client_for(user)
    kwargs = {"content_type": "application/json"} if payload is not None else {}
    data = json.dumps(payload) if payload is not None else None
    response = getattr(client, method.lower())(API + path, data=data, **kwargs, **extra)
    body = response.json() if response.content else None
    return response.status_code, body


# --- Feeds and posts ------------------------------------------------------------------------------


def test_posting_in_a_district_and_reading_its_feed(alice, bob, district):
    path = f"/municipalities/amos/community/districts/{district.slug}/posts"

    status, created = call(alice, "POST", path, {"body": "Souper communautaire", "language": "fr"})

    assert status == 201
    assert created["body"] == "Souper communautaire"
    assert created["author"] == {"handle": alice.community_profile.handle, "display_name": "Alice"}
    assert created["district"] == {"id": district.pk, "slug": district.slug, "name": district.name}
    assert created["group"] is None and created["is_mine"] is True
    assert created["url"] == f"http://testserver/fr/amos/community/posts/{created['id']}/"
    status, feed = call(bob, "GET", path)
    assert status == 200
    assert [item["id"] for item in feed["items"]] == [created["id"]]
    assert feed["next_cursor"] is None
    assert feed["items"][0]["may_interact"] is True and feed["items"][0]["is_mine"] is False


def test_the_language_defaults_to_the_requests(alice, district):
    path = f"/municipalities/amos/community/districts/{district.slug}/posts"
    status, created = call(alice, "POST", path, {"body": "Hola vecinos"}, HTTP_ACCEPT_LANGUAGE="es")
    assert status == 201 and created["language"] == "es"


def test_feeds_page_by_cursor(alice, district):
    for number in range(5):
        f.raw_post(alice, district=district, body=f"n{number}")
    status, first = call(alice, "GET", "/community/feed?limit=3")
    assert status == 200 and len(first["items"]) == 3
    status, second = call(alice, "GET", f"/community/feed?limit=3&cursor={first['next_cursor']}")
    assert [item["body"] for item in first["items"] + second["items"]] == [
        "n4",
        "n3",
        "n2",
        "n1",
        "n0",
    ]
    assert second["next_cursor"] is None
    status, error = call(alice, "GET", "/community/feed?cursor=%%%")
    assert status == 400 and error["error"]["code"] == "validation"
    assert list(error["error"]["fields"]) == ["cursor"]


def test_the_netiquette_and_rate_limits_are_the_same_errors_as_on_the_pages(
    here, alice, district, monkeypatch
):
    path = f"/municipalities/amos/community/districts/{district.slug}/posts"
    newcomer = f.member(here, accepted=False)
    status, error = call(newcomer, "POST", path, {"body": "Salut", "language": "fr"})
    assert status == 403 and error["error"]["code"] == "netiquette_required"

    monkeypatch.setitem(common.LIMITS, "post", [Limit(1, 600)])
    call(alice, "POST", path, {"body": "Un", "language": "fr"})
    client = client_for(alice)
    response = client.post(
        API + path, json.dumps({"body": "Deux", "language": "fr"}), content_type="application/json"
    )
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert int(response["Retry-After"]) > 0
    assert Post.objects.count() == 1


def test_a_post_is_read_edited_and_deleted_by_its_author(alice, bob, district):
    post = f.post(alice, district=district, body="Avant")

    status, read = call(bob, "GET", f"/community/posts/{post.pk}")
    assert status == 200 and read["body"] == "Avant"
    status, error = call(bob, "PATCH", f"/community/posts/{post.pk}", {"body": "Piraté"})
    assert status == 403 and error["error"]["code"] == "permission_denied"
    status, edited = call(alice, "PATCH", f"/community/posts/{post.pk}", {"body": "Après"})
    assert status == 200 and edited["body"] == "Après" and edited["edited_at"]
    status, error = call(alice, "PATCH", f"/community/posts/{post.pk}", {"body": " "})
    assert status == 400 and list(error["error"]["fields"]) == ["body"]
    assert call(bob, "DELETE", f"/community/posts/{post.pk}")[0] == 403
    assert call(alice, "DELETE", f"/community/posts/{post.pk}")[0] == 204
    assert call(alice, "GET", f"/community/posts/{post.pk}")[0] == 404


def test_pictures_are_added_one_by_one_and_served_by_the_checked_view(alice, bob, district):
    post = f.post(alice, district=district)
    client = client_for(alice)
    url = f"{API}/community/posts/{post.pk}/images"

    response = client.post(
        url, {"file": f.upload_file(f.jpeg_bytes(800, 600)), "alt_text": "Un pic"}
    )

    assert response.status_code == 201
    picture = response.json()
    image = PostImage.objects.get()
    assert picture == {
        "id": image.pk,
        "url": f"http://testserver/fr/amos/community/posts/{post.pk}/pictures/{image.pk}/",
        "thumbnail_url": f"http://testserver/fr/amos/community/posts/{post.pk}/pictures/{image.pk}/?size=small",
        "width": 800,
        "height": 600,
        "thumbnail_width": 480,
        "thumbnail_height": 360,
        "alt_text": "Un pic",
    }
    assert client_for(bob).get(picture["url"]).status_code == 200
    assert call(bob, "GET", f"/community/posts/{post.pk}")[1]["pictures"] == [picture]

    refused = client.post(url, {"file": f.upload_file(b"GIF89a-not-really"), "alt_text": ""})
    assert refused.status_code == 400
    assert list(refused.json()["error"]["fields"]) == ["file"]
    assert client_for(bob).post(url, {"file": f.upload_file()}).status_code == 403
    for _ in range(3):
        assert client.post(url, {"file": f.upload_file()}).status_code == 201
    assert client.post(url, {"file": f.upload_file()}).status_code == 400
    assert PostImage.objects.count() == 4


# --- Comments and reactions -----------------------------------------------------------------------


def test_comments_are_listed_created_edited_and_deleted(alice, bob, district):
    post = f.post(alice, district=district)
    f.comment(alice, post, "Premier")

    status, created = call(bob, "POST", f"/community/posts/{post.pk}/comments", {"body": "Second"})
    assert status == 201 and created["author"]["display_name"] == "Bob"
    status, page = call(alice, "GET", f"/community/posts/{post.pk}/comments?limit=1&offset=1")
    assert page["count"] == 2 and [c["body"] for c in page["items"]] == ["Second"]
    comment_id = created["id"]
    assert call(alice, "PATCH", f"/community/comments/{comment_id}", {"body": "Non"})[0] == 403
    status, edited = call(bob, "PATCH", f"/community/comments/{comment_id}", {"body": "Corrigé"})
    assert status == 200 and edited["body"] == "Corrigé"
    assert call(alice, "DELETE", f"/community/comments/{comment_id}")[0] == 403
    assert call(bob, "DELETE", f"/community/comments/{comment_id}")[0] == 204
    post.refresh_from_db()
    assert post.comment_count == 1


def test_reactions_are_set_changed_and_removed(alice, bob, district):
    post = f.post(alice, district=district)
    path = f"/community/posts/{post.pk}/reaction"

    assert call(bob, "PUT", path, {"kind": "like"}) == (200, {"kind": "like", "reaction_count": 1})
    assert call(bob, "PUT", path, {"kind": "celebrate"}) == (
        200,
        {"kind": "celebrate", "reaction_count": 1},
    )
    status, error = call(bob, "PUT", path, {"kind": "grr"})
    assert status == 400 and list(error["error"]["fields"]) == ["kind"]
    assert call(bob, "GET", f"/community/posts/{post.pk}")[1]["my_reaction"] == "celebrate"
    assert call(bob, "DELETE", path) == (200, {"kind": None, "reaction_count": 0})
    assert not Reaction.objects.exists()


def test_a_blocked_person_cannot_comment_and_does_not_see_the_post(alice, bob, district):
    post = f.post(alice, district=district)
    f.block(alice, bob)
    assert call(bob, "GET", f"/community/posts/{post.pk}")[0] == 404
    assert call(bob, "POST", f"/community/posts/{post.pk}/comments", {"body": "Hé"})[0] == 404
    assert not Comment.objects.exists()


# --- Groups ---------------------------------------------------------------------------------------


def test_groups_are_created_listed_read_and_changed(here, alice, bob):
    status, created = call(
        alice,
        "POST",
        "/municipalities/amos/community/groups",
        {"name": "Ski de fond", "description": "Sentiers", "interest": "sports"},
    )
    assert status == 201
    assert (created["slug"], created["my_status"], created["my_role"], created["member_count"]) == (
        "ski-de-fond",
        "active",
        "admin",
        1,
    )
    assert created["url"] == "http://testserver/fr/amos/community/groups/ski-de-fond/"
    status, listed = call(bob, "GET", "/municipalities/amos/community/groups")
    assert listed["count"] == 1 and listed["items"][0]["my_status"] is None
    group_id = created["id"]
    assert call(bob, "PATCH", f"/community/groups/{group_id}", {"name": "Volé"})[0] == 403
    status, changed = call(
        alice, "PATCH", f"/community/groups/{group_id}", {"visibility": "on_request"}
    )
    assert (
        status == 200 and changed["visibility"] == "on_request" and changed["name"] == "Ski de fond"
    )
    status, error = call(alice, "PATCH", f"/community/groups/{group_id}", {"official": True})
    assert status == 403
    status, error = call(alice, "POST", "/municipalities/amos/community/groups", {"name": "x"})
    assert status == 400 and list(error["error"]["fields"]) == ["name"]


def test_the_whole_membership_of_a_group_on_request(here, alice, bob):
    carol = f.member(here, display_name="Carol")
    group = f.group(here, alice, visibility=Group.Visibility.ON_REQUEST)
    base = f"/community/groups/{group.pk}"

    status, joined = call(bob, "POST", f"{base}/join")
    assert status == 200
    assert {key: joined[key] for key in ("user_id", "handle", "role", "status", "joined_at")} == {
        "user_id": bob.pk,
        "handle": bob.community_profile.handle,
        "role": "member",
        "status": "pending",
        "joined_at": None,
    }
    assert call(bob, "POST", f"{base}/join")[0] == 409
    assert call(bob, "GET", f"{base}/members")[0] == 403
    assert call(bob, "GET", f"{base}/posts")[0] == 403
    status, pending = call(alice, "GET", f"{base}/members?status=pending")
    assert [m["user_id"] for m in pending["items"]] == [bob.pk]
    assert call(bob, "POST", f"{base}/members/{bob.pk}/approve")[0] == 403
    status, approved = call(alice, "POST", f"{base}/members/{bob.pk}/approve")
    assert status == 200 and approved["status"] == "active"
    status, promoted = call(alice, "POST", f"{base}/members/{bob.pk}/promote")
    assert promoted["role"] == "admin"
    call(carol, "POST", f"{base}/join")
    assert call(bob, "POST", f"{base}/members/{carol.pk}/refuse")[0] == 204
    assert not GroupMembership.objects.filter(user=carol).exists()
    assert call(bob, "POST", f"{base}/members/{alice.pk}/remove")[0] == 204
    assert call(bob, "POST", f"{base}/leave")[0] == 409  # the last administrator
    status, members = call(bob, "GET", f"{base}/members")
    assert members["count"] == 1 and members["items"][0]["role"] == "admin"


def test_posting_in_a_group_is_for_its_members(here, alice, bob):
    group = f.group(here, alice)
    base = f"/community/groups/{group.pk}/posts"

    assert call(bob, "POST", base, {"body": "Je ne suis pas membre"})[0] == 403
    status, created = call(alice, "POST", base, {"body": "Sortie dimanche", "language": "fr"})
    assert status == 201 and created["group"]["id"] == group.pk
    status, feed = call(bob, "GET", base)
    assert [item["id"] for item in feed["items"]] == [created["id"]]
    assert feed["items"][0]["may_interact"] is False


def test_anonymous_calls_are_refused(alice, district):
    status, error = call(None, "GET", "/community/feed")
    assert status == 401 and error["error"]["code"] == "not_authenticated"


def test_the_most_active_groups_come_first_on_request(here, alice):
    quiet = f.group(here, alice, name="A tranquille")
    busy = f.group(here, alice, name="B actif")
    f.post(alice, group=busy)
    path = "/municipalities/amos/community/groups"
    assert [g["id"] for g in call(alice, "GET", path)[1]["items"]] == [quiet.pk, busy.pk]
    by_activity = call(alice, "GET", f"{path}?order=activity")[1]["items"]
    assert [g["id"] for g in by_activity] == [busy.pk, quiet.pk]
    assert call(alice, "GET", f"{path}?order=random")[0] == 422
