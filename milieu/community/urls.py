"""The community of a municipality (mounted at /<lang>/<municipality_slug>/community/):
its home, the district feeds, groups, posts and comments. The moderation part adds the
netiquette and reports under the same prefix (`urls_safety.py`)."""

from django.urls import path

from .views import social as views

app_name = "community"
urlpatterns: list = [
    path("", views.home, name="home"),
    path("districts/<slug:district_slug>/", views.district, name="district"),
    path("groups/", views.group_list, name="group_list"),
    path("groups/new/", views.group_create, name="group_create"),
    path("groups/<slug:group_slug>/", views.group, name="group"),
    path("groups/<slug:group_slug>/edit/", views.group_edit, name="group_edit"),
    path("groups/<slug:group_slug>/join/", views.group_join, name="group_join"),
    path("groups/<slug:group_slug>/leave/", views.group_leave, name="group_leave"),
    path("groups/<slug:group_slug>/members/", views.group_members, name="group_members"),
    path(
        "groups/<slug:group_slug>/members/<int:user_id>/<str:action>/",
        views.group_member_action,
        name="group_member_action",
    ),
    path("posts/<int:post_id>/", views.post, name="post"),
    path("posts/<int:post_id>/edit/", views.post_edit, name="post_edit"),
    path("posts/<int:post_id>/delete/", views.post_delete, name="post_delete"),
    path("posts/<int:post_id>/comments/", views.comment_create, name="comment_create"),
    path("posts/<int:post_id>/react/", views.react, name="react"),
    path("posts/<int:post_id>/pictures/<int:image_id>/", views.post_image, name="post_image"),
    path("comments/<int:comment_id>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:comment_id>/delete/", views.comment_delete, name="comment_delete"),
]
