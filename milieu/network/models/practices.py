"""Best practices that municipalities publish for each other."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from milieu.network.dimensions import Dimension

__all__ = ["Practice", "PracticeStatus"]


class PracticeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Practice(models.Model):
    """What a municipality did, for others to learn from and adopt. Written in one language
    (`language`); visible to everyone once published."""

    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.CASCADE, related_name="practices"
    )
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    dimension = models.CharField(
        _("dimension"), max_length=30, choices=Dimension.choices, blank=True
    )
    problem = models.TextField(_("problem"))
    solution = models.TextField(_("solution"))
    technology = models.TextField(_("technology"), blank=True)
    cost = models.CharField(_("cost"), max_length=200, blank=True)
    results = models.TextField(_("results"), blank=True)
    contact = models.CharField(
        _("contact"),
        max_length=200,
        help_text=_("A work contact (a service, a title, a work email) shown to everyone."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PracticeStatus.choices, default=PracticeStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "-published_at"], name="practice_published")]
        verbose_name = _("practice")
        verbose_name_plural = _("practices")

    def __str__(self) -> str:
        return self.title
