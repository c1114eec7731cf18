"""The citizen card pages, the verifier, the offline files, /.well-known documents and the API."""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
import zxingcpp
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import timezone

from milieu.accounts import card, services
from milieu.accounts.models import CardKey, CitizenId
from milieu.accounts.tests.factories import citizen_of
from milieu.accounts.tests.factories_card import CitizenIdFactory, resident_of
from milieu.accounts.views import card as card_views
from milieu.territory.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def brossard():
    return MunicipalityFactory(slug="brossard", name="Brossard", id_code="BRO")


@pytest.fixture
def camille(brossard):
    return resident_of(brossard, display_name="Camille Tremblay", email="camille@example.org")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def token_for(citizen_id: CitizenId) -> str:
    return services.citizen_card_issue(actor=citizen_id.user).token


def page_token(html: str) -> str:
    match = re.search(r'<textarea id="card-token"[^>]*>([^<]+)</textarea>', html)
    assert match, "no #card-token on the page"
    return match.group(1)


def assert_csp_friendly(html: str) -> None:
    """Scripts are same-origin files or carry the nonce; no inline event handlers."""
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert 'src="/static/' in tag or "nonce=" in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"\son[a-z]+\s*=", html)


# --- My card ------------------------------------------------------------------------------------


def test_my_card_needs_a_login(client):
    response = client.get("/fr/card/")
    assert response.status_code == 302
    assert response["Location"].startswith("/fr/accounts/login/")


def test_my_card_shows_name_municipality_id_validity_and_a_qr_code(camille):
    response = logged_in(camille.user).get("/fr/card/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="card-name">Camille Tremblay<' in html
    assert 'id="card-municipality">Brossard<' in html
    assert f'id="card-number">{camille.number}<' in html
    assert (
        f'datetime="{camille.expires_at.astimezone(timezone.get_current_timezone()):%Y-%m-%d}'
        in (html)
    )
    assert '<svg width="288" height="288"' in html and 'class="card-qr"' in html
    token = page_token(html)
    assert card.card_verify(token).claims["sub"] == camille.number
    assert "camille@example.org" not in html.split('id="card-token"')[1].split("</textarea>")[0]
    assert "no-store" in response["Cache-Control"]
    assert 'src="/static/js/card-offline.js"' in html
    assert 'data-service-worker="/fr/card/sw.js"' in html
    assert 'href="/fr/card/verify/"' in html
    assert_csp_friendly(html)


def decode_qr(svg: str) -> str:
    """Read the page's QR code as a phone would: the SVG's runs of dark modules drawn into a
    bitmap (4 pixels a module), decoded by ZXing."""
    side = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))
    start_x, start_y = re.search(r' d="M(\d+) ([\d.]+)', svg).groups()
    scale = 4
    width = side * scale
    pixels = bytearray([255]) * (width * width)
    x, y = int(start_x), int(float(start_y))  # the pen, on the row it draws through
    for dx, dy, length in re.findall(r"m(-?\d+) (-?\d+)h(\d+)", svg):
        x, y, length = x + int(dx), y + int(dy), int(length)
        for line in range(scale):
            row = (y * scale + line) * width
            pixels[row + x * scale : row + (x + length) * scale] = bytes(length * scale)
        x += length
    found = zxingcpp.read_barcode(memoryview(pixels).cast("B", shape=[width, width]))
    assert found is not None, "no QR code found"
    return found.text


def test_the_qr_code_carries_the_card_token(camille):
    html = logged_in(camille.user).get("/fr/card/").content.decode()
    token = page_token(html)
    svg = html[html.index("<svg") : html.index("</svg>") + 6]

    assert decode_qr(svg) == token
    assert card.card_verify(token).claims["sub"] == camille.number


def test_my_card_without_a_citizen_id_says_so_and_links_to_verification(brossard):
    user = citizen_of(brossard, display_name="Gabriel")

    response = logged_in(user).get("/en/card/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="card-missing" data-reason="no_citizen_id"' in html
    assert "no valid citizen id" in html
    assert 'href="/en/brossard/identity/"' in html
    assert 'href="/en/profile/identity/"' in html
    assert 'id="card-token"' not in html and "<svg" not in html
    assert not CardKey.objects.exists()


def test_my_card_without_a_home_municipality_asks_to_choose_one():
    from milieu.accounts.tests.factories import UserFactory

    html = logged_in(UserFactory()).get("/en/card/").content.decode()
    assert 'data-reason="no_citizen_id"' in html
    assert 'href="/en/profile/"' in html


def test_my_card_with_an_expired_citizen_id_offers_to_confirm_it(brossard):
    expired = CitizenIdFactory(
        user=citizen_of(brossard, display_name="Gabriel"),
        municipality=brossard,
        issued_at=timezone.now() - timedelta(days=400),
    )

    html = logged_in(expired.user).get("/en/card/").content.decode()

    assert f"Your citizen id {expired.number} expired on" in html
    assert 'href="/en/profile/identity/"' in html
    assert 'id="card-token"' not in html


def test_my_card_with_a_revoked_citizen_id_has_no_card(camille):
    CitizenId.objects.filter(pk=camille.pk).update(revoked_at=timezone.now())
    html = logged_in(camille.user).get("/fr/card/").content.decode()
    assert 'data-reason="no_citizen_id"' in html
    assert 'id="card-token"' not in html


def test_my_card_without_a_name_links_to_the_profile(brossard):
    citizen_id = resident_of(brossard, display_name="")
    html = logged_in(citizen_id.user).get("/en/card/").content.decode()
    assert 'data-reason="name_required"' in html
    assert 'href="/en/profile/"' in html


def test_the_card_is_reused_between_visits_and_its_qr_drawn_once(camille, monkeypatch):
    client = logged_in(camille.user)
    first = page_token(client.get("/fr/card/").content.decode())
    drawn = []
    monkeypatch.setattr(card_views, "qr_svg", lambda token: drawn.append(token) or "<svg></svg>")

    html = client.get("/fr/card/").content.decode()

    assert page_token(html) == first
    assert client.get("/api/v1/card").json()["token"] == first
    assert drawn == []  # the QR code of the first visit, from the cache


def test_a_new_name_signs_a_new_card(camille):
    client = logged_in(camille.user)
    first = page_token(client.get("/fr/card/").content.decode())
    user = camille.user
    user.display_name = "Camille Tremblay-Roy"
    user.save()

    token = page_token(client.get("/fr/card/").content.decode())

    assert token != first
    assert card.card_verify(token).claims["name"] == "Camille Tremblay-Roy"


def test_a_surrendered_citizen_id_takes_the_reused_card_away(camille):
    client = logged_in(camille.user)
    assert 'id="card-token"' in client.get("/fr/card/").content.decode()
    services.citizen_id_surrender(actor=camille.user, citizen_id=camille)

    html = client.get("/fr/card/").content.decode()

    assert 'data-reason="no_citizen_id"' in html
    assert client.get("/api/v1/card").status_code == 404


def test_a_rotated_key_signs_a_new_card(camille, django_capture_on_commit_callbacks):
    client = logged_in(camille.user)
    first = client.get("/api/v1/card").json()
    with django_capture_on_commit_callbacks(execute=True):
        card.card_key_rotate(camille.municipality)

    again = client.get("/api/v1/card").json()

    assert again["token"] != first["token"]
    assert again["kid"] == CardKey.objects.get(retired_at__isnull=True).kid != first["kid"]


def test_a_reused_card_never_outlives_its_citizen_id(camille):
    client = logged_in(camille.user)
    assert client.get("/api/v1/card").status_code == 200
    with time_machine.travel(camille.expires_at + timedelta(seconds=1)):
        client.force_login(camille.user)  # the first session has expired too
        assert client.get("/api/v1/card").status_code == 404


def test_the_profile_links_to_my_card(camille):
    html = logged_in(camille.user).get("/fr/profile/").content.decode()
    assert 'href="/fr/card/"' in html


# --- The verifier -------------------------------------------------------------------------------


def test_the_verifier_is_public_and_ready_for_the_script(client):
    response = client.get("/en/card/verify/")

    assert response.status_code == 200
    html = response.content.decode()
    for stable_id in (
        'id="verify-form"',
        'id="verify-input"',
        'id="verify-result"',
        'id="sync-now"',
        'id="sync-status"',
        'id="scan-start"',
    ):
        assert stable_id in html
    assert re.search(r'<div id="verify-result"\s+role="status"', html)
    assert '<label for="verify-input">' in html
    assert 'src="/static/js/card-verifier.js"' in html
    config = json.loads(
        re.search(r'id="card-verifier-config" type="application/json">(.*?)</script>', html)[1]
    )
    assert config == {
        "jwks": "/.well-known/citizen-card/jwks.json",
        "revocations": "/.well-known/citizen-card/revocations.json",
        "leeway": 60,
        "maxLength": 2048,
        "type": "citizen-card+jws",
    }
    messages = json.loads(
        re.search(r'id="card-verifier-messages" type="application/json">(.*?)</script>', html)[1]
    )
    for code in ("malformed", "unknown_key", "bad_signature", "expired", "not_yet_valid"):
        assert messages[code]
    assert messages["revoked"] == "This card was revoked by its municipality."
    assert "%(time)s" in messages["synced"]
    assert_csp_friendly(html)


def test_the_verifier_checks_a_valid_card_on_the_server_without_javascript(camille):
    token = token_for(camille)

    response = Client().post("/en/card/verify/", {"token": token})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-valid="true" data-code="valid" data-source="server"' in html
    assert "Valid card" in html
    assert "Camille Tremblay" in html and camille.number in html and "Brossard" in html
    assert "no-store" in response["Cache-Control"]


def test_the_verifier_refuses_a_revoked_card_with_its_reason(camille):
    token = token_for(camille)
    CitizenId.objects.filter(pk=camille.pk).update(revoked_at=timezone.now())

    html = Client().post("/en/card/verify/", {"token": token}).content.decode()

    assert 'data-valid="false" data-code="revoked"' in html
    assert "Card refused" in html
    assert "This card was revoked by its municipality." in html
    assert "Camille" not in html.split('id="verify-result"')[1].split("</div>")[0]


@pytest.mark.parametrize("garbage", ["hello", "a.b.c", "x" * 9000])
def test_the_verifier_calls_garbage_malformed_and_keeps_what_was_typed(db, garbage):
    html = Client().post("/en/card/verify/", {"token": garbage}).content.decode()
    assert 'data-code="malformed"' in html
    assert garbage[:100] in html


def test_the_verifier_asks_for_a_code_when_the_field_is_empty(db):
    response = Client().post("/en/card/verify/", {"token": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert "Paste or scan a card code." in html


def test_the_verifier_speaks_the_page_language(db):
    html = Client().get("/es/card/verify/").content.decode()
    assert '<html lang="es">' in html
    assert 'action="/es/card/verify/"' in html


def test_the_card_pages_stay_under_100_kb(camille):
    client = logged_in(camille.user)
    for url in ("/fr/card/", "/fr/card/verify/"):
        html = client.get(url).content
        total = len(html)
        for asset in re.findall(rb'(?:src|href)="/static/([^"]+)"', html):
            path = finders.find(asset.decode())
            assert path, asset
            total += Path(path).stat().st_size
        assert total < 100 * 1024, f"{url}: {total} bytes"


# --- Offline: service worker and manifest -------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en", "es"])
def test_the_service_worker_caches_the_card_pages_of_its_language(db, client, language):
    response = client.get(f"/{language}/card/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    config = json.loads(re.search(r"const CONFIG = (\{.*\});", body)[1])
    assert config["pages"] == [f"/{language}/card/", f"/{language}/card/verify/"]
    assert config["data"] == [
        "/.well-known/citizen-card/jwks.json",
        "/.well-known/citizen-card/revocations.json",
    ]
    assert "/static/css/milieu.css" in config["assets"]
    assert "/static/js/card-verifier.js" in config["assets"]
    assert "/static/js/card-offline.js" in config["assets"]
    for asset in config["assets"]:
        assert finders.find(asset.removeprefix("/static/")), asset
    assert config["cache"].startswith(f"milieu-card-{language}-")
    assert 'addEventListener("fetch"' in body


def test_the_manifest_starts_on_my_card(db, client):
    response = client.get("/en/card/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["start_url"] == manifest["scope"] == "/en/card/"
    assert manifest["lang"] == "en"
    assert manifest["name"] == "Milieu citizen card"
    assert finders.find(manifest["icons"][0]["src"].removeprefix("/static/"))


# --- /.well-known/citizen-card/ -----------------------------------------------------------------


def test_the_jwks_document_is_public_cached_and_revalidated(client, camille):
    token_for(camille)
    kid = CardKey.objects.get().kid

    response = client.get("/.well-known/citizen-card/jwks.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/jwk-set+json"
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert response["Access-Control-Allow-Origin"] == "*"
    document = json.loads(response.content)
    assert [key["kid"] for key in document["keys"]] == [kid]
    assert "d" not in document["keys"][0]
    again = client.get("/.well-known/citizen-card/jwks.json", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_the_revocation_document_lists_revoked_cards_with_its_time(client, camille):
    CitizenId.objects.filter(pk=camille.pk).update(revoked_at=timezone.now())

    response = client.get("/.well-known/citizen-card/revocations.json")

    assert response.status_code == 200
    assert "max-age=60" in response["Cache-Control"]
    assert response["Access-Control-Allow-Origin"] == "*"
    document = response.json()
    assert document["generated_at"].endswith("Z")
    assert [(entry["iss"], entry["sub"]) for entry in document["revoked"]] == [
        ("brossard", camille.number)
    ]


def test_the_well_known_documents_only_answer_get(client, db):
    assert client.post("/.well-known/citizen-card/jwks.json").status_code == 405
    assert client.post("/.well-known/citizen-card/revocations.json").status_code == 405


# --- API ----------------------------------------------------------------------------------------


def test_api_my_card_needs_a_login(client, db):
    response = client.get("/api/v1/card")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_api_my_card_returns_the_token_and_its_fields(camille):
    response = logged_in(camille.user).get("/api/v1/card")

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Camille Tremblay"
    assert body["municipality"] == "brossard"
    assert body["municipality_name"] == "Brossard"
    assert body["citizen_id"] == camille.number
    assert set(body["claims"]) == {"iss", "sub", "name", "exp", "iat", "nbf", "jti"}
    assert card.card_verify(body["token"]).claims == body["claims"]
    assert body["kid"] == CardKey.objects.get().kid


def test_api_my_card_without_a_citizen_id_is_not_found(brossard):
    response = logged_in(citizen_of(brossard)).get("/api/v1/card")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "no_citizen_id"


def test_api_verify_accepts_a_valid_card_without_a_login(camille):
    token = token_for(camille)

    response = Client().post(
        "/api/v1/cards/verify", {"token": token}, content_type="application/json"
    )

    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is True
    assert body["error"] is None
    assert body["claims"]["sub"] == camille.number
    assert body["municipality_name"] == "Brossard"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda token: token[:-5], "malformed"),
        (lambda token: "garbage", "malformed"),
        (lambda token: token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB"), "bad_signature"),
    ],
)
def test_api_verify_explains_a_refused_card(camille, change, code):
    response = Client().post(
        "/api/v1/cards/verify",
        {"token": change(token_for(camille))},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is False
    assert body["claims"] is None
    assert body["error"]["code"] == code
    assert body["error"]["message"]


def test_api_verify_reports_a_revoked_card(camille):
    token = token_for(camille)
    CitizenId.objects.filter(pk=camille.pk).update(revoked_at=timezone.now())
    body = (
        Client()
        .post("/api/v1/cards/verify", {"token": token}, content_type="application/json")
        .json()
    )
    assert (body["valid"], body["error"]["code"]) == (False, "revoked")


def test_api_verify_needs_a_token(db):
    response = Client().post("/api/v1/cards/verify", {}, content_type="application/json")
    assert response.status_code == 422
    assert "token" in response.json()["error"]["fields"]
