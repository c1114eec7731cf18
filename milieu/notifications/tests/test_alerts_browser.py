"""A municipal alert in a real browser (issue 4, "Done when").

Staff of Brossard compose a snow-removal alert for one district (the audience count updates
live as they tick it) and send it. A resident of that district sees it in the notification
centre, with the unread badge in the header, and receives the email at the local SMTP server; a
resident of another district receives nothing.

Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, against pytest-django's
`live_server`; the same setup as `milieu/core/tests/test_browser.py`. Screenshots go to
test-results/.
"""

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation
from playwright.sync_api import Page, expect

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import with_role
from milieu.core.testing import sign_in
from milieu.notifications import services
from milieu.notifications.models import Alert, Notification
from milieu.territory.tests.factories import DistrictFactory, MunicipalityFactory

from .factories_alerts import resident

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SCREENSHOTS = Path(settings.BASE_DIR) / "test-results"
WAIT = 10_000  # ms
TITLE = "Déneigement cette nuit"
BODY = "Stationnement interdit dans le secteur nord à partir de 23 h."


def _t(message: Any) -> str:
    """`message` (a msgid, or a lazy translation) as Milieu shows it in French: the assertions
    hold whether or not our catalogues translate it yet."""
    with translation.override("fr"):
        return translation.gettext(message) if isinstance(message, str) else str(message)


def _screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"browser-alerts-{name}.png", full_page=True)


def _counts(number: int) -> re.Pattern:
    """The audience sentence with exactly `number` in it (whatever the catalogue's wording)."""
    return re.compile(rf"(^|\D){number}(\D|$)")


def test_staff_send_a_snow_removal_alert_to_one_district_and_only_its_residents_get_it(
    live_server, smtp_server, new_page
):
    base = live_server.url
    brossard = MunicipalityFactory(slug="brossard", name="Ville de Brossard", id_code="BRO")
    nord = DistrictFactory(municipality=brossard, name="Secteur nord", slug="secteur-nord")
    sud = DistrictFactory(municipality=brossard, name="Secteur sud", slug="secteur-sud")
    staff = with_role(brossard, Role.STAFF, email="agent@example.org", display_name="Agent Roy")
    north = resident(brossard, nord, email="nord@example.org", display_name="Léa Nord")
    south = resident(brossard, sud, email="sud@example.org", display_name="Sam Sud")
    for person in (north, south):  # both want snow-removal emails; only one is in the district
        services.preference_set(actor=person, topic="snow_removal", channel="email", enabled=True)

    # --- Staff compose the alert ---
    desk = new_page()
    sign_in(desk, base, staff)
    desk.goto(f"{base}/fr/brossard/staff/alerts/")
    desk.get_by_role("link", name=_t("Write an alert")).click()
    expect(desk).to_have_url(f"{base}/fr/brossard/staff/alerts/new/")
    audience = desk.locator("#audience-preview")
    expect(audience).to_have_text(_counts(3))  # the whole municipality: staff included

    desk.locator('select[name="topic"]').select_option("snow_removal")
    desk.get_by_label("Secteur nord", exact=True).check()
    expect(audience).to_have_text(_counts(1))  # updated by htmx, without reloading the page
    desk.locator('input[name="title_fr"]').fill(TITLE)
    desk.locator('textarea[name="body_fr"]').fill(BODY)
    desk.locator('input[name="title_en"]').fill("Snow removal tonight")
    desk.locator('textarea[name="body_en"]').fill("No parking in the north sector from 11 p.m.")
    _screenshot(desk, "1-compose")
    desk.get_by_role("button", name=_t("Send now"), exact=True).click()

    alert = Alert.objects.get()
    expect(desk).to_have_url(f"{base}/fr/brossard/staff/alerts/{alert.pk}/")
    expect(desk.locator("#alert-status")).to_have_text(_t(Alert.Status.SENT.label))
    expect(desk.locator("#alert-audience")).to_have_text("1")
    expect(desk.locator("#delivery-status")).to_be_visible()
    _screenshot(desk, "2-sent")

    # --- The resident of the northern district ---
    message = smtp_server.wait_for_message()
    assert (message["To"], message["Subject"]) == ("nord@example.org", TITLE)
    assert BODY in message.get_body(preferencelist=("plain",)).get_content()

    reader = new_page()
    sign_in(reader, base, north)
    reader.goto(f"{base}/fr/notifications/")
    expect(reader.locator("#notification-count")).to_have_text("1")
    centre = reader.locator("#notification-list")
    expect(centre.get_by_role("heading", name=re.compile(re.escape(TITLE)))).to_be_visible()
    expect(centre).to_contain_text(BODY)
    _screenshot(reader, "3-centre")

    # --- The resident of the southern district: nothing, by email or in the centre ---
    other = new_page()
    sign_in(other, base, south)
    other.goto(f"{base}/fr/notifications/")
    expect(other.locator("#notification-count")).to_have_text("0")
    expect(other.locator("#notification-list")).not_to_contain_text(TITLE)
    assert len(smtp_server.messages) == 1
    assert not Notification.objects.filter(user=south).exists()
