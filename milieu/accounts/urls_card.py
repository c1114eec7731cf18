"""The citizen card pages, under /<lang>/card/ (the service worker's scope for that language)."""

from django.urls import path

from .views import card

app_name = "accounts_card"
urlpatterns = [
    path("", card.card_detail, name="detail"),
    path("verify/", card.card_verifier, name="verifier"),
    path("sw.js", card.card_service_worker, name="service_worker"),
    path("manifest.webmanifest", card.card_manifest, name="manifest"),
]
