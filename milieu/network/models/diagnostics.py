"""A municipality's digital-maturity self-diagnostic."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["Diagnostic", "DiagnosticAnswer", "DiagnosticStatus"]


class DiagnosticStatus(models.TextChoices):
    DRAFT = "draft", _("In progress")
    COMPLETED = "completed", _("Completed")


class Diagnostic(models.Model):
    """One run of the questionnaire by a municipality's team. Completed diagnostics are kept as
    its history; `scores` maps each `Dimension` key to its score (0 to 5) and `overall` is their
    mean, both set when the diagnostic is completed."""

    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.CASCADE, related_name="diagnostics"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=DiagnosticStatus.choices, default=DiagnosticStatus.DRAFT
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    scores = models.JSONField(default=dict, blank=True)
    overall = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["municipality", "status", "-completed_at"], name="diag_muni_done")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality"],
                condition=models.Q(status="draft"),
                name="diag_one_draft",
            )
        ]
        verbose_name = _("digital-maturity diagnostic")
        verbose_name_plural = _("digital-maturity diagnostics")

    def __str__(self) -> str:
        return f"{self.municipality} {self.started_at:%Y-%m-%d}"


class DiagnosticAnswer(models.Model):
    """One question's level (0 to 5) in a diagnostic; saved as the team goes."""

    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.CASCADE, related_name="answers")
    question = models.CharField(max_length=60)
    level = models.PositiveSmallIntegerField()
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["diagnostic", "question"], name="diag_answer_once"),
            models.CheckConstraint(condition=models.Q(level__lte=5), name="diag_answer_level"),
        ]
        verbose_name = _("diagnostic answer")
        verbose_name_plural = _("diagnostic answers")

    def __str__(self) -> str:
        return f"{self.question}={self.level}"
