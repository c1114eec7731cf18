"""Private conversations: who may write to whom, in which municipality, one conversation per
pair, groups of up to eight, blocks both ways, the netiquette, suspensions and rate limits,
notifications (one unread per conversation), reading, leaving."""

import pytest
from django.utils import translation

from milieu.community.models import (
    Conversation,
    ConversationMember,
    Message,
    Suspension,
)
from milieu.community.selectors import conversations as selectors
from milieu.community.services import conversations as services
from milieu.community.services.common import LIMITS, NetiquetteRequired, Suspended
from milieu.core.errors import ApplicationError, NotFound, PermissionDenied, RateLimited
from milieu.notifications.models import Notification

from .factories_moderation import (
    accept,
    block,
    conversation,
    handle,
    message,
    person,
    town,
    visitor_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the source language), whatever the catalogues say."""
    with translation.override("en"):
        yield


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
    return person(here, "Ben Tremblay", preferred_language="en")


def _state():
    return (
        Conversation.objects.count(),
        ConversationMember.objects.count(),
        list(Message.objects.order_by("pk").values_list("pk", "body")),
        Notification.objects.count(),
    )


def _start(actor, *people, body="Bonjour!", **kwargs):
    return services.conversation_start(
        actor=actor, handles=[handle(p) for p in people], body=body, **kwargs
    )


# --- Starting -----------------------------------------------------------------------------------


def test_writing_to_someone_starts_a_one_to_one_conversation_in_the_shared_town(here, anna, ben):
    sent = _start(anna, ben, body="Bonjour Ben")

    conversation = sent.conversation
    assert sent.created
    assert (conversation.municipality, conversation.is_group, conversation.created_by) == (
        here,
        False,
        anna,
    )
    assert conversation.pair_key == f"{min(anna.pk, ben.pk)}:{max(anna.pk, ben.pk)}"
    assert set(conversation.members.values_list("user_id", flat=True)) == {anna.pk, ben.pk}
    assert list(conversation.messages.values_list("author_id", "body")) == [
        (anna.pk, "Bonjour Ben")
    ]


def test_writing_again_to_the_same_person_reuses_the_conversation(anna, ben):
    first = _start(anna, ben, body="Un")

    second = _start(ben, anna, body="Deux")

    assert not second.created
    assert second.conversation.pk == first.conversation.pk
    assert Conversation.objects.count() == 1
    assert list(Message.objects.order_by("pk").values_list("body", flat=True)) == ["Un", "Deux"]


def test_a_group_of_up_to_eight_people(here, anna):
    others = [person(here) for _ in range(7)]

    sent = _start(anna, *others, title="Comité du parc")

    assert sent.conversation.is_group
    assert sent.conversation.title == "Comité du parc"
    assert sent.conversation.pair_key is None
    assert sent.conversation.members.count() == 8


def test_nine_people_are_too_many(here, anna):
    others = [person(here) for _ in range(8)]

    with pytest.raises(ApplicationError) as refused:
        _start(anna, *others)

    assert refused.value.extra["fields"] == {
        "to": ["A conversation has at most 8 people, you included."]
    }
    assert Conversation.objects.count() == 0


def test_a_group_with_the_same_people_is_a_new_conversation(here, anna, ben):
    carl = person(here)
    _start(anna, ben, carl)

    _start(anna, ben, carl)

    assert Conversation.objects.count() == 2


def test_unknown_handles_and_oneself_are_refused(anna):
    with pytest.raises(ApplicationError) as unknown:
        services.conversation_start(actor=anna, handles=["personne-inconnue"], body="Allo")
    with pytest.raises(ApplicationError) as alone:
        _start(anna, anna)
    with pytest.raises(ApplicationError) as nobody:
        services.conversation_start(actor=anna, handles=[], body="Allo")

    assert unknown.value.extra["fields"] == {"to": ["No one has the handle @personne-inconnue."]}
    assert alone.value.extra["fields"] == {"to": ["Write to someone other than yourself."]}
    assert nobody.value.extra["fields"] == {"to": ["Say whom you are writing to."]}
    assert Conversation.objects.count() == 0


def test_an_empty_or_too_long_message_is_refused(anna, ben):
    with pytest.raises(ApplicationError) as empty:
        _start(anna, ben, body="   ")
    with pytest.raises(ApplicationError) as long:
        _start(anna, ben, body="x" * 2001)

    assert empty.value.extra["fields"] == {"body": ["Write a message."]}
    assert long.value.extra["fields"] == {"body": ["At most 2000 characters."]}
    assert Conversation.objects.count() == 0


def test_people_who_share_no_town_cannot_write_to_each_other(anna, there):
    stranger = person(there)
    before = _state()

    with pytest.raises(PermissionDenied) as refused:
        _start(anna, stranger)

    assert refused.value.code == "no_shared_municipality"
    assert _state() == before


def test_with_several_shared_towns_the_sender_chooses(here, there, anna, ben):
    visitor_of(anna, there)
    visitor_of(ben, there)
    accept(anna, there)

    with pytest.raises(ApplicationError) as refused:
        _start(anna, ben)
    sent = _start(anna, ben, municipality=there)

    assert "municipality" in refused.value.extra["fields"]
    assert sent.conversation.municipality == there


def test_the_chosen_town_must_be_shared_by_everyone(here, there, anna, ben):
    visitor_of(anna, there)
    accept(anna, there)

    with pytest.raises(ApplicationError) as refused:
        _start(anna, ben, municipality=there)

    assert refused.value.extra["fields"] == {
        "municipality": ["Everyone in the conversation must be a member of this municipality."]
    }
    assert Conversation.objects.count() == 0


def test_a_group_must_share_one_town_with_everyone(here, there, anna, ben):
    stranger = person(there)
    visitor_of(anna, there)

    with pytest.raises(PermissionDenied):
        _start(anna, ben, stranger)
    assert Conversation.objects.count() == 0


# --- Blocks -------------------------------------------------------------------------------------


def test_nobody_writes_to_someone_who_blocked_them(anna, ben):
    block(ben, anna)
    before = _state()

    with pytest.raises(PermissionDenied) as refused:
        _start(anna, ben)

    assert str(refused.value.message) == "Ben Tremblay does not accept your messages."
    assert _state() == before


def test_nobody_writes_to_someone_they_blocked(anna, ben):
    block(anna, ben)

    with pytest.raises(PermissionDenied) as refused:
        _start(anna, ben)

    assert str(refused.value.message) == "You blocked Ben Tremblay: unblock them to write to them."
    assert Conversation.objects.count() == 0


def test_a_block_after_the_conversation_stops_messages_both_ways(anna, ben):
    sent = _start(anna, ben)
    block(ben, anna)
    before = _state()

    with pytest.raises(PermissionDenied):
        services.message_send(actor=anna, conversation=sent.conversation, body="Encore")
    with pytest.raises(PermissionDenied):
        services.message_send(actor=ben, conversation=sent.conversation, body="Non")
    with pytest.raises(PermissionDenied):
        _start(anna, ben)  # reopening does not get around it

    assert _state() == before


def test_a_group_with_someone_who_blocked_me_is_refused(here, anna, ben):
    carl = person(here, "Carl")
    block(carl, anna)

    with pytest.raises(PermissionDenied) as refused:
        _start(anna, ben, carl)

    assert str(refused.value.message) == "Carl does not accept your messages."
    assert Conversation.objects.count() == 0


# --- Netiquette, suspension, rate limits --------------------------------------------------------


def test_the_netiquette_of_the_conversations_town_must_be_accepted(here):
    newcomer = person(here, accepted=False)
    ben = person(here)

    with pytest.raises(NetiquetteRequired):
        _start(newcomer, ben)
    assert Conversation.objects.count() == 0


def test_a_suspended_person_cannot_write(here, anna, ben):
    sent = _start(anna, ben)
    Suspension.objects.create(municipality=here, user=anna, reason="Insultes")
    before = _state()

    with pytest.raises(Suspended):
        services.message_send(actor=anna, conversation=sent.conversation, body="Hé")
    with pytest.raises(Suspended):
        _start(anna, person(here))

    assert _state() == before


def test_starting_conversations_is_rate_limited(here, anna):
    limit = LIMITS["conversation"][0].count
    for _ in range(limit):
        _start(anna, person(here))

    with pytest.raises(RateLimited):
        _start(anna, person(here))
    assert Conversation.objects.count() == limit


def test_messages_are_rate_limited(anna, ben, still_clock):
    sent = _start(anna, ben)
    for number in range(LIMITS["message"][0].count - 1):
        services.message_send(actor=anna, conversation=sent.conversation, body=f"n°{number}")

    with pytest.raises(RateLimited):
        services.message_send(actor=anna, conversation=sent.conversation, body="de trop")
    assert not Message.objects.filter(body="de trop").exists()


# --- Sending, reading, leaving ------------------------------------------------------------------


def test_only_present_members_write(here, anna, ben):
    talk = conversation(here, anna, ben)
    outsider = person(here)

    with pytest.raises(PermissionDenied):
        services.message_send(actor=outsider, conversation=talk, body="Je m'invite")
    assert Message.objects.count() == 0


def test_a_new_message_notifies_the_others_once_until_they_read(
    here, anna, ben, django_capture_on_commit_callbacks
):
    carl = person(here)
    with django_capture_on_commit_callbacks(execute=True):
        sent = _start(anna, ben, carl, title="Voisins")
        services.message_send(actor=anna, conversation=sent.conversation, body="Et aussi")

    assert Notification.objects.filter(user=ben, topic="private_messages").count() == 1
    assert Notification.objects.filter(user=carl).count() == 1
    assert not Notification.objects.filter(user=anna).exists()
    notice = Notification.objects.get(user=ben)
    assert notice.title == "New message from Anna Leblanc in “Voisins”"
    assert notice.url == f"/en/messages/{sent.conversation.pk}/"

    services.conversation_mark_read(actor=ben, conversation=sent.conversation)
    assert Notification.objects.get(user=ben).read_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(actor=anna, conversation=sent.conversation, body="Troisième")

    assert Notification.objects.filter(user=ben).count() == 2
    assert Notification.objects.filter(user=ben, read_at__isnull=True).count() == 1
    assert Notification.objects.filter(user=carl).count() == 1


def test_a_notification_read_in_the_centre_lets_the_next_one_come(
    anna, ben, django_capture_on_commit_callbacks
):
    from milieu.notifications.services import notification_mark_read

    with django_capture_on_commit_callbacks(execute=True):
        sent = _start(anna, ben)
    notification_mark_read(actor=ben)
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(actor=anna, conversation=sent.conversation, body="Encore")

    assert Notification.objects.filter(user=ben).count() == 2


def test_unread_counts_and_marking_read(here, anna, ben):
    sent = _start(anna, ben, body="Un")
    services.message_send(actor=anna, conversation=sent.conversation, body="Deux")

    def unread(user):
        return {
            m.conversation_id: m.unread for m in selectors.conversation_memberships(visible_to=user)
        }

    assert unread(ben) == {sent.conversation.pk: 2}
    assert unread(anna) == {sent.conversation.pk: 0}
    services.conversation_mark_read(actor=ben, conversation=sent.conversation)
    assert unread(ben) == {sent.conversation.pk: 0}


def test_a_member_who_left_no_longer_reads_nor_receives(
    here, anna, ben, django_capture_on_commit_callbacks
):
    carl = person(here)
    sent = _start(anna, ben, carl, title="Groupe")
    services.conversation_leave(actor=carl, conversation=sent.conversation)

    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(actor=anna, conversation=sent.conversation, body="Après")

    assert not Notification.objects.filter(user=carl).exists()
    with pytest.raises(NotFound):
        selectors.conversation_get(visible_to=carl, conversation_id=sent.conversation.pk)
    assert list(selectors.conversation_memberships(visible_to=carl)) == []
    with pytest.raises(PermissionDenied):
        services.message_send(actor=carl, conversation=sent.conversation, body="Je reviens")


def test_a_one_to_one_conversation_cannot_be_left(anna, ben):
    sent = _start(anna, ben)

    with pytest.raises(ApplicationError) as refused:
        services.conversation_leave(actor=anna, conversation=sent.conversation)

    assert refused.value.code == "not_a_group"
    assert not ConversationMember.objects.filter(left_at__isnull=False).exists()


def test_when_everyone_else_left_nobody_is_left_to_write_to(here, anna, ben):
    carl = person(here)
    sent = _start(anna, ben, carl)
    for user in (ben, carl):
        services.conversation_leave(actor=user, conversation=sent.conversation)

    with pytest.raises(ApplicationError) as refused:
        services.message_send(actor=anna, conversation=sent.conversation, body="Allo?")

    assert refused.value.code == "conversation_empty"


def test_a_hidden_message_is_gone_for_the_others_and_shown_to_its_author(here, anna, ben):
    talk = conversation(here, anna, ben)
    message(talk, anna, "Visible")
    hidden = message(talk, anna, "Caché")
    hidden.hidden_at = hidden.created_at
    hidden.hidden_reason = "Insulte"
    hidden.save()

    ben_sees = selectors.message_page(visible_to=ben, conversation=talk).messages
    anna_sees = selectors.message_page(visible_to=anna, conversation=talk).messages

    assert [m.body for m in ben_sees] == ["Visible"]
    assert [m.body for m in anna_sees] == ["Visible", "Caché"]


def test_message_pages_go_back_with_a_cursor_and_forward_with_after(here, anna, ben):
    talk = conversation(here, anna, ben)
    sent = [message(talk, anna, f"Message {n}") for n in range(5)]

    newest = selectors.message_page(visible_to=ben, conversation=talk, limit=2)
    older = selectors.message_page(
        visible_to=ben, conversation=talk, before=newest.older_cursor, limit=2
    )
    oldest = selectors.message_page(
        visible_to=ben, conversation=talk, before=older.older_cursor, limit=2
    )
    message(talk, anna, "Nouveau")
    later = selectors.message_page(visible_to=ben, conversation=talk, after=newest.newest_cursor)

    assert [m.body for m in newest.messages] == ["Message 3", "Message 4"]
    assert [m.body for m in older.messages] == ["Message 1", "Message 2"]
    assert [m.body for m in oldest.messages] == ["Message 0"]
    assert oldest.older_cursor is None
    assert [m.body for m in later.messages] == ["Nouveau"]
    assert sent


def test_a_bad_cursor_is_a_validation_error(here, anna, ben):
    talk = conversation(here, anna, ben)

    with pytest.raises(ApplicationError):
        selectors.message_page(visible_to=anna, conversation=talk, before="n'importe quoi")
