"""The events pages (`events:*`, `events_region:*`, `events_me:*`) through the Django test client:
every page in French, English and Spanish, the agendas' filters and their htmx results, an
event's page, registering and cancelling with their messages, my registrations and my calendar's
address, the organisers' forms and check-in, attractions; refusals that give the reason, keep
what was typed and change nothing; constant queries on both agendas."""

import json
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from milieu.core import geo
from milieu.core.testing import assert_constant_queries, client_for
from milieu.events import selectors, services
from milieu.events.models import (
    Attraction,
    CalendarToken,
    Event,
    EventStatus,
    Occurrence,
    Registration,
    RegistrationStatus,
)
from milieu.rewards.models import EarningRule
from milieu.rewards.services import earning_rule_set, points_balance, program_for

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
    town,
)

pytestmark = pytest.mark.django_db
LANGUAGES = ("fr", "en", "es")
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _limits_off(still_clock):
    """Rate limits are counted on a stopped clock."""


def _t(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


def _p(language: str, context: str, message: str) -> str:
    with translation.override(language):
        return translation.pgettext(context, message)


def url(name: str, *args, language: str = "fr", query: str = "") -> str:
    with translation.override(language):
        found = reverse(name, args=list(args))
    return f"{found}?{query}" if query else found


def body(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def area():
    return region(name="Rive-Sud")


@pytest.fixture
def here(area):
    return town(at=BROSSARD, region=area, name="Brossard")


@pytest.fixture
def officer(here):
    return staff(here, display_name="Olivia Organisatrice")


@pytest.fixture
def show(here, officer):
    return event(
        here,
        actor=officer,
        title_fr="Concert au parc",
        title_en="Concert in the park",
        description_fr="Musique pour tous.",
        registration_required=True,
        capacity=2,
        latitude=45.458,
        longitude=-73.466,
        price="12.50",
        accessibility=[1, 4],
        ticket_url="https://billets.example.org/concert",
    )


# --- Every page, in three languages -------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_renders_in_each_language(here, area, officer, show, language):
    person = resident(here, display_name="Rita")
    registration = services.registration_create(actor=person, occurrence=first_date(show))
    place = services.attraction_create(
        actor=officer,
        municipality=here,
        values={"name_fr": "Parc de la Cité", "kind": "park", "published": True},
    )
    pages = [
        (None, url("events:agenda", here.slug, language=language), "Find an outing"),
        (None, url("events_region:agenda", area.slug, language=language), "Find an outing"),
        (None, url("events:event", here.slug, show.pk, language=language), "Dates"),
        (None, url("events:attractions", here.slug, language=language), "Places to visit"),
        (None, url("events_region:attractions", area.slug, language=language), "Places to visit"),
        (None, url("events:attraction", here.slug, place.pk, language=language), "Opening hours"),
        (person, url("events_me:registrations", language=language), "My registrations"),
        (person, url("events_me:ticket", registration.pk, language=language), "My ticket"),
        (officer, url("events:event_create", here.slug, language=language), "New event"),
        (officer, url("events:event_edit", here.slug, show.pk, language=language), "Save"),
        (officer, url("events:managed", here.slug, language=language), "My events"),
        (
            officer,
            url("events:event_manage", here.slug, show.pk, language=language),
            "Registered, in order",
        ),
        (officer, url("events:check_in", here.slug, language=language), "Check-in at the door"),
        (
            officer,
            url("events:check_in_ticket", here.slug, registration.ticket, language=language),
            "Ticket",
        ),
        (officer, url("events:attraction_create", here.slug, language=language), "Opening hours"),
        (
            officer,
            url("events:attraction_edit", here.slug, place.pk, language=language),
            "Change the place",
        ),
    ]
    for who, address, heading in pages:
        response = client_for(who).get(address)
        assert response.status_code == 200, (address, response.status_code)
        assert f'<html lang="{language}">' in body(response), address
        assert _t(language, heading) in body(response), (address, heading)


def test_the_module_switched_off_has_no_pages(here, show):
    here.enabled_modules = ["districts"]
    here.save(update_fields=["enabled_modules"])
    assert client_for().get(url("events:agenda", here.slug)).status_code == 404
    assert client_for().get(url("events:event", here.slug, show.pk)).status_code == 404


def test_the_region_page_links_to_its_agenda(here, area):
    page = body(client_for().get(url("territory:region_detail", area.slug)))
    assert url("events_region:agenda", area.slug) in page
    quiet = region()
    town(region=quiet, modules=("districts",))
    page = body(client_for().get(url("territory:region_detail", quiet.slug)))
    assert url("events_region:agenda", quiet.slug) not in page
    assert client_for().get(url("events_region:agenda", quiet.slug)).status_code == 404


# --- The agendas --------------------------------------------------------------------------------


@pytest.fixture
def weekend_days():
    return selectors.weekend()


@pytest.fixture
def cast(area, here, officer, weekend_days):
    """This weekend's family outings in two nearby cities and a far one of the same region, a
    weekday's, a cultural one, a draft and a city without the module."""
    saturday, sunday = weekend_days
    near = town(at=LA_PRAIRIE, region=area, name="La Prairie")
    far = town(at=MAGOG, region=area, name="Magog")
    off = town(at=BROSSARD, region=area, name="Sans module", modules=("districts",))
    other_staff = staff(near)
    far_staff = staff(far)
    weekday = saturday + timedelta(days=4 if saturday.weekday() == 5 else 3)
    titles = {
        "brossard_family": event(
            here,
            actor=officer,
            title_fr="Contes au parc",
            category="family",
            starts_at=local(saturday, 10),
            ends_at=local(saturday, 12),
            accessibility=[1],
        ),
        "prairie_family": event(
            near,
            actor=other_staff,
            title_fr="Pique-nique familial",
            category="family",
            starts_at=local(sunday, 11),
            ends_at=local(sunday, 14),
            price="5",
        ),
        "far_family": event(
            far,
            actor=far_staff,
            title_fr="Fête au lac",
            category="family",
            starts_at=local(saturday, 13),
            ends_at=local(saturday, 16),
        ),
        "weekday_family": event(
            here,
            actor=officer,
            title_fr="Bricolage du mercredi",
            category="family",
            starts_at=local(weekday, 16),
            ends_at=local(weekday, 17),
        ),
        "culture": event(
            here,
            actor=officer,
            title_fr="Vernissage",
            category="culture",
            starts_at=local(saturday, 19),
            ends_at=local(saturday, 21),
        ),
        "draft": event(
            here,
            actor=officer,
            publish=False,
            title_fr="Brouillon secret",
            category="family",
            starts_at=local(saturday, 9),
            ends_at=local(saturday, 10),
        ),
    }
    off.enabled_modules = ["districts"]
    off.save(update_fields=["enabled_modules"])
    return {"near": near, "far": far, **{key: e.title for key, e in titles.items()}}


def _shown(page: str, cast: dict) -> set[str]:
    keys = [k for k in cast if k not in ("near", "far")]
    return {key for key in keys if cast[key] in page}


def test_the_region_agenda_finds_this_weekends_family_outings_near_a_city(area, here, cast):
    query = f"when=weekend&category=family&near={here.slug}&km=20"
    response = client_for().get(url("events_region:agenda", area.slug, query=query))
    assert response.status_code == 200
    page = body(response)
    assert _shown(page, cast) == {"brossard_family", "prairie_family"}
    km = geo.rounded_km(geo.cell_at(*BROSSARD), geo.cell_at(*LA_PRAIRIE))
    page = body(
        client_for().get(url("events_region:agenda", area.slug, language="en", query=query))
    )
    assert f"about {km} km" in page and "about 1 km" in page


def test_the_region_agenda_filters_by_city_price_and_accessibility(area, here, cast):
    agenda = url("events_region:agenda", area.slug)
    page = body(client_for().get(f"{agenda}?when=weekend&city={cast['far'].slug}"))
    assert _shown(page, cast) == {"far_family"}
    page = body(client_for().get(f"{agenda}?when=weekend&price=paid"))
    assert _shown(page, cast) == {"prairie_family"}
    page = body(client_for().get(f"{agenda}?when=weekend&price=free&access=1"))
    assert _shown(page, cast) == {"brossard_family"}
    page = body(client_for().get(agenda))
    assert "Brouillon secret" not in page
    assert _shown(page, cast) >= {"brossard_family", "far_family", "weekday_family", "culture"}


def test_the_city_agenda_shows_only_its_own_dates(here, cast, weekend_days):
    page = body(client_for().get(url("events:agenda", here.slug, query="when=weekend")))
    assert _shown(page, cast) == {"brossard_family", "culture"}
    saturday, _sunday = weekend_days
    between = f"when=dates&start={saturday + timedelta(days=1)}&end={saturday + timedelta(days=6)}"
    page = body(client_for().get(url("events:agenda", here.slug, query=between)))
    assert _shown(page, cast) == {"weekday_family"}


def test_the_quick_dates_today_and_next_seven_days(here, officer):
    today = timezone.localdate()
    event(
        here,
        actor=officer,
        title_fr="Ce soir",
        starts_at=local(today, 23, 0),
        ends_at=local(today, 23, 30),
    )
    event(
        here,
        actor=officer,
        title_fr="Dans trois jours",
        starts_at=local(today + timedelta(days=3), 19),
        ends_at=local(today + timedelta(days=3), 20),
    )
    event(
        here,
        actor=officer,
        title_fr="Dans dix jours",
        starts_at=local(today + timedelta(days=10), 19),
        ends_at=local(today + timedelta(days=10), 20),
    )
    page = body(client_for().get(url("events:agenda", here.slug, query="when=today")))
    assert "Ce soir" in page and "Dans trois jours" not in page
    page = body(client_for().get(url("events:agenda", here.slug, query="when=week")))
    assert "Dans trois jours" in page and "Dans dix jours" not in page


def test_htmx_gets_only_the_results(area, cast):
    response = client_for().get(
        url("events_region:agenda", area.slug, query="when=weekend&category=culture"), **HTMX
    )
    page = body(response)
    assert page.lstrip().startswith('<div id="agenda-results">')
    assert "<html" not in page and cast["culture"] in page
    assert "HX-Request" in response["Vary"]


def test_a_bad_range_is_refused_with_its_reason(here):
    response = client_for().get(
        url("events:agenda", here.slug, language="en", query="start=2027-05-10&end=2027-05-01")
    )
    assert response.status_code == 400
    assert _t("en", "The second date comes after the first.") in body(response)


def test_the_more_link_gives_the_next_dates_and_htmx_appends_them(here, officer):
    day = timezone.localdate() + timedelta(days=2)
    for hour in range(selectors.PAGE + 3):
        event(
            here,
            actor=officer,
            title_fr=f"Atelier {hour:02d}",
            starts_at=local(day, 0) + timedelta(minutes=30 * hour),
            ends_at=local(day, 0) + timedelta(minutes=30 * hour + 20),
        )
    client = client_for()
    page = body(client.get(url("events:agenda", here.slug)))
    assert "Atelier 19" in page and "Atelier 20" not in page
    more = re.search(r'<li id="agenda-more">\s*<a href="([^"]+)"', page).group(1)
    more = more.replace("&amp;", "&")
    following = body(client.get(more))
    assert "Atelier 20" in following and "Atelier 22" in following
    assert "Atelier 19" not in following
    partial = body(client.get(more, **HTMX))
    assert "<html" not in partial and 'id="agenda-results"' not in partial
    assert partial.count("<article") == 3
    bad = client.get(url("events:agenda", here.slug, query="cursor=nonsense"))
    assert bad.status_code == 400


def test_a_shared_position_becomes_a_cell_and_the_coordinates_are_forgotten(area, here, cast):
    response = client_for().post(
        url("events_region:agenda", area.slug),
        {"when": "weekend", "category": "family", "km": "20", "lat": "45.4600", "lng": "-73.4700"},
    )
    assert response.status_code == 302
    location = response["Location"]
    assert "45.46" not in location and "73.47" not in location
    query = parse_qs(urlsplit(location).query)
    assert query["near"] == ["position"]
    assert query["cell"] == [geo.cell_at(45.46, -73.47)]
    assert query["when"] == ["weekend"] and query["km"] == ["20"]
    page = body(client_for().get(location))
    assert _shown(page, cast) == {"brossard_family", "prairie_family"}
    assert 'value="position" selected' in page


def test_both_agendas_run_constant_queries(area, here, officer):
    day = timezone.localdate() + timedelta(days=3)
    person = resident(here)

    def add(n: int) -> list[str]:
        titles = []
        for _ in range(n):
            created = event(
                here,
                actor=officer,
                starts_at=local(day, 18),
                ends_at=local(day, 20),
                registration_required=True,
                capacity=3,
                latitude=45.46,
                longitude=-73.46,
                accessibility=[2],
            )
            services.registration_create(actor=person, occurrence=first_date(created))
            titles.append(created.title)
        return titles

    assert_constant_queries(
        client_for(person),
        url("events_region:agenda", area.slug, query=f"near={here.slug}&km=10"),
        add,
        few=2,
        many=12,
    )
    assert_constant_queries(client_for(), url("events:agenda", here.slug), add, few=1, many=6)


# --- An event's page ----------------------------------------------------------------------------


def test_the_event_page_shows_the_readers_language_or_marks_the_original(here, show):
    page = body(client_for().get(url("events:event", here.slug, show.pk, language="en")))
    assert '<h1 lang="en">Concert in the park</h1>' in page
    page = body(client_for().get(url("events:event", here.slug, show.pk, language="es")))
    assert '<h1 lang="fr">Concert au parc</h1>' in page
    with translation.override("es"):
        marker = translation.gettext("Written in %(language)s: no translation yet.") % {
            "language": translation.gettext("French")
        }
    assert marker in page


def test_the_event_page_has_its_json_ld_map_links_and_feeds(here, show):
    page = body(client_for().get(url("events:event", here.slug, show.pk)))
    head = page.split("</head>")[0]
    script = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', head, re.S)
    assert script is not None
    json.loads(script.group(1))
    assert 'class="place-map" role="img"' in page and "<polygon" in page
    assert "https://www.openstreetmap.org/?mlat=45.45800&amp;mlon=-73.46600" in page
    assert 'href="geo:45.45800,-73.46600"' in page
    assert url("events:feed", here.slug) in page
    assert url("events:feed_category", here.slug, "culture") in page
    assert "https://billets.example.org/concert" in page
    assert "12,50\u00a0$" in page
    assert _t("fr", "Step-free access for wheelchairs") in page


def test_visitors_see_the_dates_and_log_in_to_register(here, show):
    page = body(client_for().get(url("events:event", here.slug, show.pk, language="en")))
    assert "2 places left" in page
    assert _t("en", "Log in to register") in page
    assert url("events:register", here.slug, first_date(show).pk, language="en") not in page


def test_a_weekly_event_shows_its_next_ten_dates_then_all_on_request(here, officer):
    weekly = event(
        here,
        actor=officer,
        title_fr="Yoga au parc",
        rrule="FREQ=WEEKLY;COUNT=15",
        registration_required=True,
        capacity=5,
    )
    dates = list(weekly.occurrences.order_by("starts_at"))
    address = url("events:event", here.slug, weekly.pk, language="en")
    register = [url("events:register", here.slug, d.pk, language="en") for d in dates]
    viewer = resident(here)
    page = body(client_for(viewer).get(address))
    assert [link in page for link in register] == [True] * 10 + [False] * 5
    assert "All the coming dates" in page
    page = body(client_for(viewer).get(address + "?dates=all"))
    assert all(link in page for link in register)
    assert "All the coming dates" not in page


def test_a_draft_is_hidden_from_everyone_but_its_organisers(here, officer):
    draft = event(here, actor=officer, publish=False, title_fr="Brouillon")
    assert client_for().get(url("events:event", here.slug, draft.pk)).status_code == 404
    assert (
        client_for(resident(here)).get(url("events:event", here.slug, draft.pk)).status_code == 404
    )
    page = body(client_for(officer).get(url("events:event", here.slug, draft.pk)))
    assert _t("fr", "Publish the event") in page


def test_an_event_of_another_city_is_not_found_under_this_one(here, show):
    other = town()
    assert client_for().get(url("events:event", other.slug, show.pk)).status_code == 404


# --- Registering and cancelling -----------------------------------------------------------------


def _register(client, here, occurrence, language="fr", **extra):
    return client.post(url("events:register", here.slug, occurrence.pk, language=language), **extra)


def test_the_last_place_then_the_waiting_list_then_the_promotion(here, show):
    occurrence = first_date(show)
    first, second, third = (resident(here) for _ in range(3))
    response = client_for(first).post(
        url("events:register", here.slug, occurrence.pk, language="en"), follow=True
    )
    assert messages_of(response) == [
        _t("en", "You are registered. Your ticket is in your registrations.")
    ]
    response = client_for(second).post(
        url("events:register", here.slug, occurrence.pk, language="en"), follow=True
    )
    assert messages_of(response) == [
        _t("en", "You have the last place. Your ticket is in your registrations.")
    ]
    response = client_for(third).post(
        url("events:register", here.slug, occurrence.pk, language="en"), follow=True
    )
    with translation.override("en"):
        waiting = translation.gettext(
            "Every place is taken: you are number %(position)s on the waiting list. If a place "
            "frees up, it is yours and you are told."
        ) % {"position": 1}
    assert messages_of(response) == [waiting]
    page = body(response)
    assert _t("en", "Full — waiting list") in page
    assert "You are number 1 on the waiting list." in page
    mine = Registration.objects.get(user=first)
    response = client_for(first).post(
        url("events:registration_cancel", here.slug, mine.pk, language="en"), follow=True
    )
    assert messages_of(response) == [
        _t("en", "Your registration is cancelled. Thank you for freeing your place.")
    ]
    assert Registration.objects.get(user=third).status == RegistrationStatus.CONFIRMED
    page = body(client_for(third).get(url("events:event", here.slug, show.pk, language="en")))
    assert "You are registered." in page


def test_htmx_registration_answers_with_the_dates_row(here, show):
    occurrence = first_date(show)
    response = _register(client_for(resident(here)), here, occurrence, language="en", **HTMX)
    assert response.status_code == 200
    page = body(response)
    assert page.lstrip().startswith(f'<li id="date-{occurrence.pk}">')
    assert "You are registered. Your ticket is in your registrations." in page
    assert _t("en", "Cancel my registration") in page


def test_registering_twice_is_refused_with_the_reason_and_changes_nothing(here, show):
    occurrence = first_date(show)
    person = resident(here)
    services.registration_create(actor=person, occurrence=occurrence)
    before = list(Registration.objects.values())
    response = _register(client_for(person), here, occurrence, language="en")
    assert response.status_code == 400
    assert _t("en", "You are already registered.") in body(response)
    assert list(Registration.objects.values()) == before
    response = _register(client_for(person), here, occurrence, language="en", **HTMX)
    assert response.status_code == 400
    assert _t("en", "You are already registered.") in body(response)
    occurrence.refresh_from_db()
    assert occurrence.confirmed_count == 1


def test_an_event_without_registration_refuses_it_with_the_reason(here, officer):
    occurrence = first_date(event(here, actor=officer))
    response = _register(client_for(resident(here)), here, occurrence, language="en")
    assert response.status_code == 403
    assert _t("en", "Registration is not open for this date.") in body(response)
    assert not Registration.objects.exists()


def test_a_visitor_is_sent_to_log_in_to_register(here, show):
    response = _register(client_for(), here, first_date(show))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not Registration.objects.exists()


def test_nobody_cancels_someone_elses_registration_but_its_organisers(here, show, officer):
    occurrence = first_date(show)
    person = resident(here)
    registration = services.registration_create(actor=person, occurrence=occurrence)
    response = client_for(resident(here)).post(
        url("events:registration_cancel", here.slug, registration.pk)
    )
    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
    response = client_for(officer).post(
        url("events:registration_cancel", here.slug, registration.pk, language="en"), follow=True
    )
    assert messages_of(response) == [
        _t("en", "The registration is cancelled; the person is no longer expected.")
    ]
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


# --- My registrations ---------------------------------------------------------------------------


def test_my_registrations_show_tickets_places_in_line_and_my_calendar(here, show):
    occurrence = first_date(show)
    holder, other, waiting = resident(here), resident(here), resident(here)
    services.registration_create(actor=holder, occurrence=occurrence)
    services.registration_create(actor=other, occurrence=occurrence)
    services.registration_create(actor=waiting, occurrence=occurrence)
    page = body(client_for(holder).get(url("events_me:registrations", language="en")))
    assert page.count('class="card-qr"') == 1
    assert _t("en", "Your ticket: show this code at the door.") in page
    assert _t("en", "Get my calendar's address") in page.replace("&#x27;", "'")
    assert not CalendarToken.objects.exists()
    response = client_for(holder).post(url("events_me:calendar_rotate"), follow=True)
    token = services.calendar_token(actor=holder)
    assert "http://testserver" + url("events_me:feed", token) in body(response)
    page = body(client_for(waiting).get(url("events_me:registrations", language="en")))
    assert "You are number 1 on the waiting list." in page
    assert 'class="card-qr"' not in page


def test_the_ticket_qr_carries_the_check_in_address(here, show):
    from milieu.accounts.views.card import qr_svg

    person = resident(here)
    registration = services.registration_create(actor=person, occurrence=first_date(show))
    page = body(client_for(person).get(url("events_me:ticket", registration.pk)))
    address = "http://testserver" + url("events:check_in_ticket", here.slug, registration.ticket)
    assert str(qr_svg(address)) in page
    assert (
        client_for(resident(here)).get(url("events_me:ticket", registration.pk)).status_code == 404
    )


def test_a_new_calendar_address_replaces_the_old(here):
    person = resident(here)
    old = services.calendar_token(actor=person)
    response = client_for(person).post(url("events_me:calendar_rotate"))
    assert response.status_code == 302
    new = services.calendar_token(actor=person)
    assert new != old
    assert services.calendar_user(old) is None
    assert CalendarToken.objects.count() == 1


# --- Writing events -----------------------------------------------------------------------------


def _event_form(**changes) -> dict:
    day = timezone.localdate() + timedelta(days=14)
    return {
        "publisher": "city",
        "title_fr": "Yoga au parc",
        "title_en": "Yoga in the park",
        "description_fr": "Apportez votre tapis.",
        "original_language": "fr",
        "category": "sport",
        "starts_at": f"{day}T09:00",
        "ends_at": f"{day}T10:00",
        "time_zone": "America/Toronto",
        "repeat": "weekly",
        "weekdays": ["SA", "TU"],
        "repeat_count": "6",
        "place_name": "Parc central",
        "latitude": "45.46",
        "longitude": "-73.47",
        "price": "0",
        "accessibility": ["1", "16"],
        "registration_required": "on",
        "capacity": "15",
        **changes,
    }


def test_the_organiser_writes_a_weekly_event_as_a_draft_then_publishes_it(here, officer):
    client = client_for(officer)
    response = client.post(url("events:event_create", here.slug), _event_form())
    assert response.status_code == 302
    created = Event.objects.get()
    assert created.status == EventStatus.DRAFT
    assert created.rrule == "FREQ=WEEKLY;BYDAY=TU,SA;COUNT=6"
    assert created.accessibility == 17
    assert created.capacity == 15
    assert created.starts_at.astimezone(local(timezone.localdate()).tzinfo).hour == 9
    response = client.post(url("events:event_publish", here.slug, created.pk), follow=True)
    assert messages_of(response) == [
        _t("fr", "The event is saved as a draft. Publish it when it is ready."),
        _t("fr", "The event is published: it appears in the agenda."),
    ]
    created.refresh_from_db()
    assert created.status == EventStatus.PUBLISHED
    assert created.occurrences.count() == 6


def test_the_until_date_becomes_an_until_in_utc(here, officer):
    last = timezone.localdate() + timedelta(days=60)
    form = _event_form(repeat="daily", weekdays=[], repeat_count="", repeat_until=str(last))
    response = client_for(officer).post(url("events:event_create", here.slug), form)
    assert response.status_code == 302
    rule = Event.objects.get().rrule
    assert rule.startswith("FREQ=DAILY;UNTIL=") and rule.endswith("Z")


def test_a_refused_event_keeps_what_was_typed_and_saves_nothing(here, officer):
    client = client_for(officer)
    response = client.post(
        url("events:event_create", here.slug, language="en"),
        _event_form(title_fr="", title_en="", description_fr="Gardez ce texte"),
    )
    assert response.status_code == 400
    page = body(response)
    assert _t("en", "Give a title in at least one language.") in page
    assert "Gardez ce texte" in page
    response = client.post(
        url("events:event_create", here.slug, language="en"),
        _event_form(rrule="FREQ=MINUTELY", description_fr="Encore ce texte"),
    )
    assert response.status_code == 400
    assert "Encore ce texte" in body(response)
    assert 'name="rrule"' in body(response) and "<details open>" in body(response)
    response = client.post(
        url("events:event_create", here.slug, language="en"),
        _event_form(ends_at=_event_form()["starts_at"].replace("09:00", "08:00")),
    )
    assert response.status_code == 400
    assert _t("en", "The end must come after the start.") in body(response)
    assert not Event.objects.exists()


def test_a_resident_cannot_publish_for_the_city_and_is_told_why(here):
    person = resident(here)
    response = client_for(person).get(url("events:event_create", here.slug, language="en"))
    assert response.status_code == 403
    assert _t(
        "en", "Only the municipality, its verified organisations and merchants publish events."
    ) in body(response)
    response = client_for(person).post(url("events:event_create", here.slug), _event_form())
    assert response.status_code == 403
    assert not Event.objects.exists()


def test_editing_shows_the_rule_in_the_picker_and_saves_the_change(here, officer, show):
    services.event_update(
        actor=officer, event=show, values={"rrule": "FREQ=WEEKLY;BYDAY=SA;COUNT=3"}
    )
    client = client_for(officer)
    page = body(client.get(url("events:event_edit", here.slug, show.pk)))
    assert re.search(r'name="repeat" value="weekly"[^>]*checked', page)
    assert re.search(r'name="weekdays" value="SA"[^>]*checked', page)
    assert re.search(r'name="repeat_count" value="3"', page)
    form = {
        **_event_form(),
        "title_fr": "Concert déplacé",
        "title_en": "",
        "starts_at": show.starts_at.astimezone(local(timezone.localdate()).tzinfo).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "ends_at": show.ends_at.astimezone(local(timezone.localdate()).tzinfo).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "repeat": "",
        "capacity": "2",
    }
    response = client.post(url("events:event_edit", here.slug, show.pk), form)
    assert response.status_code == 302
    show.refresh_from_db()
    assert show.title_fr == "Concert déplacé" and show.rrule == ""


def test_cancelling_the_event_needs_no_reason_and_tells_who_registered(here, officer, show):
    person = resident(here)
    services.registration_create(actor=person, occurrence=first_date(show))
    response = client_for(officer).post(
        url("events:event_cancel", here.slug, show.pk), {"reason": "Orage annoncé"}, follow=True
    )
    assert messages_of(response) == [
        _t("fr", "The event is cancelled; the people registered are told.")
    ]
    show.refresh_from_db()
    assert show.status == EventStatus.CANCELLED and show.cancel_reason == "Orage annoncé"
    assert first_date(show).status == "cancelled"
    page = body(client_for().get(url("events:event", here.slug, show.pk)))
    assert "Orage annoncé" in page
    response = client_for(officer).post(
        url("events:event_cancel", here.slug, show.pk, language="en"), {"reason": "Encore"}
    )
    assert response.status_code == 400
    assert _t("en", "This event is already cancelled.") in body(response)
    assert "Encore" in body(response)


def test_the_manage_page_lists_names_in_order_and_never_an_email(here, officer, show):
    occurrence = first_date(show)
    people = [resident(here, display_name=name) for name in ("Ana", "Bao", "Chloé")]
    for person in people:
        services.registration_create(actor=person, occurrence=occurrence)
    page = body(client_for(officer).get(url("events:event_manage", here.slug, show.pk)))
    assert page.index("Ana") < page.index("Bao") < page.index("Chloé")
    waiting = page.split(_t("fr", "Waiting list, in order"))[1]
    assert "Chloé" in waiting and "Ana" not in waiting
    assert all(person.email not in page for person in people)


# --- Check-in -----------------------------------------------------------------------------------


def test_checking_in_from_the_qr_address_awards_the_points_once(here, officer, show):
    earning_rule_set(
        actor=officer,
        program=program_for(here),
        action=EarningRule.Action.EVENT_ATTENDED,
        points=40,
    )
    occurrence = first_date(show)
    person = resident(here, display_name="Bao")
    registration = services.registration_create(actor=person, occurrence=occurrence)
    address = url("events:check_in_ticket", here.slug, registration.ticket, language="en")
    client = client_for(officer)
    with time_machine.travel(occurrence.starts_at - timedelta(minutes=20), tick=False):
        page = body(client.get(address))
        assert "Bao" in page and _t("en", "Check in") in page
        response = client.post(address, follow=True)
        with translation.override("en"):
            earned = translation.ngettext(
                "%(name)s is checked in and earns %(points)s point.",
                "%(name)s is checked in and earns %(points)s points.",
                40,
            )
        assert messages_of(response) == [earned % {"name": "Bao", "points": 40}]
        response = client.post(address, follow=True)
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    with translation.override("en"):
        already = translation.gettext("%(name)s was already checked in at %(time)s.") % {
            "name": "Bao",
            "time": "6:40 p.m.",
        }
    assert messages_of(response) == [already]
    assert points_balance(program=program_for(here), user=person) == 40


def test_the_check_in_form_takes_a_pasted_address_and_refuses_the_wrong_day(here, officer, show):
    occurrence = first_date(show)
    registration = services.registration_create(actor=resident(here), occurrence=occurrence)
    pasted = "http://testserver" + url("events:check_in_ticket", here.slug, registration.ticket)
    client = client_for(officer)
    with time_machine.travel(occurrence.starts_at - timedelta(days=1), tick=False):
        response = client.post(url("events:check_in", here.slug, language="en"), {"ticket": pasted})
    assert response.status_code == 400
    assert _t("en", "This ticket is for another date.") in body(response)
    assert pasted in body(response)
    registration.refresh_from_db()
    assert registration.checked_in_at is None
    with time_machine.travel(occurrence.starts_at, tick=False):
        response = client.post(url("events:check_in", here.slug), {"ticket": pasted})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.checked_in_at is not None


def test_an_unknown_ticket_is_refused_with_the_reason(here, officer):
    response = client_for(officer).post(
        url("events:check_in", here.slug, language="en"), {"ticket": "x" * 24}
    )
    assert response.status_code == 400
    assert _t("en", "This ticket is not valid.") in body(response)


def test_the_holder_sees_their_ticket_without_the_check_in_button(here, show):
    person = resident(here)
    registration = services.registration_create(actor=person, occurrence=first_date(show))
    address = url("events:check_in_ticket", here.slug, registration.ticket, language="en")
    page = body(client_for(person).get(address))
    assert _t("en", "This is your ticket: show its QR code to the organisers at the door.") in page
    response = client_for(person).post(address)
    assert response.status_code == 403
    assert escape(_t("en", "Only the event's organisers check people in.")) in body(response)
    registration.refresh_from_db()
    assert registration.checked_in_at is None


# --- Attractions --------------------------------------------------------------------------------


def _attraction_form(**changes) -> dict:
    return {
        "name_fr": "Musée du rail",
        "description_fr": "Des locomotives.",
        "original_language": "fr",
        "kind": "museum",
        "hours_tue": "10:00-17:00",
        "hours_sat": "9h-12h, 13:00-17:00",
        "website": "https://musee.example.org",
        "is_free": "",
        "accessibility": ["1"],
        "latitude": "45.45",
        "longitude": "-73.47",
        "published": "on",
        **changes,
    }


def test_staff_describe_a_place_with_its_hours(here, officer):
    response = client_for(officer).post(
        url("events:attraction_create", here.slug), _attraction_form()
    )
    assert response.status_code == 302
    place = Attraction.objects.get()
    assert place.hours == {
        "tue": [["10:00", "17:00"]],
        "sat": [["09:00", "12:00"], ["13:00", "17:00"]],
    }
    assert place.is_free is False and place.published is True
    page = body(client_for(officer).get(url("events:attraction_edit", here.slug, place.pk)))
    assert 'value="09:00-12:00, 13:00-17:00"' in page


def test_bad_hours_are_refused_keeping_what_was_typed(here, officer):
    response = client_for(officer).post(
        url("events:attraction_create", here.slug, language="en"),
        _attraction_form(hours_mon="17:00-09:00", description_fr="Texte gardé"),
    )
    assert response.status_code == 400
    page = body(response)
    assert (
        _t("en", "Give each opening as a start and an end, end after start (09:00-17:00).") in page
    )
    assert "Texte gardé" in page and 'value="17:00-09:00"' in page
    assert not Attraction.objects.exists()


def test_a_place_says_whether_it_is_open_now_in_the_municipalitys_time(here, officer):
    place = services.attraction_create(
        actor=officer,
        municipality=here,
        values={
            "name_fr": "Piscine",
            "kind": "sports",
            "hours": {"wed": [["09:00", "17:00"]]},
            "published": True,
        },
    )
    address = url("events:attraction", here.slug, place.pk, language="en")
    # Wednesday 2027-05-12, 10:00 in Quebec (14:00 UTC): open; 18:00 there: closed.
    with time_machine.travel("2027-05-12 14:00Z", tick=False):
        page = body(client_for().get(address))
    assert "Open now, until 17:00" in page
    assert 'aria-current="date"' in page
    assert '<script type="application/ld+json"' in page
    assert '"@type":"TouristAttraction"' in page
    with time_machine.travel("2027-05-12 22:00Z", tick=False):
        page = body(client_for().get(address))
    assert "Closed now; opens Wednesday at 09:00" in page
    listing = body(client_for().get(url("events:attractions", here.slug, language="en")))
    assert "Piscine" in listing


def test_drafts_of_places_are_for_staff_only(here, officer):
    place = services.attraction_create(
        actor=officer, municipality=here, values={"name_fr": "Sentier caché", "kind": "trail"}
    )
    assert client_for().get(url("events:attraction", here.slug, place.pk)).status_code == 404
    assert "Sentier caché" not in body(client_for().get(url("events:attractions", here.slug)))
    assert "Sentier caché" in body(client_for(officer).get(url("events:attractions", here.slug)))


def test_the_region_lists_the_places_of_its_cities(area, here, officer):
    services.attraction_create(
        actor=officer,
        municipality=here,
        values={"name_fr": "Parc de la Cité", "kind": "park", "published": True},
    )
    page = body(client_for().get(url("events_region:attractions", area.slug, language="en")))
    assert "Parc de la Cité" in page and _t("en", "Open at all times") in page


def test_every_occurrence_listed_is_scheduled(area, here, officer):
    created = event(here, actor=officer, title_fr="Date annulée", rrule="FREQ=DAILY;COUNT=2")
    services.occurrence_cancel(actor=officer, occurrence=first_date(created))
    page = body(client_for().get(url("events:agenda", here.slug)))
    assert page.count("Date annulée") == 1
    assert Occurrence.objects.filter(event=created, status="cancelled").count() == 1


def test_a_verified_organisation_publishes_in_its_own_name(area, officer):
    from milieu.volunteering.tests.factories import organisation

    city = town(region=area, modules=("events", "volunteering"))
    manager = resident(city, display_name="Gaëlle")
    team = organisation(city, manager=manager, name="Club de plein air")
    client = client_for(manager)
    page = body(client.get(url("events:event_create", city.slug)))
    assert f'<option value="organisation:{team.pk}"' in page
    assert '<option value="city"' not in page
    response = client.post(
        url("events:event_create", city.slug),
        _event_form(publisher=f"organisation:{team.pk}", latitude="", longitude=""),
    )
    assert response.status_code == 302
    created = Event.objects.get()
    assert (created.publisher, created.organisation_id) == ("organisation", team.pk)
    assert "Yoga au parc" in body(client.get(url("events:managed", city.slug)))
    refused = client.post(
        url("events:event_create", city.slug, language="en"),
        _event_form(publisher="city", title_fr="Au nom de la ville"),
    )
    assert refused.status_code == 400
    assert "Au nom de la ville" in body(refused)
    assert Event.objects.count() == 1
    # The city's staff edit it without taking it over.
    city_staff = staff(city)
    page = body(client_for(city_staff).get(url("events:event_edit", city.slug, created.pk)))
    assert re.search(rf'<option value="organisation:{team.pk}" selected>', page)
    response = client_for(city_staff).post(
        url("events:event_edit", city.slug, created.pk),
        _event_form(
            publisher=f"organisation:{team.pk}", title_fr="Yoga renommé", latitude="", longitude=""
        ),
    )
    assert response.status_code == 302
    created.refresh_from_db()
    assert created.title_fr == "Yoga renommé" and created.organisation_id == team.pk


@pytest.mark.parametrize(
    ("language", "label"), [("en", "Within 20 km"), ("fr", "À 20 km ou moins"), ("es", None)]
)
def test_the_distance_choices_speak_the_reader_s_language(here, language, label):
    if label is None:  # Spanish: whatever the catalogue says, not the French or English text
        with translation.override("es"):
            label = translation.gettext("Within %(km)s km") % {"km": 20}
        assert label not in {"Within 20 km", "À 20 km ou moins"}
    page = body(client_for().get(url("events:agenda", here.slug, language=language)))
    assert f">{label}</option>" in page
