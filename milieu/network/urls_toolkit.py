"""Pages of namespace `toolkit` (`/<lang>/toolkit/`)."""

from django.urls import path

from . import views_toolkit as views

app_name = "toolkit"

urlpatterns = [
    path("", views.course_list, name="list"),
    path("mine/", views.my_learning, name="mine"),
    path("coaching/", views.coaching_request, name="coaching"),
    path("<int:course_id>/", views.course_detail, name="course"),
    path("<int:course_id>/lessons/<int:lesson_id>/", views.lesson_detail, name="lesson"),
    path("manage/", views.manage, name="manage"),
    path("manage/<int:course_id>/", views.manage_course, name="manage_course"),
    path("manage/<int:course_id>/publish/", views.manage_publish, name="manage_publish"),
    path("manage/<int:course_id>/lessons/new/", views.manage_lesson, name="lesson_new"),
    path(
        "manage/<int:course_id>/lessons/<int:lesson_id>/", views.manage_lesson, name="lesson_edit"
    ),
]
