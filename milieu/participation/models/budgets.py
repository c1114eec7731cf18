"""Participatory budgets: the projects a consultation of kind `budget` puts to the vote, and
the votes.

Staff describe the projects (title and description in up to three languages, a cost, optionally
a district and a place) while the consultation is a draft. In the voting phase an eligible
person picks projects whose total cost stays within the consultation's `budget_amount`; the
vote is written with the person's `Ballot` in one transaction (the ballot's UNIQUE constraint
makes it once per person). In an open ballot the vote names its author; in a secret one it does
not: a random UUID key, no user and no time. When the consultation closes, the projects are
ranked by votes and funded greedily within the budget (`results_budgets`); `selected` marks the
funded ones.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from milieu.core.mixins import Translated

from .consultations import new_answer_key

__all__ = ["BudgetProject", "BudgetVote", "BudgetVoteItem"]


class BudgetProject(Translated):
    consultation = models.ForeignKey(
        "participation.Consultation", on_delete=models.CASCADE, related_name="budget_projects"
    )
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    description_fr = models.TextField(_("description (French)"), max_length=5000, blank=True)
    description_en = models.TextField(_("description (English)"), max_length=5000, blank=True)
    description_es = models.TextField(_("description (Spanish)"), max_length=5000, blank=True)
    cost = models.DecimalField(_("cost ($)"), max_digits=12, decimal_places=2)
    district = models.ForeignKey(
        "territory.District",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
    place_name = models.CharField(_("place"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    selected = models.BooleanField(_("funded"), default=False, editable=False)

    class Meta:
        ordering = ["consultation", "position", "pk"]
        verbose_name = _("budget project")
        verbose_name_plural = _("budget projects")
        indexes = [
            models.Index(fields=["consultation", "position"], name="budget_project_order"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(cost__gt=0), name="budget_project_cost_positive"),
        ]

    def __str__(self) -> str:
        return self.translated("title")


class BudgetVote(models.Model):
    """One person's choice of projects. `user` is set only in an open ballot; the key is
    random and the row has no time, so a secret vote cannot be traced to its ballot."""

    id = models.UUIDField(primary_key=True, default=new_answer_key, editable=False)
    consultation = models.ForeignKey(
        "participation.Consultation", on_delete=models.CASCADE, related_name="budget_votes"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        indexes = [
            models.Index(fields=["consultation", "user"], name="budget_vote_user"),
        ]

    def __str__(self) -> str:
        return str(self.pk)


class BudgetVoteItem(models.Model):
    """A project chosen in a vote (random key too: an increasing key would tell the order of
    the votes, and so, next to the ballots, who chose what)."""

    id = models.UUIDField(primary_key=True, default=new_answer_key, editable=False)
    vote = models.ForeignKey(BudgetVote, on_delete=models.CASCADE, related_name="items")
    project = models.ForeignKey(BudgetProject, on_delete=models.CASCADE, related_name="vote_items")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["vote", "project"], name="budget_vote_item_once"),
        ]
        indexes = [models.Index(fields=["project"], name="budget_vote_item_project")]

    def __str__(self) -> str:
        return f"{self.vote_id}:{self.project_id}"
