"""Milieu as an OpenID Connect provider, and municipalities' portals as external providers.

The full flows run against the real server (pytest-django's live_server) with a real OIDC client
library from PyPI (Authlib's OAuth2Session over requests); the ID token's signature is checked
with jwcrypto against the provider's JWKS. The external portal is a small OpenID Connect provider
run by the test itself on the loopback interface: nothing leaves the machine.
"""

import base64
import hashlib
import json
import os
import secrets
import subprocess
import sys
import threading
import time
from datetime import timedelta
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone
from jwcrypto import jwk, jwt
from jwcrypto.common import JWException
from oauth2_provider.models import AccessToken, Application, Grant

from milieu.accounts.models import CitizenId, Membership, User, Verification
from milieu.accounts.oidc import subject_for
from milieu.accounts.services.oidc import oidc_client_create
from milieu.accounts.tests.factories import UserFactory, citizen_of
from milieu.territory.tests.factories import MunicipalityFactory

PASSWORD = "correct-horse-battery-staple"  # UserFactory's
REDIRECT_URI = "http://127.0.0.1:8765/callback"
ALL_SCOPES = "openid profile email residency"
RESIDENCY_CLAIMS = {"milieu_municipality", "milieu_verified_resident"}


# --- Helpers ------------------------------------------------------------------------------------


class _Forms(HTMLParser):
    """The forms of a page: each one's inputs (name → value; checkboxes only when checked)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": attributes.get("action", ""), "fields": {}, "names": []})
        elif tag in {"input", "button", "select", "textarea"} and self.forms:
            name = attributes.get("name")
            if not name:
                return
            self.forms[-1]["names"].append(name)
            kind = attributes.get("type", "")
            if tag == "button" or kind in {"submit", "checkbox"}:
                return  # submitted only when chosen
            self.forms[-1]["fields"][name] = attributes.get("value", "")


def forms_of(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def form_with(html: str, field: str) -> dict:
    return next(form for form in forms_of(html) if field in form["names"])


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def make_resident(municipality, *, verified: bool = True, **kwargs):
    """A citizen of `municipality`, with a valid citizen id there when `verified`."""
    user = citizen_of(municipality, **kwargs)
    if verified:
        verification = Verification.objects.create(
            user=user,
            municipality=municipality,
            method="counter",
            status=Verification.Status.APPROVED,
            decided_at=timezone.now(),
        )
        serial = CitizenId.objects.count() + 1
        CitizenId.objects.create(
            user=user,
            municipality=municipality,
            verification=verification,
            number=f"TST-2026-{serial:06d}-0",
            year=2026,
            serial=serial,
            expires_at=timezone.now() + timedelta(days=365),
        )
    return user


def make_client(*, confidential: bool = True, name: str = "Bibliothèque municipale", **changes):
    application, secret = oidc_client_create(
        name=name, redirect_uris=[REDIRECT_URI], confidential=confidential
    )
    if changes:
        Application.objects.filter(pk=application.pk).update(**changes)
        application.refresh_from_db()
    return application, secret


def authorize_params(application, *, scope: str = ALL_SCOPES, **extra) -> dict:
    verifier, challenge = pkce_pair()
    params = {
        "response_type": "code",
        "client_id": application.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": scope,
        "state": secrets.token_urlsafe(8),
        "nonce": secrets.token_urlsafe(8),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    params.update(extra)
    params = {key: value for key, value in params.items() if value is not None}
    params["_verifier"] = verifier
    return params


def authorize_url(params: dict) -> str:
    return "/oidc/authorize/?" + urlencode({k: v for k, v in params.items() if k != "_verifier"})


def approve(client, params: dict, *, share_residency: bool | None = None, allow: bool = True):
    """Show the consent page to the logged-in client and answer it; returns the redirect."""
    page = client.get(authorize_url(params))
    assert page.status_code == 200, page.content
    form = form_with(page.content.decode(), "client_id")
    data = dict(form["fields"])
    if allow:
        data["allow"] = "1"
    if share_residency:
        data["share_residency"] = "on"
    return client.post(authorize_url(params), data)


def exchange(client, application, secret, code: str, verifier: str | None):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI}
    if verifier is not None:
        data["code_verifier"] = verifier
    headers = {}
    if secret:
        basic = base64.b64encode(f"{application.client_id}:{secret}".encode()).decode()
        headers["HTTP_AUTHORIZATION"] = f"Basic {basic}"
    else:
        data["client_id"] = application.client_id
    return client.post("/oidc/token/", data, **headers)


def verified_id_token(id_token: str, *, jwks: dict, issuer: str, audience: str) -> dict:
    keys = jwk.JWKSet.from_json(json.dumps(jwks))
    token = jwt.JWT(
        jwt=id_token,
        key=keys,
        algs=["RS256"],
        check_claims={"iss": issuer, "aud": audience, "exp": None, "iat": None},
    )
    return json.loads(token.claims)


@pytest.fixture
def brossard(db):
    return MunicipalityFactory(slug="brossard", name="Brossard")


@pytest.fixture
def http_sessions():
    """HTTP sessions (a browser, an OIDC client) closed before the live server stops."""
    sessions: list[requests.Session] = []

    def new(session: requests.Session) -> requests.Session:
        sessions.append(session)
        return session

    yield new
    for session in sessions:
        session.close()


# --- Discovery and keys ---------------------------------------------------------------------------


def test_discovery_document_is_at_the_root_and_matches_the_endpoints(client, db):
    response = client.get("/.well-known/openid-configuration")

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    config = response.json()
    assert config["issuer"] == "http://testserver"
    assert config["authorization_endpoint"] == "http://testserver/oidc/authorize/"
    assert config["token_endpoint"] == "http://testserver/oidc/token/"
    assert config["userinfo_endpoint"] == "http://testserver/oidc/userinfo/"
    assert config["jwks_uri"] == "http://testserver/oidc/jwks.json"
    assert config["revocation_endpoint"] == "http://testserver/oidc/revoke/"
    assert config["response_types_supported"] == ["code"]
    assert config["grant_types_supported"] == ["authorization_code", "refresh_token"]
    assert config["code_challenge_methods_supported"] == ["S256"]
    assert config["id_token_signing_alg_values_supported"] == ["RS256"]
    assert config["subject_types_supported"] == ["pairwise"]
    assert config["scopes_supported"] == ["openid", "profile", "email", "residency"]
    assert set(config["claims_supported"]) == {
        "sub",
        "name",
        "preferred_username",
        "locale",
        "email",
        "email_verified",
        "milieu_municipality",
        "milieu_verified_resident",
    }
    assert config["authorization_response_iss_parameter_supported"] is True
    assert config["request_uri_parameter_supported"] is False
    for path in ("/oidc/authorize/", "/oidc/token/", "/oidc/userinfo/", "/oidc/jwks.json"):
        assert client.get(path).status_code != 404, path


def test_jwks_publishes_the_rsa_id_token_key_without_its_private_part(client, db):
    response = client.get("/oidc/jwks.json")

    assert response.status_code == 200
    [key] = response.json()["keys"]
    assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["use"] == "sig"
    assert set(key) == {"kty", "alg", "use", "kid", "n", "e"}  # no "d", "p", "q"...
    private = jwk.JWK.from_pem(settings.OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"].encode())
    assert key["kid"] == private.thumbprint()


def test_development_key_is_generated_once_into_a_git_ignored_file(tmp_path):
    from config.settings.base import oidc_development_key, oidc_private_keys

    path = tmp_path / ".keys" / "key.pem"
    first = oidc_development_key(path)

    assert oidc_development_key(path) == first
    assert (tmp_path / ".keys" / ".gitignore").read_text() == "*\n"
    assert path.stat().st_mode & 0o777 == 0o600
    assert oidc_private_keys(first) == [first.strip()]
    escaped = first.strip().replace("\n", "\\n")
    assert oidc_private_keys(f"{escaped}\\n{escaped}") == [first.strip(), first.strip()]


def test_production_settings_require_the_signing_key_and_the_subject_secret(tmp_path):
    key = jwk.JWK.generate(kty="RSA", size=2048).export_to_pem(private_key=True, password=None)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x" * 30 + "production-like-secret-key-for-the-check-0123456789",
        "ALLOWED_HOSTS": "milieu.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "EMAIL_URL": "smtp+tls://milieu:secret@smtp.example.org:587",
    }
    env.pop("OIDC_RSA_PRIVATE_KEY", None)
    env.pop("OIDC_SUBJECT_SECRET", None)

    def check(**extra):
        return subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=settings.BASE_DIR,
            env={**env, **extra},
            capture_output=True,
            text=True,
            check=False,
        )

    missing_key = check(OIDC_SUBJECT_SECRET="s" * 40)
    assert missing_key.returncode != 0
    assert "Set OIDC_RSA_PRIVATE_KEY" in missing_key.stderr
    missing_secret = check(OIDC_RSA_PRIVATE_KEY=key.decode())
    assert missing_secret.returncode != 0
    assert "Set OIDC_SUBJECT_SECRET" in missing_secret.stderr
    not_a_key = check(
        OIDC_RSA_PRIVATE_KEY="-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
        OIDC_SUBJECT_SECRET="s" * 40,
    )
    assert not_a_key.returncode != 0
    assert "at least" in not_a_key.stderr or "2048" in not_a_key.stderr
    ok = check(OIDC_RSA_PRIVATE_KEY=key.decode(), OIDC_SUBJECT_SECRET="s" * 40)
    assert ok.returncode == 0, ok.stdout + ok.stderr


# --- The full flow, against the running provider, with Authlib ---------------------------------


def log_in_and_consent(session: requests.Session, base: str, url: str, *, email: str, share: bool):
    """What a person does in the browser: land on the authorization URL, log in on allauth's
    login page, answer the consent page. Returns the URL the client gets back."""
    response = session.get(url, allow_redirects=False)
    assert response.status_code == 302
    login_url = urljoin(base, response.headers["Location"])
    assert urlsplit(login_url).path == "/fr/accounts/login/"

    page = session.get(login_url)
    form = form_with(page.text, "login")
    assert {"login", "password"} <= set(form["names"])
    data = {**form["fields"], "login": email, "password": PASSWORD}
    response = session.post(login_url, data=data, allow_redirects=False)
    assert response.status_code == 302, response.text
    consent_url = urljoin(base, response.headers["Location"])
    assert urlsplit(consent_url).path == "/oidc/authorize/"

    page = session.get(consent_url)
    assert page.status_code == 200
    form = form_with(page.text, "client_id")
    data = {**form["fields"], "allow": "1"}
    if share:
        data["share_residency"] = "on"
    response = session.post(consent_url, data=data, allow_redirects=False)
    assert response.status_code == 302, response.text
    return response.headers["Location"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("share", [True, False], ids=["residency-shared", "residency-declined"])
def test_full_authorization_code_flow_with_pkce_against_the_running_provider(
    live_server, http_sessions, share
):
    municipality = MunicipalityFactory(slug="brossard", name="Brossard")
    person = make_resident(municipality, display_name="Camille", preferred_language="fr")
    application, secret = make_client(confidential=True)
    base = live_server.url
    config = requests.get(f"{base}/.well-known/openid-configuration", timeout=10).json()
    assert config["issuer"] == base

    oauth = http_sessions(
        OAuth2Session(
            client_id=application.client_id,
            client_secret=secret,
            scope=ALL_SCOPES,
            redirect_uri=REDIRECT_URI,
            code_challenge_method="S256",
            token_endpoint_auth_method="client_secret_basic",
        )
    )
    verifier = generate_token(64)
    nonce = generate_token(16)
    url, state = oauth.create_authorization_url(
        config["authorization_endpoint"], code_verifier=verifier, nonce=nonce
    )
    assert "code_challenge=" in url and "code_challenge_method=S256" in url

    browser = http_sessions(requests.Session())
    callback = log_in_and_consent(browser, base, url, email=person.email, share=share)

    assert callback.startswith(REDIRECT_URI + "?")
    answer = query_of(callback)
    assert answer["state"] == state
    assert answer["iss"] == config["issuer"]  # RFC 9207
    token = oauth.fetch_token(
        config["token_endpoint"], authorization_response=callback, code_verifier=verifier
    )
    granted = set(token["scope"].split())
    assert granted == (
        {"openid", "profile", "email", "residency"} if share else {"openid", "profile", "email"}
    )

    jwks = requests.get(config["jwks_uri"], timeout=10).json()
    header = json.loads(base64.urlsafe_b64decode(token["id_token"].split(".")[0] + "=="))
    assert header["alg"] == "RS256"
    assert header["kid"] in {key["kid"] for key in jwks["keys"]}
    claims = verified_id_token(
        token["id_token"], jwks=jwks, issuer=config["issuer"], audience=application.client_id
    )
    assert claims["nonce"] == nonce
    assert claims["sub"] == subject_for(user=person, client_id=application.client_id)
    assert claims["email"] == person.email
    assert claims["email_verified"] is True
    assert claims["name"] == "Camille"
    assert claims["locale"] == "fr"

    userinfo = oauth.get(config["userinfo_endpoint"], timeout=10)
    assert userinfo.status_code == 200
    info = userinfo.json()
    assert info["sub"] == claims["sub"]
    assert info["email"] == person.email
    if share:
        assert claims["milieu_municipality"] == "brossard"
        assert claims["milieu_verified_resident"] is True
        assert info["milieu_municipality"] == "brossard"
        assert info["milieu_verified_resident"] is True
    else:
        assert RESIDENCY_CLAIMS.isdisjoint(claims)
        assert RESIDENCY_CLAIMS.isdisjoint(info)

    # A forged token (signed by another key) does not verify against the provider's JWKS.
    forger = jwk.JWK.generate(kty="RSA", size=2048, kid=header["kid"])
    forged = jwt.JWT(header={"alg": "RS256", "kid": header["kid"]}, claims=claims)
    forged.make_signed_token(forger)
    with pytest.raises(JWException):
        verified_id_token(
            forged.serialize(), jwks=jwks, issuer=config["issuer"], audience=application.client_id
        )


@pytest.mark.django_db(transaction=True)
def test_public_client_without_the_residency_scope_gets_no_residency_claims(
    live_server, http_sessions
):
    municipality = MunicipalityFactory(slug="brossard", name="Brossard")
    person = make_resident(municipality)
    application, secret = make_client(confidential=False, name="Appli mobile")
    assert secret is None
    base = live_server.url
    config = requests.get(f"{base}/.well-known/openid-configuration", timeout=10).json()
    oauth = http_sessions(
        OAuth2Session(
            client_id=application.client_id,
            scope="openid profile email",
            redirect_uri=REDIRECT_URI,
            code_challenge_method="S256",
            token_endpoint_auth_method="none",
        )
    )
    verifier = generate_token(64)
    url, _state = oauth.create_authorization_url(
        config["authorization_endpoint"], code_verifier=verifier
    )

    browser = http_sessions(requests.Session())
    callback = log_in_and_consent(browser, base, url, email=person.email, share=True)
    token = oauth.fetch_token(
        config["token_endpoint"], authorization_response=callback, code_verifier=verifier
    )

    jwks = requests.get(config["jwks_uri"], timeout=10).json()
    claims = verified_id_token(
        token["id_token"], jwks=jwks, issuer=base, audience=application.client_id
    )
    info = oauth.get(config["userinfo_endpoint"], timeout=10).json()
    assert RESIDENCY_CLAIMS.isdisjoint(claims)
    assert RESIDENCY_CLAIMS.isdisjoint(info)
    assert info["email"] == person.email


# --- Refusals: PKCE, redirect URIs, response types, clients -------------------------------------


def test_anonymous_people_are_sent_to_allauths_login_page(client, brossard):
    application, _secret = make_client()
    response = client.get(authorize_url(authorize_params(application)))

    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("/fr/accounts/login/?next=")
    assert query_of(location)["next"].startswith("/oidc/authorize/?")


def test_pkce_is_required(client, brossard):
    client.force_login(make_resident(brossard))
    application, _secret = make_client()
    params = authorize_params(application, code_challenge=None, code_challenge_method=None)

    response = client.get(authorize_url(params))

    assert response.status_code == 302
    assert response["Location"].startswith(REDIRECT_URI + "?")
    answer = query_of(response["Location"])
    assert answer["error"] == "invalid_request"
    assert answer["error_description"] == "Code challenge required."
    assert Grant.objects.count() == 0


@pytest.mark.parametrize("method", ["plain", None], ids=["plain", "no-method-means-plain"])
def test_plain_pkce_is_refused_before_the_consent_page(client, brossard, method):
    client.force_login(make_resident(brossard))
    application, _secret = make_client()
    params = authorize_params(application, code_challenge_method=method)
    params["code_challenge"] = params["_verifier"]

    response = client.get(authorize_url(params))

    assert response.status_code == 302
    answer = query_of(response["Location"])
    assert answer["error"] == "invalid_request"
    assert "S256" in answer["error_description"]
    assert Grant.objects.count() == 0


def test_the_code_is_useless_without_its_verifier(client, brossard):
    client.force_login(make_resident(brossard))
    application, secret = make_client()
    params = authorize_params(application)
    code = query_of(approve(client, params)["Location"])["code"]

    missing = exchange(client, application, secret, code, None)
    wrong = exchange(client, application, secret, code, pkce_pair()[0])

    assert missing.status_code == 400
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "invalid_grant"
    assert AccessToken.objects.count() == 0


def test_a_wrong_redirect_uri_is_refused_without_redirecting(client, brossard):
    person = make_resident(brossard)
    person.preferred_language = "en"  # the refusal page speaks the person's language
    person.save(update_fields=["preferred_language"])
    client.force_login(person)
    application, _secret = make_client()
    params = authorize_params(application, redirect_uri="https://evil.example.org/callback")

    response = client.get(authorize_url(params))

    assert response.status_code == 400
    assert "Location" not in response
    html = response.content.decode()
    assert "This sign-in request cannot be accepted" in html
    assert 'href="https://evil.example.org' not in html
    assert 'action="https://evil.example.org' not in html
    assert Grant.objects.count() == 0


def test_an_unknown_client_is_refused(client, brossard):
    client.force_login(make_resident(brossard))
    params = authorize_params(Application(client_id="nobody"))

    response = client.get(authorize_url(params))

    assert response.status_code == 400
    assert "Location" not in response


@pytest.mark.parametrize("response_type", ["token", "id_token", "code id_token", "code token"])
def test_implicit_and_hybrid_response_types_are_refused(client, brossard, response_type):
    client.force_login(make_resident(brossard))
    application, _secret = make_client()

    response = client.get(authorize_url(authorize_params(application, response_type=response_type)))

    assert response.status_code in {302, 400}
    if response.status_code == 302:
        assert "code=" not in response["Location"]
        assert "access_token" not in response["Location"]
        assert "error=" in response["Location"]
    assert Grant.objects.count() == 0


def test_a_client_that_would_not_sign_its_id_tokens_with_rs256_is_refused(client, brossard):
    client.force_login(make_resident(brossard))
    application, _secret = make_client(algorithm=Application.HS256_ALGORITHM)

    response = client.get(authorize_url(authorize_params(application)))

    assert response.status_code == 302
    assert query_of(response["Location"])["error"] == "unauthorized_client"


def test_other_grant_types_are_refused_at_the_token_endpoint(client, brossard):
    application, secret = make_client(authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS)
    basic = base64.b64encode(f"{application.client_id}:{secret}".encode()).decode()

    response = client.post(
        "/oidc/token/",
        {"grant_type": "client_credentials", "scope": "openid"},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )

    assert response.status_code in {400, 401}
    assert AccessToken.objects.count() == 0


# --- Consent and claims -------------------------------------------------------------------------


def test_consent_page_says_in_plain_language_what_the_client_will_receive(client, brossard):
    person = make_resident(brossard, display_name="Camille", preferred_language="en")
    client.force_login(person)
    application, _secret = make_client(name="Bibliothèque municipale")

    page = client.get(authorize_url(authorize_params(application)))

    html = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="en">' in html
    assert "Bibliothèque municipale wants to use your Milieu account" in html
    assert person.email in html
    assert "Camille" in html
    assert "Brossard · verified resident" in html
    assert 'name="share_residency"' in html
    assert "checked" not in html.split('name="share_residency"')[1].split(">")[0]
    assert "127.0.0.1:8765" in html  # where the person will be sent back


@pytest.mark.parametrize("language", ["fr", "en", "es"])
def test_consent_page_speaks_the_language_the_client_asks_for(client, brossard, language):
    client.force_login(make_resident(brossard, preferred_language="fr"))
    application, _secret = make_client()

    page = client.get(authorize_url(authorize_params(application, ui_locales=f"{language}-CA")))

    assert page.status_code == 200
    assert f'<html lang="{language}">' in page.content.decode()


def test_consent_page_without_residency_has_no_residency_choice(client, brossard):
    client.force_login(make_resident(brossard))
    application, _secret = make_client()

    page = client.get(authorize_url(authorize_params(application, scope="openid email")))

    html = page.content.decode()
    assert "share_residency" not in html
    assert "verified resident" not in html


def test_cancel_sends_access_denied_and_issues_nothing(client, brossard):
    client.force_login(make_resident(brossard))
    application, _secret = make_client()
    params = authorize_params(application)

    response = approve(client, params, allow=False)

    assert response.status_code == 302
    assert query_of(response["Location"])["error"] == "access_denied"
    assert Grant.objects.count() == 0


def token_claims(client, application, secret, params, **consent) -> tuple[dict, dict]:
    response = approve(client, params, **consent)
    code = query_of(response["Location"])["code"]
    token = exchange(client, application, secret, code, params["_verifier"]).json()
    id_token = jwt.JWT(
        jwt=token["id_token"],
        key=jwk.JWKSet.from_json(client.get("/oidc/jwks.json").content),
        algs=["RS256"],
    )
    userinfo = client.get(
        "/oidc/userinfo/", HTTP_AUTHORIZATION=f"Bearer {token['access_token']}"
    ).json()
    return json.loads(id_token.claims), userinfo


def test_a_citizen_without_a_valid_citizen_id_is_not_a_verified_resident(client, brossard):
    person = make_resident(brossard, verified=False)
    client.force_login(person)
    application, secret = make_client()

    claims, userinfo = token_claims(
        client, application, secret, authorize_params(application), share_residency=True
    )

    assert claims["milieu_municipality"] == "brossard"
    assert claims["milieu_verified_resident"] is False
    assert userinfo["milieu_verified_resident"] is False


def test_an_expired_or_revoked_citizen_id_does_not_count(client, brossard):
    person = make_resident(brossard)
    CitizenId.objects.filter(user=person).update(expires_at=timezone.now() - timedelta(days=1))
    client.force_login(person)
    application, secret = make_client()

    claims, _userinfo = token_claims(
        client, application, secret, authorize_params(application), share_residency=True
    )
    assert claims["milieu_verified_resident"] is False

    CitizenId.objects.filter(user=person).update(
        expires_at=timezone.now() + timedelta(days=30), revoked_at=timezone.now()
    )
    claims, _userinfo = token_claims(
        client, application, secret, authorize_params(application), share_residency=True
    )
    assert claims["milieu_verified_resident"] is False


def test_a_citizen_id_elsewhere_does_not_make_a_resident_of_the_home_municipality(client, brossard):
    elsewhere = MunicipalityFactory(slug="laprairie", name="La Prairie")
    person = make_resident(elsewhere)  # verified in La Prairie...
    Membership.objects.filter(user=person).update(is_home=False)
    Membership.objects.create(user=person, municipality=brossard, is_home=True)  # ...lives here
    client.force_login(person)
    application, secret = make_client()

    claims, _userinfo = token_claims(
        client, application, secret, authorize_params(application), share_residency=True
    )

    assert claims["milieu_municipality"] == "brossard"
    assert claims["milieu_verified_resident"] is False


def test_no_home_municipality_gives_a_null_municipality(client, db):
    person = UserFactory()
    client.force_login(person)
    application, secret = make_client()

    claims, _userinfo = token_claims(
        client, application, secret, authorize_params(application), share_residency=True
    )

    assert claims["milieu_municipality"] is None
    assert claims["milieu_verified_resident"] is False


def test_profile_and_email_claims_follow_their_scopes(client, brossard):
    person = make_resident(brossard, display_name="")
    client.force_login(person)
    application, secret = make_client()

    only_openid, _ = token_claims(
        client, application, secret, authorize_params(application, scope="openid")
    )
    profile, _ = token_claims(
        client, application, secret, authorize_params(application, scope="openid profile")
    )

    assert set(only_openid) & {"email", "name", "locale", *RESIDENCY_CLAIMS} == set()
    assert profile["locale"] == person.preferred_language
    assert "name" not in profile  # no display name: left out, never the email's local part
    assert "email" not in profile


def test_subject_is_pairwise_opaque_and_stable(client, brossard):
    person = make_resident(brossard)
    client.force_login(person)
    library, library_secret = make_client(name="Bibliothèque")
    arena, arena_secret = make_client(name="Aréna")

    first, _ = token_claims(client, library, library_secret, authorize_params(library))
    again, _ = token_claims(client, library, library_secret, authorize_params(library))
    other, _ = token_claims(client, arena, arena_secret, authorize_params(arena))

    assert first["sub"] == again["sub"]
    assert first["sub"] != other["sub"]
    assert first["sub"] != str(person.pk)
    assert len(first["sub"]) == 43


def test_a_client_marked_skip_authorization_still_needs_consent_for_residency(client, brossard):
    client.force_login(make_resident(brossard))
    application, _secret = make_client(skip_authorization=True)

    without = client.get(authorize_url(authorize_params(application, scope="openid email")))
    with_residency = client.get(authorize_url(authorize_params(application)))

    assert without.status_code == 302 and "code=" in without["Location"]
    assert with_residency.status_code == 200
    assert 'name="share_residency"' in with_residency.content.decode()


def test_automatic_approval_reuses_a_residency_consent_only_if_it_was_given(client, brossard):
    client.force_login(make_resident(brossard))
    application, secret = make_client()
    declined, _ = token_claims(
        client, application, secret, authorize_params(application), share_residency=False
    )
    assert RESIDENCY_CLAIMS.isdisjoint(declined)

    again = client.get(authorize_url(authorize_params(application, approval_prompt="auto")))
    assert again.status_code == 200  # asked again, not granted silently

    token_claims(client, application, secret, authorize_params(application), share_residency=True)
    params = authorize_params(application, approval_prompt="auto")
    silent = client.get(authorize_url(params))
    assert silent.status_code == 302
    code = query_of(silent["Location"])["code"]
    token = exchange(client, application, secret, code, params["_verifier"]).json()
    assert "residency" in token["scope"].split()


def test_residency_needs_the_tick_even_with_a_tampered_scope_field(client, brossard):
    client.force_login(make_resident(brossard))
    application, secret = make_client()
    params = authorize_params(application, scope="openid")
    page = client.get(authorize_url(params))
    data = {**form_with(page.content.decode(), "client_id")["fields"], "allow": "1"}
    data["scope"] = "openid residency"  # tampered hidden field, box not ticked

    response = client.post(authorize_url(params), data)

    code = query_of(response["Location"])["code"]
    token = exchange(client, application, secret, code, params["_verifier"]).json()
    assert "residency" not in token["scope"].split()


# --- Client registration ------------------------------------------------------------------------


def test_oidc_client_create_prints_the_secret_once_and_stores_it_hashed(db):
    out = StringIO()
    call_command(
        "oidc_client_create",
        "--name=Portail des loisirs",
        "--redirect-uri=https://loisirs.example.org/callback",
        "--redirect-uri=https://loisirs.example.org/other",
        "--confidential",
        stdout=out,
    )

    lines = dict(line.split(": ", 1) for line in out.getvalue().splitlines() if ": " in line)
    application = Application.objects.get(client_id=lines["client_id"])
    assert application.name == "Portail des loisirs"
    assert application.client_type == Application.CLIENT_CONFIDENTIAL
    assert application.authorization_grant_type == Application.GRANT_AUTHORIZATION_CODE
    assert application.algorithm == Application.RS256_ALGORITHM
    assert application.skip_authorization is False
    assert application.redirect_uris.split() == [
        "https://loisirs.example.org/callback",
        "https://loisirs.example.org/other",
    ]
    assert application.client_secret != lines["client_secret"]
    assert check_password(lines["client_secret"], application.client_secret)


def test_oidc_client_create_public_client_prints_no_secret(db):
    out = StringIO()
    call_command(
        "oidc_client_create",
        "--name=Appli",
        "--redirect-uri=https://app.example.org/cb",
        stdout=out,
    )

    assert "client_secret" not in out.getvalue()
    assert Application.objects.get().client_type == Application.CLIENT_PUBLIC


def test_oidc_client_create_refuses_a_bad_redirect_uri_and_creates_nothing(db):
    with pytest.raises(CommandError, match="redirect"):
        call_command(
            "oidc_client_create", "--name=Appli", "--redirect-uri=ftp://app.example.org/cb"
        )
    with pytest.raises(CommandError):
        call_command("oidc_client_create", "--name=  ", "--redirect-uri=https://a.example.org/")
    assert Application.objects.count() == 0


def test_provider_settings_keep_the_rfc9700_flags_and_short_lifetimes():
    provider = settings.OAUTH2_PROVIDER
    for flag in (
        "PKCE_METHOD",
        "PKCE_REQUIRED",
        "IMPLICIT_GRANT",
        "PASSWORD_GRANT",
        "TOKEN_STORAGE",
    ):
        assert provider[f"COMPLIANT_BCP_RFC9700_{flag}"] is True
    assert provider["PKCE_REQUIRED"] is True
    assert provider["OIDC_ENABLED"] is True
    assert provider["ACCESS_TOKEN_EXPIRE_SECONDS"] <= 3600
    assert provider["REFRESH_TOKEN_EXPIRE_SECONDS"] is not None


# --- External providers: a municipality's citizen portal ----------------------------------------


def portal_app(slug: str, server_url: str = "https://portal.example.org", **extra) -> SocialApp:
    return SocialApp.objects.create(
        provider="openid_connect",
        provider_id=f"portal-{slug}",
        name=f"Portail {slug.title()}",
        client_id="milieu",
        secret="portal-secret",
        settings={"server_url": server_url, "municipality": slug, **extra},
    )


def test_a_portal_button_shows_only_for_its_municipalitys_visitors(client, brossard):
    MunicipalityFactory(slug="laprairie")
    portal_app("brossard")
    button = "Sign in with Portail Brossard"
    href = "/en/accounts/oidc/portal-brossard/login/"

    from_brossard = client.get("/en/accounts/login/?municipality=brossard").content.decode()
    from_a_brossard_page = client.get(
        "/en/accounts/login/?" + urlencode({"next": "/en/brossard/districts/"})
    ).content.decode()
    from_nowhere = client.get("/en/accounts/login/").content.decode()
    from_elsewhere = client.get("/en/accounts/login/?municipality=laprairie").content.decode()

    assert button in from_brossard and href in from_brossard
    assert button in from_a_brossard_page
    assert "next=%2Fen%2Fbrossard%2Fdistricts%2F" in from_a_brossard_page
    assert button not in from_nowhere and href not in from_nowhere
    assert button not in from_elsewhere
    # allauth's own form is untouched.
    form = form_with(from_brossard, "login")
    assert {"login", "password"} <= set(form["names"])


def test_the_connections_page_offers_to_link_the_portals_of_my_municipalities(client, brossard):
    portal_app("brossard")
    portal_app("laprairie")
    client.force_login(citizen_of(brossard))

    html = client.get("/en/accounts/3rdparty/").content.decode()

    assert "Link my Portail Brossard account" in html
    assert "process=connect" in html
    assert "Portail Laprairie" not in html


class FakePortal:
    """A municipality's citizen portal: a minimal OpenID Connect provider on the loopback."""

    def __init__(self):
        self.key = jwk.JWK.generate(kty="RSA", size=2048, kid="portal-key")
        self.identity: dict = {}
        self.token_requests: list[dict] = []
        self.codes: dict[str, str] = {}  # code → nonce
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def reply(self, data, status=200):
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                if self.path == "/.well-known/openid-configuration":
                    self.reply(
                        {
                            "issuer": portal.url,
                            "authorization_endpoint": f"{portal.url}/authorize",
                            "token_endpoint": f"{portal.url}/token",
                            "userinfo_endpoint": f"{portal.url}/userinfo",
                            "jwks_uri": f"{portal.url}/jwks",
                            "token_endpoint_auth_methods_supported": ["client_secret_post"],
                        }
                    )
                elif self.path == "/jwks":
                    self.reply({"keys": [json.loads(portal.key.export_public())]})
                elif self.path == "/userinfo":
                    if self.headers.get("Authorization") != "Bearer portal-access-token":
                        self.reply({"error": "invalid_token"}, 401)
                    else:
                        self.reply(portal.identity)
                else:
                    self.reply({"error": "not_found"}, 404)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                portal.token_requests.append(form)
                if self.path != "/token" or form.get("code") not in portal.codes:
                    self.reply({"error": "invalid_grant"}, 400)
                    return
                now = int(time.time())
                claims = {
                    "iss": portal.url,
                    "aud": form["client_id"],
                    "iat": now,
                    "exp": now + 300,
                    "nonce": portal.codes[form["code"]],
                    **portal.identity,
                }
                id_token = jwt.JWT(header={"alg": "RS256", "kid": "portal-key"}, claims=claims)
                id_token.make_signed_token(portal.key)
                self.reply(
                    {
                        "access_token": "portal-access-token",
                        "token_type": "Bearer",
                        "expires_in": 300,
                        "id_token": id_token.serialize(),
                    }
                )

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def log_in(self, client, provider_id: str, *, process: str = "login"):
        """Click the portal's button on Milieu, "log in" at the portal, come back to Milieu."""
        start = f"/fr/accounts/oidc/{provider_id}/login/?process={process}"
        assert client.get(start).status_code == 200  # allauth asks before leaving (no login on GET)
        leave = client.post(start)
        assert leave.status_code == 302
        assert leave["Location"].startswith(f"{self.url}/authorize?")
        request = query_of(leave["Location"])
        assert request["code_challenge_method"] == "S256"  # Milieu uses PKCE with portals too
        code = secrets.token_urlsafe(8)
        self.codes[code] = request.get("nonce", "")
        callback = urlsplit(request["redirect_uri"]).path
        return client.get(callback, {"code": code, "state": request["state"]})


try:
    import jwt as _pyjwt  # noqa: F401  (allauth's openid_connect provider verifies ID tokens with it)

    HAS_PYJWT = True
except ImportError:
    HAS_PYJWT = False


@pytest.fixture
def fake_portal():
    if not HAS_PYJWT:
        pytest.skip(
            "PyJWT is not installed: allauth's openid_connect provider needs it. Depend on "
            "django-allauth[mfa,socialaccount] in pyproject.toml and relock."
        )
    portal = FakePortal()
    portal.thread.start()
    yield portal
    portal.server.shutdown()
    portal.server.server_close()


def test_a_new_person_from_the_portal_gets_an_account_whose_email_is_still_to_confirm(
    client, brossard, fake_portal
):
    portal_app("brossard", server_url=fake_portal.url)
    fake_portal.identity = {
        "sub": "portal-person-1",
        "email": "nouvelle@example.org",
        "email_verified": True,  # the portal says so; Milieu does not take its word for it
        "name": "Nouvelle Citoyenne",
    }

    response = fake_portal.log_in(client, "portal-brossard")

    assert response.status_code == 302
    assert "confirm-email" in response["Location"]
    account = SocialAccount.objects.get(provider="portal-brossard", uid="portal-person-1")
    assert account.user.email == "nouvelle@example.org"
    assert EmailAddress.objects.get(user=account.user).verified is False
    assert "_auth_user_id" not in client.session  # not logged in before confirming
    assert fake_portal.token_requests[-1]["code_verifier"]


def test_the_portal_cannot_take_over_an_existing_account_with_the_same_email(
    client, brossard, fake_portal
):
    existing = citizen_of(brossard, email="camille@example.org")
    portal_app("brossard", server_url=fake_portal.url)
    fake_portal.identity = {
        "sub": "portal-person-2",
        "email": "camille@example.org",
        "email_verified": True,
    }

    response = fake_portal.log_in(client, "portal-brossard")

    # allauth treats it as a sign-up with a taken address: nothing is created or linked, the
    # visitor is told to check their email (no account enumeration), and the address's owner
    # is told that someone tried. Linking stays possible once logged in with the password.
    assert response.status_code == 302
    assert response["Location"] == "/fr/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    assert User.objects.count() == 1
    assert not SocialAccount.objects.exists()
    assert EmailAddress.objects.get().user == existing
    [notice] = mail.outbox
    assert notice.to == ["camille@example.org"]


def test_a_logged_in_citizen_links_the_portal_then_signs_in_with_it(client, brossard, fake_portal):
    person = citizen_of(brossard, email="gabriel@example.org")
    portal_app("brossard", server_url=fake_portal.url)
    fake_portal.identity = {"sub": "portal-person-3", "email": "autre@example.org"}
    client.force_login(person)

    linked = fake_portal.log_in(client, "portal-brossard", process="connect")

    assert linked.status_code == 302
    assert SocialAccount.objects.get(provider="portal-brossard").user == person
    client.logout()
    signed_in = fake_portal.log_in(client, "portal-brossard")
    assert signed_in.status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)
