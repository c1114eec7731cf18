"""Every write of the consultation frame, shared by all kinds: create, edit (phases included),
publish and close a consultation; closing computes the kind's results once and keeps them.

Values arrive as a dict of plain values (a form's `cleaned_data` or an API payload) and are
checked here, so that pages and API refuse the same things with the same messages
(`field_error`, code `validation`). A refused write leaves the database as it was.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from milieu.core.errors import Conflict, field_error
from milieu.core.mixins import LANGUAGE_CODES
from milieu.core.permissions import require

from . import registry
from .models import Ballot, BallotMode, Consultation, ConsultationStatus, Phase

logger = logging.getLogger("milieu.participation")
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_AGE = 120
MAX_BUDGET = Decimal("1000000000")
# What no longer changes once anyone took part: who may take part and how it is counted.
FROZEN = ("ballot_mode", "min_trust", "min_age", "district")


# --- Checking values ----------------------------------------------------------------------------


def _text(values: dict[str, Any], field: str, limit: int) -> str:
    value = str(values.get(field) or "").strip()
    if "\x00" in value:
        raise field_error(field, _("This text contains a character that cannot be stored."))
    if len(value) > limit:
        raise field_error(field, _("At most %(limit)s characters.") % {"limit": limit})
    return value


def _moment(value: Any, field: str) -> datetime:
    if isinstance(value, str):
        try:
            value = parse_datetime(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, datetime):
        raise field_error(field, _("Enter a date and time."))
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise field_error(
            field,
            _("Enter a date between %(first)s and %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
        )
    return value.astimezone(UTC)


def _optional_int(values: dict[str, Any], field: str, low: int, high: int) -> int | None:
    value = values.get(field)
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise field_error(field, _("Enter a whole number.")) from None
    if not low <= number <= high:
        raise field_error(
            field, _("Enter a number between %(low)s and %(high)s.") % {"low": low, "high": high}
        )
    return number


def _kind(values: dict[str, Any]) -> registry.ConsultationKind:
    try:
        return registry.get(str(values.get("kind") or ""))
    except KeyError:
        raise field_error("kind", _("Choose a kind of consultation.")) from None


def _district(values: dict[str, Any], municipality):
    wanted = values.get("district")
    wanted = getattr(wanted, "pk", wanted)
    if wanted in (None, ""):
        return None
    from milieu.territory.models import District

    try:
        return District.objects.get(pk=int(wanted), municipality=municipality)
    except (TypeError, ValueError, District.DoesNotExist):
        raise field_error("district", _("Choose one of the municipality's districts.")) from None


def clean_phases(kind: registry.ConsultationKind, phases: Any) -> list[dict[str, Any]]:
    """The phases as the kind allows them: known kinds of the kind, each once, in the kind's
    order, each ending after it starts, none overlapping the next; the action phase is there."""
    if not isinstance(phases, (list, tuple)):
        raise field_error("phases", _("Give the consultation's phases."))
    clean: list[dict[str, Any]] = []
    for index, item in enumerate(phases):
        if not isinstance(item, dict):
            raise field_error("phases", _("Give the consultation's phases."))
        phase_kind = str(item.get("kind") or "")
        if phase_kind not in kind.phases:
            raise field_error(
                "phases",
                _("A consultation of this kind has no phase “%(phase)s”.") % {"phase": phase_kind},
            )
        starts_at = _moment(item.get("starts_at"), f"phases.{index}.starts_at")
        ends_at = _moment(item.get("ends_at"), f"phases.{index}.ends_at")
        if ends_at <= starts_at:
            raise field_error(f"phases.{index}.ends_at", _("A phase ends after it starts."))
        clean.append({"kind": phase_kind, "starts_at": starts_at, "ends_at": ends_at})
    kinds = [item["kind"] for item in clean]
    if len(set(kinds)) != len(kinds):
        raise field_error("phases", _("Each phase comes once."))
    if kind.action_phase not in kinds:
        raise field_error("phases", _("The consultation needs its phase for taking part."))
    clean.sort(key=lambda item: kind.phases.index(item["kind"]))
    for before, after in pairwise(clean):
        if after["starts_at"] < before["ends_at"]:
            raise field_error(
                "phases", _("The phases follow one another in order, without overlapping.")
            )
    return clean


def _validate(values: dict[str, Any], municipality, kind) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for code in LANGUAGE_CODES:
        clean[f"title_{code}"] = _text(values, f"title_{code}", 200)
        clean[f"description_{code}"] = _text(values, f"description_{code}", 10000)
    written = [code for code in LANGUAGE_CODES if clean[f"title_{code}"]]
    if not written:
        raise field_error("title_fr", _("Give a title in at least one language."))
    chosen = str(values.get("original_language") or "")
    if chosen and chosen not in LANGUAGE_CODES:
        raise field_error("original_language", _("Choose among French, English and Spanish."))
    clean["original_language"] = chosen if chosen in written else written[0]
    clean["district"] = _district(values, municipality)
    ballot_mode = str(values.get("ballot_mode") or BallotMode.OPEN)
    if ballot_mode not in BallotMode.values:
        raise field_error("ballot_mode", _("Choose an open or a secret ballot."))
    clean["ballot_mode"] = ballot_mode
    from milieu.accounts.models import TrustLevel

    min_trust = values.get("min_trust")
    try:
        clean["min_trust"] = (
            TrustLevel.RESIDENT if min_trust in (None, "") else TrustLevel(int(min_trust))
        )
    except (TypeError, ValueError):
        raise field_error("min_trust", _("Choose who may take part.")) from None
    if clean["min_trust"] < TrustLevel.MEMBER:
        raise field_error("min_trust", _("Taking part needs at least a confirmed email address."))
    clean["min_age"] = _optional_int(values, "min_age", 1, MAX_AGE)
    clean["support_threshold"] = _optional_int(values, "support_threshold", 1, 10_000_000)
    budget = values.get("budget_amount")
    if budget in (None, ""):
        clean["budget_amount"] = None
    else:
        try:
            amount = Decimal(str(budget)).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            raise field_error("budget_amount", _("Enter an amount in dollars.")) from None
        if not Decimal("0") < amount < MAX_BUDGET:
            raise field_error("budget_amount", _("Enter an amount in dollars."))
        clean["budget_amount"] = amount
    clean["phases"] = clean_phases(kind, values.get("phases"))
    return clean


def consultation_values(consultation: Consultation) -> dict[str, Any]:
    """A consultation's current values, in the shape the services take (for partial updates)."""
    values: dict[str, Any] = {
        field: getattr(consultation, field)
        for field in (
            *(f"{name}_{code}" for name in ("title", "description") for code in LANGUAGE_CODES),
            "original_language",
            "kind",
            "ballot_mode",
            "min_trust",
            "min_age",
            "support_threshold",
            "budget_amount",
        )
    }
    values["district"] = consultation.district_id
    values["phases"] = [
        {"kind": phase.kind, "starts_at": phase.starts_at, "ends_at": phase.ends_at}
        for phase in consultation.phases.all()
    ]
    return values


def _save_phases(consultation: Consultation, phases: list[dict[str, Any]]) -> None:
    consultation.phases.all().delete()
    Phase.objects.bulk_create(
        Phase(consultation=consultation, position=position, **phase)
        for position, phase in enumerate(phases)
    )


def has_participants(consultation: Consultation) -> bool:
    return Ballot.objects.filter(consultation=consultation).exists()


# --- Consultations ------------------------------------------------------------------------------


@transaction.atomic
def consultation_create(*, actor, municipality, values: dict[str, Any]) -> Consultation:
    """A draft consultation of a registered kind, with its phases."""
    require(
        actor,
        "participation.manage_consultations",
        municipality,
        _("Only the municipality's staff run consultations."),
    )
    kind = _kind(values)
    clean = _validate(values, municipality, kind)
    phases = clean.pop("phases")
    now = timezone.now()
    consultation = Consultation.objects.create(
        municipality=municipality,
        kind=kind.key,
        created_by=actor,
        created_at=now,
        updated_at=now,
        **clean,
    )
    _save_phases(consultation, phases)
    return consultation


@transaction.atomic
def consultation_update(
    *, actor, consultation: Consultation, values: dict[str, Any]
) -> Consultation:
    """Change a draft or published consultation. Its kind never changes; who may take part and
    the ballot mode are frozen once anyone took part."""
    require(actor, "participation.manage_consultation", consultation)
    consultation = (
        Consultation.objects.select_for_update()
        .select_related("municipality")
        .get(pk=consultation.pk)
    )
    if consultation.status == ConsultationStatus.CLOSED:
        raise Conflict(_("This consultation is closed."), code="wrong_state")
    if "kind" in values and str(values["kind"]) != consultation.kind:
        raise field_error("kind", _("The kind of a consultation does not change."))
    current = consultation_values(consultation)
    merged = {**current, **values, "kind": consultation.kind}
    clean = _validate(merged, consultation.municipality, registry.get(consultation.kind))
    if has_participants(consultation):
        for field in FROZEN:
            before = consultation.district_id if field == "district" else current[field]
            after = clean[field].pk if field == "district" and clean[field] else clean[field]
            if before != after:
                raise field_error(
                    field, _("People have taken part already: this no longer changes.")
                )
    phases = clean.pop("phases")
    for field, value in clean.items():
        setattr(consultation, field, value)
    consultation.updated_at = timezone.now()
    consultation.save()
    if phases != current["phases"]:
        _save_phases(consultation, phases)
    return consultation


@transaction.atomic
def consultation_publish(*, actor, consultation: Consultation) -> Consultation:
    require(actor, "participation.manage_consultation", consultation)
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status != ConsultationStatus.DRAFT:
        raise Conflict(_("This consultation is already published."), code="wrong_state")
    if not consultation.phases.exists():
        raise field_error("phases", _("Give the consultation's phases."))
    kind = registry.get(consultation.kind)
    missing = kind.publish_refusal(consultation) if kind.publish_refusal else None
    if missing:
        field, message = next(iter(missing.items()))
        raise field_error(field, message)
    consultation.status = ConsultationStatus.PUBLISHED
    consultation.published_at = consultation.updated_at = timezone.now()
    consultation.save(update_fields=["status", "published_at", "updated_at"])
    return consultation


def compute_results(consultation: Consultation) -> dict:
    kind = registry.get(consultation.kind)
    return kind.compute_results(consultation) if kind.compute_results else {}


def _close(consultation: Consultation, now: datetime) -> Consultation:
    consultation.results = compute_results(consultation)
    consultation.status = ConsultationStatus.CLOSED
    consultation.closed_at = consultation.results_computed_at = consultation.updated_at = now
    consultation.save(
        update_fields=["results", "status", "closed_at", "results_computed_at", "updated_at"]
    )
    return consultation


@transaction.atomic
def consultation_close(*, actor, consultation: Consultation, now=None) -> Consultation:
    """Close a published consultation: nobody takes part any more, and its results are computed
    once (by its kind) and kept on it."""
    require(actor, "participation.manage_consultation", consultation)
    consultation = (
        Consultation.objects.select_for_update()
        .select_related("municipality")
        .get(pk=consultation.pk)
    )
    if consultation.status != ConsultationStatus.PUBLISHED:
        raise Conflict(_("Only a published consultation closes."), code="wrong_state")
    return _close(consultation, now or timezone.now())


def consultations_close_due(*, now=None, batch: int = 200) -> int:
    """Close the published consultations whose last phase for taking part has ended (a task or
    `manage.py close_consultations`); how many were closed."""
    now = now or timezone.now()
    done = 0
    ended = Phase.objects.filter(ends_at__lte=now).values("consultation_id")
    candidates = Consultation.objects.filter(
        status=ConsultationStatus.PUBLISHED, pk__in=ended
    ).order_by("pk")
    for consultation in candidates.prefetch_related("phases")[:batch]:
        try:
            kind = registry.get(consultation.kind)
        except KeyError:
            continue
        action = next((p for p in consultation.phases.all() if p.kind == kind.action_phase), None)
        if action is None or action.ends_at > now:
            continue
        with transaction.atomic():
            locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
            if locked.status != ConsultationStatus.PUBLISHED:
                continue
            _close(locked, now)
            done += 1
            logger.info("consultation %s closed", locked.pk)
    return done
