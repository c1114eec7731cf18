"""The netiquette and the report form, under /<lang>/<municipality>/community/."""

from django.urls import path

from .views import moderation as views

app_name = "safety"
urlpatterns = [
    path("netiquette/", views.netiquette_page, name="netiquette"),
    path("report/", views.report, name="report"),
    path("report/sent/", views.report_sent, name="report_sent"),
]
