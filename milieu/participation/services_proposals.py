"""Every write of the proposals part: submit, edit and withdraw an idea; support it and take the
support back; the city's answer, status and moderation.

Values arrive as a dict of plain values (a form's `cleaned_data` or an API payload) and are
checked here, so that the pages and the API refuse the same things with the same messages. A
refused write leaves the database as it was.

Supports. A `Support` row is `UNIQUE (proposal, user)`: a second support fails on the constraint
(a `Conflict`, "You already support this idea.") and writes nothing. The proposal's
`support_count` moves in the same transaction by an `F()` update. The support that brings the
count to the consultation's threshold sets `threshold_reached_at` by a conditional update (only
while it is empty), so that the municipality's staff and the author are told exactly once, even
when two people support at the same moment. Taking a support back lowers the count, but the
city's commitment stays: once reached, the threshold is never "unreached".
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from milieu.core import ratelimit
from milieu.core.errors import Conflict, NotFound, PermissionDenied, field_error
from milieu.core.permissions import require
from milieu.core.ratelimit import Limit
from milieu.notifications.services import notify_after_commit

from . import eligibility
from .models import Consultation, Proposal, ProposalStatus, Support
from .models.proposals import ANSWERED_STATUSES, OPEN_PROPOSAL_STATUSES
from .permissions_proposals import KIND, MODULE

TOPIC = "participation"
LANGUAGE_CODES = ("fr", "en", "es")
LIMITS = {
    "submit": [Limit(5, 3600), Limit(20, 86_400)],
    "support": [Limit(120, 3600), Limit(500, 86_400)],
}
# The statuses staff may give; an answer (with its text) for the last three.
STAFF_STATUSES = (ProposalStatus.UNDER_REVIEW, *ANSWERED_STATUSES)


# --- Checking values ----------------------------------------------------------------------------


def _text(values: dict[str, Any], field: str, limit: int, *, required: bool = False) -> str:
    value = str(values.get(field) or "").strip()
    if "\x00" in value:
        raise field_error(field, _("This text contains a character that cannot be stored."))
    if len(value) > limit:
        raise field_error(field, _("At most %(limit)s characters.") % {"limit": limit})
    if required and not value:
        raise field_error(field, _("This field is required."))
    return value


def _language(values: dict[str, Any], field: str) -> str:
    from django.utils.translation import get_language

    value = str(values.get(field) or (get_language() or "fr")[:2])
    if value not in LANGUAGE_CODES:
        raise field_error(field, _("Choose among French, English and Spanish."))
    return value


def _district(values: dict[str, Any], consultation: Consultation):
    wanted = values.get("district")
    if wanted in (None, ""):
        return None
    from milieu.territory.models import District

    key = getattr(wanted, "pk", wanted)
    found = (
        District.objects.filter(municipality_id=consultation.municipality_id)
        .filter(**({"pk": key} if str(key).isdigit() else {"slug": str(key)}))
        .first()
    )
    if found is None:
        raise field_error("district", _("Choose a district of the municipality."))
    return found


def _validate(values: dict[str, Any], consultation: Consultation) -> dict[str, Any]:
    title = _text(values, "title", 200, required=True)
    if len(title) < 5:
        raise field_error("title", _("Give your idea a title of at least 5 characters."))
    body = _text(values, "body", 5000, required=True)
    if len(body) < 20:
        raise field_error("body", _("Describe your idea in at least 20 characters."))
    return {
        "title": title,
        "body": body,
        "language": _language(values, "language"),
        "district": _district(values, consultation),
        "place_name": _text(values, "place_name", 200),
    }


def proposal_values(proposal: Proposal) -> dict[str, Any]:
    """A proposal's current values, in the shape the services take (for a partial update)."""
    return {
        "title": proposal.title,
        "body": proposal.body,
        "language": proposal.language,
        "district": proposal.district_id,
        "place_name": proposal.place_name,
    }


def _call(consultation: Consultation) -> Consultation:
    """The consultation, with its phases read once, when it is a call for proposals of a
    municipality that has the module on."""
    from milieu.core import modules

    consultation = (
        Consultation.objects.select_related("municipality", "district")
        .prefetch_related("phases")
        .get(pk=consultation.pk)
    )
    if consultation.kind != KIND or not modules.is_enabled(consultation.municipality, MODULE):
        raise NotFound(_("This call for proposals does not exist."))
    return consultation


def _locked(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("consultation", "municipality")
        .get(pk=proposal.pk)
    )


# --- Notifications ------------------------------------------------------------------------------


def _tell(*, user_id: int, key: str, title, proposal: Proposal) -> None:
    notify_after_commit(
        user_id=user_id,
        topic=TOPIC,
        key=key,
        title=title,
        url_name="participation:proposal",
        url_kwargs={"municipality_slug": proposal.municipality.slug, "proposal_id": proposal.pk},
        municipality=proposal.municipality,
    )


def staff_ids(municipality) -> list[int]:
    """The active staff and administrators of `municipality` (who answer its proposals)."""
    from milieu.accounts.models import STAFF_ROLES, RoleAssignment

    return sorted(
        set(
            RoleAssignment.objects.active()
            .filter(municipality=municipality, role__in=list(STAFF_ROLES), user__is_active=True)
            .values_list("user_id", flat=True)
        )
    )


def _threshold_reached(proposal: Proposal) -> None:
    title = proposal.title
    threshold = proposal.consultation.support_threshold
    for user_id in staff_ids(proposal.municipality):
        _tell(
            user_id=user_id,
            key=f"proposals:threshold:{proposal.pk}",
            title=lambda: (
                _("“%(title)s” reached %(count)s supports: the city must answer it.")
                % {"title": title, "count": threshold}
            ),
            proposal=proposal,
        )
    if proposal.author_id is not None:
        _tell(
            user_id=proposal.author_id,
            key=f"proposals:threshold:{proposal.pk}",
            title=lambda: (
                _("Your idea “%(title)s” reached %(count)s supports: the city will answer it.")
                % {"title": title, "count": threshold}
            ),
            proposal=proposal,
        )


# --- Submitting, editing, withdrawing -----------------------------------------------------------


@transaction.atomic
def proposal_submit(*, actor, consultation: Consultation, values: dict[str, Any]) -> Proposal:
    """An idea submitted to a call for proposals during its submission phase."""
    consultation = _call(consultation)
    eligibility.require_eligible(
        actor, consultation, age_confirmed=bool(values.get("age_confirmed"))
    )
    clean = _validate(values, consultation)
    ratelimit.hit("participation.proposal", actor.pk, limits=LIMITS["submit"])
    now = timezone.now()
    return Proposal.objects.create(
        consultation=consultation,
        municipality=consultation.municipality,
        author=actor,
        created_at=now,
        updated_at=now,
        **clean,
    )


@transaction.atomic
def proposal_update(*, actor, proposal: Proposal, values: dict[str, Any]) -> Proposal:
    """The author changes the idea while the phase is open and nobody has supported it."""
    proposal = _locked(proposal)
    if proposal.author_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("Only the idea's author changes it."))
    consultation = _call(proposal.consultation)
    eligibility.require_eligible(actor, consultation, age_confirmed=True)
    if proposal.status != ProposalStatus.SUBMITTED:
        raise Conflict(_("This idea can no longer be changed."), code="wrong_state")
    if proposal.support_count > 0:
        raise Conflict(
            _("People already support this idea: it can no longer be changed."),
            code="already_supported",
        )
    clean = _validate({**proposal_values(proposal), **values}, consultation)
    for field, value in clean.items():
        setattr(proposal, field, value)
    proposal.updated_at = timezone.now()
    proposal.save(update_fields=[*clean, "updated_at"])
    return proposal


@transaction.atomic
def proposal_withdraw(*, actor, proposal: Proposal) -> Proposal:
    """The author withdraws the idea until the city answers it; its supports stay counted."""
    proposal = _locked(proposal)
    require(
        actor,
        "participation.withdraw_proposal",
        proposal,
        _("Only the author withdraws an idea, until the city answers it."),
    )
    proposal.status = ProposalStatus.WITHDRAWN
    proposal.updated_at = timezone.now()
    proposal.save(update_fields=["status", "updated_at"])
    return proposal


# --- Supports -----------------------------------------------------------------------------------


def support_add(*, actor, proposal: Proposal) -> Proposal:
    """Support an idea once, during the submission phase; returns the proposal as it is now."""
    try:
        return _support(actor, proposal)
    except IntegrityError:  # the same person, twice at once
        raise Conflict(_("You already support this idea."), code="already_supported") from None


@transaction.atomic
def _support(actor, proposal: Proposal) -> Proposal:
    proposal = Proposal.objects.select_related("consultation", "municipality").get(pk=proposal.pk)
    consultation = _call(proposal.consultation)
    eligibility.require_eligible(actor, consultation, age_confirmed=True)
    if proposal.author_id == actor.pk:
        raise PermissionDenied(_("You cannot support your own idea."), code="own_proposal")
    if proposal.hidden_at is not None or proposal.status not in OPEN_PROPOSAL_STATUSES:
        raise Conflict(_("This idea can no longer be supported."), code="wrong_state")
    ratelimit.hit("participation.support", actor.pk, limits=LIMITS["support"])
    try:
        with transaction.atomic():
            Support.objects.create(proposal=proposal, user=actor)
    except IntegrityError:
        raise Conflict(_("You already support this idea."), code="already_supported") from None
    Proposal.objects.filter(pk=proposal.pk).update(support_count=F("support_count") + 1)
    proposal.refresh_from_db(fields=["support_count", "threshold_reached_at"])
    threshold = consultation.support_threshold
    if threshold and proposal.support_count >= threshold and proposal.threshold_reached_at is None:
        now = timezone.now()
        reached = Proposal.objects.filter(pk=proposal.pk, threshold_reached_at__isnull=True).update(
            threshold_reached_at=now
        )
        if reached:
            proposal.threshold_reached_at = now
            proposal.consultation = consultation
            _threshold_reached(proposal)
    return proposal


@transaction.atomic
def support_remove(*, actor, proposal: Proposal) -> Proposal:
    """Take one's support back while the submission phase is open."""
    proposal = Proposal.objects.select_related("consultation", "municipality").get(pk=proposal.pk)
    consultation = _call(proposal.consultation)
    eligibility.require_eligible(actor, consultation, age_confirmed=True)
    deleted, _rows = Support.objects.filter(proposal=proposal, user=actor).delete()
    if not deleted:
        raise Conflict(_("You do not support this idea."), code="not_supported")
    Proposal.objects.filter(pk=proposal.pk).update(support_count=F("support_count") - 1)
    proposal.refresh_from_db(fields=["support_count"])
    return proposal


# --- The city's answer and moderation -----------------------------------------------------------


@transaction.atomic
def proposal_answer(
    *, actor, proposal: Proposal, status: str, answer: str, language: str = ""
) -> Proposal:
    """The city's official answer: a status and a text, dated and signed by the municipality;
    the author and every supporter are told. Answering again replaces the answer."""
    proposal = _locked(proposal)
    require(
        actor,
        "participation.answer_proposal",
        proposal,
        _("Only the municipality's staff answer ideas."),
    )
    if status not in ANSWERED_STATUSES and status != ProposalStatus.UNDER_REVIEW:
        raise field_error("status", _("Choose an official status."))
    if proposal.status == ProposalStatus.WITHDRAWN:
        raise Conflict(_("This idea was withdrawn by its author."), code="wrong_state")
    text = _text({"answer": answer}, "answer", 5000, required=True)
    language = _language({"language": language}, "language")
    now = timezone.now()
    proposal.status = status
    proposal.answer = text
    proposal.answer_language = language
    proposal.answered_by = actor
    proposal.answered_at = now
    proposal.updated_at = now
    proposal.save(
        update_fields=[
            "status",
            "answer",
            "answer_language",
            "answered_by",
            "answered_at",
            "updated_at",
        ]
    )
    title = proposal.title
    people = set(Support.objects.filter(proposal=proposal).values_list("user_id", flat=True))
    if proposal.author_id is not None:
        people.add(proposal.author_id)
    for user_id in sorted(people):
        _tell(
            user_id=user_id,
            key=f"proposals:answer:{proposal.pk}:{now.timestamp():.0f}",
            title=lambda: _("The city answered the idea “%(title)s”.") % {"title": title},
            proposal=proposal,
        )
    return proposal


@transaction.atomic
def proposal_status_set(*, actor, proposal: Proposal, status: str) -> Proposal:
    """Staff move an idea to a status without a new answer (e.g. under review, implemented
    after it was accepted); the author is told."""
    proposal = _locked(proposal)
    require(
        actor,
        "participation.answer_proposal",
        proposal,
        _("Only the municipality's staff answer ideas."),
    )
    if status not in STAFF_STATUSES:
        raise field_error("status", _("Choose an official status."))
    if proposal.status == ProposalStatus.WITHDRAWN:
        raise Conflict(_("This idea was withdrawn by its author."), code="wrong_state")
    if status in ANSWERED_STATUSES and not proposal.answer:
        raise field_error("status", _("Give the city's answer with this status."))
    if proposal.status == status:
        return proposal
    now = timezone.now()
    proposal.status = status
    proposal.updated_at = now
    proposal.save(update_fields=["status", "updated_at"])
    if proposal.author_id is not None:
        title, label = proposal.title, ProposalStatus(status).label
        _tell(
            user_id=proposal.author_id,
            key=f"proposals:status:{proposal.pk}:{status}:{now.timestamp():.0f}",
            title=lambda: (
                _("Your idea “%(title)s” is now: %(status)s.")
                % {"title": title, "status": str(label)}
            ),
            proposal=proposal,
        )
    return proposal


@transaction.atomic
def proposal_hide(*, actor, proposal: Proposal, reason: str) -> Proposal:
    """Staff hide an idea from every public list; its author is told, with the reason."""
    proposal = _locked(proposal)
    require(
        actor,
        "participation.moderate_proposal",
        proposal,
        _("Only the municipality's staff moderate ideas."),
    )
    reason = _text({"reason": reason}, "reason", 500, required=True)
    if proposal.hidden_at is not None:
        raise Conflict(_("This idea is already hidden."), code="wrong_state")
    proposal.hidden_at = timezone.now()
    proposal.hidden_reason = reason
    proposal.hidden_by = actor
    proposal.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])
    if proposal.author_id is not None:
        title = proposal.title
        _tell(
            user_id=proposal.author_id,
            key=f"proposals:hidden:{proposal.pk}:{proposal.hidden_at.timestamp():.0f}",
            title=lambda: (
                _("Your idea “%(title)s” was hidden by the municipality: %(reason)s")
                % {"title": title, "reason": reason}
            ),
            proposal=proposal,
        )
    return proposal


@transaction.atomic
def proposal_unhide(*, actor, proposal: Proposal) -> Proposal:
    proposal = _locked(proposal)
    require(
        actor,
        "participation.moderate_proposal",
        proposal,
        _("Only the municipality's staff moderate ideas."),
    )
    if proposal.hidden_at is None:
        raise Conflict(_("This idea is not hidden."), code="wrong_state")
    proposal.hidden_at = None
    proposal.hidden_reason = ""
    proposal.hidden_by = None
    proposal.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])
    return proposal
