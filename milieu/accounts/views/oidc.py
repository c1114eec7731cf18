"""Milieu as an OpenID Connect provider: the discovery document and the consent page.

The other endpoints are django-oauth-toolkit's own views (see `accounts.urls_oidc`).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from oauth2_provider.models import AbstractGrant, get_access_token_model
from oauth2_provider.scopes import get_scopes_backend
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.views import AuthorizationView, ConnectDiscoveryInfoView
from oauth2_provider.views.metadata import (
    bcp_filter_code_challenge_methods,
    bcp_filter_response_types,
)

from milieu.accounts.forms_oidc import ConsentForm
from milieu.accounts.models import User
from milieu.accounts.oidc import (
    GRANT_TYPES,
    RESIDENCY_SCOPE,
    email_verified,
    issuer_for,
    residency_claims,
)
from milieu.territory.models import Municipality


@method_decorator(login_not_required, name="dispatch")
class DiscoveryView(ConnectDiscoveryInfoView):
    """/.well-known/openid-configuration: the issuer is the site's origin, the endpoints are
    under /oidc/ and describe only what the provider accepts."""

    def get(self, request, *args, **kwargs):
        validator = oauth2_settings.OAUTH2_VALIDATOR_CLASS()
        data = {
            "issuer": issuer_for(request),
            "authorization_endpoint": self._get_endpoint_url(request, "authorize", required=True),
            "token_endpoint": self._get_endpoint_url(request, "token", required=True),
            "userinfo_endpoint": self._get_endpoint_url(request, "user-info", required=True),
            "jwks_uri": self._get_endpoint_url(request, "jwks-info", required=True),
            "revocation_endpoint": self._get_endpoint_url(request, "revoke-token"),
            "scopes_supported": list(get_scopes_backend().get_available_scopes()),
            "response_types_supported": bcp_filter_response_types(
                oauth2_settings.OIDC_RESPONSE_TYPES_SUPPORTED
            ),
            "response_modes_supported": ["query"],
            "grant_types_supported": sorted(GRANT_TYPES),
            "subject_types_supported": oauth2_settings.OIDC_SUBJECT_TYPES_SUPPORTED,
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": (
                oauth2_settings.OIDC_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED
            ),
            "code_challenge_methods_supported": bcp_filter_code_challenge_methods(
                [method for method, _label in AbstractGrant.CODE_CHALLENGE_METHODS]
            ),
            "claims_supported": validator.get_discovery_claims(request),
            "prompt_values_supported": ["login"],
            "ui_locales_supported": [code for code, _name in settings.LANGUAGES],
            "claims_parameter_supported": False,
            "request_parameter_supported": False,
            "request_uri_parameter_supported": False,
            "authorization_response_iss_parameter_supported": bool(
                oauth2_settings.COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS
            ),
        }
        response = JsonResponse({key: value for key, value in data.items() if value is not None})
        response["Access-Control-Allow-Origin"] = "*"
        response["Cache-Control"] = "public, max-age=3600"
        return response


class ResidencyConsentNeeded(Exception):
    """A request for `residency` that the person has not approved for this client yet."""


def residency_approved_before(*, user: User, client_id: str) -> bool:
    """An unexpired access token of this client that the person let carry `residency`."""
    tokens = get_access_token_model().objects.filter(
        user=user, application__client_id=client_id, expires__gt=timezone.now()
    )
    return any(token.allow_scopes([RESIDENCY_SCOPE]) for token in tokens)


def consent_language(request: HttpRequest) -> str | None:
    """The consent page speaks the client's `ui_locales` if we have one, else the person's own."""
    available = {code for code, _name in settings.LANGUAGES}
    for tag in request.GET.get("ui_locales", "").split():
        code = tag.split("-")[0].lower()
        if code in available:
            return code
    user = request.user
    if user.is_authenticated and getattr(user, "preferred_language", "") in available:
        return user.preferred_language
    return None


def consent_items(*, user: User, scopes: list[str]) -> list[dict]:
    """What the client will receive, scope by scope, with this person's actual values."""
    descriptions = get_scopes_backend().get_all_scopes()
    items = []
    for scope in descriptions:
        if scope not in scopes:
            continue
        detail = ""
        if scope == "profile":
            language = translation.get_language_info(user.preferred_language)["name_translated"]
            name = user.display_name or _("no display name")
            detail = f"{name} · {language}"
        elif scope == "email":
            detail = user.email
            if not email_verified(user=user):
                detail = _("%(email)s (not confirmed)") % {"email": user.email}
        elif scope == RESIDENCY_SCOPE:
            claims = residency_claims(user=user)
            municipality = Municipality.objects.filter(slug=claims["milieu_municipality"]).first()
            if municipality is None:
                detail = _("You have not chosen a home municipality.")
            elif claims["milieu_verified_resident"]:
                detail = _("%(municipality)s · verified resident") % {"municipality": municipality}
            else:
                detail = _("%(municipality)s · not verified") % {"municipality": municipality}
        items.append({"scope": scope, "description": descriptions[scope], "detail": detail})
    return items


class ConsentView(AuthorizationView):
    """The authorization endpoint. Its page (oauth2_provider/authorize.html) says in plain
    language what the client will receive; residency is shared only if the person ticks it.

    Residency is never granted without that tick: not by a client marked "skip authorization"
    in the admin, and not by `approval_prompt=auto` unless the person approved it for the same
    client before (an unexpired access token carrying it).
    """

    form_class = ConsentForm
    residency_approved = False

    def dispatch(self, request, *args, **kwargs):
        language = consent_language(request)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except ResidencyConsentNeeded:
            return self.render_to_response(self.get_context_data(**self.oauth2_data))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scopes = kwargs.get("scopes")
        if scopes and self.request.user.is_authenticated:
            context["consent_items"] = consent_items(user=self.request.user, scopes=scopes)
            context["asks_residency"] = RESIDENCY_SCOPE in scopes
            context["redirect_host"] = urlsplit(kwargs.get("redirect_uri") or "").netloc
        return context

    def form_valid(self, form):
        self.residency_approved = form.cleaned_data.get("share_residency", False)
        return super().form_valid(form)

    def create_authorization_response(self, request, scopes, credentials, allow):
        granted = scopes.split()
        if allow and RESIDENCY_SCOPE in granted:
            if request.method == "POST":
                if not self.residency_approved:
                    granted.remove(RESIDENCY_SCOPE)
            elif not residency_approved_before(
                user=request.user, client_id=credentials["client_id"]
            ):
                raise ResidencyConsentNeeded
        return super().create_authorization_response(
            request=request, scopes=" ".join(granted), credentials=credentials, allow=allow
        )
