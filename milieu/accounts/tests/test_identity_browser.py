"""Residency verification and the offline citizen card in a real browser (issue 3, "Done when").

A citizen of Brossard logs in, claims an address of the civic registry, staff print the letter,
the citizen types the code from the printed letter and is verified. The citizen opens the card,
then the verifier once while online. Then the browser goes offline (Playwright's offline mode):
the card page still shows the card, from the service worker's cache, and the verifier checks
the card, and refuses a tampered or truncated one, in the browser with the keys it synced.

Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, against pytest-django's
`live_server`; the same setup as `milieu/core/tests/test_browser.py`. Screenshots go to
test-results/.
"""

import base64
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from django.conf import settings
from django.utils import timezone, translation
from jwcrypto.jwk import JWK
from jwcrypto.jws import JWS
from PIL import Image
from playwright.sync_api import (
    Locator,
    Page,
    expect,
)

from milieu.accounts import card, selectors, services
from milieu.accounts.models import CitizenId, Role, Verification
from milieu.accounts.tests.factories import citizen_of, with_role
from milieu.accounts.tests.factories_card import resident_of
from milieu.accounts.tests.factories_identity import csv_file
from milieu.core.testing import sign_in
from milieu.territory.tests.factories import MunicipalityFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SCREENSHOTS = Path(settings.BASE_DIR) / "test-results"
WAIT = 10_000  # ms: the longest any single step may take (service worker install included)
EMAIL = "camille.navigatrice@example.org"
PASSWORD = "Ch0colat-Brossard!"
NAME = "Camille Navigatrice"
REGISTRY = (
    "civic_number,street,postal_code\n"
    "1234,rue Principale,J4W 2T5\n"
    "1236,rue Principale,J4W 2T5\n"
    "50,boulevard de Rome,J4W 3K9\n"
)
CITIZEN_ID = re.compile(r"BRO-\d{4}-000001-\d")


def _t(message: Any) -> str:
    """`message` (a msgid, or a lazy translation) as Milieu shows it in French: the assertions
    hold whether or not our catalogues translate it yet."""
    with translation.override("fr"):
        return translation.gettext(message) if isinstance(message, str) else str(message)


def _field(page: Page, label: str) -> Locator:
    """The form field labelled `label` in French (Django adds its label suffix, " :" in French)."""
    return page.get_by_label(re.compile(rf"^{re.escape(_t(label))}\s*:?$"))


def _screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"browser-identity-{name}.png", full_page=True)


def _claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def _tampered(token: str) -> str:
    """The token with the first character of its signature changed (the last character would
    not do: it also carries padding bits that a decoder ignores)."""
    head, _dot, signature = token.rpartition(".")
    flipped = "B" if signature[0] == "A" else "A"
    return f"{head}.{flipped}{signature[1:]}"


def _wait_for_service_worker(page: Page) -> None:
    """The card page's service worker is installed (pages precached), active and controls it."""
    expect(page.locator("#offline-status")).to_have_attribute(
        "data-offline-ready", "true", timeout=WAIT
    )
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=WAIT)


def _wait_for_verifier_keys(page: Page) -> None:
    """The verifier script is running and has the keys and the revocation list."""
    page.wait_for_function("() => window.milieuCardVerifier !== undefined", timeout=WAIT)
    assert page.evaluate("() => window.milieuCardVerifier.ready") is True
    expect(page.locator("#sync-status")).to_have_attribute(
        "data-synced-at", re.compile(r"^\d{4}-\d\d-\d\dT"), timeout=WAIT
    )


def _check(page: Page, token: str, *, code: str) -> None:
    """Paste `token` into the verifier, check it, and expect the browser's verdict `code`."""
    result = page.locator("#verify-result")
    # Forget the previous verdict first, so that the same verdict twice is still waited for.
    result.evaluate("node => node.removeAttribute('data-code')")
    page.locator("#verify-input").fill(token)
    page.locator("#verify-submit").click()
    expect(result).to_have_attribute("data-code", code, timeout=WAIT)
    expect(result).to_have_attribute("data-valid", "true" if code == "valid" else "false")
    # Checked by the script on this device: a verdict of the server (the form posted, as without
    # JavaScript) says data-source="server".
    expect(result).to_have_attribute("data-source", "browser")


def test_a_citizen_verified_by_registry_letter_shows_and_checks_the_card_offline(
    live_server, new_page
):
    base = live_server.url
    brossard = MunicipalityFactory(slug="brossard", name="Ville de Brossard", id_code="BRO")
    staff = with_role(brossard, Role.STAFF, email="agent@example.org", display_name="Agent Roy")
    report = services.civic_registry_import(
        actor=staff, municipality=brossard, file=csv_file(REGISTRY)
    )
    assert report.created == 3 and not report.errors
    citizen = citizen_of(brossard, email=EMAIL, password=PASSWORD, display_name=NAME)

    # --- The citizen logs in from the verification page and claims an address ----------------
    page = new_page()
    heading = page.locator("main h1")
    page.goto(f"{base}/fr/brossard/identity/")
    expect(heading).to_have_text(_t("Verify my residency"))
    page.get_by_role("link", name=_t("Log in to verify your residency.")).click()
    page.locator('input[name="login"]').fill(EMAIL)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.get_by_role("button", name="Connexion", exact=True).click()

    expect(page).to_have_url(f"{base}/fr/brossard/identity/")
    status = page.locator("#verification-status")
    expect(status).to_contain_text(
        _t("You have not asked to be verified here yet. Choose a way below.")
    )
    page.get_by_role(
        "link", name=f"{_t('Start')} — {_t('Address and letter by post')}", exact=True
    ).click()

    expect(page).to_have_url(f"{base}/fr/brossard/identity/address/")
    expect(heading).to_have_text(_t("My address"))
    _field(page, "Civic number").fill("1234")
    _field(page, "Street").fill("Rue principale")  # matched whatever the case
    _field(page, "Postal code").fill("j4w2t5")
    page.get_by_role("button", name=_t("Check my address"), exact=True).click()

    expect(page).to_have_url(f"{base}/fr/brossard/identity/")
    expect(status).to_contain_text("1234 rue Principale")
    expect(status.get_by_role("link", name=_t("Enter the code of my letter"))).to_have_count(0)
    verification = Verification.objects.get(user=citizen)
    assert verification.status == Verification.Status.PENDING
    assert verification.letter_code_hash == ""  # no code exists before the letter is printed

    # --- Staff print the batch of letters: the clear code exists only on the printed page -----
    office = new_page()
    sign_in(office, base, staff)
    office.goto(f"{base}/fr/brossard/staff/identity/letters/")
    expect(office.locator("main h1")).to_have_text(_t("Letters"))
    office.get_by_role("button", name=_t("Print the batch"), exact=True).click()

    letters = office.locator("article.letter")
    expect(letters).to_have_count(1)
    expect(letters.locator("address.recipient")).to_contain_text(NAME)
    expect(letters.locator("address.recipient")).to_contain_text("1234 rue Principale")
    codes = letters.locator("p.code")
    expect(codes).to_have_count(2)  # the same code, in French and in English
    code = codes.first.inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code), code
    assert codes.nth(1).inner_text().strip() == code
    _screenshot(office, "1-printed-letter")

    # --- The citizen types the code of the letter and is verified ------------------------------
    page.reload()
    status.get_by_role("link", name=_t("Enter the code of my letter")).click()
    expect(page).to_have_url(f"{base}/fr/brossard/identity/code/")
    _field(page, "Code printed on your letter").fill(code.lower().replace("-", " "))
    page.get_by_role("button", name=_t("Verify"), exact=True).click()

    expect(page).to_have_url(f"{base}/fr/brossard/identity/")
    badge = status.locator("p.badge")
    expect(badge).to_contain_text(CITIZEN_ID)
    citizen_id = CitizenId.objects.get(user=citizen, municipality=brossard)
    assert CITIZEN_ID.fullmatch(citizen_id.number), citizen_id.number
    expect(badge).to_contain_text(citizen_id.number)
    assert citizen_id.revoked_at is None and citizen_id.expires_at > timezone.now()

    # --- The card, online: the service worker installs, then serves it network-first ----------
    page.goto(f"{base}/fr/card/")
    expect(page.locator("#card-name")).to_have_text(NAME)
    _wait_for_service_worker(page)
    # Through the service worker now: this answer is the copy it keeps for offline use.
    response = page.reload()
    assert response is not None and response.from_service_worker
    expect(page.locator("#card-name")).to_have_text(NAME)
    expect(page.locator("#card-municipality")).to_have_text("Ville de Brossard")
    expect(page.locator("#card-number")).to_have_text(citizen_id.number)
    expect(page.locator("#citizen-card svg.card-qr")).to_be_visible()
    token = page.locator("#card-token").input_value()
    claims = _claims(token)
    assert claims["iss"] == "brossard" and claims["sub"] == citizen_id.number
    assert claims["name"] == NAME
    assert set(claims) == set(card.CLAIMS)  # nothing else: no address, no email
    _screenshot(page, "2-card-online")
    # The QR code as the browser drew it scans to the card's token.
    scanned = zxingcpp.read_barcode(Image.open(io.BytesIO(page.screenshot(full_page=True))))
    assert scanned is not None and scanned.text == token

    # --- The verifier, once online: it downloads the keys and the revocation list -------------
    page.goto(f"{base}/fr/card/verify/")
    _wait_for_verifier_keys(page)
    expect(page.locator("#verifier-sync")).to_be_visible()
    _check(page, token, code="valid")

    # --- Offline: the card is still shown, from the service worker's cache ---------------------
    page.context.set_offline(True)
    assert page.evaluate("() => navigator.onLine") is False
    response = page.goto(f"{base}/fr/card/")
    assert response is not None and response.from_service_worker
    expect(page.locator("#card-name")).to_have_text(NAME)
    expect(page.locator("#card-municipality")).to_have_text("Ville de Brossard")
    expect(page.locator("#card-number")).to_have_text(citizen_id.number)
    # The very token of the last online visit (served by the service worker, as asserted above).
    expect(page.locator("#card-token")).to_have_value(token)
    expect(page.locator("#citizen-card svg.card-qr")).to_be_visible()
    _screenshot(page, "3-card-offline")

    # --- Offline: the verifier accepts the card, and refuses it tampered or truncated ----------
    page.get_by_role("link", name=_t("Check a card (verifier for merchants and partners)")).click()
    expect(page).to_have_url(f"{base}/fr/card/verify/")
    _wait_for_verifier_keys(page)
    _check(page, token, code="valid")
    result = page.locator("#verify-result")
    expect(result).to_contain_text(_t("Valid card"))
    expect(result).to_contain_text(NAME)
    expect(result).to_contain_text("Ville de Brossard")
    expect(result).to_contain_text(citizen_id.number)
    expect(result).to_contain_text(_t("Checked on this device, without the network."))
    _screenshot(page, "4-verifier-offline-valid")

    _check(page, _tampered(token), code="bad_signature")
    expect(result).to_contain_text(_t("Card refused"))
    expect(result).to_contain_text(_t(card.CardBadSignature.default_message))
    _screenshot(page, "5-verifier-offline-tampered")

    _check(page, token[:-10], code="malformed")
    expect(result).to_contain_text(_t(card.CardMalformed.default_message))
    _check(page, token.rpartition(".")[0], code="malformed")
    assert page.evaluate("() => navigator.onLine") is False  # offline to the end

    # Nothing the browser did offline changed the citizen's standing.
    citizen_id.refresh_from_db()
    assert citizen_id.revoked_at is None


def test_the_offline_verifier_refuses_forged_expired_future_and_revoked_cards(
    live_server, new_page
):
    """Every refusal of the browser's verifier, offline, matches the server's verdict; a card
    revoked after the last sync is refused once the verifier has synced again."""
    base = live_server.url
    brossard = MunicipalityFactory(slug="brossard", name="Ville de Brossard", id_code="BRO")
    staff = with_role(brossard, Role.STAFF, email="agent@example.org", display_name="Agent Roy")
    alice = resident_of(brossard, display_name="Alice Gagnon")
    bruno = resident_of(brossard, display_name="Bruno Côté")
    alice_card = services.citizen_card_issue(actor=alice.user).token
    bruno_card = services.citizen_card_issue(actor=bruno.user).token

    key = card.card_key_active(brossard)
    now = int(timezone.now().timestamp())

    def signed(*, signer: JWK | None = None, kid: str | None = None, **changes) -> str:
        claims = {**card.card_claims(alice, now=timezone.now()), **changes}
        if signer is None:
            return card.card_sign(claims, key=key)
        jws = JWS(json.dumps(claims).encode())
        header = {"alg": "EdDSA", "kid": kid or key.kid, "typ": card.TOKEN_TYPE}
        jws.add_signature(signer, alg="EdDSA", protected=json.dumps(header))
        return jws.serialize(compact=True)

    stranger = JWK.generate(kty="OKP", crv="Ed25519")
    refusals = {
        "expired": signed(exp=now - 60),
        "not_yet_valid": signed(iat=now + 3600, nbf=now + 3600),
        "bad_signature": signed(signer=stranger),  # another key under Brossard's published kid
        "unknown_key": signed(signer=stranger, kid="unpublished-key-0000000"),
        "malformed": "bonjour",
    }
    # The server gives the same verdicts (what the page's no-JavaScript form would show).
    for code, token in refusals.items():
        with pytest.raises(card.CardError) as refused:
            selectors.card_verify(token=token)
        assert refused.value.code == code

    page = new_page()
    page.goto(f"{base}/fr/card/verify/")
    _wait_for_verifier_keys(page)
    page.context.set_offline(True)

    result = page.locator("#verify-result")
    for code, token in refusals.items():
        _check(page, token, code=code)
        expect(result).to_contain_text(_t("Card refused"))
    page.locator("#verify-input").fill("")
    page.locator("#verify-submit").click()
    expect(result).to_have_attribute("data-code", "empty")
    expect(result).to_have_text(_t("Paste or scan a card code."))
    assert result.evaluate("node => node.hasAttribute('data-valid')") is False

    # Bruno's verification is revoked while the verifier is offline: its list is older, so the
    # card still passes here until the next sync, which refuses it (and only it).
    _check(page, bruno_card, code="valid")
    services.verification_revoke(
        actor=staff, verification=bruno.verification, reason="Déménagé à Longueuil"
    )
    _check(page, bruno_card, code="valid")
    page.context.set_offline(False)
    # Going online starts a sync of its own ("online" event), which `sync()` joins while it
    # runs: that one may have been sent before the browser was fully back online and answered
    # from the service worker's older copy. Wait for it, then sync afresh.
    assert (
        page.evaluate(
            "async () => { await window.milieuCardVerifier.sync(); "
            "return await window.milieuCardVerifier.sync(); }"
        )
        is True
    )
    page.context.set_offline(True)
    _check(page, bruno_card, code="revoked")
    expect(result).to_contain_text(_t(card.CardRevoked.default_message))
    _check(page, alice_card, code="valid")
