"""Handles (`@marie-tremblay`): every person who takes part in the community gets a community
profile with a unique handle, made from their display name; mentions in posts and comments
name people by it.
"""

import re

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from .models import CommunityProfile

MENTION = re.compile(r"(?<![\w@])@([a-z0-9][a-z0-9-]{1,39})\b")
MAX_MENTIONS = 10


def _base(user) -> str:
    base = slugify(user.display_name or "")[:30].strip("-")
    return base if len(base) >= 2 else "membre"


def profile_ensure(user) -> CommunityProfile:
    """The person's community profile, created with a free handle the first time."""
    profile = CommunityProfile.objects.filter(user=user).first()
    if profile is not None:
        return profile
    base = _base(user)
    for attempt in range(50):
        handle = base if attempt == 0 else f"{base}-{attempt + 1}"
        if attempt >= 10:
            handle = f"{base}-{user.pk}-{attempt}"
        try:
            with transaction.atomic():
                return CommunityProfile.objects.create(user=user, handle=handle)
        except IntegrityError:
            existing = CommunityProfile.objects.filter(user=user).first()
            if existing is not None:  # created meanwhile by another request
                return existing
    raise RuntimeError("no free handle")  # pragma: no cover - 50 taken handles in a row


def mentioned_handles(text: str) -> list[str]:
    """The handles mentioned in `text`, in order, each once, at most ten."""
    seen: list[str] = []
    for match in MENTION.finditer(text or ""):
        handle = match.group(1).lower()
        if handle not in seen:
            seen.append(handle)
        if len(seen) >= MAX_MENTIONS:
            break
    return seen
