"""Staff pages of the consultations part (namespace `participation_staff`)."""

from django.urls import path

from . import views_consultations as views

urlpatterns = [
    path("", views.staff_list, name="list"),
    path("new/", views.staff_create_pick, name="create_pick"),
    path("new/<slug:kind_key>/", views.staff_create, name="create"),
    path("<int:consultation_id>/", views.staff_detail, name="consultation"),
    path("<int:consultation_id>/edit/", views.staff_edit, name="edit"),
    path("<int:consultation_id>/publish/", views.staff_publish, name="publish"),
    path("<int:consultation_id>/close/", views.staff_close, name="close"),
]
