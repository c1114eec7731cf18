"""Pages of namespace `diagnostic` (`/<lang>/<municipality>/staff/diagnostic/`)."""

from django.urls import path  # noqa: F401

app_name = "diagnostic"

urlpatterns: list = []
