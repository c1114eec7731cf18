from django.urls import path

from . import views, views_attractions, views_organisers

urlpatterns = [
    path("", views.agenda, name="agenda"),
    path("new/", views_organisers.event_create, name="event_create"),
    path("mine/", views_organisers.managed, name="managed"),
    path("<int:event_id>/", views.event_detail, name="event"),
    path("<int:event_id>/edit/", views_organisers.event_edit, name="event_edit"),
    path("<int:event_id>/publish/", views_organisers.event_publish, name="event_publish"),
    path("<int:event_id>/cancel/", views_organisers.event_cancel, name="event_cancel"),
    path("<int:event_id>/manage/", views_organisers.event_manage, name="event_manage"),
    path("dates/<int:occurrence_id>/register/", views.register, name="register"),
    path(
        "dates/<int:occurrence_id>/cancel/",
        views_organisers.occurrence_cancel,
        name="occurrence_cancel",
    ),
    path(
        "registrations/<int:registration_id>/cancel/",
        views.registration_cancel,
        name="registration_cancel",
    ),
    path("check-in/", views_organisers.check_in, name="check_in"),
    path("check-in/<str:ticket>/", views_organisers.check_in_ticket, name="check_in_ticket"),
    path("attractions/", views_attractions.attractions, name="attractions"),
    path("attractions/new/", views_attractions.attraction_create, name="attraction_create"),
    path(
        "attractions/<int:attraction_id>/",
        views_attractions.attraction_detail,
        name="attraction",
    ),
    path(
        "attractions/<int:attraction_id>/edit/",
        views_attractions.attraction_edit,
        name="attraction_edit",
    ),
]
