"""Pages of namespace `practices` (`/<lang>/practices/`)."""

from django.urls import path  # noqa: F401

app_name = "practices"

urlpatterns: list = []
