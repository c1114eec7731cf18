from django.urls import path

from . import views_feeds

urlpatterns = [
    path("calendar.ics", views_feeds.city_feed, name="feed"),
    path("calendar/<slug:category>.ics", views_feeds.city_feed, name="feed_category"),
]
