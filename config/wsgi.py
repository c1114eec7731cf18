import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()

# The objects a server process keeps for its life, out of the cycle collector's sight.
from milieu.core import collector  # noqa: E402 - needs the application loaded

collector.settle_after()
