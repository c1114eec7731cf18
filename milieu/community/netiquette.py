"""Which netiquette applies in a municipality, and whether a person has accepted it.

A municipality's latest `Netiquette` applies; without one, the platform's (version 0, below,
in the reader's language). Accepting is recorded per version (`NetiquetteAcceptance`): a new
version asks everyone again before their next post, comment or message.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from milieu.territory.models import Municipality

from .models import Netiquette, NetiquetteAcceptance

DEFAULT_RULES = [
    _("Be kind and respectful: no insults, harassment, threats or discrimination."),
    _("Stay on topic, and write in the group or the neighbourhood where your post belongs."),
    _(
        "Protect privacy: never publish someone's address, phone number, photo or personal "
        "information without their consent."
    ),
    _("No advertising or spam; local merchants have their own place on the platform."),
    _("Share reliable information, and say where it comes from."),
    _(
        "Report what breaks these rules instead of answering it: the municipality's moderators "
        "will look at it."
    ),
]

CACHE_SECONDS = 600


@dataclass(frozen=True)
class CurrentNetiquette:
    version: int
    texts: dict[str, str]  # by language; empty for the platform's default

    def text(self, language: str | None = None) -> str:
        language = language or get_language() or "fr"
        if not self.texts:
            return "\n".join(f"• {rule}" for rule in DEFAULT_RULES)
        return self.texts.get(language) or self.texts.get("fr", "")

    @property
    def rules(self) -> list[str]:
        """The platform's rules one by one (the default netiquette only)."""
        return [str(rule) for rule in DEFAULT_RULES] if not self.texts else []


def _key(municipality_id: int) -> str:
    return f"community:netiquette:v1:{municipality_id}"


def current(municipality: Municipality) -> CurrentNetiquette:
    found = cache.get(_key(municipality.pk))
    if found is None:
        latest = Netiquette.objects.filter(municipality=municipality).order_by("-version").first()
        if latest is None:
            found = CurrentNetiquette(version=0, texts={})
        else:
            found = CurrentNetiquette(
                version=latest.version,
                texts={"fr": latest.text_fr, "en": latest.text_en, "es": latest.text_es},
            )
        cache.set(_key(municipality.pk), found, CACHE_SECONDS)
    return found


def forget(municipality: Municipality) -> None:
    from milieu.core.caching import forget as forget_keys

    forget_keys([_key(municipality.pk)])


def has_accepted(user, municipality: Municipality) -> bool:
    if not user.is_authenticated:
        return False
    version = current(municipality).version
    return NetiquetteAcceptance.objects.filter(
        user=user, municipality=municipality, version=version
    ).exists()
