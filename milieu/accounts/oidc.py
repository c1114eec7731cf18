"""Milieu as an OpenID Connect provider: who the client is told the person is (claims).

django-oauth-toolkit runs the protocol (endpoints in `urls_oidc`, discovery and the consent
page in `views.oidc`); this module decides what each scope releases:

- `openid`: `sub`, pairwise: HMAC-SHA256(OIDC_SUBJECT_SECRET, client id + user id);
- `profile`: `name` and `preferred_username` (the display name, left out when empty), `locale`;
- `email`: `email`, `email_verified`;
- `residency`: `milieu_municipality` (home municipality slug, or null) and
  `milieu_verified_resident` (a valid citizen id there, per the trust levels).

`residency` is released only when the person ticked it on the consent page for that client
(`views.oidc.ConsentView`); without that approval the scope is not granted at all, so neither
the ID token nor the userinfo response can carry it.
"""

import base64
import hashlib
import hmac
from collections.abc import Callable
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from oauth2_provider.models import AbstractApplication
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.settings import oauth2_settings
from oauthlib.common import Request as OauthlibRequest
from oauthlib.oauth2.rfc6749 import errors

from .models import CitizenId, TrustLevel, User

RESIDENCY_SCOPE = "residency"
GRANT_TYPES = {"authorization_code", "refresh_token"}


def subject_for(*, user: User, client_id: str) -> str:
    """The `sub` a client knows this person by: stable, opaque, different for every client.

    HMAC-SHA256 keyed with OIDC_SUBJECT_SECRET over the client id and the user's id, in
    unpadded base64url (43 characters). Two clients cannot correlate their users through it,
    and it does not reveal the database id. It changes if the secret or the client id changes.
    """
    secret = settings.OIDC_SUBJECT_SECRET
    message = f"milieu-oidc-sub\x00{client_id}\x00{user.pk}".encode()
    if secret:
        digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    else:  # development and tests only: production requires OIDC_SUBJECT_SECRET
        digest = salted_hmac("milieu.oidc.subject", message, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def issuer_for(request: HttpRequest | OauthlibRequest) -> str:
    """The issuer: OIDC_ISSUER when set, else the origin the request came to (discovery lives at
    the root, /.well-known/openid-configuration)."""
    if oauth2_settings.OIDC_ISS_ENDPOINT:
        return oauth2_settings.OIDC_ISS_ENDPOINT.rstrip("/")
    if isinstance(request, HttpRequest):
        return request.build_absolute_uri("/").rstrip("/")
    # An oauthlib request (the token endpoint): django-oauth-toolkit hands the Django request's
    # META over as headers, plus a marker when the request came over HTTPS.
    django_request = HttpRequest()
    django_request.META = dict(request.headers)
    secure = bool(request.headers.get("X_DJANGO_OAUTH_TOOLKIT_SECURE"))
    return f"{'https' if secure else 'http'}://{django_request.get_host()}"


def is_verified_resident(*, user: User, municipality) -> bool:
    """Verified resident (or screened) in `municipality`, as the trust levels say."""
    try:
        from .selectors import trust_level
    except ImportError:  # before the trust-level selector existed: an active citizen id
        return CitizenId.objects.filter(
            user=user,
            municipality=municipality,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).exists()
    level = trust_level(user=user, municipality=municipality)
    return level is not None and level >= TrustLevel.RESIDENT


def residency_claims(*, user: User) -> dict[str, Any]:
    from .selectors import home_membership

    home = home_membership(user=user)
    if home is None:
        return {"milieu_municipality": None, "milieu_verified_resident": False}
    return {
        "milieu_municipality": home.municipality.slug,
        "milieu_verified_resident": is_verified_resident(user=user, municipality=home.municipality),
    }


def email_verified(*, user: User) -> bool:
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


def claims_for(*, user: User, client_id: str) -> dict[str, Callable[[], Any]]:
    """Every claim this provider can release, each computed only if its scope was granted."""
    residency: dict[str, Any] = {}

    def residency_claim(name: str) -> Callable[[], Any]:
        def value() -> Any:
            if not residency:
                residency.update(residency_claims(user=user))
            return residency[name]

        return value

    return {
        "sub": lambda: subject_for(user=user, client_id=client_id),
        "name": lambda: user.display_name or None,
        "preferred_username": lambda: user.display_name or None,
        "locale": lambda: user.preferred_language,
        "email": lambda: user.email,
        "email_verified": lambda: email_verified(user=user),
        "milieu_municipality": residency_claim("milieu_municipality"),
        "milieu_verified_resident": residency_claim("milieu_verified_resident"),
    }


class MilieuOIDCValidator(OAuth2Validator):
    """django-oauth-toolkit's validator, narrowed to what Milieu offers."""

    oidc_claim_scope = {
        "sub": "openid",
        "name": "profile",
        "preferred_username": "profile",
        "locale": "profile",
        "email": "email",
        "email_verified": "email",
        "milieu_municipality": RESIDENCY_SCOPE,
        "milieu_verified_resident": RESIDENCY_SCOPE,
    }

    def get_claim_dict(self, request):
        claims = claims_for(user=request.user, client_id=request.client.client_id)
        return {
            name: (lambda _request, compute=compute: compute()) for name, compute in claims.items()
        }

    def get_oidc_claims(self, token, token_handler, request):
        claims = super().get_oidc_claims(token, token_handler, request)
        # A claim with no value (e.g. no display name) is left out rather than sent as null.
        optional = {"name", "preferred_username"}
        return {k: v for k, v in claims.items() if v is not None or k not in optional}

    def get_discovery_claims(self, request):
        return list(self.oidc_claim_scope)

    def get_oidc_issuer_endpoint(self, request):
        return issuer_for(request)

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        if grant_type not in GRANT_TYPES:
            return False
        return super().validate_grant_type(client_id, grant_type, client, request, *args, **kwargs)

    def validate_response_type(self, client_id, response_type, client, request, *args, **kwargs):
        """The authorization code flow only, for clients whose ID tokens are signed with RS256
        (never HS256, whose key would be the client's own secret).

        This is also the first hook oauthlib calls once the client and its redirect URI are
        known, so a PKCE method other than S256 (a missing method means "plain") is refused
        here, before the person is asked anything, rather than after their consent.
        """
        if response_type != "code" or client.algorithm != AbstractApplication.RS256_ALGORITHM:
            return False
        if request.code_challenge is not None and request.code_challenge_method != "S256":
            raise errors.UnsupportedCodeChallengeMethodError(
                description='Unsupported code_challenge_method; use "S256".', request=request
            )
        return super().validate_response_type(
            client_id, response_type, client, request, *args, **kwargs
        )
