"""Problem-report pages (namespace `reports`, under `/<lang>/<municipality>/reports/`)."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.report_new, name="report_new"),
    path("new/nearby/", views.nearby, name="nearby"),
    path("mine/", views.mine, name="mine"),
    path("<int:report_id>/", views.report_detail, name="report"),
    path("<int:report_id>/photos/<int:photo_id>/", views.report_photo, name="photo"),
]
