"""The notification centre and preferences of the logged-in person, and the webhook through which
the SMTP relay and the SMS provider report bounces and failures."""

import hmac

import pydantic
from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import ValidationError
from ninja.security import APIKeyHeader, django_auth

from milieu.core import caching
from milieu.core.errors import ApplicationError
from milieu.core.http import AuthenticatedRequest, MilieuRequest
from milieu.core.schemas import ErrorOut

from . import selectors, services
from .schemas import (
    BounceIn,
    BounceOut,
    MarkReadIn,
    MarkReadOut,
    NotificationPageOut,
    PreferencesIn,
    PreferencesOut,
    UnreadCountOut,
)

router = Router(tags=["notifications"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
SMS_FAILURES = {"failed", "undelivered"}  # Twilio's MessageStatus values that mean "not delivered"


class PageQuery(Schema):
    cursor: str | None = None
    page_size: int = pydantic.Field(selectors.PAGE_SIZE, ge=1, le=selectors.MAX_PAGE_SIZE)


@router.get("/notifications", response={200: NotificationPageOut, **ERRORS}, auth=django_auth)
def list_notifications(request: AuthenticatedRequest, query: Query[PageQuery]):
    """My notifications, newest first. Keyset pagination: follow `next_cursor`.

    A page is kept in the cache for the current version of my notifications (any change makes a
    new version, see `selectors.notification_unread_state`)."""
    version = selectors.notification_unread_state(user=request.user).version
    cursor, size = query.cursor or "", query.page_size
    key = f"notifications:api-page:v1:{request.user.pk}:{version}:{size}:{cursor}"

    def page_out() -> dict:
        page = selectors.notification_page(user=request.user, cursor=cursor, page_size=size)
        out = {"items": page.items, "next_cursor": page.next_cursor}
        return NotificationPageOut.model_validate(out).model_dump()

    return caching.json_response(key, page_out, selectors.UNREAD_CACHE_SECONDS)


@router.get(
    "/notifications/unread-count", response={200: UnreadCountOut, 401: ErrorOut}, auth=django_auth
)
def unread_count(request: AuthenticatedRequest):
    return {"unread": selectors.notification_unread_count(user=request.user)}


@router.post("/notifications/read", response={200: MarkReadOut, **ERRORS}, auth=django_auth)
def mark_read(request: AuthenticatedRequest, payload: MarkReadIn):
    """Mark some of my notifications (`ids`) or all of them (`all: true`) read. An id that is not
    one of mine is a 404, and then nothing is marked."""
    marked = services.notification_mark_read(
        actor=request.user, notification_ids=None if payload.all else payload.ids
    )
    return {"marked": marked, "unread": selectors.notification_unread_count(user=request.user)}


def _preferences(user) -> dict:
    columns = selectors.channel_columns(user=user)
    grid = selectors.preference_grid(user=user)
    home = selectors.home_district(user=user)
    from .registry import topics

    return {
        "channels": [
            {
                "key": column.key,
                "name": str(column.name),
                "available": column.available,
                "editable": column.editable,
                "reason": column.reason,
            }
            for column in columns
        ],
        "topics": [
            {
                "key": topic.key,
                "name": str(topic.name),
                "description": str(topic.description),
                "geotargeted": topic.geotargeted,
                "urgent": topic.urgent,
                "channels": {column.key: grid[(topic.key, column.key)] for column in columns},
            }
            for topic in topics()
        ],
        "settings": selectors.delivery_settings_get(user=user),
        "home_district": home,
        "followed_districts": selectors.followed_district_ids(user=user),
        "followable_districts": list(selectors.followable_districts(user=user, exclude=home)),
    }


@router.get(
    "/notifications/preferences", response={200: PreferencesOut, 401: ErrorOut}, auth=django_auth
)
def get_preferences(request: AuthenticatedRequest):
    """What I receive on which channel, my quiet hours, digest and mobile number, and the
    districts whose alerts I follow."""
    return _preferences(request.user)


@router.put(
    "/notifications/preferences", response={200: PreferencesOut, **ERRORS}, auth=django_auth
)
def update_preferences(request: AuthenticatedRequest, payload: PreferencesIn):
    """Change my preferences. All or nothing: any refusal leaves everything as it was."""
    user = request.user
    districts = None
    if payload.followed_districts is not None:
        wanted = set(payload.followed_districts)
        districts = list(selectors.followable_districts(user=user).filter(pk__in=wanted))
        if len(districts) != len(wanted):
            raise ApplicationError(
                _("Some fields need correcting."),
                code="validation",
                extra={
                    "fields": {
                        "followed_districts": [
                            _("You can only follow districts of the municipalities you belong to.")
                        ]
                    }
                },
            )
    choices = None
    if payload.topics is not None:
        choices = {
            (topic, channel): enabled
            for topic, channels in payload.topics.items()
            for channel, enabled in channels.items()
        }
    services.preferences_update(
        actor=user,
        choices=choices,
        delivery_settings=payload.settings.dict() if payload.settings is not None else None,
        districts=districts,
    )
    return _preferences(user)


class WebhookSecret(APIKeyHeader):
    """The shared secret of the delivery webhooks, compared in constant time. Without
    NOTIFICATIONS_WEBHOOK_SECRET the webhook does not exist (404)."""

    param_name = "X-Milieu-Webhook-Secret"

    def authenticate(self, request, key):
        expected = getattr(settings, "NOTIFICATIONS_WEBHOOK_SECRET", "")
        if not expected:
            raise Http404
        if key and hmac.compare_digest(key.encode(), expected.encode()):
            return "webhook"
        return None


BOUNCE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": BounceIn.model_json_schema()},
            "application/x-www-form-urlencoded": {
                "schema": {
                    "title": "SmsStatusCallback",
                    "description": "A Twilio-style status callback.",
                    "type": "object",
                    "required": ["MessageSid", "MessageStatus"],
                    "properties": {
                        "MessageSid": {"type": "string"},
                        "MessageStatus": {"type": "string"},
                        "ErrorCode": {"type": "string"},
                    },
                }
            },
        },
    }
}


@router.post(
    "/notifications/bounces",
    response={200: BounceOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut, 400: ErrorOut},
    auth=WebhookSecret(),
    openapi_extra=BOUNCE_BODY,
)
def record_bounce(request: MilieuRequest):
    """For the SMTP relay (JSON: the bounced email's `provider_id`, its Message-ID, and a
    `reason`) and the SMS provider's status callbacks (form-encoded `MessageSid`,
    `MessageStatus`, `ErrorCode`; only `failed` and `undelivered` are recorded). Authenticated
    by the `X-Milieu-Webhook-Secret` header."""
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        sid = request.POST.get("MessageSid", "").strip()
        status = request.POST.get("MessageStatus", "").strip().lower()
        if not sid or not status:
            raise ValidationError(
                [{"loc": ("MessageSid" if not sid else "MessageStatus",), "msg": "Field required"}]
            )
        if status not in SMS_FAILURES:
            return {"recorded": 0}
        code = request.POST.get("ErrorCode", "").strip()
        reason = f"SMS {status}" + (f" (error {code})" if code else "")
        return {"recorded": services.delivery_record_bounce(provider_id=sid, reason=reason)}
    try:
        payload = BounceIn.model_validate_json(request.body or b"{}")
    except pydantic.ValidationError as error:
        raise ValidationError([dict(item) for item in error.errors(include_url=False)]) from None
    return {
        "recorded": services.delivery_record_bounce(
            provider_id=payload.provider_id, reason=payload.reason or "bounced"
        )
    }
