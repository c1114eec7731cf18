"""Recognition: criteria that award badges to municipalities, and the awards with their evidence.

A `Criterion` is set by a region (its consortium administrator) for the region's members, or by
the platform operator for every municipality (`region` empty). Its `kind` names an entry of the
registry `network.recognition_kinds` (a maturity score, the share of verified residents, reports
closed within 7 days...), compared with `threshold`; `params` holds what the kind needs (the
dimension of `maturity_dimension`). The badge's name and description exist in three languages.

An `Award` is one run of a municipality holding a badge: created when an evaluation first finds
the criterion met (`period` is that day), confirmed (`confirmed_at`, `evidence` refreshed) by each
evaluation that still finds it met, and lapsed (`lapsed_at`) by the first one that does not. A
lapsed award stays as history. A partial UNIQUE constraint keeps one current award per criterion
and municipality; UNIQUE(criterion, municipality, period) keeps one run per day.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from milieu.core.mixins import Translated

__all__ = ["Award", "Criterion"]


class Criterion(Translated):
    region = models.ForeignKey(
        "territory.Region",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="recognition_criteria",
        help_text=_("Empty for a criterion of the platform, open to every municipality."),
    )
    name_fr = models.CharField(_("badge name (French)"), max_length=120, blank=True)
    name_en = models.CharField(_("badge name (English)"), max_length=120, blank=True)
    name_es = models.CharField(_("badge name (Spanish)"), max_length=120, blank=True)
    description_fr = models.TextField(_("description (French)"), max_length=1000, blank=True)
    description_en = models.TextField(_("description (English)"), max_length=1000, blank=True)
    description_es = models.TextField(_("description (Spanish)"), max_length=1000, blank=True)
    kind = models.CharField(_("criterion"), max_length=60)
    threshold = models.FloatField(_("threshold"))
    params = models.JSONField(default=dict, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    evaluated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["region_id", "pk"]
        indexes = [models.Index(fields=["region", "active"], name="criterion_region_active")]
        verbose_name = _("recognition criterion")
        verbose_name_plural = _("recognition criteria")

    def __str__(self) -> str:
        return self.translated("name")

    @property
    def name(self) -> str:
        return self.translated("name")

    @property
    def description(self) -> str:
        return self.translated("description")


class Award(models.Model):
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="awards")
    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.CASCADE, related_name="recognition_awards"
    )
    period = models.DateField(_("held since"), help_text=_("The day the badge was awarded."))
    awarded_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(default=timezone.now)
    lapsed_at = models.DateTimeField(null=True, blank=True)
    evidence = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-awarded_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["criterion", "municipality", "period"], name="award_once_per_period"
            ),
            models.UniqueConstraint(
                fields=["criterion", "municipality"],
                condition=Q(lapsed_at__isnull=True),
                name="award_one_current",
            ),
        ]
        indexes = [
            models.Index(fields=["criterion", "lapsed_at"], name="award_criterion_current"),
            models.Index(fields=["municipality", "lapsed_at"], name="award_municipality_current"),
        ]
        verbose_name = _("award")
        verbose_name_plural = _("awards")

    def __str__(self) -> str:
        return f"{self.criterion} — {self.municipality}"

    @property
    def is_current(self) -> bool:
        return self.lapsed_at is None
