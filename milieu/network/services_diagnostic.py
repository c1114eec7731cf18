"""Writes of the diagnostic: start a draft, save answers as the team goes, complete it.

One draft at a time per municipality (a database constraint, `diag_one_draft`); completion needs
an answer to every question, then fixes the scores (`questions.score`) and the diagnostic joins
the municipality's history.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from milieu.core.errors import ApplicationError, Conflict, PermissionDenied

from . import versions
from .dimensions import MAX_SCORE
from .models import Diagnostic, DiagnosticAnswer, DiagnosticStatus
from .questions import BY_KEY, QUESTIONS, score


def _check(actor, municipality) -> None:
    if not actor.has_perm("network.run_diagnostic", municipality):
        raise PermissionDenied(_("Only the municipality's staff run its diagnostic."))


def _draft_only(diagnostic: Diagnostic) -> None:
    if diagnostic.status != DiagnosticStatus.DRAFT:
        raise Conflict(_("This diagnostic is completed; start a new one to answer again."))


@transaction.atomic
def diagnostic_start(*, actor, municipality) -> Diagnostic:
    """A new draft; refused (409) while the municipality has one."""
    _check(actor, municipality)
    if Diagnostic.objects.filter(municipality=municipality, status=DiagnosticStatus.DRAFT).exists():
        raise Conflict(_("A diagnostic is already in progress; continue it."))
    try:
        with transaction.atomic():
            return Diagnostic.objects.create(municipality=municipality, started_by=actor)
    except IntegrityError:
        raise Conflict(_("A diagnostic is already in progress; continue it.")) from None


@transaction.atomic
def diagnostic_answer(*, actor, diagnostic: Diagnostic, answers: dict[str, int]) -> int:
    """Save `answers` ({question key: level 0..5}) on a draft; returns how many were saved.
    Unknown questions or levels out of range refuse the whole batch."""
    _check(actor, diagnostic.municipality)
    _draft_only(diagnostic)
    errors: dict[str, list[str]] = {}
    for key, level in answers.items():
        if key not in BY_KEY:
            errors[key] = [_("Unknown question.")]
        elif not isinstance(level, int) or isinstance(level, bool) or not 0 <= level <= MAX_SCORE:
            errors[key] = [_("Choose a level from 0 to 5.")]
    if errors:
        raise ApplicationError(
            _("Please correct the form."), code="validation", extra={"fields": errors}
        )
    now = timezone.now()
    existing = {a.question: a for a in diagnostic.answers.filter(question__in=list(answers))}
    changed, created = [], []
    for key, level in answers.items():
        if key in existing:
            answer = existing[key]
            answer.level, answer.answered_by, answer.answered_at = level, actor, now
            changed.append(answer)
        else:
            created.append(
                DiagnosticAnswer(
                    diagnostic=diagnostic,
                    question=key,
                    level=level,
                    answered_by=actor,
                    answered_at=now,
                )
            )
    DiagnosticAnswer.objects.bulk_create(created)
    DiagnosticAnswer.objects.bulk_update(changed, ["level", "answered_by", "answered_at"])
    return len(answers)


@transaction.atomic
def diagnostic_complete(*, actor, diagnostic: Diagnostic) -> Diagnostic:
    """Complete a draft whose every question is answered: the scores are fixed."""
    _check(actor, diagnostic.municipality)
    diagnostic = Diagnostic.objects.select_for_update().get(pk=diagnostic.pk)
    _draft_only(diagnostic)
    answers = dict(diagnostic.answers.values_list("question", "level"))
    missing = [q.key for q in QUESTIONS if q.key not in answers]
    if missing:
        raise ApplicationError(
            _("Answer every question before completing the diagnostic (%(count)s left).")
            % {"count": len(missing)},
            code="incomplete",
            extra={"fields": {key: [_("This question is not answered.")] for key in missing}},
        )
    diagnostic.scores, diagnostic.overall = score(answers)
    diagnostic.status = DiagnosticStatus.COMPLETED
    diagnostic.completed_at = timezone.now()
    diagnostic.save(update_fields=["scores", "overall", "status", "completed_at"])
    versions.renew_region_plans(diagnostic.municipality.region_id)
    return diagnostic


@transaction.atomic
def diagnostic_discard(*, actor, diagnostic: Diagnostic) -> None:
    """Delete a draft (a completed diagnostic is history and stays)."""
    _check(actor, diagnostic.municipality)
    _draft_only(diagnostic)
    diagnostic.delete()
