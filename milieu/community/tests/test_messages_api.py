"""The API of private conversations: the same rules and errors as the pages."""

import json

import pytest

from milieu.community.models import Conversation, ConversationMember, Message
from milieu.core.testing import client_for
from milieu.notifications.models import Notification

from .factories_moderation import (
    block,
    conversation,
    handle,
    message,
    moderator,
    person,
    town,
    visitor_of,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/community/conversations"


@pytest.fixture
def here():
    return town("lac-vert", "Lac-Vert")


@pytest.fixture
def there():
    return town("mont-gris", "Mont-Gris")


@pytest.fixture
def anna(here):
    return person(here, "Anna Leblanc")


@pytest.fixture
def ben(here):
    return person(here, "Ben Tremblay")


def _post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def _state():
    return (
        Conversation.objects.count(),
        list(
            ConversationMember.objects.order_by("pk").values_list("pk", "left_at", "last_read_at")
        ),
        list(Message.objects.order_by("pk").values_list("pk", "body")),
    )


def test_start_list_read_and_write(here, anna, ben):
    client = client_for(anna)

    started = _post(client, API, {"to": [handle(ben)], "body": "Bonjour"})
    again = _post(client, API, {"to": [handle(ben)], "body": "Re-bonjour"})
    conversation_id = started.json()["id"]
    listed = client_for(ben).get(API)
    detail = client_for(ben).get(f"{API}/{conversation_id}")
    sent = _post(client_for(ben), f"{API}/{conversation_id}/messages", {"body": "Salut"})
    thread = client.get(f"{API}/{conversation_id}/messages")

    assert started.status_code == 201
    assert started.json()["municipality"] == "lac-vert"
    assert started.json()["members"] == [
        {"id": ben.pk, "name": "Ben Tremblay", "handle": handle(ben)}
    ]
    assert again.status_code == 200
    assert again.json()["id"] == conversation_id
    assert listed.json()["count"] == 1
    assert listed.json()["items"][0]["unread"] == 2
    assert detail.json()["unread"] == 2
    assert sent.status_code == 201
    assert sent.json()["author"]["id"] == ben.pk
    assert [m["body"] for m in thread.json()["items"]] == ["Bonjour", "Re-bonjour", "Salut"]
    assert thread.json()["next_cursor"] is None


def test_cursor_pages_and_after(here, anna, ben):
    talk = conversation(here, anna, ben)
    for number in range(5):
        message(talk, anna, f"M{number}")
    client = client_for(ben)

    newest = client.get(f"{API}/{talk.pk}/messages?limit=2").json()
    older = client.get(f"{API}/{talk.pk}/messages?limit=2&cursor={newest['next_cursor']}").json()
    message(talk, anna, "M5")
    later = client.get(f"{API}/{talk.pk}/messages?after={newest['newest_cursor']}").json()
    bad = client.get(f"{API}/{talk.pk}/messages?cursor=zzz")

    assert [m["body"] for m in newest["items"]] == ["M3", "M4"]
    assert [m["body"] for m in older["items"]] == ["M1", "M2"]
    assert [m["body"] for m in later["items"]] == ["M5"]
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "validation"


def test_read_marks_and_clears_the_notification(
    here, anna, ben, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        started = _post(client_for(anna), API, {"to": [handle(ben)], "body": "Allo"})
    conversation_id = started.json()["id"]
    client = client_for(ben)

    response = _post(client, f"{API}/{conversation_id}/read")

    assert response.status_code == 204
    assert client.get(f"{API}/{conversation_id}").json()["unread"] == 0
    assert Notification.objects.get(user=ben).read_at is not None


def test_leave_a_group_and_not_a_pair(here, anna, ben):
    carl = person(here)
    group = conversation(here, anna, ben, carl, title="Trio")
    pair = conversation(here, anna, ben)

    left = _post(client_for(carl), f"{API}/{group.pk}/leave")
    refused = _post(client_for(anna), f"{API}/{pair.pk}/leave")

    assert left.status_code == 204
    assert client_for(carl).get(f"{API}/{group.pk}").status_code == 404
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "not_a_group"


def test_blocked_both_ways_is_a_clear_403_that_changes_nothing(here, anna, ben):
    block(ben, anna)
    talk = conversation(here, anna, ben)
    before = _state()

    start = _post(client_for(anna), API, {"to": [handle(ben)], "body": "Allo"})
    send = _post(client_for(anna), f"{API}/{talk.pk}/messages", {"body": "Allo"})
    back = _post(client_for(ben), f"{API}/{talk.pk}/messages", {"body": "Non"})

    assert [start.status_code, send.status_code, back.status_code] == [403, 403, 403]
    assert start.json()["error"]["code"] == "blocked"
    assert start.json()["error"]["message"]
    assert _state() == before


def test_several_shared_towns_need_a_choice(here, there, anna, ben):
    from .factories_moderation import accept

    visitor_of(anna, there)
    visitor_of(ben, there)
    accept(anna, there)
    client = client_for(anna)

    unchosen = _post(client, API, {"to": [handle(ben)], "body": "Allo"})
    chosen = _post(client, API, {"to": [handle(ben)], "body": "Allo", "municipality": "mont-gris"})

    assert unchosen.status_code == 400
    assert list(unchosen.json()["error"]["fields"]) == ["municipality"]
    assert chosen.status_code == 201
    assert chosen.json()["municipality"] == "mont-gris"


def test_too_many_recipients_is_a_422(here, anna):
    others = [handle(person(here)) for _ in range(8)]

    response = _post(client_for(anna), API, {"to": others, "body": "Allo"})

    assert response.status_code == 422
    assert Conversation.objects.count() == 0


def test_netiquette_required_is_a_403_with_its_code(here, ben):
    newcomer = person(here, accepted=False)

    response = _post(client_for(newcomer), API, {"to": [handle(ben)], "body": "Allo"})

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "netiquette_required"
    assert Conversation.objects.count() == 0


@pytest.mark.parametrize("who", ["anonymous", "outsider", "left", "other_town", "staff"])
def test_non_members_get_nothing_and_change_nothing(here, there, anna, ben, who):
    carl = person(here)
    talk = conversation(here, anna, ben, carl, title="Trio")
    message(talk, anna, "Secret")
    if who == "left":
        ConversationMember.objects.filter(conversation=talk, user=carl).update(
            left_at=talk.created_at
        )
    actor = {
        "anonymous": None,
        "outsider": person(here),
        "left": carl,
        "other_town": person(there),
        "staff": moderator(here),  # the town's moderators do not read conversations
    }[who]
    client = client_for(actor)
    before = _state()

    responses = [
        client.get(f"{API}/{talk.pk}"),
        client.get(f"{API}/{talk.pk}/messages"),
        _post(client, f"{API}/{talk.pk}/messages", {"body": "Intrus"}),
        _post(client, f"{API}/{talk.pk}/read"),
        _post(client, f"{API}/{talk.pk}/leave"),
    ]

    expected = 401 if who == "anonymous" else 404
    assert [r.status_code for r in responses] == [expected] * 5
    assert _state() == before
    if who != "anonymous":
        assert client.get(API).json() == {"items": [], "count": 0}
