"""The citizen project incubator: residents publish project ideas, others support them and
offer their skills, organisations offer to partner, and the city can adopt an idea.

An idea is a draft (seen by its author only) until published; it is then open, and moves to
partnered (an organisation's offer was accepted), in progress, done, or closed. `supporters_count`
is kept with each support, under the unique (idea, person) constraint that makes a second support
impossible.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class IdeaState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("project idea state", "Draft")
    OPEN = "open", pgettext_lazy("project idea state", "Open")
    PARTNERED = "partnered", pgettext_lazy("project idea state", "Partnered")
    IN_PROGRESS = "in_progress", pgettext_lazy("project idea state", "In progress")
    DONE = "done", pgettext_lazy("project idea state", "Done")
    CLOSED = "closed", pgettext_lazy("project idea state", "Closed")


class ProjectIdea(models.Model):
    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.CASCADE, related_name="project_ideas"
    )
    district = models.ForeignKey(
        "territory.District",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_ideas"
    )
    title = models.CharField(_("title"), max_length=150)
    need = models.TextField(_("the need"), max_length=3000)
    description = models.TextField(_("the project"), max_length=5000)
    help_wanted = models.TextField(_("help wanted"), max_length=2000, blank=True)
    skills_wanted = models.ManyToManyField("volunteering.Skill", blank=True, related_name="+")
    state = models.CharField(max_length=12, choices=IdeaState.choices, default=IdeaState.DRAFT)
    supporters_count = models.PositiveIntegerField(default=0)
    adopted_at = models.DateTimeField(null=True, blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    adoption_note = models.CharField(_("note on the adoption"), max_length=500, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("project idea")
        verbose_name_plural = _("project ideas")
        indexes = [
            models.Index(
                fields=["municipality", "state", "-published_at"], name="vol_idea_muni_state"
            ),
            models.Index(fields=["author", "-created_at"], name="vol_idea_author"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None and self.state != IdeaState.DRAFT

    @property
    def is_adopted(self) -> bool:
        return self.adopted_at is not None


class IdeaSupport(models.Model):
    idea = models.ForeignKey(ProjectIdea, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="vol_support_once")]
        indexes = [models.Index(fields=["user", "idea"], name="vol_support_user")]

    def __str__(self) -> str:
        return f"{self.user_id} supports {self.idea_id}"


class IdeaHelpOffer(models.Model):
    idea = models.ForeignKey(ProjectIdea, on_delete=models.CASCADE, related_name="help_offers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    skills = models.ManyToManyField("volunteering.Skill", blank=True, related_name="+")
    message = models.CharField(_("message"), max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="vol_help_offer_once")]

    def __str__(self) -> str:
        return f"{self.user_id} helps {self.idea_id}"


class PartnerOfferStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("partner offer status", "Pending")
    ACCEPTED = "accepted", pgettext_lazy("partner offer status", "Accepted")
    DECLINED = "declined", pgettext_lazy("partner offer status", "Declined")


class IdeaPartnerOffer(models.Model):
    idea = models.ForeignKey(ProjectIdea, on_delete=models.CASCADE, related_name="partner_offers")
    organisation = models.ForeignKey(
        "volunteering.Organisation", on_delete=models.CASCADE, related_name="partner_offers"
    )
    message = models.CharField(_("message"), max_length=1000, blank=True)
    status = models.CharField(
        max_length=10, choices=PartnerOfferStatus.choices, default=PartnerOfferStatus.PENDING
    )
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["idea", "organisation"], name="vol_partner_offer_once")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} partners {self.idea_id}"
