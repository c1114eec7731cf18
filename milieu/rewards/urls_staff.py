from django.urls import path

from . import views_staff

app_name = "rewards_staff"
urlpatterns = [
    path("", views_staff.staff_rules, name="rules"),
    path("merchants/", views_staff.staff_merchants, name="merchants"),
    path(
        "merchants/<int:merchant_id>/verify/",
        views_staff.staff_merchant_verify,
        name="merchant_verify",
    ),
]
