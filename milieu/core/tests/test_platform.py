import json
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.db import connection
from jwcrypto.jwk import JWK

from milieu.territory import demo

ROOT = Path(settings.BASE_DIR)


def test_healthz_reports_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_says_503_when_the_database_fails(client, db, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database is down")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", broken)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_embedded_sqlite_uses_wal_immediate_transactions_and_a_busy_timeout():
    from config.settings.base import SQLITE_OPTIONS

    assert SQLITE_OPTIONS["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in SQLITE_OPTIONS["init_command"]
    assert "busy_timeout" in SQLITE_OPTIONS["init_command"]


@pytest.mark.parametrize("language", ["fr", "en", "es"])
def test_every_catalogue_is_complete(language):
    path = ROOT / "milieu" / "locale" / language / "LC_MESSAGES" / "django.po"
    catalogue = polib.pofile(str(path))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []
    assert not catalogue.metadata_is_fuzzy
    assert len(catalogue) > 50


def test_the_committed_openapi_document_is_the_one_the_code_serves():
    committed = json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
    from config.api import api

    served = json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))
    assert committed == served, "Run `make openapi` and commit docs/openapi.json"


def test_openapi_is_served(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/municipalities/{slug}/districts" in response.json()["paths"]


PUBLIC_PAGES = [
    "/fr/",
    "/fr/brossard/",
    "/en/brossard/districts/",
    "/es/regions/temiscamingue/",
    "/fr/accounts/login/",
    "/fr/accounts/signup/",
]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_first_load_of_a_page_is_under_100_kb_uncompressed(client, db, url):
    demo.load()
    response = client.get(url)
    assert response.status_code == 200
    html = response.content
    total = len(html)
    for asset in re.findall(rb'(?:src|href)="/static/([^"]+)"', html):
        path = finders.find(asset.decode())
        assert path, asset
        total += Path(path).stat().st_size
    assert total < 100 * 1024, f"{url}: {total} bytes"


def test_pages_have_landmarks_skip_link_and_labelled_language_switcher(client, db):
    demo.load()
    html = client.get("/fr/brossard/").content.decode()
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert "<header" in html and "<footer" in html
    assert html.count("<nav aria-label=") >= 2
    assert 'lang="en"' in html and 'lang="es"' in html


def test_load_demo_twice_creates_nothing_new(db):
    from django.apps import apps

    call_command("load_demo", force=True, stdout=StringIO())
    counts = {m._meta.label: m.objects.count() for m in apps.get_models()}
    call_command("load_demo", force=True, stdout=StringIO())
    assert {m._meta.label: m.objects.count() for m in apps.get_models()} == counts
    assert counts["territory.Municipality"] == 17
    # the demo accounts, the operator and the newcomer (10); the committees' delegates (13); the
    # neighbours who support ideas in the calls for proposals (16, without passwords); Ville-Marie's
    # staff member who runs its digital-maturity diagnostic (1)
    assert counts["accounts.User"] == 40
    assert counts["community.Post"] == 4
    assert counts["community.NewcomerResource"] == 5
    assert counts["exchange.Listing"] == 5  # a drill, clothes, babysitting, Spanish, a snow blower
    assert counts["volunteering.Organisation"] == 1  # Entraide Brossard
    assert counts["volunteering.Opportunity"] == 2  # bookkeeping, a youth day camp
    assert counts["volunteering.VolunteerProfile"] == 1  # Camille
    assert counts["volunteering.ProjectIdea"] == 1
    assert counts["volunteering.IdeaSupport"] == 1


def test_production_settings_pass_the_deployment_checks(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x" * 30 + "production-like-secret-key-for-the-check-0123456789",
        "ALLOWED_HOSTS": "milieu.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "EMAIL_URL": "smtp+tls://milieu:secret@smtp.example.org:587",
        "OIDC_RSA_PRIVATE_KEY": JWK.generate(kty="RSA", size=2048)
        .export_to_pem(private_key=True, password=None)
        .decode(),
        "OIDC_SUBJECT_SECRET": "s" * 40,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
