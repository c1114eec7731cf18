"""Redemption in a real browser: the citizen (with points awarded from issuance) redeems an
offer and gets a voucher; the merchant validates its token on the validation page; a second
validation is refused. (The till's purchase award is tested by its own browser test.)

Headless Chromium (Debian's /usr/bin/chromium) through Playwright against `live_server`.
"""

import importlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import Client
from playwright.sync_api import Page, expect, sync_playwright

from milieu.rewards import ledger
from milieu.rewards.models import Entry, Posting, Voucher

from .offers_helpers import citizen_with_points, make_merchant, make_offer, make_program

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
CHROMIUM = "/usr/bin/chromium"


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
def page(live_server, ledger_rows_removed_after, monkeypatch) -> Iterator[Page]:
    if not Path(CHROMIUM).is_file():
        reason = f"BROWSER TESTS NOT RUN: {CHROMIUM} is missing (apt-get install chromium)."
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            context = browser.new_context(locale="en-CA")
            context.set_default_timeout(10_000)
            yield context.new_page()
            context.close()
        finally:
            browser.close()
            connections.close_all()


def log_in(page: Page, base: str, user) -> None:
    page.context.clear_cookies()
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base}]
    )


def test_citizen_redeems_and_merchant_validates_the_voucher_once(live_server, page):
    program = make_program()
    merchant = make_merchant(program)
    offer = make_offer(program, merchant, title="Free coffee", points_price=30)
    citizen = citizen_with_points(program, 100)
    base = live_server.url

    log_in(page, base, citizen)
    page.goto(f"{base}/en/rewards/offers/")
    page.get_by_role("link", name="Free coffee").click()
    expect(page.locator("#wallet-balance")).to_contain_text("100")
    page.locator("#redeem-form button").click()
    expect(page.locator("#voucher-status")).to_be_visible()
    expect(page.locator('[role="img"] svg')).to_be_visible()
    token = page.locator("#voucher-token").input_value()
    assert ledger.wallet(program, citizen).balance == 70
    voucher = Voucher.objects.get(offer=offer)

    log_in(page, base, merchant.owner)
    page.goto(f"{base}/en/rewards/offers/validate/")
    page.locator('textarea[name="token"]').fill(token)
    page.locator("#validate-form button").click()
    result = page.locator("#validate-result")
    expect(result.locator('[data-outcome="validated"]')).to_be_visible()
    voucher.refresh_from_db()
    validated_at = voucher.validated_at
    assert validated_at is not None

    page.locator("#validate-form button").click()
    expect(result.locator('[data-code="already_validated"]')).to_be_visible()
    voucher.refresh_from_db()
    assert voucher.validated_at == validated_at
    assert ledger.check().ok
