"""The sharing module's pages, under /<lang>/<municipality_slug>/sharing/."""

from django.urls import path

from . import views

app_name = "exchange"
urlpatterns: list = [
    path("", views.listings, name="listings"),
    path("new/", views.listing_create, name="listing_create"),
    path("mine/", views.my_listings, name="my_listings"),
    path("<int:listing_id>/", views.listing, name="listing"),
    path("<int:listing_id>/edit/", views.listing_edit, name="listing_edit"),
    path("<int:listing_id>/photos/<int:photo_id>/", views.listing_photo, name="listing_photo"),
    path("<int:listing_id>/status/", views.listing_status, name="listing_status"),
    path("<int:listing_id>/request/", views.listing_request, name="listing_request"),
    path("exchanges/", views.exchanges, name="exchanges"),
    path("exchanges/<int:exchange_id>/", views.exchange, name="exchange"),
    path(
        "exchanges/<int:exchange_id>/handover/",
        views.exchange_handover,
        name="exchange_handover",
    ),
    path("exchanges/<int:exchange_id>/review/", views.exchange_review, name="exchange_review"),
    path("exchanges/<int:exchange_id>/problem/", views.exchange_problem, name="exchange_problem"),
    path("exchanges/<int:exchange_id>/<slug:step>/", views.exchange_step, name="exchange_step"),
]
