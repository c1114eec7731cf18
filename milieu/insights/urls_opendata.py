"""Pages of namespace `opendata` (`/<lang>/open-data/`)."""

from django.urls import path  # noqa: F401

app_name = "opendata"

urlpatterns: list = []
