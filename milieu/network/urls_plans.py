"""Pages of namespace `plans` (`/<lang>/<municipality>/staff/plan/`)."""

from django.urls import path

from . import views_plans as views

app_name = "plans"

urlpatterns = [
    path("", views.index, name="index"),
    path("from-recommendation/", views.from_recommendation, name="from_recommendation"),
    path("<int:action_id>/", views.edit, name="edit"),
    path("<int:action_id>/delete/", views.delete, name="delete"),
]
