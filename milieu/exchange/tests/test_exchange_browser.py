"""The sharing module's journey in a real browser: a resident lists a drill (in French); a
neighbour about 1 km away (in English) finds it by distance, asks to borrow it; the owner
accepts; the handover is confirmed by scanning the QR code the borrower shows (the owner opens
its address); both confirm the return and review each other.

Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against `live_server`, each
person in a browser context of their own. Strings of Milieu's catalogues are asserted as gettext
gives them in the page's language (`_t`), so the journey checks that each page speaks its
language.
"""

import re
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Browser, Locator, Page, expect

from milieu.accounts.models import User
from milieu.core.testing import camera_photo, sign_in
from milieu.exchange.models import Exchange, Listing, Review
from milieu.territory.tests.factories import DistrictFactory

from .factories import CENTRE, EAST_1_KM, neighbour, town

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _t(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


def _decoded(page: Page, image: Locator) -> None:
    """Wait until the browser has loaded and decoded `image` (a slow first request for the
    file must not fail the test; a file the browser cannot decode times out)."""
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )


def _field(scope: Page | Locator, label: str) -> Locator:
    """The form field labelled `label` (Django adds its label suffix, ":" or " :")."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*:?\s*$"))


@pytest.fixture
def open_page(live_server, browser: Browser) -> Iterator[Callable[..., Page]]:
    contexts = []
    errors: list[str] = []

    def open_(locale: str, user: User) -> Page:
        context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        sign_in(page, live_server.url, user)
        return page

    yield open_
    for context in contexts:
        context.close()
    assert errors == [], f"JavaScript errors in the pages: {errors}"


@pytest.mark.django_db(transaction=True)
def test_a_drill_is_lent_to_a_neighbour_found_by_distance_and_both_review(
    live_server, open_page, still_clock
):
    municipality = town()
    east = DistrictFactory(
        municipality=municipality,
        name="Est",
        slug="est",
        latitude=EAST_1_KM[0],
        longitude=EAST_1_KM[1],
    )
    owner = neighbour(municipality, display_name="Camille")
    borrower = neighbour(municipality, display_name="Amal", preferred_language="en")
    User.objects.filter(pk=borrower.pk).update(preferred_language="en")
    borrower.memberships.update(district=east)
    assert municipality.districts.get(slug="centre").latitude == CENTRE[0]
    base = live_server.url
    slug = municipality.slug

    # Camille lists her drill, in French, placed in her district (never an address).
    camille = open_page("fr-CA", owner)
    camille.goto(f"{base}/fr/{slug}/sharing/new/")
    expect(camille.locator("html")).to_have_attribute("lang", "fr")
    camille.get_by_label(_t("fr", "Object to lend")).check()
    _field(camille, _t("fr", "Category")).select_option(label="Outils électriques")
    _field(camille, _t("fr", "Title")).fill("Perceuse sans fil")
    _field(camille, _t("fr", "Description")).fill("Avec deux batteries et un coffret de mèches.")
    _field(camille, _t("fr", "Picture %(number)d") % {"number": 1}).set_input_files(
        files=[{"name": "perceuse.jpg", "mimeType": "image/jpeg", "buffer": camera_photo()}]
    )
    _field(camille, _t("fr", "Description of picture %(number)d") % {"number": 1}).fill(
        "La perceuse et ses batteries"
    )
    _field(camille, _t("fr", "Condition")).select_option(label=_t("fr", "Good"))
    camille.get_by_label(_t("fr", "Free"), exact=True).check()
    _field(camille, _t("fr", "Longest loan (days)")).fill("7")
    camille.get_by_role("button", name=_t("fr", "Publish")).click()
    expect(camille.get_by_role("heading", level=1)).to_have_text("Perceuse sans fil")
    drill = Listing.objects.get()
    assert drill.cell and drill.owner_id == owner.pk
    photo = camille.get_by_role("img", name="La perceuse et ses batteries")
    expect(photo).to_be_visible()
    _decoded(camille, photo)
    assert photo.evaluate("img => img.naturalHeight > img.naturalWidth")  # upright

    # Amal, who reads English, searches within 2 km of her district and finds it, about 1 km.
    amal = open_page("en-CA", borrower)
    amal.goto(f"{base}/en/{slug}/sharing/")
    expect(amal.locator("html")).to_have_attribute("lang", "en")
    _field(amal, _t("en", "Distance")).select_option(label="Within 2 km")
    amal.get_by_role("button", name=_t("en", "Search"), exact=True).click()
    result = amal.locator("article, li").filter(has_text="Perceuse sans fil").first
    expect(result).to_contain_text("about 1 km")
    _decoded(amal, result.locator("img.listing-cover"))
    assert drill.cell not in amal.content()
    result.get_by_role("link", name="Perceuse sans fil").click()
    start = timezone.localdate() + timedelta(days=1)
    end = start + timedelta(days=2)
    _field(amal, _t("en", "From")).fill(start.isoformat())
    _field(amal, _t("en", "Until (the day you bring it back)")).fill(end.isoformat())
    _field(amal, _t("en", "Message to the owner")).fill("Hello! For a shelf, this weekend.")
    amal.get_by_role("button", name=_t("en", "Send my request")).click()
    expect(amal.locator("main")).to_contain_text(_t("en", "Requested"))
    exchange = Exchange.objects.get()
    exchange_url = f"/{slug}/sharing/exchanges/{exchange.pk}/"

    # Camille accepts, with a meeting place only the two of them see.
    camille.goto(f"{base}/fr{exchange_url}")
    _field(camille, _t("fr", "Where and when to meet")).fill("Devant la bibliothèque, samedi 10 h")
    camille.get_by_role("button", name=_t("fr", "Accept the request")).click()
    expect(camille.locator("main")).to_contain_text(_t("fr", "Accepted"))

    # Amal receives the drill: her page shows the QR code; Camille scans it (opens its address)
    # and confirms the handover for both.
    amal.goto(f"{base}/en{exchange_url}")
    expect(amal.locator("main")).to_contain_text("Devant la bibliothèque")
    expect(amal.locator("main svg").first).to_be_visible()
    exchange.refresh_from_db()
    camille.goto(
        f"{base}/fr/{slug}/sharing/exchanges/{exchange.pk}/handover/?code={exchange.handover_code}"
    )
    confirm = camille.get_by_role("button", name=_t("fr", "Confirm the handover"))
    confirm.click()
    expect(confirm).to_have_count(0)
    exchange.refresh_from_db()
    assert exchange.state == "handed_over"

    # The drill comes back: both confirm the return.
    for page, language in ((amal, "en"), (camille, "fr")):
        page.goto(f"{base}/{language}{exchange_url}")
        confirm = page.get_by_role("button", name=_t(language, "Confirm the return"))
        confirm.click()
        expect(confirm).to_have_count(0)
    exchange.refresh_from_db()
    assert exchange.state == "completed"

    # Each reviews the other once.
    for page, language, rating, text in (
        (amal, "en", "5", "Very kind, thank you!"),
        (camille, "fr", "4", "Rendue à temps."),
    ):
        page.goto(f"{base}/{language}{exchange_url}")
        page.get_by_label(rating, exact=True).check()
        _field(page, _t(language, "A few words (optional)")).fill(text)
        page.get_by_role("button", name=_t(language, "Send my review")).click()
        expect(page.locator("main")).to_contain_text(text)
    assert sorted(Review.objects.values_list("author__display_name", "rating")) == [
        ("Amal", 5),
        ("Camille", 4),
    ]
    # Camille's listing now shows her reputation to her neighbours.
    amal.goto(f"{base}/en/{slug}/sharing/{drill.pk}/")
    with translation.override("en"):
        rated = translation.ngettext(
            "Rated %(average)s out of 5 in %(reviews)s review",
            "Rated %(average)s out of 5 in %(reviews)s reviews",
            1,
        ) % {"average": "5.0", "reviews": 1}
    expect(amal.locator("main")).to_contain_text(rated)
