"""The events pages of a municipality, under `/<lang>/<municipality>/events/` (namespace
`events`): the agenda, events, registration and check-in, attractions (`urls_pages`), and the
iCalendar feeds (`urls_feeds`)."""

from .urls_feeds import urlpatterns as feed_patterns
from .urls_pages import urlpatterns as page_patterns

app_name = "events"

urlpatterns = [*page_patterns, *feed_patterns]
