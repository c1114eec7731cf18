"""The schema.org JSON-LD of event and attraction pages: what it says, and that no text of an
event can close its <script> element."""

import json
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.utils import translation
from django.utils.safestring import SafeString

from milieu.events import services
from milieu.events.jsonld import attraction_json_ld, event_json_ld
from milieu.events.models import Access, Category
from milieu.events.selectors import event_occurrences
from milieu.rewards.services import program_for
from milieu.rewards.tests.factories import merchant_of
from milieu.volunteering.tests.factories import organisation

from .factories import TZ, event, first_date, local, resident, staff, town

pytestmark = pytest.mark.django_db

PAGE = "https://milieu.example.org/fr/brossard/events/1/"


def read(json_ld: SafeString) -> dict:
    assert isinstance(json_ld, SafeString)
    return json.loads(json_ld)


def json_ld_of(event_, *, now: str = "2027-05-02 12:00Z") -> dict:
    with time_machine.travel(now, tick=False):
        dates = event_occurrences(event_)
    return read(event_json_ld(event_, occurrences=dates, url=PAGE))


def test_a_single_event_is_a_schema_org_event():
    city = town(name="Brossard")
    with time_machine.travel("2027-05-01 12:00Z", tick=False):
        created = event(
            city,
            title_fr="Spectacle au parc",
            description_fr="Musique en plein air.",
            category=Category.CULTURE,
            starts_at=local(date(2027, 6, 5), 19),
            ends_at=local(date(2027, 6, 5), 21, 30),
            place_name="Parc central",
            address="1 boulevard du Parc",
            latitude=45.46,
            longitude=-73.47,
            price="12.5",
            ticket_url="https://billets.example.org/spectacle",
            accessibility=[Access.STEP_FREE],
        )

    data = json_ld_of(created)

    assert data == {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": "Spectacle au parc",
        "description": "Musique en plein air.",
        "startDate": "2027-06-05T19:00:00-04:00",
        "endDate": "2027-06-05T21:30:00-04:00",
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": {
            "@type": "Place",
            "name": "Parc central",
            "address": {
                "@type": "PostalAddress",
                "streetAddress": "1 boulevard du Parc",
                "addressLocality": "Brossard",
                "addressRegion": "QC",
                "addressCountry": "CA",
            },
            "geo": {"@type": "GeoCoordinates", "latitude": 45.46, "longitude": -73.47},
            "amenityFeature": [
                {
                    "@type": "LocationFeatureSpecification",
                    "name": str(Access.STEP_FREE.label),
                    "value": True,
                }
            ],
        },
        "organizer": {"@type": "Organization", "name": "Brossard"},
        "offers": {
            "@type": "Offer",
            "price": "12.50",
            "priceCurrency": "CAD",
            "url": "https://billets.example.org/spectacle",
            "availability": "https://schema.org/InStock",
            "validFrom": "2027-05-01T08:00:00-04:00",
        },
        "isAccessibleForFree": False,
        "inLanguage": "fr",
        "url": PAGE,
    }


def test_no_text_of_an_event_can_close_the_script_element():
    title = "</script><script>alert('x')</script> & <!-- Ô"
    created = event(town(), title_fr=title, description_fr="a > b && c < d")

    json_ld = event_json_ld(created, occurrences=event_occurrences(created), url=PAGE)

    assert not {"<", ">", "&"} & set(json_ld)
    assert "\\u003C/script\\u003E" in json_ld
    data = json.loads(json_ld)
    assert (data["name"], data["description"]) == (title, "a > b && c < d")


def test_a_weekly_event_has_its_schedule_and_shows_its_next_date():
    city = town()
    organiser = staff(city)
    with time_machine.travel("2027-02-20 12:00Z", tick=False):
        weekly = event(
            city,
            actor=organiser,
            starts_at=local(date(2027, 3, 6), 19),
            ends_at=local(date(2027, 3, 6), 21),
            rrule="FREQ=WEEKLY;BYDAY=SA,SU;UNTIL=20270404T035959Z",
        )
    dates = list(weekly.occurrences.order_by("starts_at"))
    services.occurrence_cancel(actor=organiser, occurrence=dates[4])  # Saturday 20 March

    data = json_ld_of(weekly, now="2027-03-15 12:00Z")  # after the 14th, before the 20th

    assert data["startDate"] == "2027-03-21T19:00:00-04:00"  # the 20th is cancelled
    assert data["endDate"] == "2027-03-21T21:00:00-04:00"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventSchedule"] == {
        "@type": "Schedule",
        "repeatFrequency": "P1W",
        "startDate": "2027-03-06",
        "startTime": "19:00",
        "endTime": "21:00",
        "duration": "PT2H",
        "scheduleTimezone": "America/Toronto",
        "byDay": ["https://schema.org/Saturday", "https://schema.org/Sunday"],
        "endDate": "2027-04-03",  # 03:59:59 UTC on the 4th is still the 3rd in Montréal
        "exceptDate": ["2027-03-20T19:00:00-04:00"],
    }


def test_a_monthly_rule_keeps_its_ordinal_day_and_count():
    city = town()
    with time_machine.travel("2027-05-01 12:00Z", tick=False):
        monthly = event(
            city,
            starts_at=local(date(2027, 5, 1), 10),
            ends_at=local(date(2027, 5, 2), 12, 15),
            rrule="FREQ=MONTHLY;INTERVAL=2;BYDAY=1SA;COUNT=6",
        )

    schedule = json_ld_of(monthly)["eventSchedule"]

    assert schedule["repeatFrequency"] == "P2M"
    assert schedule["byDay"] == ["1SA"]
    assert schedule["repeatCount"] == 6
    assert schedule["duration"] == "P1DT2H15M"
    assert "endDate" not in schedule and "exceptDate" not in schedule


def test_a_full_date_is_sold_out_and_a_cancelled_event_says_so():
    city = town()
    organiser = staff(city)
    full = event(city, actor=organiser, registration_required=True, capacity=1)
    services.registration_create(actor=resident(city), occurrence=first_date(full))
    called_off = event(city, actor=organiser)
    services.event_cancel(actor=organiser, event=called_off, reason="Pluie")

    sold_out = read(event_json_ld(full, occurrences=event_occurrences(full), url=PAGE))
    cancelled = read(event_json_ld(called_off, occurrences=event_occurrences(called_off), url=PAGE))

    assert sold_out["offers"]["availability"] == "https://schema.org/SoldOut"
    assert sold_out["offers"]["url"] == PAGE  # no ticket office: the page itself
    assert sold_out["isAccessibleForFree"] is True
    assert cancelled["eventStatus"] == "https://schema.org/EventCancelled"
    assert "availability" not in cancelled["offers"]
    assert cancelled["startDate"] == first_date(called_off).starts_at.astimezone(TZ).isoformat()


def test_the_organizer_is_the_publishing_organisation_or_merchant():
    city = town(modules=("events", "volunteering", "rewards"))
    manager = resident(city)
    team = organisation(city, manager=manager, name="Club de plein air")
    by_team = event(city, actor=manager, publisher="organisation", organisation=team.pk)
    shop = merchant_of(city, program_for(city))
    by_shop = event(city, actor=shop.owner, publisher="merchant", merchant=shop.pk)

    assert json_ld_of(by_team, now="2000-01-01 00:00Z")["organizer"] == {
        "@type": "Organization",
        "name": "Club de plein air",
    }
    assert json_ld_of(by_shop, now="2000-01-01 00:00Z")["organizer"]["name"] == (
        "Boulangerie du Coin"
    )


def test_the_json_ld_speaks_the_page_s_language_and_says_which():
    created = event(town(), title_fr="Conte", title_en="Storytime", description_fr="Une histoire.")
    dates = event_occurrences(created)

    with translation.override("en"):
        english = read(event_json_ld(created, occurrences=dates, url=PAGE))
    with translation.override("es"):
        spanish = read(event_json_ld(created, occurrences=dates, url=PAGE))

    assert (english["name"], english["inLanguage"]) == ("Storytime", "en")
    assert english["description"] == "Une histoire."
    assert (spanish["name"], spanish["inLanguage"]) == ("Conte", "fr")


def test_an_attraction_is_a_tourist_attraction_with_its_hours():
    city = town(name="Magog")
    museum = services.attraction_create(
        actor=staff(city),
        municipality=city,
        values={
            "name_fr": "Musée du lac",
            "kind": "museum",
            "hours": {
                "tue": [["10:00", "17:00"]],
                "wed": [["10:00", "17:00"]],
                "sat": [["09:00", "12:00"], ["13:00", "24:00"]],
            },
            "website": "https://musee.example.org/",
            "is_free": False,
            "address": "2 rue du Lac",
            "published": True,
        },
    )

    data = read(attraction_json_ld(museum, url=PAGE))

    assert data == {
        "@context": "https://schema.org",
        "@type": "TouristAttraction",
        "name": "Musée du lac",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "2 rue du Lac",
            "addressLocality": "Magog",
            "addressRegion": "QC",
            "addressCountry": "CA",
        },
        "url": PAGE,
        "isAccessibleForFree": False,
        "publicAccess": True,
        "openingHoursSpecification": [
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": ["https://schema.org/Saturday"],
                "opens": "09:00",
                "closes": "12:00",
            },
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": ["https://schema.org/Tuesday", "https://schema.org/Wednesday"],
                "opens": "10:00",
                "closes": "17:00",
            },
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": ["https://schema.org/Saturday"],
                "opens": "13:00",
                "closes": "23:59",
            },
        ],
        "sameAs": ["https://musee.example.org/"],
    }


def test_an_attraction_without_hours_is_open_every_day_all_day():
    city = town()
    trail = services.attraction_create(
        actor=staff(city),
        municipality=city,
        values={"name_fr": "Sentier", "kind": "trail", "latitude": 45.46, "longitude": -73.47},
    )

    data = read(attraction_json_ld(trail, url=PAGE))

    assert data["openingHoursSpecification"] == [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": [
                f"https://schema.org/{day}"
                for day in (
                    "Monday",
                    "Tuesday",
                    "Wednesday",
                    "Thursday",
                    "Friday",
                    "Saturday",
                    "Sunday",
                )
            ],
            "opens": "00:00",
            "closes": "23:59",
        }
    ]
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": 45.46, "longitude": -73.47}
    assert data["isAccessibleForFree"] is True
    assert "sameAs" not in data and "description" not in data


def test_the_price_is_written_with_its_cents():
    created = event(town(), price=Decimal("7"))
    offer = json_ld_of(created, now="2000-01-01 00:00Z")["offers"]
    assert (offer["price"], offer["priceCurrency"]) == ("7.00", "CAD")
