"""/robots.txt: the public pages may be indexed; the API, staff and personal pages may not."""

import re

import pytest
from django.urls import reverse
from django.utils import translation


def _rules(text: str) -> list[str]:
    return [
        line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("Disallow:")
    ]


def _disallowed(path: str, rules: list[str]) -> bool:
    """RFC 9309 matching: a rule is a path prefix in which `*` stands for any characters."""
    return any(re.match(".*".join(map(re.escape, rule.split("*"))), path) for rule in rules)


@pytest.fixture
def rules(client) -> list[str]:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().startswith("User-agent: *\n")
    return _rules(response.content.decode())


def test_robots_txt_needs_no_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/robots.txt").status_code == 200


@pytest.mark.parametrize("language", ["fr", "en", "es"])
def test_public_pages_may_be_indexed(rules, language):
    with translation.override(language):
        public = [
            reverse("territory:municipality_home", kwargs={"municipality_slug": "brossard"}),
            reverse("territory:district_list", kwargs={"municipality_slug": "brossard"}),
            reverse("territory:region_detail", kwargs={"region_slug": "idees-collectives"}),
            reverse("core:home"),
        ]
    assert [path for path in public if _disallowed(path, rules)] == []


@pytest.mark.parametrize("language", ["fr", "en", "es"])
def test_the_api_staff_and_personal_pages_may_not(rules, language):
    slug = {"municipality_slug": "brossard"}
    with translation.override(language):
        private = [
            "/api/v1/municipalities",
            "/admin/",
            reverse("account_login"),
            reverse("accounts:profile"),
            reverse("accounts_card:detail"),
            reverse("notifications:centre"),
            reverse("rewards:wallet"),
            reverse("territory:staff_settings", kwargs=slug),
            reverse("territory:staff_districts", kwargs=slug),
            reverse("notifications_staff:list", kwargs=slug),
            reverse("accounts_identity:index", kwargs=slug),
        ]
    assert [path for path in private if not _disallowed(path, rules)] == []
