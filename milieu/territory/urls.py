from django.urls import path

from milieu.accounts import views as account_views

from . import views

app_name = "territory"
urlpatterns = [
    path("regions/<slug:region_slug>/", views.region_detail, name="region_detail"),
    path("<slug:municipality_slug>/", views.municipality_home, name="municipality_home"),
    path("<slug:municipality_slug>/districts/", views.district_list, name="district_list"),
    path("<slug:municipality_slug>/staff/", views.staff_settings, name="staff_settings"),
    path(
        "<slug:municipality_slug>/staff/districts/", views.staff_districts, name="staff_districts"
    ),
    path(
        "<slug:municipality_slug>/staff/districts/<int:district_id>/",
        views.staff_district_edit,
        name="staff_district_edit",
    ),
    path(
        "<slug:municipality_slug>/staff/districts/<int:district_id>/delete/",
        views.staff_district_delete,
        name="staff_district_delete",
    ),
    path("<slug:municipality_slug>/staff/roles/", account_views.staff_roles, name="staff_roles"),
    path(
        "<slug:municipality_slug>/staff/roles/<int:assignment_id>/revoke/",
        account_views.staff_role_revoke,
        name="staff_role_revoke",
    ),
    path("<slug:municipality_slug>/join/", account_views.membership_join, name="join"),
    path("<slug:municipality_slug>/leave/", account_views.membership_leave, name="leave"),
]
