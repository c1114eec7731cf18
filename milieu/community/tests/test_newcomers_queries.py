"""Query budget of the newcomer pages and API (issue 6): the same number of queries, at most 12,
for a few resources, newcomers, buddies or pairings as for many."""

from itertools import count

import pytest

from milieu.accounts.tests.factories import citizen_of
from milieu.community.models import BuddyProfile
from milieu.community.tests.factories_newcomers import (
    buddy_of,
    coordinator_of,
    district,
    newcomer_of,
    pairing_of,
    resource_of,
    town,
)
from milieu.core.testing import assert_constant_queries, client_for, showing

pytestmark = pytest.mark.django_db
_numbers = count(1)
STATES = ["proposed", "active", "completed", "ended", "declined"]


def _name(prefix: str) -> str:
    return f"{prefix} {next(_numbers):04d}"


@pytest.fixture
def brossard():
    return town()


@pytest.fixture
def coordinator(brossard):
    return coordinator_of(brossard)


def _resources(municipality):
    def add(n):
        names = []
        for index in range(n):
            name = _name("Ressource")
            resource_of(
                municipality,
                name=name,
                category=["welcome", "health", "housing"][index % 3],
                description_en="In English.",
                languages=["fr", "en"],
            )
            names.append(name)
        return names

    return add


def test_the_directory_is_constant_for_anonymous_readers(brossard):
    assert_constant_queries(client_for(), "/en/brossard/newcomers/", _resources(brossard))


def test_the_directory_is_constant_for_a_member_with_profiles_and_pairings(brossard):
    member = citizen_of(brossard)
    newcomer = newcomer_of(brossard, user=member)
    buddy_of(brossard, user=member, capacity=5)
    pairing_of(newcomer, buddy_of(brossard), "declined")
    assert_constant_queries(
        client_for(member), "/en/brossard/newcomers/?language=en", _resources(brossard)
    )


def test_the_directory_api_is_constant(brossard):
    assert_constant_queries(
        client_for(),
        "/api/v1/municipalities/brossard/newcomers/resources?limit=100",
        _resources(brossard),
    )


def _waiting(municipality):
    quarter = district(municipality, "Centre", 45.45, -73.46)

    def add(n):
        names = []
        for _ in range(n):
            name = _name("Arrivant")
            newcomer_of(
                municipality, user=citizen_of(municipality, display_name=name), district=quarter
            )
            names.append(name)
        return names

    return add


def test_the_queue_page_is_constant(brossard, coordinator):
    assert_constant_queries(
        client_for(coordinator), "/en/brossard/staff/newcomers/", _waiting(brossard), many=20
    )


def test_the_queue_api_is_constant(brossard, coordinator):
    assert_constant_queries(
        client_for(coordinator),
        "/api/v1/municipalities/brossard/newcomers/queue?limit=100",
        _waiting(brossard),
    )


def _buddies(municipality, newcomer):
    quarter = district(municipality, "Est", 45.46, -73.45)

    def add(n):
        names = []
        for index in range(n):
            name = _name("Parrain")
            buddy = buddy_of(
                municipality,
                user=citizen_of(municipality, display_name=name),
                district=quarter if index % 2 else None,
                languages=["es", "fr"],
                interests=["music"],
                capacity=2,
            )
            if index % 3 == 1:  # some already welcome someone
                pairing_of(newcomer_of(municipality), buddy, "active")
            names.append(name)
        return names

    return add


def test_the_matches_api_is_constant_with_3_buddies_and_with_40(brossard, coordinator):
    newcomer = newcomer_of(brossard, interests=["music"])
    assert_constant_queries(
        client_for(coordinator),
        f"/api/v1/municipalities/brossard/newcomers/{newcomer.pk}/matches?limit=50",
        _buddies(brossard, newcomer),
        few=3,
        many=40,
    )


def test_the_newcomer_page_with_its_matches_is_constant_with_3_buddies_and_with_40(
    brossard, coordinator
):
    newcomer = newcomer_of(brossard, interests=["music"])
    add = _buddies(brossard, newcomer)
    first = add(1)  # the best ranked (and oldest) buddy stays on the page however many join
    assert_constant_queries(
        client_for(coordinator),
        f"/en/brossard/staff/newcomers/newcomers/{newcomer.pk}/",
        showing(add, *first, "Suggested buddies"),
        few=2,
        many=39,
    )


def _pairings(municipality):
    """Pairings in every state, each with a newcomer of its own."""

    def add(n):
        names = []
        for index in range(n):
            name = _name("Nouvelle")
            newcomer = newcomer_of(municipality, user=citizen_of(municipality, display_name=name))
            pairing_of(newcomer, buddy_of(municipality), STATES[index % 5])
            names.append(name)
        return names

    return add


def test_the_coordinators_pairings_page_is_constant(brossard, coordinator):
    assert_constant_queries(
        client_for(coordinator),
        "/en/brossard/staff/newcomers/pairings/",
        _pairings(brossard),
        many=20,
    )


def test_the_coordinators_pairings_api_is_constant(brossard, coordinator):
    assert_constant_queries(
        client_for(coordinator),
        "/api/v1/municipalities/brossard/newcomers/pairings?limit=100",
        _pairings(brossard),
    )


def _my_pairings(municipality, me, *, marker: str):
    """Pairings in every state where `me` is the buddy; each shows its page's address (pages)
    or its note (API)."""

    def add(n):
        shown = []
        buddy = BuddyProfile.objects.filter(user=me).first() or buddy_of(municipality, user=me)
        for index in range(n):
            note = _name("Note")
            pairing = pairing_of(newcomer_of(municipality), buddy, STATES[index % 5], note=note)
            shown.append(f"pairings/{pairing.pk}/" if marker == "url" else note)
        return shown

    return add


def test_my_pairings_page_is_constant(brossard):
    me = citizen_of(brossard)
    assert_constant_queries(
        client_for(me),
        "/en/brossard/newcomers/pairings/",
        _my_pairings(brossard, me, marker="url"),
        many=20,
    )


def test_my_pairings_on_the_newcomers_home_are_constant(brossard):
    me = citizen_of(brossard)
    add = _my_pairings(brossard, me, marker="url")
    assert_constant_queries(
        client_for(me), "/en/brossard/newcomers/", showing(add, "My pairings", "All my pairings")
    )


def test_my_pairings_api_is_constant(brossard):
    me = citizen_of(brossard)
    assert_constant_queries(
        client_for(me),
        "/api/v1/community/pairings?limit=100",
        _my_pairings(brossard, me, marker="note"),
    )
