"""The events module's journeys in a real browser.

(a) A visitor without an account opens the region's agenda, picks "this weekend", the family
category, near Brossard within 20 km, and finds this weekend's family outings of Brossard and La
Prairie, but not Magog's (105 km away), nor a weekday's, nor a cultural one.
(b) Resident A takes the last place of a date, resident B lands on the waiting list; A cancels,
and B's page shows B registered.
(c) The organiser, of the city's staff, opens B's ticket address (what the QR code gives) and
checks B in; B's points show the attendance points.

Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against `live_server`, each
person in a browser context of their own, htmx on (the agenda's results and a date's row are
swapped in place). Strings of Milieu's catalogues are asserted as gettext gives them in the
page's language (`_t`).
"""

import importlib
import re
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import Browser, Locator, Page, expect

from milieu.accounts.models import User
from milieu.core.testing import sign_in
from milieu.events import selectors
from milieu.events.models import Registration, RegistrationStatus
from milieu.rewards.models import EarningRule, Entry, Posting
from milieu.rewards.services import earning_rule_set, points_balance, program_for

from .factories import BROSSARD, LA_PRAIRIE, MAGOG, event, local, region, resident, staff, town

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _t(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


def _p(language: str, context: str, message: str) -> str:
    with translation.override(language):
        return translation.pgettext(context, message)


def _field(scope: Page | Locator, label: str) -> Locator:
    """The form field labelled `label` (Django adds its label suffix, ":" or " :")."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*:?\s*$"))


@pytest.fixture
def ledger_rows_removed_after(transactional_db) -> Iterator[None]:
    """The points ledger refuses DELETE (its triggers), and on SQLite the flush after a
    live-server test deletes rows: remove the ledger's rows with the triggers off, then put them
    back, as the rewards module's browser tests do. (PostgreSQL's flush truncates.)"""
    yield
    if connection.vendor != "sqlite":
        return
    migration = importlib.import_module("milieu.rewards.migrations.0002_entries_append_only")
    with connection.cursor() as cursor:
        for statement in migration.SQLITE_DOWN:
            cursor.execute(statement)
        Entry.objects.all().delete()
        Posting.objects.all().delete()
        for statement in migration.SQLITE_UP:
            cursor.execute(statement)


@pytest.fixture
def browser(ledger_rows_removed_after, browser):
    """The shared browser, closed before the ledger's rows are cleared."""
    return browser


@pytest.fixture
def open_page(live_server, browser: Browser) -> Iterator[Callable[..., Page]]:
    contexts = []
    errors: list[str] = []

    def open_(locale: str, user: User | None = None) -> Page:
        context = browser.new_context(locale=locale, viewport={"width": 390, "height": 800})
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        if user is not None:
            sign_in(page, live_server.url, user)
        return page

    yield open_
    for context in contexts:
        context.close()
    assert errors == [], f"JavaScript errors in the pages: {errors}"


@pytest.mark.django_db(transaction=True)
def test_a_visitor_finds_this_weekends_family_outings_within_20_km(live_server, open_page):
    area = region(name="Rive-Sud et Estrie")
    brossard = town(at=BROSSARD, region=area, name="Brossard")
    prairie = town(at=LA_PRAIRIE, region=area, name="La Prairie")
    magog = town(at=MAGOG, region=area, name="Magog")
    saturday, sunday = selectors.weekend()
    wednesday = saturday + timedelta(days=4)
    for city, title, category, day, hour in [
        (brossard, "Contes au parc", "family", saturday, 10),
        (prairie, "Pique-nique familial", "family", sunday, 11),
        (magog, "Fête au lac", "family", saturday, 13),
        (brossard, "Bricolage du mercredi", "family", wednesday, 16),
        (prairie, "Vernissage", "culture", saturday, 19),
    ]:
        event(
            city,
            title_fr=title,
            category=category,
            starts_at=local(day, hour),
            ends_at=local(day, hour + 2),
        )

    visitor = open_page("fr-CA")
    visitor.goto(f"{live_server.url}/fr/regions/{area.slug}/events/")
    expect(visitor.locator("html")).to_have_attribute("lang", "fr")
    results = visitor.locator("#agenda-results")
    expect(results).to_contain_text("Bricolage du mercredi")  # the coming weeks, at first
    visitor.get_by_label(_t("fr", "This weekend"), exact=True).check()
    expect(results).not_to_contain_text("Bricolage du mercredi")
    visitor.get_by_label(_p("fr", "event category", "Family"), exact=True).check()
    expect(results).not_to_contain_text("Vernissage")
    _field(visitor, _t("fr", "Near")).select_option(label="Brossard")
    _field(visitor, _t("fr", "Distance")).select_option(value="20")
    expect(results).not_to_contain_text("Fête au lac")
    titles = results.locator("article h3")
    expect(titles).to_have_text(["Contes au parc", "Pique-nique familial"])
    expect(results.locator("article").nth(1)).to_contain_text("La Prairie")
    # The search is in the address: a reload shows the same outings, without htmx.
    assert "category=family" in visitor.url and "km=20" in visitor.url
    visitor.reload()
    expect(visitor.locator("#agenda-results article h3")).to_have_text(
        ["Contes au parc", "Pique-nique familial"]
    )


@pytest.mark.django_db(transaction=True)
def test_the_last_place_the_waiting_list_the_promotion_and_the_check_in(live_server, open_page):
    city = town(at=BROSSARD, name="Brossard")
    organiser = staff(city, display_name="Olivia")
    earning_rule_set(
        actor=organiser,
        program=program_for(city),
        action=EarningRule.Action.EVENT_ATTENDED,
        points=50,
    )
    soon = timezone.now() + timedelta(minutes=40)
    show = event(
        city,
        actor=organiser,
        title_fr="Atelier de cirque",
        category="family",
        starts_at=soon,
        ends_at=soon + timedelta(hours=1),
        registration_required=True,
        capacity=1,
    )
    amal, bruno = resident(city, display_name="Amal"), resident(city, display_name="Bruno")
    address = f"{live_server.url}/fr/{city.slug}/events/{show.pk}/"

    # Amal takes the last place.
    a = open_page("fr-CA", amal)
    a.goto(address)
    with translation.override("fr"):
        register = translation.pgettext("event", "Register")
    a.get_by_role("button", name=register, exact=True).click()
    dates = a.locator("ol.date-list")
    expect(dates).to_contain_text(
        _t("fr", "You have the last place. Your ticket is in your registrations.")
    )
    expect(a.get_by_role("button", name=_t("fr", "Cancel my registration"))).to_be_visible()

    # Bruno lands on the waiting list.
    b = open_page("fr-CA", bruno)
    b.goto(address)
    expect(b.locator("ol.date-list")).to_contain_text(_t("fr", "Full — waiting list"))
    b.get_by_role("button", name=_t("fr", "Join the waiting list")).click()
    with translation.override("fr"):
        waiting = translation.gettext(
            "Every place is taken: you are number %(position)s on the waiting list. If a place "
            "frees up, it is yours and you are told."
        ) % {"position": 1}
    expect(b.locator("ol.date-list")).to_contain_text(waiting)

    # Amal cancels: her place goes to Bruno.
    a.get_by_role("button", name=_t("fr", "Cancel my registration")).click()
    expect(a.locator("ol.date-list")).to_contain_text(
        _t("fr", "Your registration is cancelled. Thank you for freeing your place.")
    )
    b.reload()
    expect(b.locator("ol.date-list")).to_contain_text(_t("fr", "You are registered."))
    registration = Registration.objects.get(user=bruno)
    assert registration.status == RegistrationStatus.CONFIRMED

    # His ticket is in his registrations, as a QR code.
    b.goto(f"{live_server.url}/fr/events/registrations/")
    expect(b.locator("svg.card-qr")).to_have_count(1)

    # Olivia opens the address the QR code gives and checks Bruno in.
    o = open_page("fr-CA", organiser)
    ticket_url = reverse("events:check_in_ticket", args=[city.slug, registration.ticket])
    o.goto(f"{live_server.url}{ticket_url}")
    expect(o.locator("main")).to_contain_text("Bruno")
    expect(o.locator("main")).to_contain_text("Atelier de cirque")
    o.get_by_role("button", name=_t("fr", "Check in"), exact=True).click()
    with translation.override("fr"):
        earned = translation.ngettext(
            "%(name)s is checked in and earns %(points)s point.",
            "%(name)s is checked in and earns %(points)s points.",
            50,
        ) % {
            "name": "Bruno",
            "points": 50,
        }
    expect(o.locator(".messages")).to_contain_text(earned)
    assert points_balance(program=program_for(city), user=bruno) == 50

    # Bruno's points show them.
    b.goto(f"{live_server.url}/fr/rewards/")
    with translation.override("fr"):
        balance = translation.ngettext(
            "%(program)s: %(points)s point", "%(program)s: %(points)s points", 50
        ) % {"program": program_for(city).name, "points": 50}
    expect(b.locator("main")).to_contain_text(balance)
