"""A citizen's first visit in a real browser: sign up in French, confirm by email, choose a home
municipality, then read it in English and Spanish.

Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, against pytest-django's
`live_server`, with mail delivered to the local SMTP server of `smtp_server`.

Strings that come from allauth's and Django's shipped catalogues are asserted literally. Strings
that belong to Milieu's own catalogues (still being written) are asserted as what gettext gives in
the page's language, so the test checks that the page speaks that language without depending on
how complete our .po files are.
"""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils import translation
from playwright.sync_api import Page, expect

from milieu.accounts.models import User
from milieu.territory import demo

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SCREENSHOTS = Path(settings.BASE_DIR) / "test-results"
EMAIL = "citoyenne.navigateur@example.org"
PASSWORD = "Ch0colat-Brossard!"


def _t(language: str, message: str) -> str:
    """`message` as Milieu shows it in `language` (our catalogues may still be incomplete)."""
    with translation.override(language):
        return translation.gettext(message)


@pytest.fixture
def page(browser) -> Iterator[Page]:
    """A fresh page of the shared headless Chromium (see `milieu/conftest.py`)."""
    context = browser.new_context(locale="fr-CA", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def _screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"browser-signup-{name}.png", full_page=True)


def test_citizen_signs_up_in_french_chooses_brossard_and_switches_to_english_then_spanish(
    live_server, smtp_server, page
):
    demo.load()
    base = live_server.url
    html = page.locator("html")
    heading = page.locator("main h1")

    # The global home page, in French (the default language).
    page.goto(f"{base}/fr/")
    expect(html).to_have_attribute("lang", "fr")
    page.get_by_role("link", name=_t("fr", "Sign up"), exact=True).click()

    expect(page).to_have_url(f"{base}/fr/accounts/signup/")
    expect(heading).to_have_text("Création de compte")
    page.locator('input[name="email"]').fill(EMAIL)
    page.locator('input[name="password1"]').fill(PASSWORD)
    page.locator('input[name="password2"]').fill(PASSWORD)
    page.get_by_role("button", name="Création de compte", exact=True).click()

    expect(page).to_have_url(f"{base}/fr/accounts/confirm-email/")
    expect(heading).to_have_text("Vérifiez votre adresse e-mail")
    expect(page.get_by_role("status")).to_have_text(f"E-mail de confirmation envoyé à {EMAIL}.")

    # The confirmation email, as the local SMTP server received it.
    message = smtp_server.wait_for_message()
    assert message["Subject"] == "[Milieu] Confirmez votre adresse e-mail"
    assert message["To"] == EMAIL
    body = message.get_body(preferencelist=("plain",)).get_content()
    links = re.findall(r"https?://\S+/confirm-email/\S+/", body)
    assert len(links) == 1, f"expected one confirmation link, found {links!r} in:\n{body}"
    assert links[0].startswith(f"{base}/fr/accounts/confirm-email/")
    assert "Pour confirmer que cela est correct, allez sur" in body

    page.goto(links[0])
    expect(heading).to_have_text("Confirmer l'adresse e-mail")
    assert EmailAddress.objects.get(email=EMAIL).verified is False
    page.get_by_role("button", name="Confirmer", exact=True).click()

    expect(page).to_have_url(f"{base}/fr/accounts/login/")
    expect(page.get_by_role("status")).to_have_text(f"Vous avez confirmé {EMAIL}.")
    assert EmailAddress.objects.get(email=EMAIL).verified is True

    page.locator('input[name="login"]').fill(EMAIL)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.get_by_role("button", name="Connexion", exact=True).click()

    # No home municipality yet: the profile page asks for one.
    expect(page).to_have_url(f"{base}/fr/profile/")
    expect(heading).to_have_text(_t("fr", "My profile"))
    page.locator('select[name="home_municipality"]').select_option(label="Ville de Brossard")
    page.get_by_role("button", name=_t("fr", "Save"), exact=True).click()

    # Brossard's home page, in French.
    log_out = page.locator("header form[action$='/accounts/logout/'] button")
    expect(page).to_have_url(f"{base}/fr/brossard/")
    expect(heading).to_have_text("Ville de Brossard")
    expect(html).to_have_attribute("lang", "fr")
    expect(log_out).to_have_text(_t("fr", "Log out"))
    expect(page.locator("p.badge")).to_have_text(_t("fr", "This is your home municipality."))
    _screenshot(page, "1-brossard-fr")

    # The language switcher at the top of every page: English, then Spanish.
    switcher = page.locator("header form.language-switcher")
    switcher.get_by_role("button", name="English", exact=True).click()
    expect(page).to_have_url(f"{base}/en/brossard/")
    expect(html).to_have_attribute("lang", "en")
    expect(heading).to_have_text("Ville de Brossard")
    expect(log_out).to_have_text("Log out")
    _screenshot(page, "2-brossard-en")

    switcher.get_by_role("button", name="Español", exact=True).click()
    expect(page).to_have_url(f"{base}/es/brossard/")
    expect(html).to_have_attribute("lang", "es")
    expect(heading).to_have_text("Ville de Brossard")
    expect(log_out).to_have_text(_t("es", "Log out"))
    assert _t("es", "Log out") != "Log out", "no catalogue translates 'Log out' into Spanish"
    expect(switcher.locator("button[aria-current='true']")).to_have_text("Español")
    _screenshot(page, "3-brossard-es")

    # The choice is remembered for the person, not only for this browser.
    assert User.objects.get(email=EMAIL).preferred_language == "es"
