"""Council meetings staff pages (namespace `council_staff`, `/<lang>/<municipality>/staff/council/`)."""

from django.urls import path

from . import views_council_staff as views

app_name = "council_staff"

urlpatterns = [
    path("", views.meetings, name="meetings"),
    path("new/", views.meeting_create, name="meeting_create"),
    path("<int:meeting_id>/", views.meeting, name="meeting"),
    path("<int:meeting_id>/edit/", views.meeting_edit, name="meeting_edit"),
    path("<int:meeting_id>/publish/", views.meeting_publish, name="meeting_publish"),
    path("<int:meeting_id>/held/", views.meeting_held, name="meeting_held"),
    path("<int:meeting_id>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("<int:meeting_id>/minutes/", views.minutes, name="minutes"),
    path("<int:meeting_id>/items/", views.item_add, name="item_add"),
    path("<int:meeting_id>/items/<int:item_id>/delete/", views.item_delete, name="item_delete"),
    path("<int:meeting_id>/documents/", views.document_add, name="document_add"),
    path(
        "<int:meeting_id>/documents/<int:document_id>/delete/",
        views.document_delete,
        name="document_delete",
    ),
    path("questions/<int:question_id>/answer/", views.question_answer, name="question_answer"),
    path("questions/<int:question_id>/reject/", views.question_reject, name="question_reject"),
]
