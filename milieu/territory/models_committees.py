"""Inter-municipal committees of a region (a consortium such as Idées collectives, or an MRC).

A `Committee` studies one facet of the region's common work (legal and finance, writing,
communication, strategy, product). Each member municipality sits on it through one delegate at
a time: a `CommitteeSeat` is open (`until` empty) while it lasts, and a partial UNIQUE
constraint keeps one open seat per municipality per committee (one representative per city) and
one per person per committee. An ended seat stays as history.

A delegate proposes a `Motion`. It is first put to a vote of equal value, one municipality one
vote (`MotionRound` of kind `equal`); when that vote is contested (a tie or a close result), any
delegate of the committee may ask, once, with a reason, for a vote weighted by each voting
municipality's population (a round of kind `weighted`; UNIQUE(motion, kind) makes "once" a
database fact). Each `MotionVote` keeps the municipality's population at the time it was cast,
so that a published result never moves when populations are updated later; each round keeps its
counts and population sums once closed. The result of the last round is the motion's.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from milieu.core.mixins import LANGUAGE_CODES

__all__ = [
    "Committee",
    "CommitteeSeat",
    "Motion",
    "MotionRound",
    "MotionStatus",
    "MotionVote",
    "RoundKind",
    "RoundOutcome",
    "VoteChoice",
]

LANGUAGE_CHOICES = [(code, code) for code in LANGUAGE_CODES]


class MotionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("motion status", "Voting")
    ADOPTED = "adopted", pgettext_lazy("motion status", "Adopted")
    REJECTED = "rejected", pgettext_lazy("motion status", "Rejected")
    TIED = "tied", pgettext_lazy("motion status", "Tied")
    WITHDRAWN = "withdrawn", pgettext_lazy("motion status", "Withdrawn")


class RoundKind(models.TextChoices):
    EQUAL = "equal", pgettext_lazy("vote round", "Equal vote")
    WEIGHTED = "weighted", pgettext_lazy("vote round", "Vote weighted by population")


class RoundOutcome(models.TextChoices):
    ADOPTED = "adopted", pgettext_lazy("vote outcome", "Adopted")
    REJECTED = "rejected", pgettext_lazy("vote outcome", "Rejected")
    TIED = "tied", pgettext_lazy("vote outcome", "Tied")


class VoteChoice(models.TextChoices):
    YES = "yes", pgettext_lazy("vote choice", "Yes")
    NO = "no", pgettext_lazy("vote choice", "No")
    ABSTAIN = "abstain", pgettext_lazy("vote choice", "Abstain")


class Committee(models.Model):
    region = models.ForeignKey(
        "territory.Region", on_delete=models.PROTECT, related_name="committees"
    )
    slug = models.SlugField(_("web address"), max_length=80)
    name = models.CharField(_("name"), max_length=200)
    purpose = models.TextField(_("purpose"), blank=True)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES, default="fr")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        constraints = [
            models.UniqueConstraint(fields=["region", "slug"], name="committee_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.name


class CommitteeSeat(models.Model):
    """A municipality's seat on a committee, held by one delegate from `since` to `until`."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="seats")
    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.PROTECT, related_name="committee_seats"
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="committee_seats"
    )
    since = models.DateTimeField(default=timezone.now)
    until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["committee", "municipality__name", "-since"]
        verbose_name = _("committee seat")
        verbose_name_plural = _("committee seats")
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "municipality"],
                condition=Q(until__isnull=True),
                name="committee_seat_one_per_city",
            ),
            models.UniqueConstraint(
                fields=["committee", "delegate"],
                condition=Q(until__isnull=True),
                name="committee_seat_one_per_delegate",
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=F("since")),
                name="committee_seat_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["delegate", "until"], name="committee_seat_delegate"),
        ]

    def __str__(self) -> str:
        return f"{self.committee} — {self.municipality}"

    @property
    def is_active(self) -> bool:
        return self.until is None


class Motion(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="motions")
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES, default="fr")
    proposed_by_municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MotionStatus.choices, default=MotionStatus.OPEN
    )
    stage = models.CharField(
        _("current round"), max_length=20, choices=RoundKind.choices, default=RoundKind.EQUAL
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["committee", "-number"]
        verbose_name = _("motion")
        verbose_name_plural = _("motions")
        constraints = [
            models.UniqueConstraint(fields=["committee", "number"], name="motion_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status == MotionStatus.OPEN


class MotionRound(models.Model):
    """One vote on a motion: the equal vote, then possibly the weighted one (once)."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="rounds")
    kind = models.CharField(max_length=20, choices=RoundKind.choices)
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Who asked for the weighted vote, for which municipality, and why.
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    called_by_municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.PROTECT, null=True, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    # The result, recorded when the round closes.
    yes = models.PositiveIntegerField(default=0)
    no = models.PositiveIntegerField(default=0)
    abstain = models.PositiveIntegerField(default=0)
    population_yes = models.PositiveBigIntegerField(default=0)
    population_no = models.PositiveBigIntegerField(default=0)
    population_abstain = models.PositiveBigIntegerField(default=0)
    outcome = models.CharField(max_length=20, choices=RoundOutcome.choices, blank=True)
    contested = models.BooleanField(default=False)

    class Meta:
        ordering = ["motion", "opened_at"]
        verbose_name = _("round of votes")
        verbose_name_plural = _("rounds of votes")
        constraints = [
            models.UniqueConstraint(fields=["motion", "kind"], name="motion_round_once"),
        ]

    def __str__(self) -> str:
        return f"{self.motion} — {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def is_weighted(self) -> bool:
        return self.kind == RoundKind.WEIGHTED

    @property
    def voted(self) -> int:
        return self.yes + self.no + self.abstain

    @property
    def population_voted(self) -> int:
        return self.population_yes + self.population_no + self.population_abstain


class MotionVote(models.Model):
    """A municipality's vote in one round, cast by its delegate: one municipality, one vote."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="votes")
    round = models.CharField(max_length=20, choices=RoundKind.choices)
    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    choice = models.CharField(_("vote"), max_length=10, choices=VoteChoice.choices)
    # The municipality's population when the vote was cast: the weight of a weighted vote.
    population = models.PositiveIntegerField()
    cast_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["motion", "round", "municipality__name"]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(
                fields=["motion", "round", "municipality"], name="motion_vote_one_per_city"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id}: {self.choice}"
