from django.urls import path

from .views import people as views

app_name = "people"
urlpatterns = [
    path("", views.feed, name="feed"),
    path("search/", views.search, name="search"),
    path("profile/", views.profile_edit, name="profile"),
    path("following/", views.connections, name="connections"),
    path("translate/", views.translate, name="translate"),
    path("people/<slug:handle>/", views.person, name="person"),
    path("people/<slug:handle>/follow/", views.follow, name="follow"),
    path("people/<slug:handle>/unfollow/", views.unfollow, name="unfollow"),
    path("people/<slug:handle>/block/", views.block, name="block"),
    path("people/<slug:handle>/unblock/", views.unblock, name="unblock"),
]
