"""My inbox, and each conversation's page, are kept rendered for me under my inbox's version
(`core.pagecache`, personal tier; `views.messages._kept_thread`): these tests read them as
people do, before and after each change, and prove that every change shows at once, to the
right people, and that reading a thread again costs one small query and writes nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from milieu.community.services import conversations as services
from milieu.community.services import moderation
from milieu.core.testing import client_for

from .factories_moderation import handle, moderator, page_text, person, town

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def here():
    return town("val-dor", "Val-d'Or")


@pytest.fixture
def anna(here):
    return person(here, "Anna Leblanc")


@pytest.fixture
def ben(here):
    return person(here, "Ben Tremblay")


def inbox(client) -> str:
    response = client.get("/en/messages/")
    assert response.status_code == 200
    return page_text(response)


def hide(here, message) -> None:
    """A moderator of `here` hides `message`."""
    moderation.moderation_act(
        actor=moderator(here),
        municipality=here,
        action="hide",
        target=f"message:{message.pk}",
        reason="Insulte",
    )


def test_a_new_message_shows_at_once_in_both_inboxes(here, anna, ben):
    carl = person(here, "Carl Roy")
    services.conversation_start(actor=anna, handles=[handle(carl)], body="Bonjour Carl")
    as_anna, as_ben = client_for(anna), client_for(ben)
    assert "Ben Tremblay" not in inbox(as_anna)
    assert "You have no conversations yet." in inbox(as_ben)

    services.conversation_start(actor=ben, handles=[handle(anna)], body="Tu viens samedi?")

    mine = inbox(as_anna)
    assert mine.index("Ben Tremblay") < mine.index("Carl Roy")  # newest activity first
    assert "Tu viens samedi?" in mine
    assert "1 unread" in mine
    theirs = inbox(as_ben)
    assert "Anna Leblanc" in theirs
    assert "unread" not in theirs  # my own message is not unread for me
    assert "Carl Roy" not in theirs


def test_reading_a_thread_clears_my_unread_mark_only(here, anna, ben):
    carl = person(here, "Carl Roy")
    sent = services.conversation_start(
        actor=anna, handles=[handle(ben), handle(carl)], body="Réunion lundi", title="Comité"
    )
    as_ben, as_carl = client_for(ben), client_for(carl)
    assert "1 unread" in inbox(as_ben)
    assert "1 unread" in inbox(as_carl)

    as_ben.get(f"/en/messages/{sent.conversation.pk}/")

    assert "unread" not in inbox(as_ben)
    assert "1 unread" in inbox(as_carl)


def test_reading_a_thread_again_writes_nothing(here, anna, ben):
    sent = services.conversation_start(actor=anna, handles=[handle(ben)], body="Salut")
    as_ben = client_for(ben)
    as_ben.get(f"/en/messages/{sent.conversation.pk}/")

    with CaptureQueriesContext(connection) as queries:
        as_ben.get(f"/en/messages/{sent.conversation.pk}/")
    assert not [q for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")]

    services.message_send(actor=anna, conversation=sent.conversation, body="Tu es là?")
    assert "1 unread" in inbox(as_ben)
    as_ben.get(f"/en/messages/{sent.conversation.pk}/")
    assert "unread" not in inbox(as_ben)


def test_someone_leaving_renames_the_group_for_the_others(here, anna, ben):
    carl = person(here, "Carl Roy")
    sent = services.conversation_start(
        actor=anna, handles=[handle(ben), handle(carl)], body="On organise la fête"
    )
    as_anna = client_for(anna)
    assert "Ben Tremblay, Carl Roy" in inbox(as_anna)

    services.conversation_leave(actor=carl, conversation=sent.conversation)

    shown = inbox(as_anna)
    assert "Ben Tremblay" in shown
    assert "Carl Roy" not in shown
    assert "Carl Roy" not in inbox(client_for(carl))


def test_a_hidden_message_leaves_the_inboxes_at_once(here, anna, ben):
    sent = services.conversation_start(actor=anna, handles=[handle(ben)], body="Bonjour")
    bad = services.message_send(actor=anna, conversation=sent.conversation, body="Texte insultant")
    as_ben = client_for(ben)
    assert "Texte insultant" in inbox(as_ben)

    hide(here, bad)

    shown = inbox(as_ben)
    assert "Texte insultant" not in shown
    assert "Bonjour" in shown


def test_my_inbox_is_never_anyone_elses(here, anna, ben):
    carl = person(here, "Carl Roy")
    services.conversation_start(actor=anna, handles=[handle(carl)], body="Secret d'Anna")
    assert "Secret d'Anna" in inbox(client_for(anna))

    assert "Secret d'Anna" not in inbox(client_for(ben))


# --- A conversation's page ---------------------------------------------------------------------


def thread(client, conversation) -> str:
    response = client.get(f"/en/messages/{conversation.pk}/")
    assert response.status_code == 200
    return page_text(response)


def test_reading_it_again_costs_one_small_query_and_writes_nothing(here, anna, ben):
    sent = services.conversation_start(actor=anna, handles=[handle(ben)], body="Salut")
    as_ben = client_for(ben)
    assert "Salut" in thread(as_ben, sent.conversation)  # read: marked read, kept

    with CaptureQueriesContext(connection) as captured:
        assert "Salut" in thread(as_ben, sent.conversation)

    queries = [query["sql"] for query in captured.captured_queries]
    assert not [sql for sql in queries if '"community_message"' in sql]
    assert not [sql for sql in queries if sql.startswith(("UPDATE", "INSERT", "DELETE"))]
    assert len([sql for sql in queries if "community_conversationmember" in sql]) == 1


def test_a_new_message_shows_at_once_and_is_marked_read(here, anna, ben):
    sent = services.conversation_start(actor=anna, handles=[handle(ben)], body="Salut")
    as_ben = client_for(ben)
    thread(as_ben, sent.conversation)

    services.message_send(actor=anna, conversation=sent.conversation, body="Tu viens samedi?")

    with CaptureQueriesContext(connection) as captured:
        assert "Tu viens samedi?" in thread(as_ben, sent.conversation)
    # Read once, for marking it read and for the page.
    queries = [query["sql"] for query in captured.captured_queries]
    assert len([sql for sql in queries if 'FROM "community_conversation"' in sql]) == 1
    assert "1 unread" not in page_text(as_ben.get("/en/messages/"))


def test_a_hidden_message_leaves_the_thread_at_once(here, anna, ben):
    sent = services.conversation_start(actor=anna, handles=[handle(ben)], body="Bonjour")
    bad = services.message_send(actor=anna, conversation=sent.conversation, body="Texte insultant")
    as_ben = client_for(ben)
    assert "Texte insultant" in thread(as_ben, sent.conversation)

    hide(here, bad)

    shown = thread(as_ben, sent.conversation)
    assert "Texte insultant" not in shown
    assert "Bonjour" in shown


def test_someone_leaving_shows_at_once_and_the_one_who_left_finds_nothing(here, anna, ben):
    carl = person(here, "Carl Roy")
    sent = services.conversation_start(
        actor=anna, handles=[handle(ben), handle(carl)], body="On organise la fête"
    )
    as_anna, as_carl = client_for(anna), client_for(carl)
    assert "Carl Roy" in thread(as_anna, sent.conversation)
    thread(as_carl, sent.conversation)

    services.conversation_leave(actor=carl, conversation=sent.conversation)

    assert "Carl Roy" not in thread(as_anna, sent.conversation)
    assert as_carl.get(f"/en/messages/{sent.conversation.pk}/").status_code == 404


def test_a_members_page_is_never_shown_to_anyone_else(here, anna, ben):
    sent = services.conversation_start(actor=anna, handles=[handle(ben)], body="Secret d'Anna")
    assert "Secret d'Anna" in thread(client_for(anna), sent.conversation)
    assert "Secret d'Anna" in thread(client_for(ben), sent.conversation)

    outsider = person(here, "Dana Roy")
    response = client_for(outsider).get(f"/en/messages/{sent.conversation.pk}/")
    assert response.status_code == 404
    assert "Secret d'Anna" not in response.content.decode()
