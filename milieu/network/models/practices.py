"""Best practices that municipalities publish for each other: the practice, its tags, the
municipalities that adopted it and the comments of other towns' staff."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from milieu.network.dimensions import Dimension

__all__ = ["Adoption", "Practice", "PracticeComment", "PracticeStatus", "PracticeTag"]


class PracticeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class PracticeTag(models.Model):
    """A normalised tag (`slug` is the lowercased, slugified name), shared by every practice of
    the platform so that filtering by tag finds other towns' practices too."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("practice tag")
        verbose_name_plural = _("practice tags")

    def __str__(self) -> str:
        return self.name


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
    tags = models.ManyToManyField(PracticeTag, blank=True, related_name="practices")

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="practice_published"),
            models.Index(fields=["municipality", "-created_at"], name="practice_muni"),
        ]
        verbose_name = _("practice")
        verbose_name_plural = _("practices")

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == PracticeStatus.PUBLISHED


class Adoption(models.Model):
    """A municipality says "we adopted this": once per practice, never its own (the service
    refuses it, and the database too where it can)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="adoptions")
    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.CASCADE, related_name="practice_adoptions"
    )
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    adopted_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(_("note"), blank=True, max_length=1000)

    class Meta:
        ordering = ["adopted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "municipality"], name="adoption_once_per_town"
            )
        ]
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")

    def __str__(self) -> str:
        return f"{self.municipality} — {self.practice}"


class PracticeComment(models.Model):
    """A comment by a staff member or elected official of a municipality (kept with that
    municipality, so the page says which town speaks). The practice's own staff may hide one."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    body = models.TextField(_("comment"), max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    hidden = models.BooleanField(_("hidden"), default=False)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["practice", "created_at"],
                condition=Q(hidden=False),
                name="practice_comment_shown",
            )
        ]
        verbose_name = _("practice comment")
        verbose_name_plural = _("practice comments")

    def __str__(self) -> str:
        return f"{self.municipality}: {self.body[:40]}"
