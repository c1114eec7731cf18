"""Organisations, opportunities, profiles, applications and hours (included by `urls.py`,
namespace `volunteering`)."""

from django.urls import path

from . import views
from . import views_organisations as organisations

urlpatterns: list = [
    path("", views.opportunities, name="opportunities"),
    path("opportunities/<int:opportunity_id>/", views.opportunity, name="opportunity"),
    path(
        "opportunities/<int:opportunity_id>/edit/",
        organisations.opportunity_edit,
        name="opportunity_edit",
    ),
    path(
        "opportunities/<int:opportunity_id>/status/",
        organisations.opportunity_status,
        name="opportunity_status",
    ),
    path(
        "opportunities/<int:opportunity_id>/volunteers/",
        organisations.opportunity_volunteers,
        name="opportunity_volunteers",
    ),
    path("suggestions/", views.suggestions, name="suggestions"),
    path("profile/", views.profile, name="profile"),
    path("profile/delete/", views.profile_delete, name="profile_delete"),
    path("applications/", views.my_applications, name="my_applications"),
    path("applications/<int:application_id>/", views.application, name="application"),
    path("applications/<int:application_id>/hours/", views.hours_log, name="hours_log"),
    path(
        "applications/<int:application_id>/<slug:step>/",
        views.application_step,
        name="application_step",
    ),
    path("hours/<int:hours_id>/confirm/", views.hours_confirm, name="hours_confirm"),
    path("hours/<int:hours_id>/reject/", views.hours_reject, name="hours_reject"),
    path("organisations/", organisations.organisations, name="organisations"),
    path("organisations/new/", organisations.organisation_register, name="organisation_register"),
    path(
        "organisations/<int:organisation_id>/",
        organisations.organisation,
        name="organisation",
    ),
    path(
        "organisations/<int:organisation_id>/edit/",
        organisations.organisation_edit,
        name="organisation_edit",
    ),
    path(
        "organisations/<int:organisation_id>/team/",
        organisations.organisation_team,
        name="organisation_team",
    ),
    path(
        "organisations/<int:organisation_id>/opportunities/new/",
        organisations.opportunity_create,
        name="opportunity_create",
    ),
]
