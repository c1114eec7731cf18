"""A resident answers a survey in a real browser: the question that depends on "Oui" appears
once "Oui" is picked; after sending, the page says the survey is answered, and a second
submission (the old form sent again) is refused and changes nothing.

Headless Chromium driven by Playwright against `live_server`, in English."""

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from milieu.core.testing import sign_in

from ..models import Ballot, Question, SurveyResponse
from . import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.mark.django_db(transaction=True)
def test_a_resident_answers_a_survey_once(live_server, new_page):
    town = f.town(name="Brossard test")
    survey = f.survey(town, title_fr="Heures de la bibliothèque")
    person = f.resident(town)
    questions = list(Question.objects.filter(consultation=survey).order_by("position"))
    _single, text, scale, ranking, _multiple = questions
    with translation.override("en"):
        path = reverse("participation:consultation", args=[town.slug, survey.pk])

    page = new_page()
    sign_in(page, live_server.url, person)
    page.goto(f"{live_server.url}{path}")
    conditional = page.locator(f"#question-{text.pk}")
    expect(conditional).to_be_hidden()
    page.get_by_label("Non", exact=True).check()
    expect(conditional).to_be_hidden()
    page.get_by_label("Oui", exact=True).check()
    expect(conditional).to_be_visible()
    conditional.locator("textarea").fill("Le dimanche de 13 h à 17 h")
    page.locator(f"#question-{scale.pk}").get_by_label("4", exact=True).check()
    for rank, label in enumerate(("B", "A", "C"), start=1):
        page.locator(f"#question-{ranking.pk}").get_by_label(label, exact=True).select_option(
            str(rank)
        )
    page.get_by_label("Livres", exact=True).check()
    form_html = page.locator("#survey-form").evaluate("form => form.outerHTML")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator("#already-answered")).to_be_visible()
    expect(page.locator("#survey-form")).to_have_count(0)
    response = SurveyResponse.objects.get()
    assert response.answers.get(question=text).value_text == "Le dimanche de 13 h à 17 h"

    # The old form, sent again (another tab, the back button): refused, nothing saved.
    page.evaluate(
        """html => {
            document.body.insertAdjacentHTML("beforeend", html);
            document.getElementById("survey-form").submit();
        }""",
        form_html,
    )
    expect(page.locator("[role=alert]").first).to_have_text("You have already answered.")
    expect(page.locator("#already-answered")).to_be_visible()
    assert SurveyResponse.objects.count() == Ballot.objects.count() == 1
