"""The reports module's journey in a real browser: a resident files a report with a photo and
finds it under "My reports"; the town's staff (with MFA) close it as fixed with a note; the
reporter's page then says closed, and the notification is in their notification centre.

Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against `live_server`, each
person in a browser context of their own, htmx on. Strings of Milieu's catalogues are asserted
as gettext gives them in the page's language (`_t`).
"""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from milieu.core.testing import jpeg_bytes, sign_in

from ..models import Report, ReportStatus
from . import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _t(message: str) -> str:
    with translation.override("fr"):
        return translation.gettext(message)


def _p(context: str, message: str) -> str:
    with translation.override("fr"):
        return translation.pgettext(context, message)


def _url(name: str, *args) -> str:
    with translation.override("fr"):
        return reverse(name, args=args)


@pytest.mark.django_db(transaction=True)
def test_a_resident_reports_a_pothole_and_staff_close_it_as_fixed(live_server, new_page):
    here = f.town(name="Brossard")
    pothole = f.category(here, name_fr="Nid-de-poule")
    resident = f.member(here, display_name="Rita")
    officer = f.staff(here)

    # The resident files the report, with a photo.
    page = new_page()
    sign_in(page, live_server.url, resident)
    page.goto(live_server.url + _url("reports:report_new", here.slug))
    page.select_option("select[name=category]", pothole.code)
    page.fill("textarea[name=description]", "Un trou profond devant le 12.")
    page.fill("input[name=latitude]", str(f.BROSSARD[0]))
    page.fill("input[name=longitude]", str(f.BROSSARD[1]))
    page.set_input_files(
        "input[name=image_1]",
        files=[{"name": "trou.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}],
    )
    # htmx draws the point once a category and a point are given.
    expect(page.locator("#report-nearby svg")).to_be_visible()
    page.get_by_role("button", name=_t("Send the report")).click()
    filed = _t(
        "Thank you: your report number %(number)s is filed. You are told here and in your "
        "notifications when the municipality acts on it."
    )
    expect(page.locator(".messages")).to_contain_text(filed.split("%(number)s")[0].strip())
    report = Report.objects.get()
    assert report.photos.count() == 1
    expect(page.locator(".report-photos img")).to_be_visible()
    page.get_by_role("link", name=_t("My reports")).first.click()
    expect(page.get_by_role("link", name=re.compile(rf"#{report.pk}\b"))).to_be_visible()
    expect(page.locator(".report-list")).to_contain_text(_p("report status", "Open"))

    # The staff close it as fixed, with a note to the reporter.
    desk = new_page()
    sign_in(desk, live_server.url, officer)
    desk.goto(live_server.url + _url("reports_staff:queue", here.slug))
    desk.get_by_role("link", name=re.compile(rf"#{report.pk}\b")).click()
    desk.select_option("select[name=status]", ReportStatus.CLOSED_FIXED)
    desk.fill("textarea[name=note]", "Le trou est bouché.")
    desk.get_by_role("button", name=_t("Change the status")).click()
    expect(desk.locator(".messages")).to_contain_text(
        _t("The status is changed; the reporter is told.")
    )

    # The reporter sees it closed, and told.
    page.goto(live_server.url + _url("reports:report", here.slug, report.pk))
    expect(page.locator("h1 + nav + p .badge, .badge").first).to_have_text(
        _p("report status", "Closed: fixed")
    )
    expect(page.get_by_text("Le trou est bouché.").first).to_be_visible()
    page.goto(live_server.url + _url("notifications:centre"))
    expect(page.get_by_text(re.compile(rf"#{report.pk}\b")).first).to_be_visible()
