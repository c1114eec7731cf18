"""The events demo (`make run`): what a visitor finds in the region's agenda this weekend, and
that loading it twice changes nothing."""

from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from milieu.accounts.models import User
from milieu.core import demo, geo
from milieu.events import selectors
from milieu.events.models import (
    Attraction,
    Category,
    Event,
    EventStatus,
    Occurrence,
    Publisher,
    Registration,
    RegistrationStatus,
)
from milieu.rewards.models import EarningRule
from milieu.rewards.services import program_for
from milieu.territory.models import Municipality, Region

pytestmark = pytest.mark.django_db


def _load() -> str:
    out = StringIO()
    call_command("load_demo", force=True, stdout=out)
    return out.getvalue()


@pytest.fixture
def loaded():
    return _load()


def _weekend_filters(**extra):
    saturday, sunday = selectors.weekend()
    start, end = selectors.day_range(saturday, sunday)
    return selectors.AgendaFilters(start=start, end=end, **extra)


def test_the_loader_comes_after_the_accounts_and_the_volunteering_it_uses():
    names = [loader.name for loader in demo.loaders()]
    assert names.index("events") > names.index("volunteering")
    assert names.index("events") > names.index("accounts")


def test_the_module_is_on_in_four_towns_of_the_region(loaded):
    for slug in ("brossard", "la-prairie", "saint-lambert", "magog"):
        town = Municipality.objects.get(slug=slug)
        assert "events" in town.enabled_modules
        assert town.region.slug == "idees-collectives"
    assert "Events:" in loaded


def test_the_region_agenda_shows_this_weekends_family_events_in_two_towns(loaded):
    region = Region.objects.get(slug="idees-collectives")
    municipalities = selectors.region_municipalities(region)
    brossard = Municipality.objects.get(slug="brossard")
    near = geo.cell_at(brossard.latitude, brossard.longitude)
    filters = _weekend_filters(categories=[Category.FAMILY], near=near, km=20)
    found, _cursor = selectors.agenda(municipalities=municipalities, filters=filters)
    assert sorted((o.event.municipality.slug, o.event.title_en) for o in found) == [
        ("brossard", "Bilingual story time"),
        ("la-prairie", "Picnic and giant games in the park"),
    ]
    story, picnic = sorted(found, key=lambda o: o.event.municipality.slug)
    assert story.capacity == 12 and story.event.registration_required
    assert picnic.capacity is None and picnic.event.is_free
    # Magog's cruise is this Saturday too, but 100 km away and not a family outing.
    everything, _cursor = selectors.agenda(
        municipalities=municipalities, filters=_weekend_filters()
    )
    towns = {o.event.municipality.slug for o in everything}
    assert {"brossard", "la-prairie", "saint-lambert", "magog"} <= towns


def test_the_events_are_written_in_several_languages_with_places_and_links(loaded):
    events = Event.objects.filter(municipality__region__slug="idees-collectives")
    assert events.count() == 6  # no verified merchant without the rewards demo
    assert not events.exclude(status=EventStatus.PUBLISHED).exists()
    assert not events.filter(title_en="").exists()
    assert events.exclude(title_es="").count() >= 3
    assert not events.filter(latitude__isnull=True).exists()
    assert not events.filter(cell="").exists()
    assert not events.filter(accessibility=0).exists()
    cruise = events.get(municipality__slug="magog")
    assert (cruise.category, cruise.price, cruise.ticket_url) == (
        Category.TOURISM,
        39,
        "https://croisieres-memphremagog.example/billets",
    )
    assert geo.distance_km(cruise.cell, events.get(title_fr__startswith="Heure").cell) > 80
    run = events.get(municipality__slug="saint-lambert")
    assert (run.category, run.rrule) == (Category.SPORT, "FREQ=WEEKLY;BYDAY=SA")
    coming = run.occurrences.filter(starts_at__gt=timezone.now())
    assert coming.count() > 50  # expanded up to the horizon, every Saturday
    council = events.get(category=Category.MUNICIPAL)
    assert (council.municipality.slug, council.publisher) == ("brossard", Publisher.CITY)
    tales = events.get(category=Category.CULTURE)
    assert tales.publisher == Publisher.ORGANISATION
    assert tales.organisation.name == "Entraide Brossard"


def test_camille_holds_a_place_and_attendance_earns_points_in_brossard(loaded):
    camille = User.objects.get(email="citoyenne@demo.milieu.test")
    held = Registration.objects.filter(user=camille).exclude(status=RegistrationStatus.CANCELLED)
    assert held.count() == 1
    registration = held.get()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.occurrence.confirmed_count == 1
    assert registration.occurrence.event.registration_required
    brossard = Municipality.objects.get(slug="brossard")
    rule = EarningRule.objects.get(
        program=program_for(brossard), action=EarningRule.Action.EVENT_ATTENDED
    )
    assert rule.active and rule.points == 20


def test_attractions_a_park_without_hours_a_museum_with_hours_and_a_trail(loaded):
    attractions = {a.kind: a for a in Attraction.objects.filter(published=True)}
    assert set(attractions) == {"park", "museum", "trail"}
    by_kind = Attraction.objects.filter(published=True)
    assert by_kind.filter(kind="park", hours={}).count() == 2
    museum = attractions["museum"]
    assert museum.municipality.slug == "la-prairie"
    assert museum.hours["sat"] == [["10:00", "16:00"]] and "mon" not in museum.hours
    assert attractions["trail"].municipality.slug == "magog"
    assert len({a.municipality_id for a in by_kind}) >= 2


def test_the_jazz_evening_is_published_by_the_cafe_when_its_merchant_is_verified():
    from milieu.rewards.models import Merchant

    _load()
    brossard = Municipality.objects.get(slug="brossard")
    owner = User.objects.get(email="commerce@demo.milieu.test")
    Merchant.objects.create(
        program=program_for(brossard),
        municipality=brossard,
        owner=owner,
        name="Café du Quartier",
        category="café",
        address="5800, boulevard Taschereau",
        verified_at=timezone.now(),
    )
    out = _load()
    jazz = Event.objects.get(title_fr="Jazz au Café du Quartier")
    assert (jazz.publisher, jazz.merchant.owner, jazz.status) == (
        Publisher.MERCHANT,
        owner,
        EventStatus.PUBLISHED,
    )
    assert "Jazz au Café du Quartier" in out


def test_loading_the_demo_again_changes_nothing(loaded):
    counts = {m._meta.label: m.objects.count() for m in apps.get_models()}
    out = _load()
    assert {m._meta.label: m.objects.count() for m in apps.get_models()} == counts
    assert "Events:\n  already loaded" in out


def test_a_one_off_event_whose_date_has_passed_moves_to_this_weeks_date(loaded):
    council = Event.objects.get(category=Category.MUNICIPAL)
    first = council.occurrences.get()
    weeks_ago = timedelta(days=21)
    Event.objects.filter(pk=council.pk).update(
        starts_at=council.starts_at - weeks_ago, ends_at=council.ends_at - weeks_ago
    )
    Occurrence.objects.filter(pk=first.pk).update(
        starts_at=first.starts_at - weeks_ago, ends_at=first.ends_at - weeks_ago
    )
    out = _load()
    council.refresh_from_db()
    assert council.starts_at == first.starts_at
    dates = list(council.occurrences.order_by("starts_at").values_list("starts_at", flat=True))
    assert dates == [first.starts_at - weeks_ago, first.starts_at]
    assert "moved to their date of this week: Portes ouvertes du conseil municipal" in out
