"""Documents under /.well-known/ (mounted without a namespace: names are global and prefixed).

One section per feature; OpenID Connect adds its own (openid-configuration) below.
"""

from django.urls import path

from .views import card
from .views import oidc as oidc_views

# --- Citizen card: the card keys (JWKS, separate from the OpenID Connect keys) and revocations --
citizen_card_patterns = [
    path("citizen-card/jwks.json", card.card_jwks, name="citizen_card_jwks"),
    path("citizen-card/revocations.json", card.card_revocations, name="citizen_card_revocations"),
]

urlpatterns = [*citizen_card_patterns]

# --- OpenID Connect: discovery at the root; its endpoints and ID-token JWKS are under /oidc/ ---
urlpatterns += [
    path(
        "openid-configuration",
        oidc_views.DiscoveryView.as_view(),
        name="oidc_discovery",
    ),
]
