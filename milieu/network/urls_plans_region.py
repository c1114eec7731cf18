"""Pages of namespace `region_plans` (`/<lang>/regions/<region>/plans/`)."""

from django.urls import path  # noqa: F401

app_name = "region_plans"

urlpatterns: list = []
