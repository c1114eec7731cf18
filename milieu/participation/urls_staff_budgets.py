"""Staff pages of the budgets part (namespace `participation_staff`)."""

from django.urls import path

from . import views_budgets as views

urlpatterns: list = [
    path(
        "budgets/<int:consultation_id>/projects/",
        views.staff_projects,
        name="budget_projects",
    ),
    path(
        "budgets/<int:consultation_id>/projects/<int:project_id>/",
        views.staff_project_edit,
        name="budget_project_edit",
    ),
    path(
        "budgets/<int:consultation_id>/projects/<int:project_id>/delete/",
        views.staff_project_delete,
        name="budget_project_delete",
    ),
    path(
        "budgets/<int:consultation_id>/projects/<int:project_id>/move/",
        views.staff_project_move,
        name="budget_project_move",
    ),
    path("budgets/<int:consultation_id>/export.csv", views.staff_export, name="budget_export"),
]
