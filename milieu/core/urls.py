from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("profile/continue/", views.after_login, name="after_login"),
]
