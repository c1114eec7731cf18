"""Query budget of private conversations: the inbox and a conversation's messages, as pages
and through the API, run the same number of queries (at most 12) for a few items as for many."""

from itertools import count

import pytest
from django.utils import timezone

from milieu.community.models import ConversationMember
from milieu.core.testing import assert_constant_queries, client_for

from .factories_moderation import conversation, message, person, town

pytestmark = pytest.mark.django_db
_numbers = count(1)


@pytest.fixture
def here():
    return town("lac-vert", "Lac-Vert")


@pytest.fixture
def anna(here):
    return person(here, "Anna Leblanc")


def _conversations(here, anna):
    """One more conversation per item, with someone new who wrote a message (unread)."""

    def add(n):
        shown = []
        for _ in range(n):
            number = next(_numbers)
            other = person(here, f"Voisine {number:04d}")
            talk = (
                conversation(here, other, anna)
                if number % 2
                else conversation(here, anna, other, person(here), title=f"Groupe {number:04d}")
            )
            message(talk, other, f"Message {number:04d}")
            shown += [f"Message {number:04d}", talk.title or f"Voisine {number:04d}"]
        return shown

    return add


def _messages(talk, *authors, read_by=None):
    """Adds messages to `talk`; with `read_by`, that member has read them elsewhere (the page
    then only reads: marking a thread read is two updates whatever its length, and reading it
    again writes nothing, see test_inbox_kept)."""

    def add(n):
        shown = []
        for _ in range(n):
            number = next(_numbers)
            message(talk, authors[number % len(authors)], f"Réplique {number:04d}")
            shown.append(f"Réplique {number:04d}")
        if read_by is not None:
            ConversationMember.objects.filter(conversation=talk, user=read_by).update(
                last_read_at=timezone.now()
            )
        return shown

    return add


def test_the_inbox_page_is_constant(here, anna):
    assert_constant_queries(client_for(anna), "/fr/messages/", _conversations(here, anna), many=18)


def test_the_inbox_api_is_constant(here, anna):
    assert_constant_queries(
        client_for(anna), "/api/v1/community/conversations", _conversations(here, anna), many=18
    )


def test_a_conversation_page_is_constant(here, anna):
    ben = person(here, "Ben Tremblay")
    talk = conversation(here, anna, ben)

    assert_constant_queries(
        client_for(anna),
        f"/fr/messages/{talk.pk}/",
        _messages(talk, anna, ben, read_by=anna),
        many=28,
    )


def test_a_group_conversation_page_is_constant(here, anna):
    others = [person(here) for _ in range(6)]
    talk = conversation(here, anna, *others, title="Grand groupe")

    assert_constant_queries(
        client_for(anna),
        f"/fr/messages/{talk.pk}/",
        _messages(talk, anna, *others, read_by=anna),
        many=28,
    )


def test_a_conversations_messages_api_is_constant(here, anna):
    ben = person(here, "Ben Tremblay")
    talk = conversation(here, anna, ben)

    assert_constant_queries(
        client_for(anna),
        f"/api/v1/community/conversations/{talk.pk}/messages",
        _messages(talk, anna, ben),
        many=28,
    )
