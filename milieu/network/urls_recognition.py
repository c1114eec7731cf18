"""Pages of namespace `recognition` (`/<lang>/recognition/`)."""

from django.urls import path  # noqa: F401

app_name = "recognition"

urlpatterns: list = []
