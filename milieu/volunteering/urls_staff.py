"""The municipality's staff pages of the volunteering module (namespace `volunteering_staff`),
under /<lang>/<municipality_slug>/staff/volunteering/."""

from django.urls import path

from . import views_staff as views

app_name = "volunteering_staff"

urlpatterns = [
    path("organisations/", views.organisations, name="organisations"),
    path(
        "organisations/<int:organisation_id>/status/",
        views.organisation_status,
        name="organisation_status",
    ),
]
