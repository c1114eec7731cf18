from django.urls import path  # noqa: F401

app_name = "safety"
urlpatterns: list = []
