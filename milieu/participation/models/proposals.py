"""Calls for proposals: citizens submit ideas, others support them (once each), and the city
answers every idea that reaches the consultation's `support_threshold`.

A `Proposal` belongs to a consultation of kind `proposals` (and, denormalised, to its
municipality, for scoped lookups and the staff's queue). It is written in one language
(`language`), may name a district of the municipality and a place in words. Its
`support_count` is kept by the same transaction that adds or removes a `Support` row; a
`Support` is `UNIQUE (proposal, user)`, so a person supports an idea once whatever races.

The city's accountability: the first support that brings the count to the threshold sets
`threshold_reached_at` (once, by a conditional update) and from then on the city owes an
answer; the answer is an official status with a text (`answer`, in `answer_language`), who
gave it and when. Staff may hide an idea (with a reason shown to its author); a hidden idea is
out of every public list.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

__all__ = ["ANSWERED_STATUSES", "OPEN_PROPOSAL_STATUSES", "Proposal", "ProposalStatus", "Support"]

LANGUAGES = [("fr", _("French")), ("en", _("English")), ("es", _("Spanish"))]


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("proposal status", "Submitted")
    UNDER_REVIEW = "under_review", pgettext_lazy("proposal status", "Under review")
    ACCEPTED = "accepted", pgettext_lazy("proposal status", "Accepted")
    REJECTED = "rejected", pgettext_lazy("proposal status", "Rejected")
    IMPLEMENTED = "implemented", pgettext_lazy("proposal status", "Implemented")
    WITHDRAWN = "withdrawn", pgettext_lazy("proposal status", "Withdrawn")


# What people may still support; and the statuses that are an answer of the city.
OPEN_PROPOSAL_STATUSES = (ProposalStatus.SUBMITTED, ProposalStatus.UNDER_REVIEW)
ANSWERED_STATUSES = (ProposalStatus.ACCEPTED, ProposalStatus.REJECTED, ProposalStatus.IMPLEMENTED)


class Proposal(models.Model):
    consultation = models.ForeignKey(
        "participation.Consultation", on_delete=models.CASCADE, related_name="proposals"
    )
    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="proposals",
        verbose_name=_("author"),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("description"), max_length=5000)
    language = models.CharField(_("written in"), max_length=2, choices=LANGUAGES, default="fr")
    district = models.ForeignKey(
        "territory.District",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
    place_name = models.CharField(_("place"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ProposalStatus.choices,
        default=ProposalStatus.SUBMITTED,
    )
    support_count = models.PositiveIntegerField(_("supports"), default=0)
    threshold_reached_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(_("the city's answer"), max_length=5000, blank=True)
    answer_language = models.CharField(max_length=2, choices=LANGUAGES, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(_("reason"), max_length=500, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-support_count", "-pk"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        indexes = [
            # The public list, by supports or newest first.
            models.Index(
                fields=["consultation", "-support_count", "-id"], name="proposal_by_support"
            ),
            models.Index(fields=["consultation", "-created_at", "-id"], name="proposal_newest"),
            # The staff's queue: over the threshold, unanswered first.
            models.Index(
                fields=["municipality", "answered_at", "-threshold_reached_at"],
                name="proposal_staff_queue",
            ),
            models.Index(fields=["author", "-created_at"], name="proposal_author"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ProposalStatus.values), name="proposal_status_known"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def awaits_answer(self) -> bool:
        """The city committed to answer (the threshold was reached) and has not yet."""
        return self.threshold_reached_at is not None and self.answered_at is None


class Support(models.Model):
    """One person's support of one proposal: once, by a UNIQUE constraint."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="support_once"),
        ]
        indexes = [models.Index(fields=["user", "proposal"], name="support_user")]

    def __str__(self) -> str:
        return f"{self.proposal_id}:{self.user_id}"
