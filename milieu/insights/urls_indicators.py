"""Pages of namespace `indicators` (`/<lang>/<municipality>/indicators/`)."""

from django.urls import path  # noqa: F401

app_name = "indicators"

urlpatterns: list = []
