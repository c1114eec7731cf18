"""Issue 12's journey in one real browser session, as the Témiscamingue seed tells it: a small
town's staff take the digital-maturity diagnostic, read the radar chart and the
recommendations, turn two of them into actions of their digital plan, and publish a practice
that another municipality (Brossard) finds and marks as adopted; then a resident of the same
town completes a toolkit course.

Each part has its own, finer browser test (`test_diagnostic_browser`, `test_practices_browser`,
`test_toolkit_browser`); this one proves that the parts hold together on the same data.
Headless Chromium (/usr/bin/chromium) through Playwright; strings as gettext gives them in
French."""

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import citizen_of, with_role
from milieu.core.testing import sign_in
from milieu.network.models import Adoption, LessonCompletion, PlanAction, Practice
from milieu.network.questions import QUESTIONS, RECOMMENDATIONS
from milieu.territory.tests.factories import MunicipalityFactory, RegionFactory

from . import toolkit_factories

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# Ville-Marie's answers: strong everywhere but three dimensions, the weakest being skills.
WEAK = {"connectivity": 1, "data": 2, "skills": 0}
TITLE = "Point d'accès Wi-Fi public à la salle municipale"


def _t(message) -> str:
    with translation.override("fr"):
        return translation.gettext(str(message))


def _url(name: str, *args) -> str:
    with translation.override("fr"):
        return reverse(name, args=args)


@pytest.mark.django_db(transaction=True)
def test_a_temiscamingue_town_goes_from_diagnostic_to_plan_to_shared_practice_and_coaching(
    live_server, new_page
):
    temiscamingue = RegionFactory(slug="temiscamingue", name="MRC de Témiscamingue")
    ville_marie = MunicipalityFactory(
        region=temiscamingue, slug="ville-marie", name="Ville-Marie", population=2_600
    )
    brossard = MunicipalityFactory(slug="brossard", name="Brossard", population=91_525)
    clerk = with_role(ville_marie, Role.STAFF)
    brossard_staff = with_role(brossard, Role.STAFF)
    resident = citizen_of(ville_marie, display_name="Gabriel")
    course = toolkit_factories.course(lessons=2, title_fr="Mots de passe sûrs")

    # 1. The diagnostic: every question answered, then completed.
    desk = new_page()
    sign_in(desk, live_server.url, clerk)
    desk.goto(live_server.url + _url("diagnostic:index", ville_marie.slug))
    desk.get_by_role("button", name=_t("Start a diagnostic")).click()
    for question in QUESTIONS:
        level = WEAK.get(question.dimension, 4)
        desk.locator(f"input[name={question.key}][value='{level}']").check()
    desk.get_by_role("button", name=_t("Complete the diagnostic")).click()

    # 2. The radar chart with its table, and the recommendations from the weakest dimensions.
    expect(desk.locator("svg.radar[role=img]")).to_be_visible()
    expect(desk.locator("table.diagnostic-scores tbody tr")).to_have_count(7)
    recommendations = desk.locator(".recommendation h3")
    expect(recommendations).to_have_count(3)
    expect(recommendations.first).to_have_text(_t(RECOMMENDATIONS["skills"].text))

    # 3. Two recommendations become actions of the digital plan.
    results_url = desk.url
    for dimension in ("skills", "connectivity"):
        desk.goto(results_url)
        desk.locator(f"#recommendation-{dimension} button").click()
        expect(desk.locator(".messages")).to_be_visible()
    plan = desk.locator("table.plan-actions")
    expect(plan.locator("tbody tr")).to_have_count(2)
    for dimension in ("skills", "connectivity"):
        expect(plan).to_contain_text(_t(RECOMMENDATIONS[dimension].text))
    assert set(
        PlanAction.objects.filter(municipality=ville_marie).values_list("dimension", flat=True)
    ) == {"skills", "connectivity"}

    # 4. What Ville-Marie did for connectivity becomes a practice for every municipality.
    desk.goto(live_server.url + _url("practices_staff:create", ville_marie.slug))
    desk.fill("input[name=title]", TITLE)
    desk.select_option("select[name=dimension]", "connectivity")
    desk.fill("textarea[name=problem]", "Des résidents n'ont pas internet à la maison.")
    desk.fill("textarea[name=solution]", "Un accès Wi-Fi libre à la salle municipale, 7 jours.")
    desk.fill("input[name=contact]", "Direction générale")
    desk.fill("input[name=tags]", "wi-fi, connectivité")
    desk.get_by_role("button", name=_t("Save")).click()
    desk.get_by_role("button", name=_t("Publish for every municipality")).click()
    expect(desk.get_by_role("heading", level=1)).to_have_text(TITLE)

    # 5. Brossard's staff find it by searching and mark it adopted.
    other = new_page()
    sign_in(other, live_server.url, brossard_staff)
    other.goto(live_server.url + _url("practices:list"))
    other.fill("input[name=q]", "Wi-Fi salle")
    other.get_by_role("button", name=_t("Search")).click()
    found = other.locator("#results").get_by_role("link", name=TITLE)
    expect(found).to_be_visible()
    # The search swaps the results in (htmx) and may swap them again: follow the found link's
    # address rather than click an element that the next swap can replace.
    other.goto(live_server.url + found.get_attribute("href"))
    expect(other.get_by_role("heading", level=1)).to_have_text(TITLE)
    other.get_by_role("button", name=_t("We adopted this")).click()
    expect(other.locator("#adoptions")).to_contain_text("Brossard")
    practice = Practice.objects.get(title=TITLE)
    assert practice.municipality == ville_marie
    assert list(
        Adoption.objects.filter(practice=practice).values_list("municipality", flat=True)
    ) == [brossard.pk]

    # 6. A resident of the town completes a toolkit course (the quiz answered right).
    learner = new_page()
    sign_in(learner, live_server.url, resident)
    learner.goto(live_server.url + _url("toolkit:list"))
    learner.get_by_role("link", name="Mots de passe sûrs").click()
    first, last = course.lessons.all()
    learner.get_by_role("link", name=first.title_fr).click()
    learner.get_by_role("button", name=_t("Mark as completed")).click()
    expect(learner.get_by_role("heading", name=last.title_fr)).to_be_visible()
    learner.get_by_label("Faux").check()
    learner.get_by_role("button", name=_t("Check my answer")).click()
    expect(learner.get_by_text(_t("Course completed. Well done!"))).to_be_visible()
    assert LessonCompletion.objects.filter(user=resident).count() == 2
