"""Demo notifications: one snow-removal alert sent to a district of Brossard. Idempotent."""

from django.utils import timezone

from milieu.territory.models import District, Municipality

from .alerts import fan_out
from .models import Alert


def load() -> list[str]:
    brossard = Municipality.objects.get(slug="brossard")
    district = District.objects.filter(municipality=brossard).order_by("name").first()
    if district is None or Alert.objects.filter(municipality=brossard).exists():
        return []
    alert = Alert.objects.create(
        municipality=brossard,
        topic="snow_removal",
        title_fr="Déneigement cette nuit",
        body_fr=f"Stationnement interdit dans le quartier {district.name} à partir de 23 h.",
        title_en="Snow removal tonight",
        body_en=f"No parking in the {district.name} district from 11 p.m.",
        title_es="Remoción de nieve esta noche",
        body_es=f"Prohibido estacionar en el barrio {district.name} desde las 23 h.",
        status=Alert.Status.SENDING,
        created_at=timezone.now(),
    )
    alert.districts.set([district])
    fan_out(alert_id=alert.pk)
    alert.refresh_from_db()
    return [f"  Demo alert sent to {alert.audience_size} resident(s) of {district.name}, Brossard."]
