import logging

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from milieu.accounts.selectors import home_membership
from milieu.core.http import MilieuRequest
from milieu.territory.selectors import municipality_list, region_list

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request: MilieuRequest) -> JsonResponse:
    """Liveness and readiness: the process answers and the database accepts a query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("healthz: database check failed")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


# Pages that are nobody's business in a search engine: the API, administration, sign-in and the
# pages of one person (their account, card, notifications, rewards, identity) or of staff.
ROBOTS_DISALLOWED_EVERYWHERE = ("/api/", "/admin/", "/oidc/", "/i18n/", "/notifications/")
ROBOTS_DISALLOWED_PER_LANGUAGE = (
    "accounts/",
    "profile/",
    "card/",
    "notifications/",
    "rewards/",
    "*/staff/",
    "*/identity/",
)


@require_GET
@cache_control(public=True, max_age=86400)
def robots_txt(request: MilieuRequest) -> HttpResponse:
    """/robots.txt: public pages (municipalities, regions, districts) may be indexed; the API,
    staff and personal pages may not. Touches no database: it is also the load harness's floor
    (the cost of the middleware stack alone, see docs/performance.md)."""
    lines = ["User-agent: *"]
    lines += [f"Disallow: {path}" for path in ROBOTS_DISALLOWED_EVERYWHERE]
    lines += [
        f"Disallow: /{code}/{path}"
        for code, _name in settings.LANGUAGES
        for path in ROBOTS_DISALLOWED_PER_LANGUAGE
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
def home(request: MilieuRequest) -> HttpResponse:
    """The global entry point: pick a municipality (searchable, works without JavaScript)."""
    query = request.GET.get("q", "").strip()[:100]
    municipalities = list(municipality_list(query=query))
    context = {"municipalities": municipalities, "regions": region_list(), "query": query}
    template = "core/home.html#results" if request.htmx else "core/home.html"
    return render(request, template, context)


def after_login(request: MilieuRequest) -> HttpResponse:
    """Where a login lands: the person's own municipality in their own language."""
    if not request.user.is_authenticated:
        return redirect("account_login")
    language = request.user.preferred_language
    with translation.override(language):
        membership = home_membership(user=request.user)
        if membership is None:
            target = reverse("accounts:profile")
        else:
            target = reverse(
                "territory:municipality_home",
                kwargs={"municipality_slug": membership.municipality.slug},
            )
    response = redirect(target)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    return response
