"""Pages of the surveys part (namespace `participation`)."""

from django.urls import path

from . import views_surveys as views

urlpatterns = [
    path("<int:consultation_id>/answer/", views.survey_answer, name="survey_answer"),
]
