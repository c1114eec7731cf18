"""Pages of namespace `diagnostic` (`/<lang>/<municipality>/staff/diagnostic/`)."""

from django.urls import path

from . import views_diagnostic as views

app_name = "diagnostic"

urlpatterns = [
    path("", views.index, name="index"),
    path("start/", views.start, name="start"),
    path("<int:diagnostic_id>/", views.detail, name="detail"),
]
