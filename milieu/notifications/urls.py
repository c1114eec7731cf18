"""The notification centre and preferences, under /<lang>/notifications/ (filled in below)."""

from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.centre, name="centre"),
    path("preferences/", views.preferences, name="preferences"),
]
