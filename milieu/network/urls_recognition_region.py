"""Pages of namespace `region_recognition` (`/<lang>/regions/<region>/recognition/`)."""

from django.urls import path  # noqa: F401

app_name = "region_recognition"

urlpatterns: list = []
