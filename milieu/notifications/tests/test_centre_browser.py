"""The notification centre in a real browser: htmx marks read without a reload and updates the
header badge, and the badge refreshes itself by polling.

Headless Chromium (Debian's /usr/bin/chromium) through Playwright against `live_server`.
"""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from milieu.accounts.tests.factories import UserFactory
from milieu.core.testing import sign_in
from milieu.notifications import services

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def page(browser) -> Iterator[Page]:
    context = browser.new_context(locale="fr-CA", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_marking_read_with_htmx_updates_the_list_and_the_badge(live_server, page):
    user = UserFactory(preferred_language="en")
    for n in range(3):
        services.notify(user=user, topic="municipal_news", key=f"k{n}", title=f"News {n}")
    base = live_server.url
    sign_in(page, base, user)
    page.goto(f"{base}/en/notifications/")
    badge = page.locator("#notification-count")
    expect(badge).to_have_text("3")
    expect(page.get_by_role("link", name="Notifications 3 unread notifications")).to_be_visible()

    page.get_by_role("button", name="Mark as read", exact=False).first.click()
    expect(badge).to_have_text("2")
    expect(page.locator(".notification-list li.unread")).to_have_count(2)
    assert page.url == f"{base}/en/notifications/"  # swapped in place, no navigation

    page.get_by_role("button", name="Mark all as read").click()
    expect(badge).to_have_text("0")
    expect(page.locator(".notification-list li.unread")).to_have_count(0)


def test_the_badge_polls_for_new_notifications(live_server, page):
    user = UserFactory(preferred_language="en")
    base = live_server.url
    sign_in(page, base, user)
    page.clock.install()
    page.goto(f"{base}/en/")
    badge = page.locator("#notification-count")
    expect(badge).to_have_text("0")

    services.notify(user=user, topic="account", key="new", title="Hello")
    page.clock.run_for(61_000)  # a minute later htmx asks /en/notifications/count/ again

    expect(badge).to_have_text("1")
    expect(badge).to_have_attribute("aria-label", "1 unread notification")
