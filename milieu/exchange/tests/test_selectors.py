"""The sharing module's reads: distance by cells, filters, who sees what, constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from milieu.core import geo
from milieu.core.errors import NotFound
from milieu.exchange import selectors, services
from milieu.exchange.selectors import ListingFilters

from .factories import (
    CENTRE,
    EAST_1_KM,
    EAST_4_KM,
    EAST_12_KM,
    category,
    days,
    listing,
    neighbour,
    town,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _limits_off(still_clock):
    """Rate limits are counted on a stopped clock; no test here fills them."""


def _titles(listings) -> list[str]:
    return [item.title for item in listings]


def _placed():
    municipality = town()
    owner = neighbour(municipality)
    for title, point in [("near", EAST_1_KM), ("mid", EAST_4_KM), ("far", EAST_12_KM)]:
        listing(owner, municipality, at=point, title=title)
    return municipality, neighbour(municipality)


@pytest.mark.parametrize(
    ("km", "expected"),
    [
        (1, ["near"]),
        (2, ["near"]),
        (5, ["mid", "near"]),
        (10, ["mid", "near"]),
        (25, ["far", "mid", "near"]),
    ],
)
def test_within_n_km_finds_the_listings_whose_cells_are_that_close(km, expected):
    municipality, reader = _placed()
    origin = selectors.home_cell(reader, municipality)
    assert origin == geo.cell_at(*CENTRE)
    found = selectors.listing_list(
        visible_to=reader,
        municipality=municipality,
        filters=ListingFilters(within_km=km, origin=origin),
    )
    assert sorted(_titles(found)) == expected


def test_distances_are_shown_in_whole_kilometres():
    origin = geo.cell_at(*CENTRE)
    assert geo.rounded_km(origin, origin) == 1
    assert geo.rounded_km(origin, geo.cell_at(*EAST_1_KM)) == 1
    assert geo.rounded_km(origin, geo.cell_at(*EAST_4_KM)) in (4, 5)
    assert geo.rounded_km(origin, geo.cell_at(*EAST_12_KM)) in (12, 13)


def test_filters_by_kind_category_text_and_free_days():
    municipality = town()
    owner, reader = neighbour(municipality), neighbour(municipality)
    drill = listing(owner, municipality, title="Perceuse Bosch", description="18 volts")
    listing(owner, municipality, title="Tondeuse", category=category("garden-tools"))
    listing(
        owner,
        municipality,
        kind="give",
        title="Manteau",
        category=category("children-clothing"),
        loan_max_days=None,
    )

    def titles(**filters) -> list[str]:
        return sorted(
            _titles(
                selectors.listing_list(
                    visible_to=reader, municipality=municipality, filters=ListingFilters(**filters)
                )
            )
        )

    assert titles(kind="give") == ["Manteau"]
    assert titles(category=category("tools")) == ["Perceuse Bosch", "Tondeuse"]
    assert titles(category=category("garden-tools")) == ["Tondeuse"]
    assert titles(text="volts bosch") == ["Perceuse Bosch"]
    start, end = days(2, 4)
    asked = services.exchange_request(actor=reader, listing=drill, starts_on=start, due_on=end)
    services.exchange_accept(actor=owner, exchange=asked)
    assert "Perceuse Bosch" not in titles(available_from=start, available_until=end)
    assert "Perceuse Bosch" in titles(available_from=days(5, 5)[0], available_until=days(6, 6)[0])


def test_listings_are_for_members_of_their_municipality_only():
    municipality, _reader = _placed()
    outsider = neighbour(town())
    with pytest.raises(NotFound):
        selectors.listing_list(visible_to=outsider, municipality=municipality)
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotFound):
        selectors.listing_list(visible_to=AnonymousUser(), municipality=municipality)


def test_a_paused_listing_is_seen_by_its_owner_only():
    municipality = town()
    owner, reader = neighbour(municipality), neighbour(municipality)
    drill = listing(owner, municipality)
    services.listing_set_status(actor=owner, listing=drill, status="paused")
    assert not selectors.listing_list(visible_to=reader, municipality=municipality).exists()
    with pytest.raises(NotFound):
        selectors.listing_get(visible_to=reader, municipality=municipality, listing_id=drill.pk)
    assert selectors.listing_get(visible_to=owner, municipality=municipality, listing_id=drill.pk)


@pytest.mark.parametrize("count", [1, 9])
def test_listing_and_exchange_lists_read_a_constant_number_of_queries(count):
    municipality = town()
    owner, reader = neighbour(municipality), neighbour(municipality)
    for n in range(count):
        item = listing(owner, municipality, title=f"Objet {n}")
        start, end = days(n + 1, n + 1)
        services.exchange_request(actor=reader, listing=item, starts_on=start, due_on=end)
    origin = selectors.home_cell(reader, municipality)
    reader = type(reader).objects.get(pk=reader.pk)
    selectors.listing_list(visible_to=reader, municipality=municipality)  # facts cached
    with CaptureQueriesContext(connection) as listed:
        items = list(
            selectors.listing_list(
                visible_to=reader,
                municipality=municipality,
                filters=ListingFilters(within_km=5, origin=origin, text="objet"),
            )[: selectors.PAGE_SIZE]
        )
        shown = [(item.category.name, item.owner.display_name) for item in items]
        exchanges = list(selectors.exchange_list(visible_to=reader)[: selectors.PAGE_SIZE])
        shown += [
            (exchange.listing.category.name, exchange.owner.display_name) for exchange in exchanges
        ]
    assert len(items) == len(exchanges) == count
    assert len(shown) == 2 * count
    assert len(listed.captured_queries) == 2
