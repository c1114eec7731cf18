from django.urls import path

from .views import identity

app_name = "staff_checks"
urlpatterns = [
    path("", identity.staff_background_checks, name="list"),
    path("<int:check_pk>/revoke/", identity.staff_background_check_revoke, name="revoke"),
]
