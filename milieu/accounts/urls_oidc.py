"""Milieu as an OpenID Connect provider, under /oidc/ (django-oauth-toolkit's views, in its own
`oauth2_provider` namespace). Discovery is at the root: /.well-known/openid-configuration
(`urls_wellknown`). The JWKS here holds the ID-token keys only (the citizen card has its own).

Deliberately absent: DOT's application-management pages (clients are registered by platform
operators in the admin), introspection, the device flow and dynamic client registration.
"""

from django.urls import path
from oauth2_provider import views as oauth2_views

from .views.oidc import ConsentView

app_name = "oauth2_provider"
urlpatterns = [
    path("authorize/", ConsentView.as_view(), name="authorize"),
    path("token/", oauth2_views.TokenView.as_view(), name="token"),
    path("revoke/", oauth2_views.RevokeTokenView.as_view(), name="revoke-token"),
    path("userinfo/", oauth2_views.UserInfoView.as_view(), name="user-info"),
    path("jwks.json", oauth2_views.JwksInfoView.as_view(), name="jwks-info"),
]
