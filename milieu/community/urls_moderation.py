"""The moderators' pages, under /<lang>/<municipality>/staff/moderation/."""

from django.urls import path

from .views import moderation as views

app_name = "moderation"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("reports/<int:report_id>/", views.report_detail, name="report"),
    path("actions/", views.act, name="act"),
    path("log/", views.log, name="log"),
    path("suspensions/", views.suspensions, name="suspensions"),
    path("netiquette/", views.netiquette_publish, name="netiquette"),
]
