"""Pages of namespace `indicators` (`/<lang>/<municipality>/indicators/`)."""

from django.urls import path

from . import views_indicators as views

app_name = "indicators"

urlpatterns = [
    path("", views.town, name="town"),
    path("export.csv", views.town_csv, name="town_csv"),
]
