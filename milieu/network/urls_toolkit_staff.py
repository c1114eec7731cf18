"""Pages of namespace `toolkit_staff` (`/<lang>/<municipality>/staff/coaching/`)."""

from django.urls import path

from . import views_toolkit_staff as views

app_name = "toolkit_staff"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:request_id>/", views.detail, name="detail"),
]
