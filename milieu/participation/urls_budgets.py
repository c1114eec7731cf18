"""Pages of the budgets part (namespace `participation`)."""

from django.urls import path

from . import views_budgets as views

urlpatterns: list = [
    path("budgets/<int:consultation_id>/", views.budget_page, name="budget"),
    path("budgets/<int:consultation_id>/results/", views.budget_results, name="budget_results"),
]
