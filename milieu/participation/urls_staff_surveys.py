"""Staff pages of the surveys part (namespace `participation_staff`)."""

from django.urls import path

from . import views_surveys as views

urlpatterns = [
    path("<int:consultation_id>/questions/", views.questions, name="survey_questions"),
    path(
        "<int:consultation_id>/questions/new/", views.question_create, name="survey_question_create"
    ),
    path(
        "<int:consultation_id>/questions/<int:question_id>/edit/",
        views.question_edit,
        name="survey_question_edit",
    ),
    path(
        "<int:consultation_id>/questions/<int:question_id>/delete/",
        views.question_delete,
        name="survey_question_delete",
    ),
    path(
        "<int:consultation_id>/questions/<int:question_id>/move/",
        views.question_move,
        name="survey_question_move",
    ),
]
