"""Pages of namespace `region_recognition` (`/<lang>/regions/<region>/recognition/`)."""

from django.urls import path

from . import views_recognition as views

app_name = "region_recognition"

urlpatterns = [
    path("", views.region_criteria, name="criteria"),
    path("<int:criterion_id>/", views.region_criterion_edit, name="edit"),
]
