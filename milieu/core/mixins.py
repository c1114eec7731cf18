"""Abstract model mixins that several apps share.

`Translated`: text fields written in up to three languages (`<field>_fr`, `_en`, `_es`) with the
one always present named by `original_language`. `Place`: a public place (a venue, the spot of
a problem report) with its point and the point's H3 cells for "within N km" filters.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

LANGUAGE_CODES = ("fr", "en", "es")


class Translated(models.Model):
    """Text fields written in up to three languages, `<field>_fr`, `_en`, `_es`; `translated`
    picks the reader's language, else the original's."""

    original_language = models.CharField(
        _("original language"),
        max_length=2,
        choices=[("fr", _("French")), ("en", _("English")), ("es", _("Spanish"))],
        default="fr",
    )

    class Meta:
        abstract = True

    def translated(self, field: str, language: str | None = None) -> str:
        language = (language or get_language() or "fr")[:2]
        value = getattr(self, f"{field}_{language}", "") if language in LANGUAGE_CODES else ""
        return value or getattr(self, f"{field}_{self.original_language}", "") or ""

    def languages_written(self, field: str = "title") -> list[str]:
        return [code for code in LANGUAGE_CODES if getattr(self, f"{field}_{code}", "")]


class Place(models.Model):
    """A public place: its name, street address and point (kept: it is not a person's), with
    the point's H3 cell and parents (`core.geo.cell_columns`) for distance filters."""

    place_name = models.CharField(_("place"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    cell = models.CharField(max_length=15, blank=True, default="")
    cell_r7 = models.CharField(max_length=15, blank=True, default="")
    cell_r6 = models.CharField(max_length=15, blank=True, default="")
    cell_r5 = models.CharField(max_length=15, blank=True, default="")

    class Meta:
        abstract = True

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None
