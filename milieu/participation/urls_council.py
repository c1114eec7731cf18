"""Council meetings pages (namespace `council`, `/<lang>/<municipality>/council/`)."""

from django.urls import path

from . import views_council as views

app_name = "council"

urlpatterns = [
    path("", views.meetings, name="meetings"),
    path("calendar.ics", views.calendar, name="calendar"),
    path("<int:meeting_id>/", views.meeting, name="meeting"),
    path("<int:meeting_id>/ask/", views.ask, name="ask"),
    path("<int:meeting_id>/questions/", views.questions, name="questions"),
    path(
        "<int:meeting_id>/documents/<int:document_id>/",
        views.document,
        name="document",
    ),
    path("questions/<int:question_id>/withdraw/", views.withdraw, name="withdraw"),
]
