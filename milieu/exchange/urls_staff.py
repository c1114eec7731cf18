"""The staff's pages of the sharing module, under /<lang>/<municipality_slug>/staff/sharing/."""

from django.urls import path

from . import views_staff as views

app_name = "exchange_staff"
urlpatterns = [
    path("problems/", views.problems, name="problems"),
    path("problems/<int:problem_id>/", views.problem, name="problem"),
]
