"""The sharing module's part of the benchmark dataset, built at a tiny scale."""

import json
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, F

from milieu.accounts.models import User
from milieu.core import geo
from milieu.exchange import selectors
from milieu.exchange.bench import RESIDENTS_PER_LISTING
from milieu.exchange.models import Exchange, ExchangeEvent, Listing, LoanDay, Review
from milieu.territory.models import Municipality

pytestmark = pytest.mark.django_db
SCALE = 0.002


@pytest.fixture
def manifest(tmp_path):
    path = tmp_path / "manifest.json"
    call_command(
        "bench_generate",
        scale=SCALE,
        date=datetime.now(UTC).date().isoformat(),
        manifest=str(path),
        stdout=StringIO(),
    )
    return json.loads(path.read_text())


def test_listings_exchanges_and_reviews_are_built_as_the_services_would_leave_them(manifest):
    connection.check_constraints()  # the foreign keys of rows that the test rolls back
    residents = User.objects.filter(email__startswith="resident-").count()
    listings = Listing.objects.count()
    assert (
        residents // RESIDENTS_PER_LISTING * 0.8
        <= listings
        <= residents // RESIDENTS_PER_LISTING + 20
    )
    for listing in Listing.objects.all()[:200]:
        assert geo.is_cell(listing.cell)
        assert geo.cell_columns(listing.cell) == {
            "cell": listing.cell,
            "cell_r7": listing.cell_r7,
            "cell_r6": listing.cell_r6,
            "cell_r5": listing.cell_r5,
        }
    assert Exchange.objects.exclude(listing__municipality=F("municipality")).count() == 0
    # Every exchange's audit rows end in its state, and start with its request.
    for exchange in Exchange.objects.prefetch_related("events")[:300]:
        events = list(exchange.events.all())
        assert events[0].action == "request"
        assert events[-1].to_state == exchange.state
    # Completed exchanges only are reviewed, once per side.
    assert not Review.objects.exclude(exchange__state="completed").exists()
    assert not (
        Review.objects.values("exchange", "author").annotate(n=Count("pk")).filter(n__gt=1).exists()
    )
    assert set(LoanDay.objects.values_list("exchange__state", flat=True)) <= {
        "accepted",
        "handed_over",
    }
    assert ExchangeEvent.objects.count() >= 2 * Exchange.objects.count() * 0.5
    listed = [pk for town in manifest["exchange"].values() for pk in town["listings"]]
    assert listed
    assert set(Listing.objects.filter(pk__in=listed).values_list("status", flat=True)) == {"active"}


def test_a_sample_resident_finds_listings_near_home(manifest):
    found = 0
    for slug, emails in manifest["accounts"]["residents"].items():
        municipality = Municipality.objects.get(slug=slug)
        for user in User.objects.filter(email__in=emails[:3]):
            origin = selectors.home_cell(user, municipality)
            found += selectors.listing_list(
                visible_to=user,
                municipality=municipality,
                filters=selectors.ListingFilters(within_km=25, origin=origin),
            ).count()
    assert found > 0
