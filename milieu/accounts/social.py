"""External OpenID Connect providers: a municipality's own citizen portal, for login and linking.

Each portal is one allauth `SocialApp` that platform operators enter in the Django admin
(Social accounts → Social applications): provider `openid_connect`, provider id
`portal-<slug>`, the client id and secret the portal issued, and settings
`{"server_url": "https://portal.example.org", "municipality": "<slug>"}`. The municipality is
kept in the app's own settings JSON: no table of ours stores it.

A portal's button is offered only where it makes sense: on the login and sign-up pages to
visitors who come from its municipality (`?municipality=<slug>`, or a `next` page of that
municipality), and on the account-connections page to people who belong to it.
"""

import re

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.http import HttpRequest

PORTAL_PROVIDER = "openid_connect"


def _slug_from_path(path: str) -> str | None:
    languages = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
    match = re.match(rf"^/(?:{languages})/([a-z0-9-]+)/", path or "")
    return match.group(1) if match else None


def visitor_municipalities(request: HttpRequest) -> set[str]:
    """The municipalities (slugs) a visitor is seen to come from on an account page."""
    slugs: set[str] = set()
    for params in (request.GET, request.POST):
        if asked := params.get("municipality", "").strip().lower():
            slugs.add(asked)
        if from_next := _slug_from_path(params.get("next", "")):
            slugs.add(from_next)
    municipality = getattr(request, "municipality", None)
    if municipality is not None:
        slugs.add(municipality.slug)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from .selectors import membership_list

        slugs.update(m.municipality.slug for m in membership_list(user=user))
    return slugs


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_providers(self, request):
        """Only the portals of the municipalities the visitor comes from (used to draw buttons;
        logging in through a portal looks its app up directly, so it is not affected)."""
        slugs = visitor_municipalities(request) if request is not None else set()
        return [
            provider
            for provider in super().list_providers(request)
            if provider.app is None
            or provider.app.provider != PORTAL_PROVIDER
            or provider.app.settings.get("municipality") in slugs
        ]

    def pre_social_login(self, request, sociallogin):
        """A portal's word that an email address is verified is not taken: the address counts as
        verified only if the app's settings say to trust the portal ("verified_email")."""
        provider = sociallogin.provider
        for address in sociallogin.email_addresses:
            address.verified = provider is not None and self.is_email_verified(
                provider, address.email
            )
        super().pre_social_login(request, sociallogin)
