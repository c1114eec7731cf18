"""The search page keeps its fields and its result rows rendered (`{% keep %}`): what a row
says must still be each reader's own (their distance) and the listing's latest version."""

import pytest
from django.urls import reverse
from django.utils import translation

from milieu.core.testing import client_for
from milieu.exchange import services
from milieu.territory.tests.factories import DistrictFactory

from .factories import EAST_4_KM, listing, neighbour, town

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _limits_off(still_clock):
    """Rate limits are counted on a stopped clock; no test here fills them."""


def _about(km: int) -> str:
    with translation.override("fr"):
        return translation.ngettext("about %(km)s km", "about %(km)s km", km) % {"km": km}


def _search(user, municipality) -> str:
    """The search's result rows, as `user` sees them."""
    with translation.override("fr"):
        path = reverse("exchange:listings", kwargs={"municipality_slug": municipality.slug})
    response = client_for(user).get(path)
    assert response.status_code == 200
    page = response.content.decode()
    start = page.find('<ul class="listing-list">')
    return page[start:] if start >= 0 else ""


def test_each_reader_sees_their_own_distance_and_the_latest_title():
    municipality = town()
    east = DistrictFactory(
        municipality=municipality,
        slug="est",
        name="Est",
        latitude=EAST_4_KM[0],
        longitude=EAST_4_KM[1],
    )
    owner = neighbour(municipality)
    near, far = neighbour(municipality), neighbour(municipality)
    far.memberships.update(district=east)
    drill = listing(owner, municipality, title="Perceuse sans fil")

    assert _about(1) in _search(near, municipality)
    page = _search(far, municipality)
    assert _about(1) not in page
    assert _about(4) in page or _about(5) in page

    services.listing_update(actor=owner, listing=drill, title="Perceuse 18 V")
    page = _search(near, municipality)
    assert "Perceuse 18 V" in page and "Perceuse sans fil" not in page


def test_an_owner_finds_a_paused_listing_in_my_listings_only():
    municipality = town()
    owner, reader = neighbour(municipality), neighbour(municipality)
    drill = listing(owner, municipality, title="Perceuse sans fil")
    services.listing_set_status(actor=owner, listing=drill, status="paused")
    assert "Perceuse sans fil" not in _search(owner, municipality)
    with translation.override("fr"):
        mine = reverse("exchange:my_listings", kwargs={"municipality_slug": municipality.slug})
    page = client_for(owner).get(mine).content.decode()
    assert "Perceuse sans fil" in page
    assert (
        reverse(
            "exchange:listing",
            kwargs={"municipality_slug": municipality.slug, "listing_id": drill.pk},
        ).split("/", 2)[2]
        in page
    )
    assert "Perceuse sans fil" not in client_for(reader).get(mine).content.decode()


@pytest.mark.parametrize("count", [1, 8])
def test_my_listings_reads_a_constant_number_of_queries(count, django_assert_max_num_queries):
    municipality = town()
    owner = neighbour(municipality)
    for n in range(count):
        listing(owner, municipality, title=f"Objet {n}")
    with translation.override("fr"):
        mine = reverse("exchange:my_listings", kwargs={"municipality_slug": municipality.slug})
    client = client_for(owner)
    client.get(mine)  # the person's cached facts
    with django_assert_max_num_queries(8):
        assert client.get(mine).status_code == 200
