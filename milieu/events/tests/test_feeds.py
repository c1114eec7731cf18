"""The iCalendar feeds: valid RFC 5545 that the `icalendar` library parses, repeating events that
a calendar application expands to the site's own dates across a change of clocks, what each feed
lists (and never lists), the private feed behind its token, and HTTP caching."""

import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pytest
import time_machine
from dateutil.rrule import rrulestr
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from milieu.core.testing import assert_constant_queries
from milieu.events import services
from milieu.events.models import Category, Event

from .factories import event, first_date, local, region, resident, staff, town

pytestmark = pytest.mark.django_db


# --- Reading a feed as RFC 5545 says ------------------------------------------------------------


@dataclass
class Component:
    name: str
    properties: list[tuple[str, str, str]] = field(default_factory=list)  # name, params, value
    children: list["Component"] = field(default_factory=list)

    def values(self, name: str) -> list[str]:
        return [value for prop, _params, value in self.properties if prop == name]

    def params(self, name: str) -> list[str]:
        return [params for prop, params, _value in self.properties if prop == name]

    def walk(self, name: str) -> list["Component"]:
        found = [self] if self.name == name else []
        for child in self.children:
            found += child.walk(name)
        return found


def unfold(body: bytes) -> list[str]:
    """The content lines of a feed, after checking its physical lines: CRLF only, at most 75
    octets each, folded between characters (each line is valid UTF-8 by itself)."""
    assert body.endswith(b"\r\n")
    physical = body[:-2].split(b"\r\n")
    lines: list[bytes] = []
    for line in physical:
        assert b"\n" not in line and b"\r" not in line, line
        assert len(line) <= 75, (len(line), line)
        line.decode("utf-8")
        if line[:1] in (b" ", b"\t"):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    return [line.decode("utf-8") for line in lines]


def structure(body: bytes) -> Component:
    """The feed's tree of components, with RFC 5545's required properties checked: VERSION and
    PRODID once in the calendar; UID, DTSTAMP and DTSTART once in each event; one VTIMEZONE for
    each TZID used, and none unused."""
    stack: list[Component] = []
    root: Component | None = None
    for line in unfold(body):
        name, _colon, value = line.partition(":")
        prop, _semicolon, params = name.partition(";")
        if prop == "BEGIN":
            component = Component(value)
            if stack:
                stack[-1].children.append(component)
            else:
                assert root is None, "one VCALENDAR"
                root = component
            stack.append(component)
        elif prop == "END":
            assert stack and stack.pop().name == value, f"END:{value} out of place"
        else:
            assert stack, f"{line} outside any component"
            assert re.fullmatch(r"[A-Z0-9-]+", prop), prop
            stack[-1].properties.append((prop, params, value))
    assert not stack and root is not None and root.name == "VCALENDAR"
    assert root.values("VERSION") == ["2.0"]
    assert len(root.values("PRODID")) == 1
    for vevent in root.walk("VEVENT"):
        for required in ("UID", "DTSTAMP", "DTSTART"):
            assert len(vevent.values(required)) == 1, (required, vevent)
        assert len(vevent.values("DTEND")) <= 1 and not vevent.values("DURATION")
    used = {
        tzid
        for vevent in root.walk("VEVENT")
        for _prop, params, _value in vevent.properties
        for tzid in re.findall(r"TZID=([^;]+)", params)
    }
    defined = [vtimezone.values("TZID")[0] for vtimezone in root.walk("VTIMEZONE")]
    assert sorted(defined) == sorted(used)
    for vtimezone in root.walk("VTIMEZONE"):
        assert vtimezone.children
        for observance in vtimezone.children:
            assert observance.name in ("STANDARD", "DAYLIGHT")
            for required in ("DTSTART", "TZOFFSETFROM", "TZOFFSETTO"):
                assert len(observance.values(required)) == 1
    return root


def fetch(client: Client, url: str, **headers) -> tuple[Calendar, Component]:
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    tree = structure(response.content)
    return Calendar.from_ical(response.content), tree


def city_url(municipality, category: str | None = None, *, language: str = "fr") -> str:
    with translation.override(language):
        if category:
            return reverse(
                "events:feed_category",
                kwargs={"municipality_slug": municipality.slug, "category": category},
            )
        return reverse("events:feed", kwargs={"municipality_slug": municipality.slug})


def region_url(region_, category: str | None = None) -> str:
    with translation.override("fr"):
        if category:
            return reverse(
                "events_region:feed_category",
                kwargs={"region_slug": region_.slug, "category": category},
            )
        return reverse("events_region:feed", kwargs={"region_slug": region_.slug})


def my_url(token: str) -> str:
    with translation.override("fr"):
        return reverse("events_me:feed", kwargs={"token": token})


def summaries(calendar: Calendar) -> list[str]:
    return sorted(str(vevent["SUMMARY"]) for vevent in calendar.events)


def expanded(calendar: Calendar, vevent) -> list[datetime]:
    """The dates of a repeating VEVENT as a calendar application finds them: its rule from its
    DTSTART, in the time zone that the feed's own VTIMEZONE defines, less its EXDATEs."""
    tzid = vevent["DTSTART"].params["TZID"]
    (vtimezone,) = [tz for tz in calendar.timezones if tz.tz_name == tzid]
    tz = vtimezone.to_tz(lookup_tzid=False)
    start = vevent.start.replace(tzinfo=tz)
    rule = vevent["RRULE"].to_ical().decode()
    exdates = vevent.get("EXDATE", [])
    excluded = {
        moment.dt.replace(tzinfo=None)
        for exdate in (exdates if isinstance(exdates, list) else [exdates])
        for moment in exdate.dts
    }
    return [
        moment
        for moment in rrulestr(rule, dtstart=start)
        if moment.replace(tzinfo=None) not in excluded
    ]


# --- Valid RFC 5545 -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_day", "offsets"),
    [
        (date(2027, 2, 27), ["-05:00", "-05:00", "-05:00", "-04:00", "-04:00"]),  # 14 March
        (date(2027, 10, 23), ["-04:00", "-04:00", "-04:00", "-05:00", "-05:00"]),  # 7 November
    ],
)
def test_a_weekly_event_stays_at_19_00_across_the_change_of_clocks(first_day, offsets):
    city = town()
    with time_machine.travel(local(first_day - timedelta(days=7), 12), tick=False):
        weekly = event(
            city,
            title_fr="Ciné-parc",
            starts_at=local(first_day, 19),
            ends_at=local(first_day, 21),
            rrule="FREQ=WEEKLY;COUNT=5",
        )

    calendar, _tree = fetch(Client(), city_url(city))

    (vevent,) = calendar.events
    dates = expanded(calendar, vevent)
    assert [moment.strftime("%H:%M") for moment in dates] == ["19:00"] * 5
    assert [moment.isoformat()[-6:] for moment in dates] == offsets
    assert [moment.date() for moment in dates] == [
        first_day + timedelta(weeks=week) for week in range(5)
    ]
    # The same instants as the site's own dates (the agenda, the registrations).
    assert dates == list(
        weekly.occurrences.order_by("starts_at").values_list("starts_at", flat=True)
    )
    assert vevent["DTEND"].dt - vevent["DTSTART"].dt == timedelta(hours=2)


def test_the_feed_is_valid_rfc_5545_with_long_text_folded_between_characters():
    city = town()
    event(
        city,
        title_fr="Fête d’été — " + "é" * 60,
        description_fr="Des crêpes, de la musique; et des jeux, pour tous.\n" + "ü🎉" * 80,
        place_name="Parc de la Commune",
        address="1 rue Saint-Paul, Brossard, QC J4W 1A1",
        latitude=45.46,
        longitude=-73.47,
    )
    event(city, time_zone="America/Halifax", title_fr="Aux Îles")
    response = Client().get(city_url(city))

    tree = structure(response.content)

    assert max(len(line) for line in response.content.split(b"\r\n")) == 75
    assert sorted(tz.values("TZID")[0] for tz in tree.walk("VTIMEZONE")) == [
        "America/Halifax",
        "America/Toronto",
    ]
    calendar = Calendar.from_ical(response.content)
    assert calendar["PRODID"] == "-//Milieu//Events//FR"
    assert (calendar["CALSCALE"], calendar["METHOD"]) == ("GREGORIAN", "PUBLISH")
    assert calendar["X-WR-TIMEZONE"] == "America/Toronto"
    assert calendar["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert calendar["REFRESH-INTERVAL"].dt == timedelta(hours=1)
    assert str(calendar["X-PUBLISHED-TTL"]) == "PT1H"
    assert city.name in str(calendar["X-WR-CALNAME"])
    fete = next(v for v in calendar.events if str(v["SUMMARY"]).startswith("Fête"))
    assert str(fete["SUMMARY"]) == "Fête d’été — " + "é" * 60
    assert str(fete["DESCRIPTION"]).startswith(
        "Des crêpes, de la musique; et des jeux, pour tous.\n" + "ü🎉" * 80
    )
    assert str(fete["LOCATION"]) == "Parc de la Commune, 1 rue Saint-Paul, Brossard, QC J4W 1A1"
    assert (fete["GEO"].latitude, fete["GEO"].longitude) == (45.46, -73.47)


def test_each_event_says_who_it_is_when_and_where(settings):
    settings.SITE_URL = "https://milieu.example.org"
    city = town()
    with time_machine.travel("2027-05-01 12:00Z", tick=False):
        created = event(
            city,
            category=Category.FAMILY,
            starts_at=local(date(2027, 6, 5), 10),
            ends_at=local(date(2027, 6, 5), 12, 30),
        )
    calendar, _tree = fetch(Client(), city_url(city))

    (vevent,) = calendar.events
    assert str(vevent["UID"]) == f"event-{created.pk}@milieu.example.org"
    assert vevent["DTSTART"].params["TZID"] == "America/Toronto"
    assert vevent.start.isoformat() == "2027-06-05T10:00:00-04:00"
    assert vevent.end.isoformat() == "2027-06-05T12:30:00-04:00"
    assert "RRULE" not in vevent and "EXDATE" not in vevent
    assert vevent["STATUS"] == "CONFIRMED"
    assert vevent["SEQUENCE"] == 0
    assert vevent["URL"] == f"http://testserver/fr/{city.slug}/events/{created.pk}/"
    assert vevent.categories == [str(Category.FAMILY.label)]
    assert vevent["DTSTAMP"].dt.isoformat() == "2027-05-01T12:00:00+00:00"
    assert vevent["CREATED"].dt == vevent["LAST-MODIFIED"].dt == vevent["DTSTAMP"].dt
    assert "GEO" not in vevent  # no point given: the town's centre is not the venue
    assert str(vevent["LOCATION"]) == f"Parc central, {city.name}"
    assert "ORGANIZER" not in vevent


def test_the_rule_is_given_as_stored_with_until_in_utc():
    city = town()
    with time_machine.travel("2027-05-01 12:00Z", tick=False):
        event(
            city,
            starts_at=local(date(2027, 5, 8), 10),
            ends_at=local(date(2027, 5, 8), 11),
            rrule="RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=SA,SU;UNTIL=20270630T235959Z",
        )
    response = Client().get(city_url(city))
    calendar = Calendar.from_ical(response.content)

    (vevent,) = calendar.events
    assert "RRULE:FREQ=WEEKLY;UNTIL=20270630T235959Z;INTERVAL=2;BYDAY=SA,SU" in unfold(
        response.content
    )
    assert vevent["RRULE"]["UNTIL"][0].utcoffset() == timedelta(0)
    assert len(expanded(calendar, vevent)) == 8


def test_a_cancelled_date_of_a_repeating_event_is_an_exdate():
    city = town()
    organiser = staff(city)
    with time_machine.travel("2027-02-20 12:00Z", tick=False):
        weekly = event(
            city,
            actor=organiser,
            starts_at=local(date(2027, 3, 6), 19),
            ends_at=local(date(2027, 3, 6), 21),
            rrule="FREQ=WEEKLY;COUNT=4",
        )
    third = weekly.occurrences.order_by("starts_at")[2]
    with time_machine.travel("2027-02-21 12:00Z", tick=False):
        services.occurrence_cancel(actor=organiser, occurrence=third)

    response = Client().get(city_url(city))
    calendar = Calendar.from_ical(response.content)

    (vevent,) = calendar.events
    assert "EXDATE;TZID=America/Toronto:20270320T190000" in unfold(response.content)
    assert [moment.date() for moment in expanded(calendar, vevent)] == [
        date(2027, 3, 6),
        date(2027, 3, 13),
        date(2027, 3, 27),
    ]
    assert vevent["STATUS"] == "CONFIRMED"
    assert vevent["SEQUENCE"] == 86_400  # revised a day after its publication


def test_a_cancelled_event_stays_in_the_feed_as_cancelled():
    city = town()
    organiser = staff(city)
    created = event(city, actor=organiser, rrule="FREQ=DAILY;COUNT=3")
    services.event_cancel(actor=organiser, event=created, reason="Pluie")

    response = Client().get(city_url(city))
    (vevent,) = Calendar.from_ical(response.content).events

    assert vevent["STATUS"] == "CANCELLED"
    assert "EXDATE" not in vevent  # the whole series is cancelled, not some of its dates


# --- What a public feed lists -------------------------------------------------------------------


def test_a_city_feed_lists_its_published_events_only():
    city, elsewhere = town(), town()
    organiser = staff(city)
    event(city, actor=organiser, title_fr="Publié")
    event(city, actor=organiser, title_fr="Brouillon", publish=False)
    abandoned = event(city, actor=organiser, title_fr="Brouillon annulé", publish=False)
    services.event_cancel(actor=organiser, event=abandoned)
    event(elsewhere, title_fr="Ailleurs")

    calendar, _tree = fetch(Client(), city_url(city))

    assert summaries(calendar) == ["Publié"]


def test_a_category_feed_lists_only_its_category():
    city = town()
    organiser = staff(city)
    event(city, actor=organiser, title_fr="Conte", category=Category.FAMILY)
    event(city, actor=organiser, title_fr="Concert", category=Category.CULTURE)
    event(city, actor=organiser, title_fr="Piscine", category=Category.FAMILY)

    calendar, _tree = fetch(Client(), city_url(city, Category.FAMILY))

    assert summaries(calendar) == ["Conte", "Piscine"]
    assert str(Category.FAMILY.label) in str(calendar["X-WR-CALNAME"])


def test_an_unknown_category_or_a_city_without_the_module_has_no_feed():
    city = town()
    event(city)
    off = town(modules=())
    client = Client()

    assert client.get(city_url(city, "concerts")).status_code == 404
    assert client.get(city_url(off)).status_code == 404
    assert client.get(city_url(off, Category.FAMILY)).status_code == 404


def test_a_region_feed_lists_every_member_with_the_module_on():
    consortium, other = region(), region()
    first, second = town(region=consortium), town(region=consortium)
    off = town(region=consortium, modules=())
    outside = town(region=other)
    event(first, title_fr="Premier", category=Category.SPORT)
    event(second, title_fr="Second", category=Category.FAMILY)
    event(second, title_fr="Second brouillon", publish=False)
    event(outside, title_fr="Hors région")
    Event.objects.create(  # a city that switched the module off keeps its rows, unlisted
        municipality=off,
        title_fr="Module éteint",
        category=Category.SPORT,
        starts_at=local(date(2030, 1, 5)),
        ends_at=local(date(2030, 1, 5), 21),
        status="published",
        published_at=local(date(2029, 1, 5)),
    )
    client = Client()

    calendar, _tree = fetch(client, region_url(consortium))
    family, _tree = fetch(client, region_url(consortium, Category.FAMILY))

    assert summaries(calendar) == ["Premier", "Second"]
    assert summaries(family) == ["Second"]
    assert consortium.name in str(calendar["X-WR-CALNAME"])
    assert client.get(region_url(region())).status_code == 404  # no member has the module
    assert client.get(region_url(consortium, "concerts")).status_code == 404
    assert client.get("/fr/regions/nowhere/events/calendar.ics").status_code == 404


def test_a_single_event_past_for_more_than_a_month_leaves_the_feed():
    city = town()
    with time_machine.travel("2027-01-01 12:00Z", tick=False):
        event(
            city,
            title_fr="Janvier",
            starts_at=local(date(2027, 1, 10), 19),
            ends_at=local(date(2027, 1, 10), 21),
        )
        event(
            city,
            title_fr="Chaque samedi de janvier",
            starts_at=local(date(2027, 1, 2), 10),
            ends_at=local(date(2027, 1, 2), 11),
            rrule="FREQ=WEEKLY;COUNT=4",
        )
    client = Client()
    with time_machine.travel("2027-02-05 12:00Z", tick=False):
        within, _tree = fetch(client, city_url(city))
    with time_machine.travel("2027-02-12 12:00Z", tick=False):
        after, _tree = fetch(client, city_url(city))

    assert summaries(within) == ["Chaque samedi de janvier", "Janvier"]
    assert summaries(after) == ["Chaque samedi de janvier"]


def test_the_feed_speaks_the_language_of_its_url():
    city = town()
    created = event(
        city,
        title_fr="Conte pour enfants",
        title_en="Storytime",
        description_fr="En français.",
        category=Category.FAMILY,
    )
    client = Client()

    english, _tree = fetch(client, city_url(city, language="en"))
    spanish, _tree = fetch(client, city_url(city, language="es"))

    (vevent,) = english.events
    assert english["PRODID"] == "-//Milieu//Events//EN"
    assert str(vevent["SUMMARY"]) == "Storytime"
    assert str(vevent["DESCRIPTION"]).startswith("En français.")  # no English given
    with translation.override("en"):
        assert vevent.categories == [str(Category.FAMILY.label)]
    assert vevent["URL"] == f"http://testserver/en/{city.slug}/events/{created.pk}/"
    (vevent,) = spanish.events
    assert spanish["PRODID"] == "-//Milieu//Events//ES"
    assert str(vevent["SUMMARY"]) == "Conte pour enfants"  # the original
    assert vevent["URL"] == f"http://testserver/es/{city.slug}/events/{created.pk}/"


# --- The private feed of my registrations -------------------------------------------------------


def test_my_feed_lists_my_registrations_only_waiting_ones_tentative(settings):
    settings.SITE_URL = "https://milieu.example.org"
    city = town()
    organiser = staff(city)
    full = first_date(
        event(city, actor=organiser, title_fr="Atelier", registration_required=True, capacity=1)
    )
    open_ = first_date(
        event(
            city,
            actor=organiser,
            title_fr="Aux Îles",
            time_zone="America/Halifax",
            registration_required=True,
            capacity=10,
        )
    )
    cancelled = first_date(
        event(city, actor=organiser, title_fr="Annulé", registration_required=True)
    )
    me, someone = resident(city), resident(town())
    services.registration_create(actor=someone, occurrence=full)
    waiting = services.registration_create(actor=me, occurrence=full)
    confirmed = services.registration_create(actor=me, occurrence=open_)
    gone = services.registration_create(actor=me, occurrence=cancelled)
    services.registration_cancel(actor=me, registration=gone)
    services.registration_create(actor=someone, occurrence=cancelled)
    token = services.calendar_token(actor=me)

    response = Client().get(my_url(token))

    assert response.status_code == 200
    structure(response.content)
    calendar = Calendar.from_ical(response.content)
    by_uid = {str(vevent["UID"]): vevent for vevent in calendar.events}
    assert sorted(by_uid) == sorted(
        f"registration-{r.pk}@milieu.example.org" for r in (waiting, confirmed)
    )
    on_list = by_uid[f"registration-{waiting.pk}@milieu.example.org"]
    with translation.override("fr"):  # the feed speaks the language of its address
        expected = translation.gettext("Waiting list: %(title)s") % {"title": "Atelier"}
    assert expected == "Liste d’attente\xa0: Atelier"
    assert str(on_list["SUMMARY"]) == expected
    assert on_list["STATUS"] == "TENTATIVE"
    assert on_list.start == full.starts_at
    assert on_list["DTSTART"].params["TZID"] == "America/Toronto"
    placed = by_uid[f"registration-{confirmed.pk}@milieu.example.org"]
    assert (str(placed["SUMMARY"]), placed["STATUS"]) == ("Aux Îles", "CONFIRMED")
    assert placed["DTSTART"].params["TZID"] == "America/Halifax"
    assert placed.start == open_.starts_at and placed.end == open_.ends_at
    assert sorted(tz.tz_name for tz in calendar.timezones) == ["America/Halifax", "America/Toronto"]
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert "Last-Modified" not in response
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Content-Disposition"].startswith("attachment; filename=")


def test_a_promotion_and_a_cancelled_date_show_in_my_feed():
    city = town()
    organiser = staff(city)
    occurrence = first_date(
        event(city, actor=organiser, title_fr="Atelier", registration_required=True, capacity=1)
    )
    first, me = resident(city), resident(city)
    taken = services.registration_create(actor=first, occurrence=occurrence)
    services.registration_create(actor=me, occurrence=occurrence)
    url = my_url(services.calendar_token(actor=me))
    client = Client()
    before = client.get(url)

    services.registration_cancel(actor=first, registration=taken)
    promoted = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    services.occurrence_cancel(actor=organiser, occurrence=occurrence)
    called_off = client.get(url)

    (vevent,) = Calendar.from_ical(promoted.content).events
    assert promoted.status_code == 200
    assert (str(vevent["SUMMARY"]), vevent["STATUS"]) == ("Atelier", "CONFIRMED")
    (vevent,) = Calendar.from_ical(called_off.content).events
    assert vevent["STATUS"] == "CANCELLED"


def test_a_wrong_or_rotated_token_finds_no_feed():
    person = resident(town())
    token = services.calendar_token(actor=person)
    rotated = services.calendar_token_rotate(actor=person)
    client = Client()

    assert client.get(my_url(rotated)).status_code == 200
    for wrong in (token, secrets.token_hex(28), "x", rotated[:-1] + "g"):
        response = client.get(my_url(wrong))
        assert response.status_code == 404
        assert b"BEGIN:VCALENDAR" not in response.content
    person.is_active = False
    person.save(update_fields=["is_active"])
    assert client.get(my_url(rotated)).status_code == 404


# --- HTTP: conditional requests, caching, a constant number of queries --------------------------


def test_a_feed_unchanged_since_it_was_fetched_answers_304():
    city = town()
    with time_machine.travel("2027-05-01 12:00Z", tick=False):
        event(
            city,
            title_fr="Premier",
            starts_at=local(date(2027, 6, 1)),
            ends_at=local(date(2027, 6, 1), 21),
        )
    client = Client()
    url = city_url(city)
    with time_machine.travel("2027-05-02 12:00Z", tick=False):
        first = client.get(url)
        by_etag = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    with time_machine.travel("2027-05-03 12:00Z", tick=False):
        event(
            city,
            title_fr="Second",
            starts_at=local(date(2027, 6, 2)),
            ends_at=local(date(2027, 6, 2), 21),
        )
        after_etag = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        after_date = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert first["Last-Modified"] == "Sat, 01 May 2027 12:00:00 GMT"
    assert first["Cache-Control"] == "public, max-age=300"
    assert "Cookie" not in first.get("Vary", "")  # one copy serves everyone
    assert (by_etag.status_code, by_etag.content) == (304, b"")
    assert by_etag["ETag"] == first["ETag"]
    assert by_date.status_code == 304
    assert after_etag.status_code == after_date.status_code == 200
    assert after_etag["ETag"] != first["ETag"]
    assert after_etag["Last-Modified"] == "Mon, 03 May 2027 12:00:00 GMT"
    assert summaries(Calendar.from_ical(after_etag.content)) == ["Premier", "Second"]


def test_the_same_data_gives_the_same_bytes():
    city = town()
    with time_machine.travel("2027-05-01 12:00Z", tick=False):
        event(
            city,
            starts_at=local(date(2027, 5, 8)),
            ends_at=local(date(2027, 5, 8), 21),
            rrule="FREQ=WEEKLY;COUNT=3",
        )
    client = Client()

    with time_machine.travel("2027-05-01 13:00Z", tick=False):
        first = client.get(city_url(city))
    cache.clear()  # built again, not served as kept
    with time_machine.travel("2027-05-01 18:00Z", tick=False):
        later = client.get(city_url(city))

    assert first.content == later.content
    assert first["ETag"] == later["ETag"]


def test_a_built_feed_is_kept_until_its_events_change(monkeypatch):
    from milieu.events import calendar as ical

    city = town()
    organiser = staff(city)
    created = event(city, actor=organiser, title_fr="Avant")
    built = []
    original = ical.events_feed
    monkeypatch.setattr(ical, "events_feed", lambda *a, **k: built.append(1) or original(*a, **k))
    client = Client()

    first = client.get(city_url(city))
    again = client.get(city_url(city))
    services.event_update(actor=organiser, event=created, values={"title_fr": "Après"})
    changed = client.get(city_url(city))
    english = client.get(city_url(city, language="en"))

    assert len(built) == 3  # the first, after the change, and in English
    assert first.content == again.content
    assert summaries(Calendar.from_ical(changed.content)) == ["Après"]
    assert english.content != changed.content


def test_a_city_feed_runs_the_same_queries_for_2_or_25_events():
    city = town()
    organiser = staff(city)

    def add(n: int) -> list[str]:
        return [event(city, actor=organiser, rrule="FREQ=WEEKLY;COUNT=3").title for _ in range(n)]

    assert_constant_queries(Client(), city_url(city), add)


def test_a_region_feed_runs_the_same_queries_for_2_or_25_events():
    consortium = region()
    cities = [town(region=consortium) for _ in range(3)]
    organisers = [staff(city) for city in cities]

    def add(n: int) -> list[str]:
        return [event(cities[i % 3], actor=organisers[i % 3]).title for i in range(n)]

    assert_constant_queries(Client(), region_url(consortium), add)


def test_my_feed_runs_the_same_queries_for_2_or_25_registrations(still_clock):
    city = town()
    organiser = staff(city)
    me = resident(city)

    def add(n: int) -> list[str]:
        titles = []
        for _ in range(n):
            created = event(city, actor=organiser, registration_required=True, capacity=5)
            services.registration_create(actor=me, occurrence=first_date(created))
            titles.append(created.title)
        return titles

    assert_constant_queries(Client(), my_url(services.calendar_token(actor=me)), add)
