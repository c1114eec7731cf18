"""Test helpers shared by every app's tests."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 with the lowest cost, for the test suite only (same algorithm, same code path)."""

    time_cost = 1
    memory_cost = 256
    parallelism = 1


def sign_in(page, base_url: str, user) -> None:
    """Give a Playwright page's browser context the session of `user` (Django's `force_login`,
    which also stands for the TOTP step that staff pass at login)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url}]
    )
