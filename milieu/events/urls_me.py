"""A person's own events pages, under `/<lang>/events/` (namespace `events_me`): their
registrations and tickets, and their private calendar feed."""

from django.urls import path

from . import views, views_feeds

app_name = "events_me"

urlpatterns = [
    path("registrations/", views.my_registrations, name="registrations"),
    path("tickets/<int:registration_id>/", views.ticket, name="ticket"),
    path("calendar/rotate/", views.calendar_rotate, name="calendar_rotate"),
    path("calendar/<str:token>.ics", views_feeds.my_feed, name="feed"),
]
