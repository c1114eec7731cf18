"""Pages of namespace `practices_staff` (`/<lang>/<municipality>/staff/practices/`)."""

from django.urls import path  # noqa: F401

app_name = "practices_staff"

urlpatterns: list = []
