"""The volunteering pages, under `/<lang>/<municipality>/volunteering/` (namespace
`volunteering`): organisations and opportunities (`urls_pages`) and the project incubator
(`urls_ideas`)."""

from .urls_ideas import urlpatterns as idea_patterns
from .urls_pages import urlpatterns as page_patterns

app_name = "volunteering"

urlpatterns = [*page_patterns, *idea_patterns]
