"""The municipality's newcomer pages, under /<lang>/<municipality_slug>/newcomers/."""

from django.urls import path

from .views import newcomers as views

app_name = "newcomers"
urlpatterns: list = [
    path("", views.home, name="home"),
    path("me/", views.newcomer_profile, name="newcomer_profile"),
    path("buddy/", views.buddy_profile, name="buddy_profile"),
    path("pairings/", views.my_pairings, name="pairings"),
    path("pairings/<int:pairing_id>/", views.pairing, name="pairing"),
    path(
        "pairings/<int:pairing_id>/<slug:action>/",
        views.pairing_action,
        name="pairing_action",
    ),
]
