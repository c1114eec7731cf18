"""Pages of namespace `opendata` (`/<lang>/open-data/`)."""

from django.urls import path

from . import views_opendata

app_name = "opendata"

urlpatterns: list = [
    path("", views_opendata.catalogue, name="catalogue"),
]
