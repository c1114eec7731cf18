"""Pages of namespace `plans` (`/<lang>/<municipality>/staff/plan/`)."""

from django.urls import path  # noqa: F401

app_name = "plans"

urlpatterns: list = []
