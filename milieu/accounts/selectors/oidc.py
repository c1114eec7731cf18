"""What the person has let other services receive through "Sign in with Milieu"."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_refresh_token_model


@dataclass(frozen=True)
class Authorization:
    application_id: int
    name: str
    scopes: list[str]
    descriptions: list[str]
    granted_at: datetime


def oidc_authorizations(*, user) -> list[Authorization]:
    """One entry per service holding a live token of the person (access or refresh)."""
    now = timezone.now()
    access = get_access_token_model().objects.filter(user=user, expires__gt=now)
    refresh = get_refresh_token_model().objects.filter(user=user, revoked__isnull=True)
    described = settings.OAUTH2_PROVIDER.get("SCOPES", {})
    by_application: dict[int, dict] = {}
    for token in access.select_related("application"):
        entry = by_application.setdefault(
            token.application_id,
            {"name": token.application.name, "scopes": set(), "granted_at": token.created},
        )
        entry["scopes"].update(token.scope.split())
        entry["granted_at"] = max(entry["granted_at"], token.created)
    for token in refresh.select_related("application", "access_token"):
        entry = by_application.setdefault(
            token.application_id,
            {"name": token.application.name, "scopes": set(), "granted_at": token.created},
        )
        if token.access_token is not None:
            entry["scopes"].update(token.access_token.scope.split())
    return sorted(
        (
            Authorization(
                application_id=application_id,
                name=entry["name"],
                scopes=sorted(entry["scopes"]),
                descriptions=[str(described[s]) for s in sorted(entry["scopes"]) if s in described],
                granted_at=entry["granted_at"],
            )
            for application_id, entry in by_application.items()
        ),
        key=lambda a: a.name.lower(),
    )
