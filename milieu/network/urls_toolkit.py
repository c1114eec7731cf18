"""Pages of namespace `toolkit` (`/<lang>/toolkit/`)."""

from django.urls import path  # noqa: F401

app_name = "toolkit"

urlpatterns: list = []
