"""The staff pages of municipal alerts, under /<lang>/<municipality>/staff/alerts/."""

from django.urls import path

from . import views_staff as views

app_name = "notifications_staff"
urlpatterns = [
    path("", views.alert_list, name="list"),
    path("new/", views.alert_create, name="create"),
    path("audience/", views.audience, name="audience"),
    path("<int:alert_id>/", views.alert_detail, name="detail"),
    path("<int:alert_id>/edit/", views.alert_edit, name="edit"),
    path("<int:alert_id>/send/", views.alert_send, name="send"),
    path("<int:alert_id>/schedule/", views.alert_schedule, name="schedule"),
    path("<int:alert_id>/cancel/", views.alert_cancel, name="cancel"),
]
