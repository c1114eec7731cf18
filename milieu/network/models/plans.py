"""A municipality's digital plan: actions drawn from its diagnostic's recommendations."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from milieu.network.dimensions import Dimension

__all__ = ["PlanAction", "PlanStatus"]


class PlanStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class PlanAction(models.Model):
    """One action of the plan. `owner` is text (a role or a person's name: plans are shown to
    the region, so no account is exposed); `diagnostic` is the diagnostic whose recommendation
    it came from, if any."""

    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.CASCADE, related_name="plan_actions"
    )
    title = models.CharField(_("title"), max_length=200)
    dimension = models.CharField(_("dimension"), max_length=30, choices=Dimension.choices)
    diagnostic = models.ForeignKey(
        "network.Diagnostic",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_actions",
    )
    owner = models.CharField(_("owner"), max_length=120, blank=True)
    start = models.DateField(_("start"), null=True, blank=True)
    due = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.PLANNED
    )
    notes = models.TextField(_("notes"), blank=True)
    practices = models.ManyToManyField("network.Practice", blank=True, related_name="plan_actions")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["dimension", "due", "id"]
        indexes = [models.Index(fields=["municipality", "status"], name="plan_muni_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__isnull=True)
                | models.Q(due__isnull=True)
                | models.Q(due__gte=models.F("start")),
                name="plan_due_after_start",
            )
        ]
        verbose_name = _("plan action")
        verbose_name_plural = _("plan actions")

    def __str__(self) -> str:
        return self.title
