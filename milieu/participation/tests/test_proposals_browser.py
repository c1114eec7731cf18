"""A call for proposals in a real browser (Done-when of the proposals part): residents support
an idea until it reaches its threshold (htmx swaps the counter in place), the city's staff
publish the answer, and the idea's page shows the city's answer with its date.

Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against `live_server`, each
person in a browser context of their own. Strings of Milieu's catalogues are asserted as
gettext gives them in the page's language (`_t`).
"""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from milieu.core.testing import sign_in

from ..models import Proposal
from .factories_proposals import call, proposal, resident, staff, town

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _t(message: str) -> str:
    with translation.override("fr"):
        return translation.gettext(message)


def _supports(n: int) -> str:
    with translation.override("fr"):
        return translation.ngettext("%(counter)s support", "%(counter)s supports", n) % {
            "counter": n
        }


@pytest.mark.django_db(transaction=True)
def test_residents_support_an_idea_to_its_threshold_and_the_city_answers(live_server, new_page):
    city = town(name="Brossard")
    clerk = staff(city, display_name="Employé")
    idea = proposal(
        call(city, threshold=2, title_fr="Idées pour le parc riverain"),
        title="Des bancs à l'ombre",
    )
    amal, bruno = resident(city, display_name="Amal"), resident(city, display_name="Bruno")
    address = f"{live_server.url}/fr/{city.slug}/participation/proposals/{idea.pk}/"

    for person, count in ((amal, 1), (bruno, 2)):
        page = new_page()
        sign_in(page, live_server.url, person)
        page.goto(address)
        page.get_by_role("button", name=_t("Support this idea")).click()
        box = page.locator("#support-box")
        expect(box).to_contain_text(_t("Thank you: you support this idea."))
        expect(box).to_contain_text(_supports(count))
    page.reload()
    expect(page.locator("main")).to_contain_text(_t("The city has committed to answer"))
    assert Proposal.objects.get(pk=idea.pk).threshold_reached_at is not None

    office = new_page()
    sign_in(office, live_server.url, clerk)
    office.goto(f"{live_server.url}/fr/{city.slug}/staff/participation/proposals/")
    office.get_by_role("link", name="Des bancs à l'ombre").click()
    office.get_by_label(_t("Official status")).select_option("accepted")
    office.get_by_role("textbox", name=_t("The city's answer")).fill(
        "Deux bancs seront installés en mai."
    )
    office.get_by_role("button", name=_t("Publish the answer")).click()
    expect(office.locator(".messages")).to_contain_text(
        _t("The answer is published; the author and supporters are told.")
    )

    visitor = new_page()
    visitor.goto(address)
    answer = visitor.locator("section.city-answer")
    expect(answer).to_contain_text("Deux bancs seront installés en mai.")
    with translation.override("fr"):
        accepted = translation.pgettext("proposal status", "Accepted")
    expect(answer).to_contain_text(accepted)
    expect(visitor.locator("main")).not_to_contain_text(_t("The city has committed to answer"))
