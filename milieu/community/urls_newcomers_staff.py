from django.urls import path  # noqa: F401

app_name = "newcomers_staff"
urlpatterns: list = []
