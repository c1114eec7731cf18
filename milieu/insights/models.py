"""The insights app's summary tables. Pages, exports, the API and open data read these, never the
other apps' tables: the figures are computed by a task (`manage.py compute_indicators`) from the
data of every app, so a dashboard is a few indexed reads whatever the size of the town."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IndicatorValue(models.Model):
    """One metric for one month, of one municipality or of one region (exactly one of them).

    `value` is the raw figure (a count, a share in percent, a median in hours). `basis` is the
    count it was derived from (the people or things behind a share or a median), so that
    small-number protection can suppress a derived figure too; for a plain count it is the count.
    Raw values stay on the server: everything that shows them goes through `core.smallnumbers`.
    """

    municipality = models.ForeignKey(
        "territory.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    region = models.ForeignKey(
        "territory.Region", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    metric = models.SlugField(_("metric"), max_length=60)
    value = models.FloatField(_("value"))
    basis = models.PositiveIntegerField(_("basis"), default=0)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(municipality__isnull=False) & Q(region__isnull=True))
                | (Q(municipality__isnull=True) & Q(region__isnull=False)),
                name="indicator_one_scope",
            ),
            models.UniqueConstraint(
                fields=["municipality", "metric", "month"],
                condition=Q(municipality__isnull=False),
                name="indicator_unique_municipality",
            ),
            models.UniqueConstraint(
                fields=["region", "metric", "month"],
                condition=Q(region__isnull=False),
                name="indicator_unique_region",
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "month"], name="indicator_muni_month"),
            models.Index(fields=["region", "month"], name="indicator_region_month"),
        ]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")

    def __str__(self) -> str:
        return f"{self.metric} {self.month:%Y-%m} = {self.value}"


class ActiveResidentsCount(models.Model):
    """How many residents of a municipality used the platform in a month: incremented once per
    person and month by `insights.middleware.ActivityMiddleware` (when the person's
    `last_active_on` moves into a new month). No row says who: nothing is kept per person but
    that one date."""

    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "month"], name="active_residents_once_per_month"
            )
        ]
        verbose_name = _("monthly active residents")
        verbose_name_plural = _("monthly active residents")

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.month:%Y-%m}: {self.count}"
