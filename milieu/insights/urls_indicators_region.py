"""Pages of namespace `region_indicators` (`/<lang>/regions/<region>/indicators/`)."""

from django.urls import path

from . import views_indicators as views

app_name = "region_indicators"

urlpatterns = [
    path("", views.region, name="region"),
    path("export.csv", views.region_csv, name="region_csv"),
]
