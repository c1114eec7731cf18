"""Pages of namespace `region_indicators` (`/<lang>/regions/<region>/indicators/`)."""

from django.urls import path  # noqa: F401

app_name = "region_indicators"

urlpatterns: list = []
