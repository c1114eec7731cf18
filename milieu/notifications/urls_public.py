"""Notification URLs outside the language prefix (links in emails)."""

from django.urls import path

from . import views_unsubscribe

app_name = "notifications_public"
urlpatterns = [
    path("unsubscribe/<str:token>/", views_unsubscribe.unsubscribe, name="unsubscribe"),
]
