"""Consultations: the frame every kind of consultation shares.

A consultation belongs to a municipality (and optionally one of its districts) and has a `kind`
from the registry (`participation.registry`): a survey, a call for proposals, a participatory
budget. It runs through dated phases (adhocracy4-style): what a person may do depends on the
phase open now (answer a survey, submit and support proposals, vote on a budget); outside every
phase the consultation is read-only.

Eligibility is the consultation's: a minimum trust level in its municipality (a verified
resident by default), the district's residents only when a district is set, and a minimum age,
declared by the person when they take part (the platform keeps no birth date).

The ballot mode says whether a result can be traced to a person. Every participation writes one
`Ballot` row, `UNIQUE (consultation, user)`, in the same transaction as the answer itself, so a
person takes part once whatever races; a second attempt fails on the constraint and writes
nothing. In an open consultation the answer also names its author; in a secret one it does not:
the answer rows carry no user, no timestamp and a random UUID key, so neither their order nor
their time links them back to the ballots, and results and exports cannot be traced to anyone.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from milieu.core.mixins import Translated

__all__ = [
    "Ballot",
    "BallotMode",
    "Consultation",
    "ConsultationStatus",
    "Phase",
    "PhaseKind",
    "new_answer_key",
]


class ConsultationStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("consultation status", "Draft")
    PUBLISHED = "published", pgettext_lazy("consultation status", "Published")
    CLOSED = "closed", pgettext_lazy("consultation status", "Closed")


class BallotMode(models.TextChoices):
    OPEN = "open", _("Open: answers are linked to their author")
    SECRET = "secret", _("Secret: answers cannot be traced to anyone")


class PhaseKind(models.TextChoices):
    INFORMATION = "information", pgettext_lazy("consultation phase", "Information")
    ANSWERING = "answering", pgettext_lazy("consultation phase", "Answering")
    SUBMISSION = "submission", pgettext_lazy("consultation phase", "Proposals and support")
    VOTING = "voting", pgettext_lazy("consultation phase", "Voting")
    RESULTS = "results", pgettext_lazy("consultation phase", "Results")


class Consultation(Translated):
    municipality = models.ForeignKey(
        "territory.Municipality",
        on_delete=models.PROTECT,
        related_name="consultations",
        verbose_name=_("municipality"),
    )
    district = models.ForeignKey(
        "territory.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("district"),
    )
    kind = models.CharField(_("kind"), max_length=20)
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    description_fr = models.TextField(_("description (French)"), max_length=10000, blank=True)
    description_en = models.TextField(_("description (English)"), max_length=10000, blank=True)
    description_es = models.TextField(_("description (Spanish)"), max_length=10000, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ConsultationStatus.choices,
        default=ConsultationStatus.DRAFT,
    )
    ballot_mode = models.CharField(
        _("ballot"), max_length=6, choices=BallotMode.choices, default=BallotMode.OPEN
    )
    min_trust = models.PositiveSmallIntegerField(
        _("who may take part"), default=2, help_text=_("The minimum trust level (TrustLevel).")
    )
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    support_threshold = models.PositiveIntegerField(
        _("supports that oblige an answer from the city"), null=True, blank=True
    )
    budget_amount = models.DecimalField(
        _("budget ($)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    results = models.JSONField(null=True, blank=True, editable=False)
    results_computed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        indexes = [
            models.Index(
                fields=["municipality", "status", "-published_at"], name="consultation_muni_status"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_amount__isnull=True) | Q(budget_amount__gt=0),
                name="consultation_budget_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.translated("title")


class Phase(models.Model):
    """A dated step of a consultation; phases of one consultation do not overlap (checked by
    the services) and follow their `position`."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("phase"), max_length=12, choices=PhaseKind.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["consultation", "position", "starts_at"]
        indexes = [models.Index(fields=["consultation", "starts_at"], name="phase_consultation")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="phase_ends_after"
            ),
            models.UniqueConstraint(fields=["consultation", "kind"], name="phase_kind_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.starts_at:%Y-%m-%d} – {self.ends_at:%Y-%m-%d})"

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.starts_at <= now < self.ends_at


class Ballot(models.Model):
    """The record that a person took part in a consultation (a survey answered, a budget
    voted): one per person, by a UNIQUE constraint. It carries no answer and no time."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="ballots")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    age_confirmed = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consultation", "user"], name="ballot_once"),
        ]
        indexes = [models.Index(fields=["user"], name="ballot_user")]

    def __str__(self) -> str:
        return f"{self.consultation_id}:{self.user_id}"


def new_answer_key() -> uuid.UUID:
    """The key of an answer row: random, so that the rows' order says nothing of who or when."""
    return uuid.uuid4()
