"""Pages of namespace `toolkit_staff` (`/<lang>/<municipality>/staff/coaching/`)."""

from django.urls import path  # noqa: F401

app_name = "toolkit_staff"

urlpatterns: list = []
