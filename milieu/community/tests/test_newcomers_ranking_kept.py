"""A newcomer's ranking of buddies is kept under the municipality's buddies' version and the
newcomer's answers (`matching.rank_buddies`): asked again, it costs no query, and every change
the services make shows in the next ranking at once."""

import pytest

from milieu.community import handles, matching
from milieu.community.services import newcomers as services
from milieu.community.services import people
from milieu.community.tests.factories_newcomers import (
    buddy_of,
    coordinator_of,
    newcomer_of,
    town,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def brossard():
    return town()


def ranked(newcomer) -> list[tuple[int, int]]:
    return [(m.buddy.pk, m.score) for m in matching.rank_buddies(newcomer=newcomer)]


def test_asked_again_the_ranking_costs_no_query(brossard, django_assert_num_queries):
    newcomer = newcomer_of(brossard, languages_spoken=["es"])
    buddy_of(brossard, languages=["es"])
    first = ranked(newcomer)

    with django_assert_num_queries(0):
        assert ranked(newcomer) == first


def test_a_buddys_new_answers_show_at_once(brossard):
    newcomer = newcomer_of(brossard, languages_spoken=["es"], languages_wanted=[])
    buddy = buddy_of(brossard, languages=["de"])
    assert ranked(newcomer) == [(buddy.pk, 5)]

    services.buddy_profile_save(actor=buddy.user, municipality=brossard, languages=["es"])

    assert ranked(newcomer) == [(buddy.pk, 35)]


def test_the_newcomers_new_answers_show_at_once(brossard):
    newcomer = newcomer_of(brossard, languages_spoken=["de"], languages_wanted=[])
    buddy = buddy_of(brossard, languages=["es"])
    assert ranked(newcomer) == [(buddy.pk, 5)]

    newcomer.languages_spoken = ["es"]
    newcomer.save()

    assert ranked(newcomer) == [(buddy.pk, 35)]


def test_a_buddy_proposed_to_another_newcomer_leaves_the_ranking_at_capacity(brossard):
    first, second = newcomer_of(brossard), newcomer_of(brossard)
    buddy = buddy_of(brossard, capacity=1)
    assert [pk for pk, _score in ranked(second)] == [buddy.pk]

    services.pairing_propose(actor=coordinator_of(brossard), newcomer=first, buddy=buddy)

    assert ranked(second) == []


def test_a_block_takes_the_buddy_out_at_once_and_lifting_it_brings_them_back(brossard):
    newcomer = newcomer_of(brossard)
    buddy = buddy_of(brossard)
    handles.profile_ensure(newcomer.user)
    handle = handles.profile_ensure(buddy.user).handle
    assert [pk for pk, _score in ranked(newcomer)] == [buddy.pk]

    people.block(actor=newcomer.user, handle=handle)
    assert ranked(newcomer) == []

    people.unblock(actor=newcomer.user, handle=handle)
    assert [pk for pk, _score in ranked(newcomer)] == [buddy.pk]


def test_the_kept_api_answer_follows_the_ranking_and_the_readers_language(brossard):
    from milieu.core.testing import client_for

    newcomer = newcomer_of(brossard, languages_spoken=["es"], languages_wanted=[])
    buddy = buddy_of(brossard, languages=["de"])
    client = client_for(coordinator_of(brossard))
    url = f"/api/v1/municipalities/brossard/newcomers/{newcomer.pk}/matches"

    def reasons(language: str) -> tuple[int, str]:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        match = response.json()["matches"][0]
        return match["score"], next(r["text"] for r in match["reasons"] if r["key"] == "language")

    english = reasons("en")
    assert english[0] == 5 and english == reasons("en")
    assert reasons("fr")[1] != english[1]

    services.buddy_profile_save(actor=buddy.user, municipality=brossard, languages=["es"])

    assert reasons("en") == (35, "Both speak Spanish.")
