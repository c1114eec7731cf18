"""Pages of namespace `region_plans` (`/<lang>/regions/<region>/plans/`)."""

from django.urls import path

from . import views_plans as views

app_name = "region_plans"

urlpatterns = [path("", views.region, name="index")]
