"""The diagnostic's journey in a real browser: a Témiscamingue town's staff complete the
diagnostic, see the radar chart and the recommendations, and turn two of them into plan actions
that both show in the plan.

Headless Chromium (/usr/bin/chromium) driven by Playwright against `live_server`; strings are
asserted as gettext gives them in French (`_t`)."""

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from milieu.core.testing import sign_in
from milieu.network.models import PlanAction
from milieu.network.questions import QUESTIONS, RECOMMENDATIONS

from . import diagnostic_factories as f

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

WEAK = {"connectivity": 1, "data": 2, "skills": 0}


def _t(message) -> str:
    with translation.override("fr"):
        return translation.gettext(str(message))


def _url(name: str, *args) -> str:
    with translation.override("fr"):
        return reverse(name, args=args)


@pytest.mark.django_db(transaction=True)
def test_staff_complete_the_diagnostic_and_turn_two_recommendations_into_plan_actions(
    live_server, new_page
):
    region = f.RegionFactory(slug="temiscamingue", name="MRC de Témiscamingue")
    town = f.town(region=region, slug="ville-marie", name="Ville-Marie", population=2_500)
    officer = f.staff(town)
    page = new_page()
    sign_in(page, live_server.url, officer)

    page.goto(live_server.url + _url("diagnostic:index", town.slug))
    page.get_by_role("button", name=_t("Start a diagnostic")).click()
    for question in QUESTIONS:
        level = WEAK.get(question.dimension, 4)
        page.locator(f"input[name={question.key}][value='{level}']").check()
    page.get_by_role("button", name=_t("Complete the diagnostic")).click()

    expect(page.locator(".messages")).to_contain_text(_t("The diagnostic is completed."))
    radar = page.locator("svg.radar[role=img]")
    expect(radar).to_be_visible()
    expect(page.locator("table.diagnostic-scores tbody tr")).to_have_count(7)
    headings = page.locator(".recommendation h3")
    expect(headings).to_have_count(3)
    expect(headings.first).to_have_text(_t(RECOMMENDATIONS["skills"].text))

    for dimension in ("skills", "connectivity"):
        page.goto(live_server.url + _url("diagnostic:index", town.slug))
        page.locator("table.diagnostic-history a").first.click()
        page.locator(f"#recommendation-{dimension} button").click()
        expect(page.locator(".messages")).to_be_visible()

    actions = page.locator("table.plan-actions tbody tr")
    expect(actions).to_have_count(2)
    for dimension in ("skills", "connectivity"):
        expect(page.locator("table.plan-actions")).to_contain_text(
            _t(RECOMMENDATIONS[dimension].text)
        )
    assert PlanAction.objects.filter(municipality=town).count() == 2
