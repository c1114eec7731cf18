"""Problem-report staff pages (namespace `reports_staff`, under
`/<lang>/<municipality>/staff/reports/`)."""

from django.urls import path

from . import views_staff

app_name = "reports_staff"

urlpatterns = [
    path("", views_staff.queue, name="queue"),
    path("<int:report_id>/", views_staff.report, name="report"),
    path("<int:report_id>/status/", views_staff.report_status, name="report_status"),
    path("<int:report_id>/assign/", views_staff.report_assign, name="report_assign"),
    path("<int:report_id>/note/", views_staff.report_note, name="report_note"),
    path("categories/", views_staff.categories, name="categories"),
    path("categories/<int:category_id>/", views_staff.category_edit, name="category_edit"),
    path("departments/", views_staff.department_create, name="department_create"),
    path("keys/", views_staff.keys, name="keys"),
    path("keys/<int:client_id>/revoke/", views_staff.key_revoke, name="key_revoke"),
]
