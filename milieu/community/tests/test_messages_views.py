"""The pages of private conversations: the inbox, writing to someone, a thread (without
JavaScript and with htmx), leaving a group; and who gets what."""

import re

import pytest
from django.utils import translation

from milieu.community.models import Conversation, ConversationMember, Message
from milieu.core.testing import client_for

from .factories_moderation import (
    accept,
    block,
    conversation,
    handle,
    message,
    moderator,
    page_text,
    person,
    town,
    visitor_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
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
    return person(here, "Ben Tremblay")


def _state():
    return (
        Conversation.objects.count(),
        ConversationMember.objects.filter(left_at__isnull=True).count(),
        list(Message.objects.order_by("pk").values_list("pk", "body")),
        list(ConversationMember.objects.order_by("pk").values_list("last_read_at", flat=True)),
    )


def _poll_cursor(response) -> str:
    return re.search(r'id="poll-after" name="after" value="([^"]+)"', response.content.decode())[1]


# --- Inbox ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en", "es"])
def test_the_inbox_lists_my_conversations_newest_first_with_unread_counts(
    here, anna, ben, language
):
    carl = person(here, "Carl Roy")
    older = conversation(here, anna, carl)
    message(older, carl, "Vieux message")
    newer = conversation(here, anna, ben)
    message(newer, ben, "Un")
    message(newer, ben, "Deux")
    conversation(here, ben, carl)  # not mine

    response = client_for(anna).get(f"/{language}/messages/")

    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()
    text = page_text(response)
    assert text.index("Ben Tremblay") < text.index("Carl Roy")
    assert "Deux" in text
    assert '<span class="unread-mark">2' in response.content.decode()
    assert f'href="/{language}/messages/{newer.pk}/"' in response.content.decode()
    assert f'href="/{language}/messages/{older.pk}/"' in response.content.decode()
    assert text.count("Carl Roy") == 1


def test_the_inbox_asks_visitors_to_log_in(client):
    response = client.get("/en/messages/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- Writing to someone ---------------------------------------------------------------------------


def test_writing_from_a_persons_handle(anna, ben):
    client = client_for(anna)

    form = client.get(f"/en/messages/new/?to={handle(ben)}")
    assert f'value="@{handle(ben)}"' in form.content.decode()
    assert "To: Ben Tremblay" in page_text(form)
    response = client.post("/en/messages/new/", {"to": f"@{handle(ben)}", "body": "Bonjour"})

    created = Conversation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/en/messages/{created.pk}/#latest"
    assert list(created.messages.values_list("body", flat=True)) == ["Bonjour"]


def test_writing_again_opens_the_same_conversation(here, anna, ben):
    existing = conversation(here, anna, ben)

    response = client_for(anna).post("/en/messages/new/", {"to": handle(ben), "body": "Re"})

    assert response["Location"] == f"/en/messages/{existing.pk}/#latest"
    assert Conversation.objects.count() == 1


def test_a_group_with_a_title(here, anna, ben):
    carl = person(here)

    client_for(anna).post(
        "/en/messages/new/",
        {
            "to": f"@{handle(ben)}, @{handle(carl)}",
            "title": "Fête des voisins",
            "body": "On s'organise?",
        },
    )

    created = Conversation.objects.get()
    assert (created.is_group, created.title, created.members.count()) == (
        True,
        "Fête des voisins",
        3,
    )


def test_someone_who_blocked_me_is_refused_clearly_and_my_text_is_kept(anna, ben):
    block(ben, anna)
    before = _state()

    response = client_for(anna).post(
        "/en/messages/new/", {"to": handle(ben), "body": "Mon long message"}
    )

    assert response.status_code == 403
    assert "Ben Tremblay does not accept your messages." in page_text(response)
    assert "Mon long message" in response.content.decode()
    assert _state() == before


def test_without_the_netiquette_the_page_links_to_it_and_keeps_the_text(here, ben):
    newcomer = person(here, accepted=False)

    response = client_for(newcomer).post(
        "/en/messages/new/", {"to": handle(ben), "body": "Premier message"}
    )

    assert response.status_code == 403
    assert "Premier message" in response.content.decode()
    page = response.content.decode()
    assert 'href="/en/lac-vert/community/netiquette/"' in page  # to read it
    assert 'name="accept_netiquette"' in page  # to accept it and send in one step
    assert Conversation.objects.count() == 0


def test_with_several_shared_towns_the_form_asks_which(here, there, anna, ben):
    visitor_of(anna, there)
    visitor_of(ben, there)
    accept(anna, there)
    client = client_for(anna)

    first = client.post("/en/messages/new/", {"to": handle(ben), "body": "Bonjour"})
    assert first.status_code == 400
    assert '<select name="municipality"' in first.content.decode()
    assert "Bonjour" in first.content.decode()
    second = client.post(
        "/en/messages/new/", {"to": handle(ben), "body": "Bonjour", "municipality": "mont-gris"}
    )

    assert second.status_code == 302
    assert Conversation.objects.get().municipality == there


def test_an_unknown_handle_is_an_error_on_the_field(anna):
    response = client_for(anna).post("/en/messages/new/", {"to": "@fantome", "body": "Allo"})

    assert response.status_code == 400
    assert "No one has the handle @fantome." in page_text(response)


# --- A conversation -------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en", "es"])
def test_reading_a_conversation_shows_its_messages_and_marks_it_read(here, anna, ben, language):
    talk = conversation(here, anna, ben)
    message(talk, anna, "Bonjour Ben")
    message(talk, ben, "Salut Anna")

    response = client_for(ben).get(f"/{language}/messages/{talk.pk}/")

    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()
    text = page_text(response)
    assert text.index("Bonjour Ben") < text.index("Salut Anna")
    assert ConversationMember.objects.get(conversation=talk, user=ben).last_read_at is not None
    # A report link on the others' messages, none on mine.
    assert (
        response.content.decode().count(f"/{language}/lac-vert/community/report/?target=message:")
        == 1
    )


def test_sending_without_javascript_comes_back_to_the_thread(here, anna, ben):
    talk = conversation(here, anna, ben)

    response = client_for(anna).post(f"/en/messages/{talk.pk}/", {"body": "Réponse"})

    assert response.status_code == 302
    assert response["Location"] == f"/en/messages/{talk.pk}/#latest"
    assert list(talk.messages.values_list("body", flat=True)) == ["Réponse"]


def test_sending_with_htmx_appends_what_came_since_and_a_fresh_form(here, anna, ben):
    talk = conversation(here, anna, ben)
    message(talk, anna, "Premier")
    client = client_for(anna)
    cursor = _poll_cursor(client.get(f"/en/messages/{talk.pk}/"))
    message(talk, ben, "Entre-temps")

    response = client.post(
        f"/en/messages/{talk.pk}/", {"body": "Deuxième", "after": cursor}, HTTP_HX_REQUEST="true"
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.index("Entre-temps") < body.index("Deuxième")
    assert "Premier" not in body
    assert 'id="poll"' in body
    assert 'hx-swap-oob="true"' in body


def test_an_htmx_refusal_shows_the_form_again_with_the_error(here, anna, ben):
    talk = conversation(here, anna, ben)
    block(ben, anna)

    response = client_for(anna).post(
        f"/en/messages/{talk.pk}/", {"body": "Texte gardé"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 400
    assert response["HX-Retarget"] == "#send-form"
    assert "Ben Tremblay does not accept your messages." in page_text(response)
    assert "Texte gardé" in response.content.decode()
    assert Message.objects.count() == 0


def test_a_refusal_without_javascript_keeps_the_text_and_the_status(here, anna, ben):
    talk = conversation(here, anna, ben)
    block(anna, ben)

    response = client_for(anna).post(f"/en/messages/{talk.pk}/", {"body": "Texte gardé"})

    assert response.status_code == 403
    assert "You blocked Ben Tremblay: unblock them to write to them." in page_text(response)
    assert "Texte gardé" in response.content.decode()


def test_polling_returns_only_new_messages_or_nothing(here, anna, ben):
    talk = conversation(here, anna, ben)
    message(talk, anna, "Ancien")
    client = client_for(ben)
    cursor = _poll_cursor(client.get(f"/en/messages/{talk.pk}/"))

    nothing = client.get(f"/en/messages/{talk.pk}/?after={cursor}", HTTP_HX_REQUEST="true")
    message(talk, anna, "Nouveau")
    something = client.get(f"/en/messages/{talk.pk}/?after={cursor}", HTTP_HX_REQUEST="true")

    assert nothing.status_code == 204
    assert something.status_code == 200
    assert "Nouveau" in something.content.decode()
    assert "Ancien" not in something.content.decode()
    assert _poll_cursor(something) != cursor


def test_older_messages_are_a_page_away(here, anna, ben):
    talk = conversation(here, anna, ben)
    for number in range(35):
        message(talk, anna, f"Message numéro {number:02d}")
    client = client_for(ben)

    newest = client.get(f"/en/messages/{talk.pk}/")
    older_link = re.search(r'href="([^"]+\?before=[^"]+)"', newest.content.decode())[1]
    older = client.get(older_link.replace("&amp;", "&"))

    assert "Message numéro 34" in page_text(newest)
    assert "Message numéro 04" not in page_text(newest)
    assert "Message numéro 04" in page_text(older)
    assert "Message numéro 34" not in page_text(older)
    assert 'id="send-form"' not in older.content.decode()


@pytest.mark.parametrize("who", ["outsider", "left", "other_town", "staff", "anonymous"])
def test_only_present_members_see_and_write(here, there, anna, ben, who):
    carl = person(here)
    talk = conversation(here, anna, ben, carl, title="Trio")
    message(talk, anna, "Secret")
    if who == "left":
        ConversationMember.objects.filter(conversation=talk, user=carl).update(
            left_at=talk.created_at
        )
    actor = {
        "outsider": person(here),
        "left": carl,
        "other_town": person(there),
        "staff": moderator(here),  # the town's moderators do not read conversations
        "anonymous": None,
    }[who]
    client = client_for(actor)
    before = _state()

    read = client.get(f"/en/messages/{talk.pk}/")
    write = client.post(f"/en/messages/{talk.pk}/", {"body": "Intrus"})
    leave = client.post(f"/en/messages/{talk.pk}/leave/")

    expected = 302 if who == "anonymous" else 404
    assert [read.status_code, write.status_code, leave.status_code] == [expected] * 3
    assert _state() == before


# --- Leaving --------------------------------------------------------------------------------------


def test_leaving_a_group(here, anna, ben):
    carl = person(here)
    talk = conversation(here, anna, ben, carl, title="Trio")
    client = client_for(carl)

    response = client.post(f"/en/messages/{talk.pk}/leave/")

    assert response.status_code == 302
    assert response["Location"] == "/en/messages/"
    assert ConversationMember.objects.get(conversation=talk, user=carl).left_at is not None
    assert client.get(f"/en/messages/{talk.pk}/").status_code == 404
    inbox = page_text(client.get("/en/messages/"))
    assert "You left the conversation “Trio”." in inbox
    assert "You have no conversations yet." in inbox


def test_a_one_to_one_conversation_has_no_leave_and_refuses_it(here, anna, ben):
    talk = conversation(here, anna, ben)
    client = client_for(anna)

    page = client.get(f"/en/messages/{talk.pk}/")
    refused = client.post(f"/en/messages/{talk.pk}/leave/")

    assert f"/en/messages/{talk.pk}/leave/" not in page.content.decode()
    assert refused.status_code == 400
    assert "You can only leave a group conversation." in page_text(refused)
    assert not ConversationMember.objects.filter(left_at__isnull=False).exists()


def test_a_new_netiquette_version_is_asked_for_before_the_next_message(here, anna, ben):
    from milieu.community import netiquette
    from milieu.community.models import Netiquette

    talk = conversation(here, anna, ben)
    Netiquette.objects.create(municipality=here, version=1, text_fr="Nouvelles règles")
    netiquette.forget(here)  # as publishing does

    response = client_for(anna).post(f"/en/messages/{talk.pk}/", {"body": "Texte gardé"})

    assert response.status_code == 403
    assert "Texte gardé" in response.content.decode()
    page = response.content.decode()
    assert 'href="/en/lac-vert/community/netiquette/"' in page  # to read it
    assert 'name="accept_netiquette"' in page  # to accept it and send in one step
    assert Message.objects.count() == 0
