"""The events API: the domain layer's services, selectors, rules and errors over HTTP. Visitors
browse the agenda without an account; organisers see people by their display name only; bad
input is a 422 naming its field; a refused write changes nothing."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import count
from typing import Any

import pytest
import time_machine

from milieu.accounts.models import User
from milieu.core import geo
from milieu.core.testing import assert_constant_queries, client_for
from milieu.events import selectors, services
from milieu.events.models import (
    Access,
    Attraction,
    CalendarToken,
    Event,
    Occurrence,
    Registration,
)
from milieu.rewards.models import EarningRule, Entry, Posting
from milieu.rewards.services import earning_rule_set, points_balance, program_for
from milieu.rewards.tests.factories import merchant_of
from milieu.volunteering.tests.factories import organisation

from .factories import (
    BROSSARD,
    LA_PRAIRIE,
    MAGOG,
    event,
    first_date,
    local,
    region,
    resident,
    staff,
    tomorrow,
    town,
)

pytestmark = pytest.mark.django_db
API = "/api/v1"
CELL_KEYS = {"cell", "cell_r7", "cell_r6", "cell_r5"}
_numbers = count(1)


@pytest.fixture(autouse=True)
def _limits_off(still_clock):
    """Rate limits are counted on a stopped clock; no test here fills them."""


def call(user, method: str, path: str, payload=None, **extra) -> tuple[int, Any]:
    """`method` on `path` as `user` (anonymous: None), with `payload` as JSON."""
    client = client_for(user)
    if method == "GET":
        response = client.get(API + path, **extra)
    else:
        data = json.dumps(payload, default=str) if payload is not None else ""
        response = getattr(client, method.lower())(
            API + path, data=data, content_type="application/json", **extra
        )
    body = response.json() if response.content else None
    _assert_private(body)
    return response.status_code, body


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in _keys(item)}
    if isinstance(value, list):
        return {key for item in value for key in _keys(item)}
    return set()


def _assert_private(body) -> None:
    """No answer carries an H3 cell, nor any person's email address."""
    assert not _keys(body) & CELL_KEYS, body
    text = json.dumps(body).lower()
    leaked = [email for email in User.objects.values_list("email", flat=True) if email in text]
    assert leaked == [], leaked


def _state() -> tuple:
    """Everything the module stores (and the points ledger), to prove that a refusal changed
    nothing."""
    return (
        list(Event.objects.order_by("pk").values()),
        list(Occurrence.objects.order_by("pk").values()),
        list(Registration.objects.order_by("pk").values()),
        list(Attraction.objects.order_by("pk").values()),
        list(CalendarToken.objects.order_by("pk").values()),
        list(Posting.objects.order_by("pk").values()),
        list(Entry.objects.order_by("pk").values()),
    )


def _error(body) -> tuple[str, dict]:
    return body["error"]["code"], body["error"]["fields"]


def _payload(**values) -> dict:
    day = tomorrow()
    return {
        "title_fr": f"Concert au parc {next(_numbers)}",
        "description_fr": "Un orchestre sous les arbres.",
        "category": "culture",
        "starts_at": local(day, 19).isoformat(),
        "ends_at": local(day, 21).isoformat(),
        "place_name": "Parc central",
        **values,
    }


def _titles(body) -> list[str]:
    return [item["event"]["title"] for item in body["items"]]


# --- The agenda -----------------------------------------------------------------------------------


def test_a_visitor_finds_this_weekends_family_events_within_20_km_across_two_cities():
    with time_machine.travel("2027-05-12 15:00Z", tick=False):  # a Wednesday
        south_shore = region()
        brossard = town(at=BROSSARD, region=south_shore)
        la_prairie = town(at=LA_PRAIRIE, region=south_shore)
        magog = town(at=MAGOG, region=south_shore)
        saturday, sunday = selectors.weekend()
        assert (saturday, sunday) == (date(2027, 5, 15), date(2027, 5, 16))

        def family(city, title, day, **values):
            return event(
                city,
                title_fr=title,
                category="family",
                starts_at=local(day, 10),
                ends_at=local(day, 12),
                **values,
            )

        family(brossard, "Contes au parc", saturday)
        family(la_prairie, "Pique-nique géant", sunday)
        family(magog, "Chasse au trésor", saturday)  # 105 km away
        family(brossard, "Cirque la semaine suivante", saturday + timedelta(days=7))
        family(la_prairie, "Brouillon", sunday, publish=False)
        event(
            brossard,
            title_fr="Vernissage",
            starts_at=local(saturday, 14),
            ends_at=local(saturday, 16),
        )

        status, page = call(
            None,
            "GET",
            f"/events?region={south_shore.slug}&from={saturday}&to={sunday}"
            f"&category=family&near={brossard.slug}&km=20",
        )

    assert status == 200
    assert _titles(page) == ["Contes au parc", "Pique-nique géant"]
    assert [item["event"]["municipality"] for item in page["items"]] == [
        {"slug": brossard.slug, "name": brossard.name},
        {"slug": la_prairie.slug, "name": la_prairie.name},
    ]
    apart = geo.rounded_km(geo.cell_at(*BROSSARD), geo.cell_at(*LA_PRAIRIE))
    assert [item["distance_km"] for item in page["items"]] == [1, apart]
    assert apart <= 20
    assert page["next_cursor"] is None


def test_an_agenda_item_carries_its_date_and_event_summary():
    city = town()
    created = event(city, title_fr="Soirée jazz", price="12.50", registration_required=True)
    created = services.event_update(
        actor=staff(city), event=created, values={"capacity": 40, "accessibility": [1, 4]}
    )
    occurrence = first_date(created)

    status, page = call(None, "GET", f"/events?municipality={city.slug}")

    assert status == 200
    assert page["items"] == [
        {
            "id": occurrence.pk,
            "starts_at": occurrence.starts_at.isoformat().replace("+00:00", "Z"),
            "ends_at": occurrence.ends_at.isoformat().replace("+00:00", "Z"),
            "status": "scheduled",
            "capacity": 40,
            "places_left": 40,
            "is_full": False,
            "distance_km": None,
            "event": {
                "id": created.pk,
                "title": "Soirée jazz",
                "language": "fr",
                "category": "culture",
                "municipality": {"slug": city.slug, "name": city.name},
                "publisher": {
                    "kind": "city",
                    "name": city.name,
                    "organisation_id": None,
                    "merchant_id": None,
                },
                "place_name": "Parc central",
                "price": "12.50",
                "is_free": False,
                "accessibility": ["step_free", "hearing_loop"],
                "registration_required": True,
                "status": "published",
                "url": f"http://testserver/fr/{city.slug}/events/{created.pk}/",
            },
            "my_registration": None,
        }
    ]


def test_the_agenda_filters_by_price_and_accessibility_and_measures_from_a_position():
    city = town()
    event(city, title_fr="Gratuit accessible", accessibility=[Access.STEP_FREE, Access.QUIET_SPACE])
    event(city, title_fr="Payant", price=15, accessibility=[Access.STEP_FREE])
    event(city, title_fr="Gratuit sans plus")
    base = f"/events?municipality={city.slug}"

    assert _titles(call(None, "GET", f"{base}&free=true")[1]) == [
        "Gratuit accessible",
        "Gratuit sans plus",
    ]
    assert _titles(call(None, "GET", f"{base}&free=false")[1]) == ["Payant"]
    assert _titles(call(None, "GET", f"{base}&accessibility=step_free")[1]) == [
        "Gratuit accessible",
        "Payant",
    ]
    assert _titles(
        call(None, "GET", f"{base}&accessibility=step_free&accessibility=quiet_space")[1]
    ) == ["Gratuit accessible"]
    status, page = call(None, "GET", f"{base}&lat={MAGOG[0]}&lng={MAGOG[1]}&km=50")
    assert (status, page["items"]) == (200, [])
    status, page = call(None, "GET", f"{base}&lat={BROSSARD[0]}&lng={BROSSARD[1]}&km=5")
    assert [item["distance_km"] for item in page["items"]] == [1, 1, 1]


def test_the_agenda_leaves_out_drafts_cancelled_events_and_towns_without_the_module():
    city = town()
    officer = staff(city)
    event(city, actor=officer, title_fr="Publié")
    event(city, actor=officer, title_fr="Brouillon", publish=False)
    services.event_cancel(actor=officer, event=event(city, actor=officer, title_fr="Annulé"))
    quiet = town(modules=())
    status, page = call(None, "GET", "/events")
    assert (status, _titles(page)) == (200, ["Publié"])
    status, error = call(None, "GET", f"/events?municipality={quiet.slug}")
    assert status == 422
    assert _error(error)[0] == "validation" and list(_error(error)[1]) == ["municipality"]


def test_the_agenda_pages_with_a_cursor_soonest_first():
    city = town()
    officer = staff(city)
    day = tomorrow()
    for hour, title in ((20, "Trois"), (10, "Un"), (15, "Deux")):
        event(
            city,
            actor=officer,
            title_fr=title,
            starts_at=local(day, hour),
            ends_at=local(day, hour + 1),
        )
    status, first = call(None, "GET", f"/events?municipality={city.slug}&limit=2")
    assert (status, _titles(first)) == (200, ["Un", "Deux"])
    status, rest = call(
        None, "GET", f"/events?municipality={city.slug}&limit=2&cursor={first['next_cursor']}"
    )
    assert (status, _titles(rest), rest["next_cursor"]) == (200, ["Trois"], None)


def test_the_agenda_shows_my_registrations():
    city = town()
    occurrence = first_date(event(city, registration_required=True, capacity=3))
    person = resident(city)
    registration = services.registration_create(actor=person, occurrence=occurrence)
    page = call(person, "GET", "/events")[1]
    assert page["items"][0]["my_registration"] == {"id": registration.pk, "status": "confirmed"}
    assert call(resident(city), "GET", "/events")[1]["items"][0]["my_registration"] is None


def test_titles_are_in_the_requests_language_else_the_original():
    city = town()
    created = event(city, title_fr="Fête au village", title_en="Village fair")

    for language, title, written in (
        ("en", "Village fair", "en"),
        ("fr", "Fête au village", "fr"),
        ("es", "Fête au village", "fr"),
    ):
        status, page = call(None, "GET", "/events", HTTP_ACCEPT_LANGUAGE=language)
        assert (status, _titles(page)) == (200, [title])
        assert page["items"][0]["event"]["language"] == written
        status, shown = call(None, "GET", f"/events/{created.pk}", HTTP_ACCEPT_LANGUAGE=language)
        assert (shown["title"], shown["language"]) == (title, written)
        assert (shown["title_fr"], shown["title_en"], shown["title_es"]) == (
            "Fête au village",
            "Village fair",
            "",
        )
    status, page = call(None, "GET", "/events", HTTP_ACCEPT_LANGUAGE="en")
    assert page["items"][0]["event"]["url"].startswith(f"http://testserver/en/{city.slug}/")


def test_the_agenda_runs_as_many_queries_for_25_events_as_for_2():
    city, elsewhere = town(), town(at=LA_PRAIRIE)
    officers = {city: staff(city), elsewhere: staff(elsewhere)}

    def add(n: int) -> list[str]:
        titles = []
        for number in range(n):
            where = city if number % 2 else elsewhere
            title = f"Show {next(_numbers)}"
            event(where, actor=officers[where], title_fr=title, registration_required=True)
            titles.append(title)
        return titles

    assert_constant_queries(client_for(None), f"{API}/events?limit=50", add)


def test_the_agenda_of_a_logged_in_reader_runs_as_many_queries_for_25_events_as_for_2():
    city = town()
    officer, person = staff(city), resident(city)

    def add(n: int) -> list[str]:
        titles = []
        for _ in range(n):
            title = f"Atelier {next(_numbers)}"
            created = event(
                city, actor=officer, title_fr=title, registration_required=True, capacity=9
            )
            services.registration_create(actor=person, occurrence=first_date(created))
            titles.append(title)
        return titles

    assert_constant_queries(client_for(person), f"{API}/events?limit=50&near={city.slug}", add)


def test_my_registrations_and_an_organisers_list_run_as_many_queries_for_25_as_for_2():
    city = town()
    officer, person = staff(city), resident(city)
    occurrence = first_date(event(city, actor=officer, registration_required=True, capacity=5))

    def register_for_dates(n: int) -> list[str]:
        titles = []
        for _ in range(n):
            title = f"Cours {next(_numbers)}"
            created = event(city, actor=officer, title_fr=title, registration_required=True)
            services.registration_create(actor=person, occurrence=first_date(created))
            titles.append(title)
        return titles

    def register_people(n: int) -> list[str]:
        names = [f"Participant {next(_numbers)}" for _ in range(n)]
        for name in names:
            services.registration_create(
                actor=resident(city, display_name=name), occurrence=occurrence
            )
        return names

    assert_constant_queries(client_for(person), f"{API}/me/event-registrations", register_for_dates)
    assert_constant_queries(
        client_for(officer), f"{API}/occurrences/{occurrence.pk}/registrations", register_people
    )


def test_the_attractions_run_as_many_queries_for_25_as_for_2():
    city = town()
    officer = staff(city)

    def add(n: int) -> list[str]:
        names = [f"Parc {next(_numbers)}" for _ in range(n)]
        for name in names:
            services.attraction_create(
                actor=officer,
                municipality=city,
                values={"name_fr": name, "kind": "park", "published": True},
            )
        return names

    assert_constant_queries(client_for(officer), f"{API}/attractions", add)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("km=0&near={slug}", "query.km"),
        ("km=51&near={slug}", "query.km"),
        ("km=5", "km"),
        ("limit=51", "query.limit"),
        ("limit=0", "query.limit"),
        ("cursor=not-a-cursor", "cursor"),
        ("cursor=WzFd", "cursor"),
        ("from=2027-02-30", "query.from"),
        ("from=2027-05-10&to=2027-05-01", "to"),
        ("from=2027-01-01&to=2028-06-01", "to"),
        ("from=9999-12-31", "from"),
        ("from=1900-01-01&to=1900-01-02", "from"),
        ("category=opera", "category"),
        ("accessibility=elevator", "accessibility"),
        ("region=nowhere", "region"),
        ("municipality=nowhere", "municipality"),
        ("near=nowhere", "near"),
        ("lat=45.5", "lng"),
        ("lat=91&lng=0", "query.lat"),
        ("near={slug}&lat=45.5&lng=-73.5", "near"),
        ("free=perhaps", "query.free"),
    ],
)
def test_bad_agenda_input_is_a_422_naming_the_field(query, field):
    city = town()
    event(city)
    status, error = call(None, "GET", "/events?" + query.format(slug=city.slug))
    assert status == 422, error
    assert _error(error)[0] == "validation"
    assert list(_error(error)[1]) == [field]


def test_a_municipality_outside_the_region_is_refused():
    south_shore = region()
    inside, outside = town(region=south_shore), town(at=MAGOG)
    status, error = call(
        None, "GET", f"/events?region={south_shore.slug}&municipality={outside.slug}"
    )
    assert status == 422 and list(_error(error)[1]) == ["municipality"]
    status, page = call(
        None, "GET", f"/events?region={south_shore.slug}&municipality={inside.slug}"
    )
    assert (status, page["items"]) == (200, [])


# --- Events ---------------------------------------------------------------------------------------


def test_staff_write_a_draft_publish_it_and_visitors_then_see_it():
    city = town()
    officer = staff(city)
    status, draft = call(
        officer,
        "POST",
        f"/municipalities/{city.slug}/events",
        _payload(
            title_fr="Feux d'artifice",
            title_en="Fireworks",
            rrule="RRULE:FREQ=WEEKLY;COUNT=3",
            accessibility=["step_free", "adapted_toilets"],
            ticket_url="https://billets.example/feux",
            audio_guide_url="https://audio.example/feux",
            ar_url="https://ra.example/feux",
            registration_required=True,
            capacity=100,
            price="5",
            latitude=BROSSARD[0] + 0.01,
            longitude=BROSSARD[1],
        ),
    )
    assert status == 201, draft
    assert (draft["status"], draft["published_at"], draft["next_occurrences"]) == (
        "draft",
        None,
        [],
    )
    assert draft["rrule"] == "FREQ=WEEKLY;COUNT=3"
    assert draft["accessibility"] == ["step_free", "adapted_toilets"]
    assert (draft["ticket_url"], draft["audio_guide_url"], draft["ar_url"]) == (
        "https://billets.example/feux",
        "https://audio.example/feux",
        "https://ra.example/feux",
    )
    assert (draft["price"], draft["capacity"], draft["may_manage"]) == ("5.00", 100, True)
    assert draft["latitude"] == pytest.approx(BROSSARD[0] + 0.01)
    status, error = call(None, "GET", f"/events/{draft['id']}", HTTP_ACCEPT_LANGUAGE="en")
    assert (status, error["error"]) == (
        404,
        {"code": "not_found", "message": "This event does not exist.", "fields": {}},
    )
    assert call(None, "GET", "/events")[1]["items"] == []

    status, published = call(officer, "POST", f"/events/{draft['id']}/publish")
    assert (status, published["status"]) == (200, "published")
    assert len(published["next_occurrences"]) == 3
    assert {o["places_left"] for o in published["next_occurrences"]} == {100}

    status, shown = call(None, "GET", f"/events/{draft['id']}")
    assert (status, shown["title"], shown["may_manage"]) == (200, "Feux d'artifice", False)
    assert len(call(None, "GET", "/events")[1]["items"]) == 3
    status, error = call(officer, "POST", f"/events/{draft['id']}/publish")
    assert (status, _error(error)[0]) == (409, "wrong_state")


def test_an_organisation_member_and_a_merchant_publish_in_their_own_names():
    city = town(modules=("events", "volunteering"))
    member = resident(city)
    org = organisation(city, manager=member, name="Club de lecture")
    merchant = merchant_of(city, program_for(city))
    owner = merchant.owner

    status, choices = call(member, "GET", f"/municipalities/{city.slug}/event-publishers")
    assert (status, choices) == (
        200,
        {"city": False, "organisations": [{"id": org.pk, "name": org.name}], "merchants": []},
    )
    status, choices = call(owner, "GET", f"/municipalities/{city.slug}/event-publishers")
    assert choices == {
        "city": False,
        "organisations": [],
        "merchants": [{"id": merchant.pk, "name": "Boulangerie du Coin"}],
    }
    status, choices = call(staff(city), "GET", f"/municipalities/{city.slug}/event-publishers")
    assert choices == {"city": True, "organisations": [], "merchants": []}
    assert call(None, "GET", f"/municipalities/{city.slug}/event-publishers")[0] == 401

    path = f"/municipalities/{city.slug}/events"
    status, by_org = call(
        member, "POST", path, _payload(publisher="organisation", organisation=org.pk)
    )
    assert status == 201
    assert by_org["publisher"] == {
        "kind": "organisation",
        "name": "Club de lecture",
        "organisation_id": org.pk,
        "merchant_id": None,
    }
    status, by_merchant = call(
        owner, "POST", path, _payload(publisher="merchant", merchant=merchant.pk)
    )
    assert (status, by_merchant["publisher"]["name"]) == (201, "Boulangerie du Coin")

    before = _state()
    status, error = call(member, "POST", path, _payload(publisher="merchant", merchant=merchant.pk))
    assert (status, list(_error(error)[1])) == (422, ["merchant"])
    assert _state() == before

    status, mine = call(member, "GET", f"/municipalities/{city.slug}/managed-events")
    assert (status, [e["id"] for e in mine]) == (200, [by_org["id"]])
    status, everything = call(staff(city), "GET", f"/municipalities/{city.slug}/managed-events")
    assert sorted(e["id"] for e in everything) == sorted([by_org["id"], by_merchant["id"]])


def test_a_patch_changes_only_the_fields_given():
    city = town()
    officer = staff(city)
    created = event(city, actor=officer, title_fr="Yoga", registration_required=True, capacity=10)
    status, changed = call(
        officer,
        "PATCH",
        f"/events/{created.pk}",
        {"title_en": "Yoga in the park", "capacity": 12, "accessibility": ["quiet_space"]},
    )
    assert status == 200
    assert (changed["title_fr"], changed["title_en"], changed["capacity"]) == (
        "Yoga",
        "Yoga in the park",
        12,
    )
    assert changed["accessibility"] == ["quiet_space"]
    assert changed["next_occurrences"][0]["capacity"] == 12
    created.refresh_from_db()
    assert (created.category, created.place_name) == ("culture", "Parc central")


def test_a_weekly_event_lists_its_dates_page_by_page():
    city = town()
    day = tomorrow()
    created = event(
        city,
        starts_at=local(day, 18),
        ends_at=local(day, 19),
        rrule="FREQ=WEEKLY;COUNT=5",
    )
    starts = list(created.occurrences.order_by("starts_at").values_list("pk", flat=True))
    status, first = call(None, "GET", f"/events/{created.pk}/occurrences?limit=3")
    assert (status, [o["id"] for o in first["items"]]) == (200, starts[:3])
    status, rest = call(
        None, "GET", f"/events/{created.pk}/occurrences?limit=3&cursor={first['next_cursor']}"
    )
    assert ([o["id"] for o in rest["items"]], rest["next_cursor"]) == (starts[3:], None)
    status, error = call(None, "GET", f"/events/{created.pk}/occurrences?cursor=abc")
    assert (status, list(_error(error)[1])) == (422, ["cursor"])


def test_cancelling_an_event_or_one_date():
    city = town()
    officer = staff(city)
    day = tomorrow()
    weekly = event(
        city,
        actor=officer,
        starts_at=local(day, 9),
        ends_at=local(day, 10),
        rrule="FREQ=DAILY;COUNT=3",
    )
    second = weekly.occurrences.order_by("starts_at")[1]
    status, date_ = call(officer, "POST", f"/occurrences/{second.pk}/cancel")
    assert (status, date_["status"]) == (200, "cancelled")
    assert len(call(None, "GET", "/events")[1]["items"]) == 2
    status, error = call(officer, "POST", f"/occurrences/{second.pk}/cancel")
    assert (status, _error(error)[0]) == (409, "wrong_state")

    status, cancelled = call(officer, "POST", f"/events/{weekly.pk}/cancel", {"reason": "Pluie"})
    assert (status, cancelled["status"], cancelled["cancel_reason"]) == (200, "cancelled", "Pluie")
    assert {o["status"] for o in cancelled["next_occurrences"]} == {"cancelled"}
    assert call(None, "GET", "/events")[1]["items"] == []
    assert call(None, "GET", f"/events/{weekly.pk}")[1]["status"] == "cancelled"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"rrule": "FREQ=MINUTELY"}, "rrule"),
        ({"rrule": "not a rule"}, "rrule"),
        ({"ends_at": local(tomorrow(), 18).isoformat()}, "ends_at"),
        ({"category": "opera"}, "category"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"accessibility": ["elevator"]}, "accessibility"),
        ({"ticket_url": "javascript:alert(1)"}, "ticket_url"),
        ({"registration_required": True, "capacity": 0}, "capacity"),
        ({"title_fr": ""}, "title_fr"),
        ({"price": "-1"}, "price"),
        ({"latitude": MAGOG[0], "longitude": MAGOG[1]}, "latitude"),
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"starts_at": "9999-12-31T23:00:00", "ends_at": "9999-12-31T23:30:00"}, "starts_at"),
        ({"capacity": "many"}, "capacity"),
    ],
)
def test_bad_event_input_is_a_422_naming_the_field_and_nothing_is_written(change, field):
    city = town()
    officer = staff(city)
    existing = event(city, actor=officer)
    before = _state()

    status, error = call(officer, "POST", f"/municipalities/{city.slug}/events", _payload(**change))
    assert status == 422, error
    assert _error(error)[0] == "validation" and list(_error(error)[1]) == [field]
    assert error["error"]["message"] == "Certains champs sont à corriger."
    status, error = call(officer, "PATCH", f"/events/{existing.pk}", change)
    assert status == 422, error
    assert list(_error(error)[1]) == [field]
    assert _state() == before


def test_an_unknown_municipality_or_one_without_the_module_is_not_found():
    city = town(modules=())
    officer = staff(city)
    for slug in (city.slug, "nowhere"):
        status, error = call(officer, "POST", f"/municipalities/{slug}/events", _payload())
        assert (status, _error(error)[0]) == (404, "not_found")
    assert Event.objects.count() == 0


# --- Registrations --------------------------------------------------------------------------------


def test_the_last_place_then_the_waiting_list_then_a_promotion_when_a_place_frees():
    city = town()
    occurrence = first_date(event(city, registration_required=True, capacity=2))
    early = resident(city)
    last = resident(town(at=LA_PRAIRIE))  # from another city: culture crosses borders
    late = resident(city, display_name="Louise Lente")
    path = f"/occurrences/{occurrence.pk}/registrations"

    assert call(early, "POST", path)[0] == 201
    status, mine = call(last, "POST", path)
    assert (status, mine["status"], mine["queue_position"]) == (201, "confirmed", None)
    assert mine["ticket"] == Registration.objects.get(pk=mine["id"]).ticket
    status, waiting = call(late, "POST", path)
    assert (status, waiting["status"], waiting["queue_position"], waiting["ticket"]) == (
        201,
        "waitlisted",
        1,
        None,
    )
    item = call(None, "GET", "/events")[1]["items"][0]
    assert (item["places_left"], item["is_full"]) == (0, True)

    status, cancelled = call(last, "POST", f"/event-registrations/{mine['id']}/cancel")
    assert (status, cancelled["status"], cancelled["ticket"]) == (200, "cancelled", None)

    status, promoted = call(late, "GET", f"/event-registrations/{waiting['id']}")
    assert (status, promoted["status"], promoted["queue_position"]) == (200, "confirmed", None)
    assert promoted["ticket"] == Registration.objects.get(pk=waiting["id"]).ticket
    assert promoted["promoted_at"] is not None
    status, listed = call(late, "GET", "/me/event-registrations")
    assert [(r["id"], r["status"]) for r in listed] == [(waiting["id"], "confirmed")]
    occurrence.refresh_from_db()
    assert (occurrence.confirmed_count, occurrence.waiting_count) == (2, 0)


def test_registering_twice_is_a_409_and_changes_nothing():
    city = town()
    occurrence = first_date(event(city, registration_required=True, capacity=5))
    person = resident(city)
    path = f"/occurrences/{occurrence.pk}/registrations"
    assert call(person, "POST", path)[0] == 201
    before = _state()
    status, error = call(person, "POST", path)
    assert (status, _error(error)[0]) == (409, "already_registered")
    assert _state() == before


def test_a_date_without_registration_or_of_a_draft_refuses_registration():
    city = town()
    person = resident(city)
    open_air = first_date(event(city))
    before = _state()
    status, error = call(person, "POST", f"/occurrences/{open_air.pk}/registrations")
    assert (status, _error(error)[0]) == (403, "permission_denied")
    draft = event(city, registration_required=True, capacity=3)
    Event.objects.filter(pk=draft.pk).update(status="draft", published_at=None)  # back to draft
    status, error = call(person, "POST", f"/occurrences/{first_date(draft).pk}/registrations")
    assert status == 404
    assert _state()[2] == before[2]


def test_organisers_see_who_registered_by_display_name_and_queue_position():
    city = town()
    officer = staff(city)
    occurrence = first_date(event(city, actor=officer, registration_required=True, capacity=1))
    people = [resident(city, display_name=name) for name in ("Ana", "Bruno", "Chloé")]
    made = [services.registration_create(actor=p, occurrence=occurrence) for p in people]
    status, registrants = call(officer, "GET", f"/occurrences/{occurrence.pk}/registrations")
    assert status == 200
    assert registrants == [
        {
            "id": made[0].pk,
            "display_name": "Ana",
            "status": "confirmed",
            "queue_position": None,
            "checked_in_at": None,
        },
        {
            "id": made[1].pk,
            "display_name": "Bruno",
            "status": "waitlisted",
            "queue_position": 1,
            "checked_in_at": None,
        },
        {
            "id": made[2].pk,
            "display_name": "Chloé",
            "status": "waitlisted",
            "queue_position": 2,
            "checked_in_at": None,
        },
    ]
    status, third = call(people[2], "GET", f"/event-registrations/{made[2].pk}")
    assert third["queue_position"] == 2
    status, seen = call(officer, "GET", f"/event-registrations/{made[0].pk}")
    assert (status, seen["person"], seen["ticket"], seen["is_mine"]) == (
        200,
        {"display_name": "Ana"},
        None,
        False,
    )
    assert call(people[1], "GET", f"/event-registrations/{made[0].pk}")[0] == 404


def test_my_registrations_list_coming_and_past_dates_with_their_tickets():
    city = town()
    person = resident(city)
    day = tomorrow()
    soon = first_date(event(city, title_fr="Bientôt", registration_required=True))
    later = first_date(
        event(
            city,
            title_fr="Plus tard",
            registration_required=True,
            starts_at=local(day + timedelta(days=3), 10),
            ends_at=local(day + timedelta(days=3), 11),
        )
    )
    for occurrence in (later, soon):
        services.registration_create(actor=person, occurrence=occurrence)
    status, coming = call(person, "GET", "/me/event-registrations")
    assert status == 200
    assert [r["event"]["title"] for r in coming] == ["Bientôt", "Plus tard"]
    assert all(r["ticket"] and r["is_mine"] for r in coming)
    assert coming[0]["occurrence"]["id"] == soon.pk
    assert coming[0]["event"]["municipality"] == {"slug": city.slug, "name": city.name}
    with time_machine.travel(later.ends_at + timedelta(days=1)):
        status, past = call(person, "GET", "/me/event-registrations?past=true")
    assert [r["event"]["title"] for r in past] == ["Plus tard", "Bientôt"]
    assert call(None, "GET", "/me/event-registrations")[0] == 401


def test_check_in_at_the_door_awards_the_attendance_points_once():
    city = town()
    organiser = staff(city)
    earning_rule_set(
        actor=organiser,
        program=program_for(city),
        action=EarningRule.Action.EVENT_ATTENDED,
        points=50,
    )
    created = event(city, actor=organiser, registration_required=True, capacity=10)
    other = event(city, actor=organiser, registration_required=True, capacity=10)
    occurrence = first_date(created)
    person = resident(city, display_name="Rita")
    status, registration = call(person, "POST", f"/occurrences/{occurrence.pk}/registrations")

    with time_machine.travel(occurrence.starts_at + timedelta(minutes=5), tick=False):
        before = _state()
        status, error = call(
            organiser,
            "POST",
            "/events/check-in",
            {"ticket": registration["ticket"], "event_id": other.pk},
        )
        assert (status, _error(error)[0]) == (409, "other_event")
        status, error = call(organiser, "POST", "/events/check-in", {"ticket": "x" * 24})
        assert (status, _error(error)[0]) == (404, "unknown_ticket")
        assert _state() == before
        status, done = call(
            organiser,
            "POST",
            "/events/check-in",
            {"ticket": registration["ticket"], "event_id": created.pk},
        )
        status_again, again = call(
            organiser, "POST", "/events/check-in", {"ticket": registration["ticket"]}
        )

    assert status == 200
    assert (done["points"], done["already"]) == (50, False)
    assert done["registration"]["person"] == {"display_name": "Rita"}
    assert done["registration"]["ticket"] is None
    assert done["registration"]["checked_in_at"] is not None
    assert (status_again, again["points"], again["already"]) == (200, 0, True)
    assert points_balance(program=program_for(city), user=person) == 50
    status, error = call(person, "POST", f"/event-registrations/{registration['id']}/cancel")
    assert (status, _error(error)[0]) == (409, "checked_in")


def test_check_in_the_day_before_is_refused():
    city = town()
    organiser = staff(city)
    occurrence = first_date(event(city, actor=organiser, registration_required=True))
    registration = services.registration_create(actor=resident(city), occurrence=occurrence)
    status, error = call(organiser, "POST", "/events/check-in", {"ticket": registration.ticket})
    assert (status, _error(error)[0]) == (409, "other_date")
    registration.refresh_from_db()
    assert registration.checked_in_at is None


# --- The private calendar feed --------------------------------------------------------------------


def test_my_calendar_feed_has_a_private_address_that_i_can_rotate():
    person = resident(town())
    status, feed = call(person, "GET", "/me/calendar-feed", HTTP_ACCEPT_LANGUAGE="en")
    token = services.calendar_token(actor=person)
    assert (status, feed) == (200, {"url": f"http://testserver/en/events/calendar/{token}.ics"})
    assert call(person, "GET", "/me/calendar-feed")[1] == {
        "url": f"http://testserver/fr/events/calendar/{token}.ics"
    }
    status, rotated = call(person, "POST", "/me/calendar-feed/rotate")
    new = services.calendar_token(actor=person)
    assert (status, rotated) == (200, {"url": f"http://testserver/fr/events/calendar/{new}.ics"})
    assert new != token
    assert services.calendar_user(token) is None and services.calendar_user(new) == person
    assert call(None, "GET", "/me/calendar-feed")[0] == 401
    assert call(None, "POST", "/me/calendar-feed/rotate")[0] == 401


# --- Attractions ----------------------------------------------------------------------------------


def test_staff_add_an_attraction_that_the_public_sees_once_published():
    south_shore = region()
    city, neighbour = town(region=south_shore), town(at=LA_PRAIRIE, region=south_shore)
    officer = staff(city)
    status, created = call(
        officer,
        "POST",
        f"/municipalities/{city.slug}/attractions",
        {
            "name_fr": "Musée du rail",
            "name_en": "Railway museum",
            "kind": "museum",
            "hours": {"sat": [["10:00", "17:00"]], "sun": [["10:00", "16:00"]]},
            "is_free": False,
            "accessibility": ["step_free"],
            "audio_guide_url": "https://audio.example/rail",
        },
    )
    assert status == 201, created
    assert (created["published"], created["name"], created["may_manage"]) == (
        False,
        "Musée du rail",
        True,
    )
    assert created["hours"] == {"sat": [["10:00", "17:00"]], "sun": [["10:00", "16:00"]]}
    assert created["url"] == f"http://testserver/fr/{city.slug}/events/attractions/{created['id']}/"
    assert call(None, "GET", f"/attractions/{created['id']}")[0] == 404
    assert call(None, "GET", "/attractions")[1] == []

    status, published = call(officer, "PATCH", f"/attractions/{created['id']}", {"published": True})
    assert (status, published["published"], published["kind"]) == (200, True, "museum")
    services.attraction_create(
        actor=staff(neighbour),
        municipality=neighbour,
        values={"name_fr": "Parc riverain", "kind": "park", "published": True},
    )
    status, shown = call(None, "GET", f"/attractions/{created['id']}", HTTP_ACCEPT_LANGUAGE="en")
    assert (status, shown["name"], shown["may_manage"]) == (200, "Railway museum", False)
    names = [a["name"] for a in call(None, "GET", f"/attractions?region={south_shore.slug}")[1]]
    assert sorted(names) == ["Musée du rail", "Parc riverain"]
    assert [a["name"] for a in call(None, "GET", "/attractions?kind=park")[1]] == ["Parc riverain"]
    assert [a["name"] for a in call(None, "GET", f"/attractions?municipality={city.slug}")[1]] == [
        "Musée du rail"
    ]
    status, error = call(None, "GET", "/attractions?kind=casino")
    assert (status, list(_error(error)[1])) == (422, ["kind"])


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"hours": {"mon": [["17:00", "09:00"]]}}, "hours"),
        ({"hours": {"someday": [["09:00", "17:00"]]}}, "hours"),
        ({"kind": "casino"}, "kind"),
        ({"website": "ftp://x"}, "website"),
        ({"name_fr": ""}, "name_fr"),
        ({"accessibility": ["elevator"]}, "accessibility"),
        ({"hours": "always"}, "hours"),
    ],
)
def test_bad_attraction_input_is_a_422_and_nothing_is_written(change, field):
    city = town()
    officer = staff(city)
    existing = services.attraction_create(
        actor=officer, municipality=city, values={"name_fr": "Parc", "kind": "park"}
    )
    before = _state()
    status, error = call(
        officer,
        "POST",
        f"/municipalities/{city.slug}/attractions",
        {"name_fr": "Musée", "kind": "museum", **change},
    )
    assert status == 422, error
    assert list(_error(error)[1]) == [field]
    status, error = call(officer, "PATCH", f"/attractions/{existing.pk}", change)
    assert status == 422, error
    assert list(_error(error)[1]) == [field]
    assert _state() == before


# --- Who may write what ---------------------------------------------------------------------------


@dataclass
class World:
    here: Any
    actors: dict[str, User | None]
    published: Event
    draft: Event
    org_event: Event
    occurrence: Occurrence
    registration: Registration
    attraction: Attraction


@pytest.fixture
def world() -> World:
    here = town(modules=("events", "volunteering"))
    elsewhere = town(at=MAGOG)
    officer = staff(here)
    member = resident(here, display_name="Olivia")
    org = organisation(here, manager=member)
    merchant = merchant_of(here, program_for(here))
    holder = resident(here)
    published = event(here, actor=officer, registration_required=True, capacity=5)
    occurrence = first_date(published)
    return World(
        here=here,
        actors={
            "anonymous": None,
            "resident": holder,
            "resident_elsewhere": resident(elsewhere),
            "staff": officer,
            "staff_without_mfa": staff(here, mfa=False),
            "staff_elsewhere": staff(elsewhere),
            "organisation_member": member,
            "merchant_owner": merchant.owner,
        },
        published=published,
        draft=event(here, actor=officer, publish=False),
        org_event=event(here, actor=member, publisher="organisation", organisation=org.pk),
        occurrence=occurrence,
        registration=services.registration_create(actor=holder, occurrence=occurrence),
        attraction=services.attraction_create(
            actor=officer,
            municipality=here,
            values={"name_fr": "Parc de la Cité", "kind": "park", "published": True},
        ),
    )


ACTORS = (
    "anonymous",
    "resident",
    "resident_elsewhere",
    "staff",
    "staff_without_mfa",
    "staff_elsewhere",
    "organisation_member",
    "merchant_owner",
)
Operation = Callable[[World], tuple[str, str, dict | None]]
OPERATIONS: dict[str, tuple[Operation, tuple[int, ...]]] = {
    # name: (method, path, body), and the status for each of ACTORS, in order
    "create an event for the city": (
        lambda w: ("POST", f"/municipalities/{w.here.slug}/events", _payload()),
        (401, 403, 403, 201, 403, 403, 422, 422),
    ),
    "change the city's event": (
        lambda w: ("PATCH", f"/events/{w.published.pk}", {"title_fr": "Autre titre"}),
        (401, 403, 403, 200, 403, 403, 403, 403),
    ),
    "change an organisation's event": (
        lambda w: ("PATCH", f"/events/{w.org_event.pk}", {"price": "3"}),
        (401, 403, 403, 200, 403, 403, 200, 403),
    ),
    "publish the city's draft": (
        lambda w: ("POST", f"/events/{w.draft.pk}/publish", None),
        (401, 404, 404, 200, 404, 404, 404, 404),
    ),
    "cancel the city's event": (
        lambda w: ("POST", f"/events/{w.published.pk}/cancel", {"reason": "Pluie"}),
        (401, 403, 403, 200, 403, 403, 403, 403),
    ),
    "cancel one date": (
        lambda w: ("POST", f"/occurrences/{w.occurrence.pk}/cancel", None),
        (401, 403, 403, 200, 403, 403, 403, 403),
    ),
    "register for a date": (
        lambda w: ("POST", f"/occurrences/{w.occurrence.pk}/registrations", None),
        (401, 409, 201, 201, 201, 201, 201, 201),
    ),
    "see who registered": (
        lambda w: ("GET", f"/occurrences/{w.occurrence.pk}/registrations", None),
        (401, 403, 403, 200, 403, 403, 403, 403),
    ),
    "cancel the resident's registration": (
        lambda w: ("POST", f"/event-registrations/{w.registration.pk}/cancel", None),
        (401, 200, 404, 200, 404, 404, 404, 404),
    ),
    "see the resident's registration": (
        lambda w: ("GET", f"/event-registrations/{w.registration.pk}", None),
        (401, 200, 404, 200, 404, 404, 404, 404),
    ),
    "check the resident in": (
        lambda w: ("POST", "/events/check-in", {"ticket": w.registration.ticket}),
        (401, 403, 403, 200, 403, 403, 403, 403),
    ),
    "add an attraction": (
        lambda w: (
            "POST",
            f"/municipalities/{w.here.slug}/attractions",
            {"name_fr": "Sentier", "kind": "trail"},
        ),
        (401, 403, 403, 201, 403, 403, 403, 403),
    ),
    "change an attraction": (
        lambda w: ("PATCH", f"/attractions/{w.attraction.pk}", {"hours_note": "Fermé l'hiver"}),
        (401, 403, 403, 200, 403, 403, 403, 403),
    ),
}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("operation", OPERATIONS)
def test_who_may_write_what_and_a_refusal_changes_nothing(world, operation, actor):
    build, statuses = OPERATIONS[operation]
    expected = statuses[ACTORS.index(actor)]
    method, path, body = build(world)
    before = _state()
    with time_machine.travel(world.occurrence.starts_at, tick=False):  # the door is open
        status, answer = call(world.actors[actor], method, path, body)
    assert status == expected, answer
    if status >= 400:
        assert answer["error"]["code"]
        assert _state() == before
    elif method != "GET":
        assert _state() != before
