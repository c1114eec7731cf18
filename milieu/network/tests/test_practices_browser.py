"""The best-practice exchange in a real browser: the staff of a Témiscamingue town write and
publish a practice; the staff of another municipality find it by searching the catalogue and
mark it adopted; the adoption shows on the practice's page.

Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against `live_server`, each
person in a browser context of their own, htmx on. Strings of Milieu's catalogues are asserted as
gettext gives them in the page's language (`_t`)."""

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from milieu.core.testing import sign_in
from milieu.network.models import Adoption, Practice
from milieu.territory.tests.factories import RegionFactory

from .practices_factories import staff, town

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _t(message: str) -> str:
    with translation.override("fr"):
        return translation.gettext(message)


def _url(name: str, *args) -> str:
    with translation.override("fr"):
        return reverse(name, args=args)


@pytest.mark.django_db(transaction=True)
def test_a_town_publishes_a_practice_that_another_adopts(live_server, new_page):
    temiscamingue = RegionFactory(slug="temiscamingue", name="MRC de Témiscamingue")
    ville_marie = town(temiscamingue, slug="ville-marie", name="Ville-Marie", population=2600)
    brossard = town(slug="brossard", name="Brossard")
    author = staff(ville_marie)
    adopter = staff(brossard)

    # Ville-Marie's staff write the practice and publish it.
    desk = new_page()
    sign_in(desk, live_server.url, author)
    desk.goto(live_server.url + _url("practices_staff:create", ville_marie.slug))
    desk.fill("input[name=title]", "Infolettre imprimée pour les résidents sans internet")
    desk.select_option("select[name=dimension]", "participation")
    desk.fill("textarea[name=problem]", "Les aînés sans internet ne recevaient pas les nouvelles.")
    desk.fill("textarea[name=solution]", "L'infolettre est imprimée et déposée à l'épicerie.")
    desk.fill("input[name=contact]", "Service des communications")
    desk.fill("input[name=tags]", "infolettre, aînés")
    desk.get_by_role("button", name=_t("Save")).click()
    expect(desk.get_by_role("button", name=_t("Publish for every municipality"))).to_be_visible()
    desk.get_by_role("button", name=_t("Publish for every municipality")).click()
    expect(desk.get_by_role("heading", level=1)).to_have_text(
        "Infolettre imprimée pour les résidents sans internet"
    )
    practice = Practice.objects.get()
    assert practice.status == "published"

    # Brossard's staff find it by searching the catalogue and mark it adopted.
    other = new_page()
    sign_in(other, live_server.url, adopter)
    other.goto(live_server.url + _url("practices:list"))
    other.fill("input[name=q]", "imprimée")
    other.get_by_role("button", name=_t("Search")).click()
    link = other.locator("#results").get_by_role(
        "link", name="Infolettre imprimée pour les résidents sans internet"
    )
    expect(link).to_be_visible()
    # The search swaps the results in (htmx) and may swap them again: follow the found link's
    # address rather than click an element that the next swap can replace.
    other.goto(live_server.url + link.get_attribute("href"))
    expect(other.get_by_role("heading", level=1)).to_have_text(
        "Infolettre imprimée pour les résidents sans internet"
    )
    other.fill("textarea[name=note]", "Imprimée dans nos bibliothèques.")
    other.get_by_role("button", name=_t("We adopted this")).click()
    adoptions = other.locator("#adoptions")
    expect(adoptions).to_contain_text("Brossard")
    expect(adoptions).to_contain_text("Imprimée dans nos bibliothèques.")
    assert Adoption.objects.get().municipality == brossard

    # Ville-Marie's staff see the adoption on their practice's page.
    desk.reload()
    expect(desk.locator("#adoptions")).to_contain_text("Brossard")
