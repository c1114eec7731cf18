from django.conf import settings

from . import modules


def site(request):
    """What the base layout needs on every page: the municipality in the URL and its modules."""
    municipality = getattr(request, "municipality", None)
    return {
        "current_municipality": municipality,
        "current_modules": modules.enabled_modules(municipality) if municipality else [],
        "available_languages": [code for code, _name in settings.LANGUAGES],
    }
