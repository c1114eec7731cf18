"""The back office of newcomer pairing, under /<lang>/<municipality_slug>/staff/newcomers/."""

from django.urls import path

from .views import newcomers_staff as views

app_name = "newcomers_staff"
urlpatterns: list = [
    path("", views.queue, name="queue"),
    path("newcomers/<int:profile_id>/", views.newcomer, name="newcomer"),
    path("pairings/", views.pairings, name="pairings"),
    path("pairings/<int:pairing_id>/", views.pairing, name="pairing"),
    path(
        "pairings/<int:pairing_id>/<slug:action>/",
        views.pairing_action,
        name="pairing_action",
    ),
    path("resources/", views.resources, name="resources"),
    path("resources/<int:resource_id>/", views.resource_edit, name="resource_edit"),
    path(
        "resources/<int:resource_id>/publish/",
        views.resource_publish,
        name="resource_publish",
    ),
    path("resources/<int:resource_id>/delete/", views.resource_delete, name="resource_delete"),
]
