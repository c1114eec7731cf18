"""A council meeting in a real browser: a resident asks a question on an agenda item, and an
elected official finds it under that item on the questions page (headless Chromium)."""

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from milieu.core.testing import sign_in

from .test_council_factories import elected, item, meeting, resident, staff, town

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _t(message: str) -> str:
    with translation.override("fr"):
        return translation.gettext(message)


@pytest.mark.django_db(transaction=True)
def test_a_resident_asks_and_an_elected_official_reads_it_under_the_item(live_server, new_page):
    here = town(name="Brossard-test")
    officer = staff(here)
    sitting = meeting(here, actor=officer, title_fr="Séance ordinaire")
    item(sitting, "Ordre du jour", actor=officer, number="1")
    park = item(sitting, "Parc Sorbonne", actor=officer, number="5.2")
    person = resident(here, display_name="Camille C")
    url = f"{live_server.url}/fr/{here.slug}/council/{sitting.pk}/"

    page = new_page()
    page.set_default_timeout(30_000)  # the first page of a cold server
    sign_in(page, live_server.url, person)
    page.goto(url)
    page.get_by_label(re.compile(_t("About"))).select_option(value=str(park.pk))
    page.get_by_label(re.compile(_t("Your question"))).fill("Le sentier sera-t-il déneigé ?")
    page.get_by_role("button", name=_t("Send my question")).click()
    expect(page.locator("#my-questions")).to_contain_text("Le sentier sera-t-il déneigé ?")

    reader = new_page()
    sign_in(reader, live_server.url, elected(here))
    reader.goto(f"{url}questions/")
    group = reader.locator("section.question-group", has_text="5.2 Parc Sorbonne")
    expect(group).to_contain_text("Le sentier sera-t-il déneigé ?")
    expect(group).to_contain_text("Camille C")
    expect(
        reader.locator("section.question-group", has_text="1 Ordre du jour")
    ).not_to_contain_text("déneigé")
