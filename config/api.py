"""The one NinjaAPI. Each app's router is mounted here; errors render the same everywhere."""

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from milieu.core.errors import ApplicationError, RateLimited

api = NinjaAPI(
    title="Milieu API",
    version="1",
    description=(
        "The API of Milieu, the community platform for municipalities. Every page has its "
        "operation here, with the same permissions and errors. Errors have the body "
        '`{"error": {"code", "message", "fields"}}`.'
    ),
    urls_namespace="api",
)


def _error(request: HttpRequest, status: int, code: str, message: str, fields=None):
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    return api.create_response(request, body, status=status)


@api.exception_handler(ApplicationError)
def application_error(request, exc: ApplicationError):
    response = _error(request, exc.status_code, exc.code, str(exc.message), exc.extra.get("fields"))
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    fields: dict[str, list[str]] = {}
    for item in exc.errors:
        location = [str(part) for part in item.get("loc", []) if part not in ("body", "payload")]
        fields.setdefault(".".join(location) or "__all__", []).append(item.get("msg", ""))
    return _error(request, 422, "validation", _("Some fields need correcting."), fields)


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    return _error(request, 401, "not_authenticated", _("Log in to use this operation."))


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, "not_found", _("Not found."))


def _mount() -> None:
    from milieu.accounts.api import router as accounts_router
    from milieu.accounts.api_card import router as card_router
    from milieu.accounts.api_identity import router as identity_router
    from milieu.accounts.api_trust import router as trust_router
    from milieu.community.api import routers as community_routers
    from milieu.events.api import router as events_router
    from milieu.exchange.api import router as exchange_router
    from milieu.insights.api import routers as insights_routers
    from milieu.network.api import routers as network_routers
    from milieu.notifications.api import router as notifications_router
    from milieu.notifications.api_alerts import router as alerts_router
    from milieu.participation.api import routers as participation_routers
    from milieu.reports.api import router as reports_router
    from milieu.rewards.api import router as rewards_router
    from milieu.rewards.api_offers import router as offers_router
    from milieu.territory.api import router as territory_router
    from milieu.territory.api_committees import router as committees_router
    from milieu.volunteering.api import routers as volunteering_routers

    api.add_router("/", territory_router)
    api.add_router("/", accounts_router)
    api.add_router("/", identity_router)
    api.add_router("/", card_router)
    api.add_router("/", trust_router)
    api.add_router("/", notifications_router)
    api.add_router("/", alerts_router)
    api.add_router("/", offers_router)
    api.add_router("/", rewards_router)
    for router in community_routers():
        api.add_router("/", router)
    api.add_router("/", exchange_router)
    api.add_router("/", events_router)
    for router in volunteering_routers():
        api.add_router("/", router)
    for router in participation_routers():
        api.add_router("/", router)
    api.add_router("/", reports_router)
    api.add_router("/", committees_router)
    for router in insights_routers():
        api.add_router("/", router)
    for router in network_routers():
        api.add_router("/", router)


_mount()
