"""The recognition API (tag `recognition`): badges, the towns holding them with the evidence, a
town's badges, and the criteria — with the selectors, services, permissions and errors the pages
use. Reading is public. Writing needs a session: the platform operator sets the platform's
criteria, a region's consortium administrator the region's. A refusal has the shared body
`{"error": {"code", "message", "fields"}}` and changes nothing. Evidence figures go through
`core.smallnumbers`."""

from __future__ import annotations

from ninja import Router, Status
from ninja.security import django_auth

from milieu.core.http import AuthenticatedRequest, MilieuRequest
from milieu.core.schemas import ErrorOut
from milieu.territory import selectors as territory

from . import recognition_kinds
from . import selectors_recognition as selectors
from . import services_recognition as services
from .models import Award, Criterion
from .schemas_recognition import (
    AwardPageOut,
    BadgePageOut,
    CriterionIn,
    CriterionOut,
    CriterionPageOut,
    CriterionPatch,
    KindOut,
    MunicipalityAwardsOut,
)

router = Router(tags=["recognition"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
PAGE = 20


def _page(page: int) -> int:
    return max(1, min(page, 10_000))


def _criterion_out(criterion: Criterion, holder_count: int) -> dict:
    return {
        "id": criterion.pk,
        "region": criterion.region.slug if criterion.region else None,
        "name": criterion.name,
        "description": criterion.description,
        **{
            f"{field}_{code}": getattr(criterion, f"{field}_{code}")
            for field in ("name", "description")
            for code in ("fr", "en", "es")
        },
        "original_language": criterion.original_language,
        "kind": criterion.kind,
        "threshold": criterion.threshold,
        "params": criterion.params or {},
        "active": criterion.active,
        "rule": recognition_kinds.threshold_text(
            criterion.kind, criterion.threshold, criterion.params
        ),
        "holder_count": holder_count,
    }


def _award_out(award: Award, criterion: Criterion | None = None) -> dict:
    criterion = criterion or award.criterion
    evidence = award.evidence or {}
    return {
        "badge": {
            "id": criterion.pk,
            "name": criterion.name,
            "region": criterion.region.slug if criterion.region else None,
        },
        "municipality": {"slug": award.municipality.slug, "name": award.municipality.name},
        "since": award.period,
        "awarded_at": award.awarded_at,
        "confirmed_at": award.confirmed_at,
        "lapsed_at": award.lapsed_at,
        "current": award.lapsed_at is None and criterion.active,
        "evidence": {
            "text": recognition_kinds.describe(evidence),
            "value": recognition_kinds.figure(evidence),
            "basis": recognition_kinds.basis_figure(evidence),
            "unit": evidence.get("unit", ""),
            "source": evidence.get("source", ""),
            "date": evidence.get("date", ""),
            "dimension": evidence.get("dimension"),
        },
    }


@router.get("/recognition/kinds", response={200: list[KindOut]})
def list_kinds(request: MilieuRequest):
    """What a criterion may measure, with the unit and the largest threshold of each."""
    return [
        {
            "key": kind.key,
            "label": str(kind.label),
            "unit": kind.unit,
            "maximum": kind.maximum,
            "needs_dimension": kind.needs_dimension,
        }
        for kind in recognition_kinds.kinds()
    ]


@router.get("/recognition/badges", response={200: BadgePageOut, **ERRORS})
def list_badges(request: MilieuRequest, page: int = 1):
    """The active badges (the platform's first), by pages of 20, each with its holder count and
    its first holders by name, with their evidence."""
    page = _page(page)
    badges = selectors.badge_list()
    chosen = badges[(page - 1) * PAGE : page * PAGE]
    return {
        "items": [
            {
                **_criterion_out(badge, badge.holder_count),  # type: ignore[attr-defined]
                "holders": [
                    _award_out(award, badge)
                    for award in badge.top_holders  # type: ignore[attr-defined]
                ],
            }
            for badge in chosen
        ],
        "next_page": page + 1 if len(badges) > page * PAGE else None,
    }


@router.get("/recognition/badges/{badge_id}/holders", response={200: AwardPageOut, **ERRORS})
def list_holders(request: MilieuRequest, badge_id: int, page: int = 1):
    """The municipalities holding a badge, by name, by pages of 50, with their evidence."""
    page = _page(page)
    badge = selectors.badge_get(criterion_id=badge_id)
    holders, more = selectors.holder_page(criterion=badge, page=page)
    return {
        "items": [_award_out(award, badge) for award in holders],
        "next_page": page + 1 if more else None,
    }


@router.get("/recognition/municipalities/{slug}", response={200: MunicipalityAwardsOut, **ERRORS})
def municipality_awards(request: MilieuRequest, slug: str):
    """A municipality's current badges and its past ones (lapsed, or criterion withdrawn)."""
    municipality = territory.municipality_get(slug=slug)
    current, past = selectors.municipality_awards(municipality=municipality)
    for award in current + past:
        award.municipality = municipality
    return {
        "municipality": {"slug": municipality.slug, "name": municipality.name},
        "current": [_award_out(award) for award in current],
        "past": [_award_out(award) for award in past],
    }


@router.get("/recognition/criteria", response={200: CriterionPageOut, **ERRORS})
def list_criteria(request: MilieuRequest, region: str | None = None, page: int = 1):
    """A region's criteria (`region=<slug>`), or the platform's (no `region`), active first,
    by pages of 20, turned-off ones included."""
    page = _page(page)
    scope = territory.region_get(slug=region) if region else None
    found = list(
        selectors.criterion_list(region=scope, platform=scope is None)[
            (page - 1) * PAGE : page * PAGE + 1
        ]
    )
    return {
        "items": [
            _criterion_out(criterion, criterion.holders)  # type: ignore[attr-defined]
            for criterion in found[:PAGE]
        ],
        "next_page": page + 1 if len(found) > PAGE else None,
    }


def _holders(criterion: Criterion) -> int:
    return criterion.awards.filter(lapsed_at__isnull=True).count()


@router.post("/recognition/criteria", response={201: CriterionOut, **ERRORS}, auth=django_auth)
def create_criterion(request: AuthenticatedRequest, payload: CriterionIn):
    """Create a criterion: of a region (its consortium administrator) or of the platform (the
    platform operator). It is evaluated by the next daily run."""
    values = payload.dict()
    region_slug = values.pop("region", None)
    region = territory.region_get(slug=region_slug) if region_slug else None
    criterion = services.criterion_create(actor=request.user, region=region, values=values)
    return Status(201, _criterion_out(criterion, 0))


@router.patch(
    "/recognition/criteria/{criterion_id}",
    response={200: CriterionOut, **ERRORS},
    auth=django_auth,
)
def update_criterion(request: AuthenticatedRequest, criterion_id: int, payload: CriterionPatch):
    """Change a criterion (only the fields given). `active: false` lapses its awards at the next
    evaluation."""
    criterion = selectors.criterion_get(criterion_id=criterion_id)
    values = {key: value for key, value in payload.dict().items() if value is not None}
    criterion = services.criterion_update(actor=request.user, criterion=criterion, values=values)
    return _criterion_out(criterion, _holders(criterion))
