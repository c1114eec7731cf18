"""A region's agenda across its member cities, under `/<lang>/regions/<region>/events/`
(namespace `events_region`)."""

from django.urls import path

from . import views, views_attractions, views_feeds

app_name = "events_region"

urlpatterns = [
    path("", views.region_agenda, name="agenda"),
    path("attractions/", views_attractions.region_attractions, name="attractions"),
    path("calendar.ics", views_feeds.region_feed, name="feed"),
    path("calendar/<slug:category>.ics", views_feeds.region_feed, name="feed_category"),
]
