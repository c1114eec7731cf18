from django.urls import path

from . import views

urlpatterns = [
    path("", views.agenda, name="agenda"),
    path("new/", views.event_create, name="event_create"),
    path("mine/", views.managed, name="managed"),
    path("<int:event_id>/", views.event_detail, name="event"),
    path("<int:event_id>/edit/", views.event_edit, name="event_edit"),
    path("<int:event_id>/publish/", views.event_publish, name="event_publish"),
    path("<int:event_id>/cancel/", views.event_cancel, name="event_cancel"),
    path("<int:event_id>/manage/", views.event_manage, name="event_manage"),
    path("dates/<int:occurrence_id>/register/", views.register, name="register"),
    path("dates/<int:occurrence_id>/cancel/", views.occurrence_cancel, name="occurrence_cancel"),
    path(
        "registrations/<int:registration_id>/cancel/",
        views.registration_cancel,
        name="registration_cancel",
    ),
    path("check-in/", views.check_in, name="check_in"),
    path("check-in/<str:ticket>/", views.check_in_ticket, name="check_in_ticket"),
    path("attractions/", views.attractions, name="attractions"),
    path("attractions/new/", views.attraction_create, name="attraction_create"),
    path("attractions/<int:attraction_id>/", views.attraction_detail, name="attraction"),
    path("attractions/<int:attraction_id>/edit/", views.attraction_edit, name="attraction_edit"),
]
