"""Fixtures shared by every app's tests.

Each group of fixtures lives in its own section below; add new ones in a new section rather than
inside someone else's. Real parts, not mocks: mail goes through a real SMTP server on the loopback
interface, so what a test reads is what a mail server would have received.
"""

import asyncio
import email
import email.policy
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

# --- Markers ----------------------------------------------------------------------------------


def pytest_configure(config: pytest.Config) -> None:
    # pytest-xdist declares this marker; declare it too so that --strict-markers still accepts it
    # when a run disables xdist (`pytest -p no:xdist`).
    config.addinivalue_line(
        "markers", "xdist_group(name): run all tests of this group in the same xdist worker"
    )


# --- Language: each test starts in the default language ----------------------------------------


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """The test client's requests go through LocaleMiddleware in the test's own thread, which
    leaves the last request's language active: without this, a test's `reverse()` would give
    `/en/...` or `/es/...` depending on which test ran before it in the same worker."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


# --- Cache: each test starts with an empty one --------------------------------------------------


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Rows a test rolls back must not survive in the cache for the next test (the local-memory
    cache lives as long as the worker process)."""
    from django.core.cache import cache

    from milieu.core import pagecache

    cache.clear()
    pagecache.clear()  # the shared pages live in the worker's memory
    yield


# --- Rate limits: a clock that stands still --------------------------------------------------


@pytest.fixture
def still_clock(monkeypatch) -> float:
    """The rate limiter's clock stopped at the test's start: a test that fills a window sees it
    fill, however slow the machine, instead of rolling over into the next one (the windows are
    fixed periods of the clock, `core.ratelimit`). Returns the stopped time."""
    from types import SimpleNamespace

    from milieu.core import ratelimit

    stopped = time.time()
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: stopped))
    return stopped


# --- Email: a local SMTP server ----------------------------------------------------------------


class _EphemeralPortController(Controller):
    """aiosmtpd's threaded controller, listening on a port the kernel picks (port 0).

    Asking the kernel for the port inside the bind itself leaves no window in which another
    process, such as the other xdist worker, could take it.
    """

    def _create_server(self):
        return self._bind()

    async def _bind(self) -> asyncio.AbstractServer:
        server = await self.loop.create_server(self._factory_invoker, host=self.hostname, port=0)
        self.port = server.sockets[0].getsockname()[1]
        return server


@dataclass
class SMTPServer:
    """What a test sees of the local SMTP server.

    `messages` holds every message received so far, in order, parsed by the `email` package
    (`email.message.EmailMessage`, so `msg["Subject"]` and `msg.get_body().get_content()` work).
    """

    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    _arrived: threading.Condition = field(default_factory=threading.Condition, repr=False)
    _taken: int = field(default=0, repr=False)

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd handler hook
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for_message(self, timeout: float = 10) -> EmailMessage:
        """Return the next message not yet returned by this method, waiting for it if need be.

        Fails the test if no new message arrives within `timeout` seconds.
        """
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.messages) <= self._taken:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    pytest.fail(
                        f"No new email reached the SMTP server on {self.host}:{self.port} within "
                        f"{timeout} s ({len(self.messages)} received in total)."
                    )
                self._arrived.wait(remaining)
            message = self.messages[self._taken]
            self._taken += 1
            return message


@pytest.fixture
def smtp_server(settings) -> Iterator[SMTPServer]:
    """A real SMTP server on 127.0.0.1 (a free port per test), and Django sending mail to it.

    Django's mail settings (MAILERS if the project defines it, else the EMAIL_* settings) point
    at the server for the duration of the test, also for a `live_server`, which runs in a thread
    of this process. Mail is received before Django's send returns, so `messages` is up to date
    as soon as the request that sent it has been answered.
    """
    smtp = SMTPServer(host="127.0.0.1", port=0)
    controller = _EphemeralPortController(smtp, hostname=smtp.host)
    controller.start()
    smtp.port = controller.port
    if hasattr(settings, "MAILERS"):
        # Django 6.1's MAILERS, once the project's settings use it.
        settings.MAILERS = {
            **settings.MAILERS,
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": smtp.host, "port": smtp.port, "use_tls": False, "timeout": 10},
            },
        }
    else:
        # The EMAIL_* settings (deprecated by Django 6.1, still what config/settings uses).
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = smtp.host
        settings.EMAIL_PORT = smtp.port
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 10
    try:
        yield smtp
    finally:
        controller.stop()


# --- Browser: Debian's headless Chromium driven by Playwright ---------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _one_request_at_a_time(live_server) -> None:
    """On SQLite the live server's threads share the test database's one in-memory connection,
    which serves one thread at a time: two requests at once (a page and its service worker's
    precache, say) made SQLite fail with "bad parameter or other API misuse". Serve them one
    after the other, answers read whole under the lock. (PostgreSQL gives each thread its own
    connection and needs none of this.)"""
    import threading

    from django.db import connection

    httpd = getattr(live_server.thread, "httpd", None)
    if connection.vendor != "sqlite" or httpd is None:
        return
    app = httpd.get_app()
    if getattr(app, "milieu_one_at_a_time", False):
        return
    lock = threading.Lock()

    def one_at_a_time(environ, start_response):
        with lock:
            answer = app(environ, start_response)
            try:
                return [b"".join(answer)]
            finally:
                close = getattr(answer, "close", None)
                if close is not None:
                    close()

    one_at_a_time.milieu_one_at_a_time = True  # type: ignore[attr-defined]
    httpd.set_app(one_at_a_time)


@pytest.fixture
def browser(live_server, monkeypatch):
    """Headless Chromium for tests against `live_server` (closed before its database is flushed).

    Playwright's own browser download does not work here: the tests use Debian's Chromium. When
    it is missing the test fails in CI (`CI` set) and is skipped, loudly, elsewhere.
    """
    import os
    from pathlib import Path

    from django.db import connections
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():
        reason = (
            f"BROWSER TESTS NOT RUN: {CHROMIUM} is missing. Install Debian's browser with "
            "`apt-get install chromium chromium-driver` (Playwright's own download does not work "
            "here)."
        )
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    # Playwright's sync API runs an asyncio loop in this thread; Django's ORM refuses to run
    # under a running loop unless told that this thread is really synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    _one_request_at_a_time(live_server)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()
            # ORM calls made inside Playwright's context got database connections of their own
            # (Django keeps connections per context); close them, or PostgreSQL cannot drop the
            # test database at the end.
            connections.close_all()


@pytest.fixture
def new_page(browser):
    """Opens a page in a browser context of its own (its own cookies, cache, service workers),
    and records the JavaScript errors of every page opened: the test fails on any."""
    contexts = []
    errors: list[str] = []

    def open_page():
        context = browser.new_context(locale="fr-CA", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert errors == [], f"JavaScript errors in the pages: {errors}"
