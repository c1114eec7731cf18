"""Every write of recognition: criteria (set by a region or the platform) and their evaluation.

- `criterion_create` / `criterion_update`: the region's consortium administrator for the region's
  criteria, the platform operator for the platform's (`permissions_recognition`). Values arrive
  as plain dicts (a form's or an API payload's) and are checked here, so that pages and API
  refuse the same things with the same messages. A refused write changes nothing.
- `recognition_evaluate`: the daily evaluation (`manage.py award_recognition`). For each criterion
  it evaluates the municipalities of its scope (the region's members, or every municipality for a
  platform criterion) in one go through the criterion's kind, then awards the badge to those who
  meet it, confirms it (with fresh evidence) to those who still do, and lapses it for those who
  no longer do; an inactive criterion's awards lapse. Running it twice the same day changes
  nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from milieu.core.errors import PermissionDenied, field_error
from milieu.core.mixins import LANGUAGE_CODES
from milieu.network import recognition_kinds, versions
from milieu.network.dimensions import Dimension
from milieu.network.models import Award, Criterion
from milieu.territory.models import Municipality, Region

from .permissions_recognition import may_set_criteria

TEXT_FIELDS = ("name", "description")


def _text(values: dict[str, Any], field: str, limit: int) -> str:
    value = str(values.get(field) or "").strip()
    if "\x00" in value:
        raise field_error(field, _("This text contains a character that cannot be stored."))
    if len(value) > limit:
        raise field_error(field, _("At most %(limit)s characters.") % {"limit": limit})
    return value


def _checked(values: dict[str, Any], current: Criterion | None = None) -> dict[str, Any]:
    """The criterion's fields from `values` (missing ones keep `current`'s), checked."""

    def given(field: str, default: Any) -> Any:
        if field in values and values[field] is not None:
            return values[field]
        return default

    clean: dict[str, Any] = {}
    for field, limit in (("name", 120), ("description", 1000)):
        for code in LANGUAGE_CODES:
            key = f"{field}_{code}"
            clean[key] = _text({key: given(key, getattr(current, key, ""))}, key, limit)
    language = str(given("original_language", getattr(current, "original_language", "fr")))
    if language not in LANGUAGE_CODES:
        raise field_error("original_language", _("Choose among French, English and Spanish."))
    if not clean[f"name_{language}"]:
        raise field_error(f"name_{language}", _("Give the badge's name in its original language."))
    clean["original_language"] = language
    kind_key = str(given("kind", getattr(current, "kind", "")))
    kind = recognition_kinds.get(kind_key)
    if kind is None:
        raise field_error("kind", _("Choose what the criterion measures."))
    clean["kind"] = kind_key
    try:
        threshold = float(given("threshold", getattr(current, "threshold", None)))
    except (TypeError, ValueError):
        raise field_error("threshold", _("Give the threshold as a number.")) from None
    if not 0 <= threshold <= kind.maximum:
        raise field_error(
            "threshold",
            _("The threshold is between 0 and %(maximum)s.") % {"maximum": f"{kind.maximum:g}"},
        )
    clean["threshold"] = threshold
    params: dict[str, Any] = {}
    if kind.needs_dimension:
        dimension = given("dimension", (getattr(current, "params", None) or {}).get("dimension"))
        if dimension not in Dimension.values:
            raise field_error("dimension", _("Choose the dimension of the score."))
        params["dimension"] = dimension
    clean["params"] = params
    clean["active"] = bool(given("active", getattr(current, "active", True)))
    return clean


def _require(actor, region: Region | None) -> None:
    if not may_set_criteria(actor, region):
        if region is None:
            raise PermissionDenied(_("Only the platform operator sets the platform's criteria."))
        raise PermissionDenied(
            _("Only the region's consortium administrator sets the region's criteria.")
        )


@transaction.atomic
def criterion_create(*, actor, region: Region | None, values: dict[str, Any]) -> Criterion:
    """A new criterion of `region` (None: of the platform); it is evaluated at the next run."""
    _require(actor, region)
    created = Criterion.objects.create(region=region, created_by=actor, **_checked(values))
    versions.renew_recognition()
    return created


@transaction.atomic
def criterion_update(*, actor, criterion: Criterion, values: dict[str, Any]) -> Criterion:
    """Change a criterion (fields missing from `values` keep their value). Turning it off
    (`active` false) lapses its awards at the next evaluation."""
    criterion = (
        Criterion.objects.select_for_update(of=("self",))
        .select_related("region")
        .get(pk=criterion.pk)
    )
    _require(actor, criterion.region)
    for field, value in _checked(values, criterion).items():
        setattr(criterion, field, value)
    criterion.save()
    versions.renew_recognition()
    return criterion


# --- Evaluation ---------------------------------------------------------------------------------


@dataclass
class Evaluation:
    awarded: int = 0
    confirmed: int = 0
    lapsed: int = 0

    def add(self, other: Evaluation) -> None:
        self.awarded += other.awarded
        self.confirmed += other.confirmed
        self.lapsed += other.lapsed


def recognition_evaluate(*, today: date | None = None, criteria=None) -> Evaluation:
    """Evaluate every criterion (or those of `criteria`), each in its own transaction."""
    now = timezone.now()
    today = today or timezone.localdate(now)
    total = Evaluation()
    queryset = criteria if criteria is not None else Criterion.objects.all()
    for criterion in queryset.order_by("pk"):
        total.add(criterion_evaluate(criterion=criterion, today=today, now=now))
    return total


@transaction.atomic
def criterion_evaluate(*, criterion: Criterion, today: date, now=None) -> Evaluation:
    """Award, confirm and lapse one criterion's badges (see the module's docstring)."""
    now = now or timezone.now()
    criterion = Criterion.objects.select_for_update().get(pk=criterion.pk)
    result = Evaluation()
    current = {
        award.municipality_id: award
        for award in Award.objects.select_for_update().filter(
            criterion=criterion, lapsed_at__isnull=True
        )
    }
    kind = recognition_kinds.get(criterion.kind)
    met: dict[int, dict] = {}
    if criterion.active and kind is not None:
        scope = Municipality.objects.all()
        if criterion.region_id is not None:
            scope = scope.filter(region_id=criterion.region_id)
        ids = list(scope.values_list("pk", flat=True))
        found = kind.evaluate(criterion, ids, today) if ids else {}
        met = {
            municipality_id: evidence
            for municipality_id, evidence in found.items()
            if kind.meets(evidence, criterion.threshold)
        }
    confirmed, lapsed = [], []
    for municipality_id, award in current.items():
        if municipality_id in met:
            award.evidence = met[municipality_id]
            award.confirmed_at = now
            confirmed.append(award)
        else:
            award.lapsed_at = now
            lapsed.append(award)
    Award.objects.bulk_update(confirmed, ["evidence", "confirmed_at"])
    Award.objects.bulk_update(lapsed, ["lapsed_at"])
    new = [m for m in met if m not in current]
    # A badge lost and earned again the same day takes back that day's award.
    revived = {
        award.municipality_id: award
        for award in Award.objects.select_for_update().filter(
            criterion=criterion, municipality_id__in=new, period=today
        )
    }
    for award in revived.values():
        award.lapsed_at = None
        award.evidence = met[award.municipality_id]
        award.confirmed_at = now
    Award.objects.bulk_update(list(revived.values()), ["lapsed_at", "evidence", "confirmed_at"])
    Award.objects.bulk_create(
        [
            Award(
                criterion=criterion,
                municipality_id=municipality_id,
                period=today,
                awarded_at=now,
                confirmed_at=now,
                evidence=met[municipality_id],
            )
            for municipality_id in new
            if municipality_id not in revived
        ]
    )
    criterion.evaluated_at = now
    criterion.save(update_fields=["evaluated_at"])
    versions.renew_recognition()
    result.awarded = len(new)
    result.confirmed = len(confirmed)
    result.lapsed = len(lapsed)
    return result
