"""The moderation API: a municipality's netiquette (read, accept; moderators publish), reports,
and the moderators' queue, decisions, log and suspensions. The same services, permissions and
errors as the pages."""

from django.utils.translation import get_language
from ninja import Query, Router, Status
from ninja.security import django_auth

from milieu.core.http import AuthenticatedRequest, MilieuRequest
from milieu.core.schemas import ErrorOut
from milieu.territory.models import Municipality
from milieu.territory.selectors import municipality_get

from . import netiquette
from .models import ModerationAction, NetiquetteAcceptance, Report, Suspension
from .schemas_moderation import (
    AcceptanceOut,
    ActionIn,
    ActionOut,
    ActionPageOut,
    NetiquetteIn,
    NetiquetteOut,
    NetiquettePublishedOut,
    ReportCreatedOut,
    ReportDetailOut,
    ReportIn,
    ReportPageOut,
    SuspensionPageOut,
    one_of,
)
from .selectors import moderation as selectors
from .services import moderation as services

router = Router(tags=["community"], auth=django_auth)
ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}


def _community(slug: str) -> Municipality:
    return municipality_get(slug=slug, module="community")


def person_out(user) -> dict | None:
    if user is None:
        return None
    profile = getattr(user, "community_profile", None)
    return {"id": user.pk, "name": user.display_name, "handle": profile.handle if profile else None}


def report_out(report: Report, *, with_snapshot: bool) -> dict:
    private = report.target.startswith("message:")
    return {
        "id": report.pk,
        "target": report.target,
        "reason": report.reason,
        "details": report.details,
        "status": report.status,
        "created_at": report.created_at,
        "closed_at": report.closed_at,
        "reporter": person_out(report.reporter),
        "subject": person_out(report.subject),
        "snapshot": report.snapshot if with_snapshot or not private else None,
    }


def action_out(action: ModerationAction) -> dict:
    return {
        "id": action.pk,
        "action": action.action,
        "target": action.target,
        "reason": action.reason,
        "created_at": action.created_at,
        "moderator": person_out(action.moderator),
        "subject": person_out(action.subject),
        "report_id": action.report_id,
    }


def suspension_out(suspension: Suspension) -> dict:
    return {
        "id": suspension.pk,
        "person": person_out(suspension.user),
        "reason": suspension.reason,
        "starts_at": suspension.starts_at,
        "ends_at": suspension.ends_at,
        "lifted_at": suspension.lifted_at,
    }


# --- Netiquette and reports (everyone) ------------------------------------------------------------


@router.get(
    "/municipalities/{slug}/community/netiquette",
    response={200: NetiquetteOut, 404: ErrorOut},
    auth=None,
)
def get_netiquette(request: MilieuRequest, slug: str):
    """The municipality's netiquette in force, in the language of the request (French when it
    is not written in it), and whether I accepted it."""
    municipality = _community(slug)
    current = netiquette.current(municipality)
    language = get_language() or "fr"
    accepted = None
    if request.user.is_authenticated:
        accepted = NetiquetteAcceptance.objects.filter(
            user=request.user, municipality=municipality, version=current.version
        ).exists()
    return {
        "version": current.version,
        "language": language if not current.texts or current.texts.get(language) else "fr",
        "text": current.text(language),
        "rules": current.rules,
        "accepted": accepted,
    }


@router.post(
    "/municipalities/{slug}/community/netiquette/accept",
    response={200: AcceptanceOut, **ERRORS},
)
def accept_netiquette(request: AuthenticatedRequest, slug: str):
    """I accept the netiquette in force (again: nothing changes)."""
    acceptance = services.netiquette_accept(actor=request.user, municipality=_community(slug))
    return {"version": acceptance.version, "accepted_at": acceptance.accepted_at}


@router.post("/municipalities/{slug}/community/reports", response={201: ReportCreatedOut, **ERRORS})
def create_report(request: AuthenticatedRequest, slug: str, payload: ReportIn):
    """Report a post, comment, message or person to the moderators. Content goes to its own
    municipality's moderators; a person to those of `{slug}` (a municipality we share)."""
    municipality = _community(slug)
    report = services.report_create(
        actor=request.user,
        target=payload.target,
        reason=payload.reason,
        details=payload.details,
        municipality=municipality if payload.target.strip().startswith("person:") else None,
    )
    return Status(
        201,
        {
            "id": report.pk,
            "target": report.target,
            "reason": report.reason,
            "status": report.status,
            "municipality": report.municipality.slug,
            "created_at": report.created_at,
        },
    )


# --- Moderators -----------------------------------------------------------------------------------


@router.get("/municipalities/{slug}/moderation/reports", response={200: ReportPageOut, **ERRORS})
def list_reports(
    request: AuthenticatedRequest,
    slug: str,
    status: str | None = Query(None, pattern=one_of(Report.Status)),
    reason: str | None = Query(None, pattern=one_of(Report.Reason)),
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0),
):
    """The reports of the municipality, open ones first, then the oldest first (moderators).
    A private message's text is left out here (it is in the report, whose reading is logged)."""
    qs = selectors.report_list(
        visible_to=request.user,
        municipality=municipality_get(slug=slug),
        status=status or "",
        reason=reason or "",
    )
    return {
        "items": [report_out(r, with_snapshot=False) for r in qs[offset : offset + limit]],
        "count": qs.count(),
    }


@router.get(
    "/municipalities/{slug}/moderation/reports/{report_id}",
    response={200: ReportDetailOut, **ERRORS},
)
def get_report(request: AuthenticatedRequest, slug: str, report_id: int):
    """One report with what a moderator needs to decide (moderators; reading a reported
    private message is logged)."""
    file = selectors.report_file(
        visible_to=request.user, municipality=municipality_get(slug=slug), report_id=report_id
    )
    live = None
    if file.live is not None:
        obj = file.live.obj
        hidden_at = getattr(obj, "hidden_at", None)
        live = {
            "kind": file.live.kind,
            "text": file.live.text,
            "hidden": hidden_at is not None,
            "hidden_reason": getattr(obj, "hidden_reason", "") or "",
        }
    return {
        **report_out(file.report, with_snapshot=True),
        "live": live,
        "history": [action_out(a) for a in file.history],
        "other_open_reports": [report_out(r, with_snapshot=False) for r in file.other_reports],
        "suspension": suspension_out(file.suspension) if file.suspension else None,
    }


@router.post("/municipalities/{slug}/moderation/actions", response={201: ActionOut, **ERRORS})
def create_action(request: AuthenticatedRequest, slug: str, payload: ActionIn):
    """A moderator's decision: `hide` or `restore` content, `warn`, `suspend` (until `until`,
    or without end) or `lift` a suspension, `dismiss` the reports on a target. The reason is
    shown to the person; the open reports on the target are closed."""
    municipality = municipality_get(slug=slug)
    report = None
    if payload.report_id is not None:
        report = selectors.report_get(
            visible_to=request.user, municipality=municipality, report_id=payload.report_id
        )
    record = services.moderation_act(
        actor=request.user,
        municipality=municipality,
        action=payload.action,
        target=payload.target,
        reason=payload.reason,
        report=report,
        until=payload.until,
    )
    return Status(201, action_out(record))


@router.get("/municipalities/{slug}/moderation/actions", response={200: ActionPageOut, **ERRORS})
def list_actions(
    request: AuthenticatedRequest,
    slug: str,
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0),
):
    """The log of the moderators' decisions, newest first (moderators)."""
    qs = selectors.action_list(visible_to=request.user, municipality=municipality_get(slug=slug))
    return {"items": [action_out(a) for a in qs[offset : offset + limit]], "count": qs.count()}


@router.get(
    "/municipalities/{slug}/moderation/suspensions", response={200: SuspensionPageOut, **ERRORS}
)
def list_suspensions(
    request: AuthenticatedRequest,
    slug: str,
    active: bool = True,
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0),
):
    """Suspensions in force (`active=false`: the ended and lifted ones), newest first."""
    qs = selectors.suspension_list(
        visible_to=request.user, municipality=municipality_get(slug=slug), active=active
    )
    return {"items": [suspension_out(s) for s in qs[offset : offset + limit]], "count": qs.count()}


@router.post(
    "/municipalities/{slug}/moderation/netiquette",
    response={201: NetiquettePublishedOut, **ERRORS},
)
def publish_netiquette(request: AuthenticatedRequest, slug: str, payload: NetiquetteIn):
    """Publish a new version of the netiquette (moderators; French required). Everyone accepts
    it again before they next speak."""
    published = services.netiquette_publish(
        actor=request.user, municipality=municipality_get(slug=slug), **payload.dict()
    )
    return Status(201, {"version": published.version, "published_at": published.published_at})
