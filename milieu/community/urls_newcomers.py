from django.urls import path
from django.views.generic import TemplateView

app_name = "newcomers"
urlpatterns: list = [
    # Placeholder until the app's pages exist (the module registry reverses "home").
    path("", TemplateView.as_view(template_name="base.html"), name="home"),
]
