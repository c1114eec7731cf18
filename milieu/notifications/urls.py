"""The notification centre and preferences, under /<lang>/notifications/."""

from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.centre, name="centre"),
    path("count/", views.count, name="count"),
    path("read/", views.mark_read, name="mark_read"),
    path("<int:notification_id>/", views.detail, name="detail"),
    path("preferences/", views.preferences, name="preferences"),
]
