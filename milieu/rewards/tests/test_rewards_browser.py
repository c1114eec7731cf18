"""The rewards journey in a real browser: a verified merchant of Brossard scans a citizen's card
at the till and awards points for a $40 purchase; the citizen, in a browser of their own,
redeems an offer with those points and gets a voucher; the merchant validates the voucher once,
and a second validation is refused.

Headless Chromium (Debian's /usr/bin/chromium) through Playwright against `live_server`.
"""

import importlib
from collections.abc import Iterator

import pytest
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Browser, Page, expect

from milieu.accounts.models import Role
from milieu.accounts.permissions import has_role
from milieu.accounts.services.card import citizen_card_issue
from milieu.accounts.tests.factories_card import resident_of
from milieu.core.testing import sign_in
from milieu.rewards import ledger, services
from milieu.rewards.models import EarningRule, Entry, Posting, Voucher
from milieu.territory.tests.factories import MunicipalityFactory

from .factories import merchant_of, rule
from .offers_helpers import make_offer

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def ledger_rows_removed_after(transactional_db) -> Iterator[None]:
    """The ledger's triggers refuse DELETE, and on SQLite the flush after a live-server test
    deletes rows: remove the ledger's rows with the triggers off, then put the triggers back.
    (PostgreSQL's flush truncates, which row triggers do not see.)"""
    yield
    if connection.vendor != "sqlite":
        return
    migration = importlib.import_module("milieu.rewards.migrations.0002_entries_append_only")
    with connection.cursor() as cursor:
        for statement in migration.SQLITE_DOWN:
            cursor.execute(statement)
        Voucher.objects.all().delete()
        Entry.objects.all().delete()
        Posting.objects.all().delete()
        for statement in migration.SQLITE_UP:
            cursor.execute(statement)


@pytest.fixture
def browser(ledger_rows_removed_after, browser):
    """The shared browser, closed before the ledger rows are cleared (fixtures tear down in
    reverse order)."""
    return browser


def signed_in_page(browser: Browser, base: str, user) -> Page:
    """A page in a browser context of its own, signed in as `user`."""
    context = browser.new_context(locale="fr-CA")
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, base, user)
    return page


def test_purchase_at_the_till_then_redemption_and_a_single_validation(live_server, browser):
    brossard = MunicipalityFactory(slug="brossard", name="Brossard")
    program = services.program_for(brossard)
    rule(program, EarningRule.Action.LOCAL_PURCHASE, 1)  # 1 point per dollar
    merchant = merchant_of(brossard, program)  # verified; its owner holds the merchant role
    assert has_role(merchant.owner, Role.MERCHANT, brossard)
    offer = make_offer(program, merchant, title="Café gratuit", points_price=30)
    citizen = resident_of(brossard, display_name="Camille Tremblay").user
    card_token = citizen_card_issue(actor=citizen).token
    base = live_server.url
    till = signed_in_page(browser, base, merchant.owner)
    phone = signed_in_page(browser, base, citizen)

    # --- At the till: the merchant scans the card and enters a $40 purchase ---------------------
    till.goto(f"{base}/fr/rewards/till/")
    code = till.locator('textarea[name="card_token"]')
    code.focus()
    till.keyboard.insert_text(card_token)  # what a QR reader that types (or a paste) does
    till.locator('input[name="amount"]').fill("40")
    till.locator("#till-panel button[type=submit]").click()
    with translation.override("fr"):
        awarded = gettext("%(points)d points awarded.") % {"points": 40}
    expect(till.locator('#till-panel [role="status"]')).to_have_text(awarded)
    expect(till.locator('textarea[name="card_token"]')).to_have_value("")
    assert ledger.wallet(program, citizen).balance == 40
    assert (
        Posting.objects.filter(kind="earn:local_purchase", created_by=merchant.owner).count() == 1
    )

    # --- The citizen, on their own phone, redeems the offer -------------------------------------
    phone.goto(f"{base}/fr/rewards/offers/")
    phone.get_by_role("link", name="Café gratuit").click()
    expect(phone.locator("#wallet-balance")).to_contain_text("40")
    phone.locator("#redeem-form button").click()
    expect(phone.locator("#voucher-status")).to_be_visible()
    expect(phone.locator('[role="img"] svg')).to_be_visible()
    voucher_token = phone.locator("#voucher-token").input_value()
    assert ledger.wallet(program, citizen).balance == 10
    voucher = Voucher.objects.get(offer=offer)

    # --- Back at the till: the voucher is validated once, and a second time refused -------------
    till.goto(f"{base}/fr/rewards/offers/validate/")
    till.locator('textarea[name="token"]').fill(voucher_token)
    till.locator("#validate-form button").click()
    result = till.locator("#validate-result")
    expect(result.locator('[data-outcome="validated"]')).to_be_visible()
    voucher.refresh_from_db()
    validated_at = voucher.validated_at
    assert validated_at is not None

    till.locator("#validate-form button").click()
    expect(result.locator('[data-code="already_validated"]')).to_be_visible()
    voucher.refresh_from_db()
    assert voucher.validated_at == validated_at
    assert ledger.check().ok
