"""Pages of namespace `practices` (`/<lang>/practices/`)."""

from django.urls import path

from . import views_practices as views

app_name = "practices"

urlpatterns = [
    path("", views.practice_list, name="list"),
    path("<int:practice_id>/", views.practice_detail, name="detail"),
    path("<int:practice_id>/adopt/", views.practice_adopt, name="adopt"),
    path("<int:practice_id>/unadopt/", views.practice_unadopt, name="unadopt"),
    path("<int:practice_id>/comments/", views.practice_comment, name="comment"),
    path(
        "<int:practice_id>/comments/<int:comment_id>/hide/",
        views.comment_hide,
        name="comment_hide",
    ),
]
