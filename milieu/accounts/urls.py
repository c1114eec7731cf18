from django.urls import path

from . import views
from .views import identity

app_name = "accounts"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("identity/", identity.my_identity, name="identity"),
    path(
        "identity/ids/<int:citizen_id_pk>/confirm/",
        identity.citizen_id_confirm,
        name="citizen_id_confirm",
    ),
    path(
        "identity/ids/<int:citizen_id_pk>/surrender/",
        identity.citizen_id_surrender,
        name="citizen_id_surrender",
    ),
    path(
        "identity/services/<int:application_id>/revoke/",
        identity.authorization_revoke,
        name="authorization_revoke",
    ),
    path(
        "identity/share/<slug:municipality_slug>/",
        identity.residency_share,
        name="residency_share",
    ),
]
