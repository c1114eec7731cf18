"""Demo territories: the reference CSV plus three rough districts per municipality."""

from milieu.core import modules

from .models import District, Municipality
from .services import territories_load

DEMO_DISTRICTS = [
    ("centre", "Centre", 0.0, 0.0),
    ("secteur-nord", "Secteur nord", 0.03, 0.0),
    ("secteur-sud", "Secteur sud", -0.03, 0.0),
]


def load() -> list[str]:
    result = territories_load(default_modules=sorted(modules.keys()))
    for municipality in Municipality.objects.all():
        for slug, name, dlat, dlng in DEMO_DISTRICTS:
            District.objects.get_or_create(
                municipality=municipality,
                slug=slug,
                defaults={
                    "name": name,
                    "latitude": round(municipality.latitude + dlat, 4),
                    "longitude": round(municipality.longitude + dlng, 4),
                },
            )
    return [f"Territories: {result.regions} regions, {result.municipalities} municipalities."]
