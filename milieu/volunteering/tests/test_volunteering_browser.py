"""The volunteering module's journey in a real browser: a resident registers an organisation (in
French), which cannot post until the municipality's staff verify it; its manager then posts an
opportunity for an accountant; a resident who reads English, keeps the skill "accounting" in
their profile and agreed to be suggested, finds it first among their suggestions, applies; the
manager accepts; the volunteer logs 3 hours, cannot confirm them themself, and the manager
confirms them: the volunteer's page shows them. A mission that asks for a background check
tells the volunteer, clearly, that they cannot apply.

Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against `live_server`, each
person in a browser context of their own (the `browser` fixture fails in CI when Chromium is
missing). Strings of Milieu's catalogues are asserted as gettext gives them in the page's
language (`_t`).
"""

import re
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Browser, Locator, Page, expect

from milieu.accounts.models import TrustLevel, User
from milieu.core.testing import sign_in
from milieu.volunteering.models import (
    ApplicationStatus,
    HoursLog,
    HoursStatus,
    Opportunity,
    Organisation,
    OrganisationStatus,
    VolunteerApplication,
)

from .factories import opportunity, organisation, resident, staff, town

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
def open_page(live_server, browser: Browser) -> Iterator[Callable[..., Page]]:
    contexts = []
    errors: list[str] = []

    def open_(locale: str, user: User) -> Page:
        context = browser.new_context(locale=locale, viewport={"width": 360, "height": 740})
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
def test_an_accountant_is_matched_accepted_and_their_hours_confirmed(
    live_server, open_page, still_clock
):
    municipality = town()
    slug = municipality.slug
    base = f"{live_server.url}"
    manager = resident(municipality, display_name="Gaëlle")
    person = resident(municipality, display_name="Amal", preferred_language="en")
    officer = staff(municipality, display_name="Sam")
    # Other opportunities, of another organisation, that fit Amal less.
    other = organisation(municipality, name="Jardins du quartier")
    opportunity(other, title="Arroser les plants", skills=["gardening"])
    opportunity(other, title="Cuisiner pour les aînés", skills=["cooking"])
    homework = opportunity(
        other,
        title="Aide aux devoirs",
        skills=["teaching"],
        required_trust=TrustLevel.SCREENED,
    )

    # Gaëlle registers her organisation, in French.
    gaelle = open_page("fr-CA", manager)
    gaelle.goto(f"{base}/fr/{slug}/volunteering/organisations/new/")
    expect(gaelle.locator("html")).to_have_attribute("lang", "fr")
    _field(gaelle, _t("fr", "Name")).fill("Entraide Comptable")
    _field(gaelle, _t("fr", "Mission")).fill("Aider les petits organismes à tenir leurs livres.")
    _field(gaelle, _t("fr", "Contact email")).fill("entraide@example.org")
    gaelle.get_by_role("button", name=_t("fr", "Register the organisation")).click()
    expect(gaelle.get_by_role("heading", level=1)).to_have_text("Entraide Comptable")
    org = Organisation.objects.get(name="Entraide Comptable")
    assert org.status == OrganisationStatus.PENDING

    # Not verified yet: the page says why she cannot post, and there is no form.
    gaelle.goto(f"{base}/fr/{slug}/volunteering/organisations/{org.pk}/opportunities/new/")
    expect(gaelle.locator("main")).to_contain_text(
        _t(
            "fr",
            "This organisation is not verified yet: it can post opportunities once the "
            "municipality's staff have verified it.",
        )
    )
    expect(gaelle.get_by_role("button", name=_t("fr", "Publish the opportunity"))).to_have_count(0)

    # Sam, of the municipality's staff, verifies it from the queue.
    sam = open_page("fr-CA", officer)
    sam.goto(f"{base}/fr/{slug}/staff/volunteering/organisations/")
    entry = sam.locator("article").filter(has_text="Entraide Comptable")
    with translation.override("fr"):
        verify = translation.gettext("Verify %(name)s") % {"name": "Entraide Comptable"}
    entry.get_by_role("button", name=verify).click()
    expect(sam.locator("article").filter(has_text="Entraide Comptable")).to_have_count(0)
    org.refresh_from_db()
    assert org.status == OrganisationStatus.VERIFIED

    # Gaëlle posts an opportunity for an accountant, on Tuesday evenings.
    gaelle.goto(f"{base}/fr/{slug}/volunteering/organisations/{org.pk}/opportunities/new/")
    _field(gaelle, _t("fr", "Title")).fill("Trésorier ou trésorière bénévole")
    _field(gaelle, _t("fr", "Description")).fill("Tenir les comptes et préparer le bilan annuel.")
    gaelle.get_by_label("Comptabilité", exact=True).check()
    with translation.override("fr"):
        tuesday_evening = translation.pgettext("time of the week", "%(day)s %(part)s") % {
            "day": translation.gettext("Tuesday"),
            "part": translation.gettext("evening"),
        }
    gaelle.get_by_label(tuesday_evening, exact=True).check()
    _field(gaelle, _t("fr", "Volunteers wanted")).fill("1")
    ends = timezone.localdate() + timedelta(days=60)
    _field(gaelle, _t("fr", "End date")).fill(ends.isoformat())
    gaelle.get_by_role("button", name=_t("fr", "Publish the opportunity")).click()
    expect(gaelle.get_by_role("heading", level=1)).to_have_text("Trésorier ou trésorière bénévole")
    mission = Opportunity.objects.get(organisation=org)
    assert list(mission.skills.values_list("slug", flat=True)) == ["accounting"]

    # Amal, who reads English, says what she can do and agrees to be suggested.
    amal = open_page("en-CA", person)
    amal.goto(f"{base}/en/{slug}/volunteering/profile/")
    expect(amal.locator("html")).to_have_attribute("lang", "en")
    amal.get_by_label("Accounting", exact=True).check()
    with translation.override("en"):
        tuesday_evening_en = translation.pgettext("time of the week", "%(day)s %(part)s") % {
            "day": translation.gettext("Tuesday"),
            "part": translation.gettext("evening"),
        }
    amal.get_by_label(tuesday_evening_en, exact=True).check()
    amal.get_by_label(_t("en", "French"), exact=True).check()
    _field(amal, _t("en", "Suggest me to organisations")).check()
    amal.get_by_role("button", name=_t("en", "Save my profile")).click()
    expect(amal.locator("main")).to_contain_text(_t("en", "Your volunteer profile is saved."))

    # Her suggestions put the accountant's mission first, and say why.
    amal.goto(f"{base}/en/{slug}/volunteering/suggestions/")
    first = amal.locator("ol.matches > li").first
    expect(first.get_by_role("heading", level=2)).to_have_text("Trésorier ou trésorière bénévole")
    expect(first).to_contain_text("Accounting")
    expect(first).to_contain_text(tuesday_evening_en)

    # The homework mission asks for a background check: she is told she cannot apply.
    amal.goto(f"{base}/en/{slug}/volunteering/opportunities/{homework.pk}/")
    expect(amal.locator("main")).to_contain_text("you cannot apply")
    expect(amal.get_by_role("button", name=_t("en", "Apply to this opportunity"))).to_have_count(0)

    # She applies to the accountant's mission.
    amal.goto(f"{base}/en/{slug}/volunteering/suggestions/")
    amal.locator("ol.matches > li").first.get_by_role("link").first.click()
    _field(amal, _t("en", "A word to the organisation (optional)")).fill("Happy to help!")
    amal.get_by_role("button", name=_t("en", "Apply to this opportunity")).click()
    expect(amal.locator("main")).to_contain_text(_p("en", "application status", "Pending"))
    application = VolunteerApplication.objects.get(volunteer=person)

    # Gaëlle accepts her from the opportunity's volunteers.
    gaelle.goto(f"{base}/fr/{slug}/volunteering/opportunities/{mission.pk}/volunteers/")
    with translation.override("fr"):
        accept = translation.gettext("Accept %(name)s") % {"name": "Amal"}
    gaelle.get_by_role("button", name=accept).click()
    expect(gaelle.locator("main")).to_contain_text(_p("fr", "application status", "Accepted"))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED

    # Amal logs 3 hours from her applications.
    amal.goto(f"{base}/en/{slug}/volunteering/applications/")
    row = amal.locator("article").filter(has_text="Trésorier ou trésorière bénévole")
    _field(row, _t("en", "Hours")).fill("3")
    row.get_by_role("button", name=_t("en", "Log my hours")).click()
    expect(amal.locator("main")).to_contain_text(_p("en", "hours status", "To be confirmed"))
    entry = HoursLog.objects.get()
    assert entry.hours == 3 and entry.status == HoursStatus.PENDING

    # She has no button to confirm them, and a forged confirmation is refused.
    amal.goto(f"{base}/en/{slug}/volunteering/applications/{application.pk}/")
    expect(amal.get_by_role("button", name=_t("en", "Confirm the hours"))).to_have_count(0)
    amal.evaluate(
        """(action) => {
            const token = document.querySelector('input[name=csrfmiddlewaretoken]').value;
            const form = document.createElement('form');
            form.method = 'post';
            form.action = action;
            form.innerHTML = `<input type="hidden" name="csrfmiddlewaretoken" value="${token}">`;
            document.body.append(form);
            form.submit();
        }""",
        f"/en/{slug}/volunteering/hours/{entry.pk}/confirm/",
    )
    expect(amal.locator("main")).to_contain_text(
        _t("en", "Hours are confirmed by the organisation, not by the volunteer.")
    )
    entry.refresh_from_db()
    assert entry.status == HoursStatus.PENDING

    # Gaëlle confirms them.
    gaelle.goto(f"{base}/fr/{slug}/volunteering/applications/{application.pk}/")
    gaelle.get_by_role("button", name=_t("fr", "Confirm the hours")).click()
    expect(gaelle.get_by_role("button", name=_t("fr", "Confirm the hours"))).to_have_count(0)
    entry.refresh_from_db()
    assert entry.status == HoursStatus.CONFIRMED

    # Amal's page shows her confirmed hours.
    amal.goto(f"{base}/en/{slug}/volunteering/applications/")
    main = amal.locator("main")
    with translation.override("en"):
        total = translation.gettext("Hours of volunteering confirmed, in all: %(hours)s") % {
            "hours": "3"
        }
    expect(main).to_contain_text(total)
    expect(main).to_contain_text(_p("en", "hours status", "Confirmed"))
