"""Pages of the consultations part (namespace `participation`)."""

from django.urls import path

from . import views_consultations as views

urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("<int:consultation_id>/", views.consultation_detail, name="consultation"),
    path("<int:consultation_id>/results/", views.consultation_results, name="results"),
    path("<int:consultation_id>/results.csv", views.consultation_results_csv, name="results_csv"),
]
