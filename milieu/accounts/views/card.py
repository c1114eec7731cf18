"""The citizen card: my card, the verifier (public), their service worker and web app manifest,
and the documents published under /.well-known/citizen-card/ (JWKS, revocation list).

The verifier checks cards in the browser (`static/js/card-verifier.js`, offline once synced);
without JavaScript its form posts here and the server gives the same verdict.
"""

import hashlib
import json
import re
from contextlib import suppress
from datetime import UTC, datetime
from typing import Any

import zxingcpp
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from milieu.accounts import card, selectors, services
from milieu.accounts.services.card import CARD_REUSE_SECONDS
from milieu.core import pagecache
from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import AuthenticatedRequest, MilieuRequest

JWKS_MAX_AGE = 300  # seconds a verifier or proxy may keep the keys without asking again
REVOCATIONS_MAX_AGE = 60
MAX_POSTED_TOKEN = 8192
HTMX_SCRIPT = "django_htmx/htmx-2.min.js"  # what `{% htmx_script %}` loads in base.html
SW_CACHE_VERSION = "1"  # bump to drop every cached copy when the caching rules change


QR_QUIET_ZONE = 4  # modules of white around the code, as ISO/IEC 18004 asks
DARK_RUN = re.compile(b"\x00+")


def qr_svg(token: str) -> SafeString:
    """The token as an inline SVG QR code (black on white, 288 px, scaled from its viewBox).

    Error correction L: a screen stays clean, and fewer, larger modules scan more easily from
    one phone to another. Encoded by ZXing's C++ encoder (`zxing-cpp`, about 2 ms for a card;
    a pure-Python encoder took 9), then written as one path of horizontal runs of dark modules.
    """
    barcode = zxingcpp.create_barcode(token, zxingcpp.BarcodeFormat.QRCode, ec_level="L")
    image = memoryview(barcode.to_image(scale=1, add_quiet_zones=False))  # one byte, 0: dark
    size = image.shape[0] if image.shape else 0
    pixels = image.tobytes()
    # One stroke per horizontal run of dark modules, through the middle of its row, each move
    # relative to where the previous run ended (the shortest path text). The runs are found
    # by the regular-expression engine, row by row (a loop over the modules took 1.5 ms).
    path, pen_x, pen_y = [], 0, 0
    for y in range(size):
        for run in DARK_RUN.finditer(pixels, y * size, (y + 1) * size):
            start, end = run.start() - y * size, run.end() - y * size
            path.append(f"m{start - pen_x} {y - pen_y}h{end - start}")
            pen_x, pen_y = end, y
    side = size + 2 * QR_QUIET_ZONE
    return mark_safe(  # noqa: S308 - numbers only
        f'<svg width="288" height="288" shape-rendering="crispEdges" aria-hidden="true" '
        f'class="card-qr" viewBox="0 0 {side} {side}" xmlns="http://www.w3.org/2000/svg">'
        f'<rect width="{side}" height="{side}" fill="#fff"/>'
        f'<path stroke="#000" d="M{QR_QUIET_ZONE} {QR_QUIET_ZONE + 0.5}{"".join(path)}"/></svg>'
    )


def qr_svg_cached(citizen_card: services.CitizenCard) -> SafeString:
    """The card's QR code, drawn once for as long as the card is reused."""
    key = f"accounts:card-qr:v1:{citizen_card.claims['jti']}"
    svg = cache.get(key)
    if svg is None:
        svg = qr_svg(citizen_card.token)
        cache.set(key, str(svg), CARD_REUSE_SECONDS)
    return mark_safe(svg)  # noqa: S308 - qr_svg's markup: numbers only


@never_cache
@login_required
@require_GET
def card_detail(request: AuthenticatedRequest) -> HttpResponse:
    """My citizen card: name, municipality, citizen id, validity and the signed QR code."""
    context: dict[str, Any] = {"identity_url": reverse("accounts:identity")}
    try:
        citizen_card = services.citizen_card_current(actor=request.user)
    except NotFound:
        context["reason"] = "no_citizen_id"
        context["expired_id"] = selectors.card_citizen_id_expired(user=request.user)
        context["home"] = home = selectors.home_membership(user=request.user)
        if home is not None:
            with suppress(NoReverseMatch):  # unless the verification pages are not mounted
                context["verify_url"] = reverse(
                    "accounts_identity:index", kwargs={"municipality_slug": home.municipality.slug}
                )
    except ApplicationError as error:
        context["reason"] = error.code
        context["message"] = error.message
    else:
        # Kept rendered for as long as the card is reused (`core.pagecache`): the page shows the
        # signed card and its municipality's name, nothing else about the person.
        response = pagecache.render_page(
            request,
            "accounts/card_detail.html",
            lambda: (
                context
                | {
                    "card": citizen_card,
                    "citizen_id": citizen_card.citizen_id,
                    "qr": qr_svg_cached(citizen_card),
                }
            ),
            vary=(
                citizen_card.claims["jti"],
                citizen_card.citizen_id.municipality.name,
            ),
            per_person=True,
        )
        patch_vary_headers(response, ["Cookie"])
        return response
    response = render(request, "accounts/card_detail.html", context)
    patch_vary_headers(response, ["Cookie"])
    return response


def _verdict(token: str) -> dict[str, Any]:
    try:
        verified = selectors.card_verify(token=token)
    except card.CardError as error:
        return {"valid": False, "code": error.code, "message": error.message}
    return {
        "valid": True,
        "code": "valid",
        "claims": verified.claims,
        "municipality_name": verified.municipality.name,
        "expires_at": datetime.fromtimestamp(verified.claims["exp"], tz=UTC),
    }


def verifier_messages() -> dict[str, str]:
    """Everything the verifier script says, in the page's language."""
    messages = {error.code: str(error.default_message) for error in card.CARD_ERRORS}
    messages.update(
        {
            "valid_title": _("Valid card"),
            "invalid_title": _("Card refused"),
            "name": _("Name"),
            "municipality": _("Municipality"),
            "citizen_id": _("Citizen id"),
            "valid_until": _("Valid until"),
            "checked_here": _("Checked on this device, without the network."),
            "empty": _("Paste or scan a card code."),
            "checking": _("Checking…"),
            "no_keys": _(
                "This device has no keys yet: connect to the Internet once and update the keys."
            ),
            "never_synced": _("Keys not downloaded yet."),
            "synced": _("Keys and revocation list of %(time)s."),
            "syncing": _("Updating the keys…"),
            "sync_failed": _("Could not update the keys (no network?)."),
            "scan": _("Scan with the camera"),
            "scan_stop": _("Stop the camera"),
            "scanning": _("Point the camera at the card's QR code."),
            "camera_error": _("The camera could not be used. Paste the code instead."),
            "server_fallback": _("This browser cannot check cards itself; the server checks them."),
        }
    )
    return messages


@require_http_methods(["GET", "POST"])
def card_verifier(request: MilieuRequest) -> HttpResponse:
    """The verifier for merchants and partners. Public; works offline with JavaScript, and
    without JavaScript through this view."""
    token = ""
    verdict = None
    error = None
    status = 200
    if request.method == "POST":
        token = request.POST.get("token", "")[:MAX_POSTED_TOKEN]
        if not token.strip():
            error = _("Paste or scan a card code.")
            status = 400
        else:
            verdict = _verdict(token)
    config = {
        "jwks": reverse("citizen_card_jwks"),
        "revocations": reverse("citizen_card_revocations"),
        "leeway": card.NOT_BEFORE_LEEWAY,
        "maxLength": card.MAX_TOKEN_LENGTH,
        "type": card.TOKEN_TYPE,
    }
    context = {
        "token": token,
        "verdict": verdict,
        "error": error,
        "verifier_config": config,
        "verifier_messages": verifier_messages(),
    }
    response = render(request, "accounts/card_verifier.html", context, status=status)
    if request.method == "POST":
        patch_cache_control(response, no_store=True)
    return response


# --- Offline: service worker and web app manifest ------------------------------------------------


def _offline_config() -> dict[str, Any]:
    card_url = reverse("accounts_card:detail")
    assets = [
        static("css/milieu.css"),
        static("js/card-verifier.js"),
        static("js/card-offline.js"),
        static(HTMX_SCRIPT),
        static("img/card-icon.svg"),
    ]
    return {
        "cache": f"milieu-card-{get_language()}-v{SW_CACHE_VERSION}",
        "cachePrefix": f"milieu-card-{get_language()}-",
        "pages": [card_url, reverse("accounts_card:verifier")],
        "assets": assets,
        "data": [reverse("citizen_card_jwks"), reverse("citizen_card_revocations")],
        "static": settings.STATIC_URL,  # static("") would fail with the manifest storage
    }


@require_GET
def card_service_worker(request: MilieuRequest) -> HttpResponse:
    """The service worker of the card pages of one language; its scope is /<lang>/card/."""
    config = json.dumps(_offline_config(), ensure_ascii=False, sort_keys=True)
    body = render_to_string("accounts/card_sw.js", {"config": mark_safe(config)})  # noqa: S308
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    patch_cache_control(response, no_cache=True)
    return response


@require_GET
def card_manifest(request: MilieuRequest) -> JsonResponse:
    card_url = reverse("accounts_card:detail")
    manifest = {
        "name": _("Milieu citizen card"),
        "short_name": _("Citizen card"),
        "description": _("My citizen card, and a verifier for merchants, usable offline."),
        "lang": get_language(),
        "id": card_url,
        "start_url": card_url,
        "scope": card_url,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1d4f91",
        "icons": [
            {
                "src": static("img/card-icon.svg"),
                "sizes": "any",
                "type": "image/svg+xml",
                "purpose": "any",
            }
        ],
        "shortcuts": [{"name": _("Check a card"), "url": reverse("accounts_card:verifier")}],
    }
    response = JsonResponse(
        manifest,
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )
    patch_cache_control(response, public=True, max_age=3600)
    return response


# --- /.well-known/citizen-card/ ------------------------------------------------------------------


def _document(
    request: MilieuRequest, data: dict, *, max_age: int, content_type: str, etag: bool
) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, sort_keys=True).encode()
    response = HttpResponse(body, content_type=content_type)
    patch_cache_control(response, public=True, max_age=max_age)
    response["Access-Control-Allow-Origin"] = "*"  # any partner's verifier may fetch it
    if etag:
        response["ETag"] = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        conditional = get_conditional_response(request, etag=response["ETag"], response=response)
        return conditional or response
    return response


@require_GET
def card_jwks(request: MilieuRequest) -> HttpResponse:
    """The public keys of every municipality's citizen cards (RFC 7517 JWK Set)."""
    return _document(
        request,
        selectors.card_jwks(),
        max_age=JWKS_MAX_AGE,
        content_type="application/jwk-set+json",
        etag=True,
    )


@require_GET
def card_revocations(request: MilieuRequest) -> HttpResponse:
    """Revoked citizen ids whose cards have not expired, and when the list was generated."""
    return _document(
        request,
        selectors.card_revocations(),
        max_age=REVOCATIONS_MAX_AGE,
        content_type="application/json",
        etag=False,
    )
