"""Pages of namespace `practices_staff` (`/<lang>/<municipality>/staff/practices/`)."""

from django.urls import path

from . import views_practices as views

app_name = "practices_staff"

urlpatterns = [
    path("", views.staff_list, name="list"),
    path("new/", views.staff_create, name="create"),
    path("<int:practice_id>/", views.staff_edit, name="edit"),
    path("<int:practice_id>/publish/", views.staff_publish, name="publish"),
    path("<int:practice_id>/withdraw/", views.staff_withdraw, name="withdraw"),
]
