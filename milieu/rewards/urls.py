from django.urls import path

from . import views

app_name = "rewards"
urlpatterns = [
    path("", views.my_points, name="wallet"),
    path("till/", views.till, name="till"),
    path("merchants/new/", views.merchant_new, name="merchant_new"),
]
