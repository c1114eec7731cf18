"""Pages of namespace `recognition` (`/<lang>/recognition/`)."""

from django.urls import path

from . import views_recognition as views

app_name = "recognition"

urlpatterns = [
    path("", views.recognition_index, name="index"),
    path("manage/", views.platform_criteria, name="manage"),
    path("manage/<int:criterion_id>/", views.platform_criterion_edit, name="manage_edit"),
    path("badges/<int:criterion_id>/", views.badge_detail, name="badge"),
    path("<slug:municipality_slug>/", views.municipality_badges, name="municipality"),
]
