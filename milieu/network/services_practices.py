"""Every write of the best-practice exchange.

- A municipality's staff (with MFA) write a practice as a draft, edit it, publish it (it then
  shows in the platform's catalogue) and withdraw it (back to a draft; adoptions and comments
  are kept). Tags are normalised (`slugify`) and shared across the platform.
- Staff of *another* municipality say "we adopted this" for their town, once (a UNIQUE
  constraint: a second time is a 409 that changes nothing), and may take it back. A town never
  adopts its own practice.
- Staff and elected officials comment in their municipality's name on a published practice;
  the practice's own staff hide a comment (or show it again).

Values arrive as plain dicts (from a form or an API payload) and are checked here, so pages and
API refuse the same things with the same messages. A refused write leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from milieu.core.errors import Conflict, NotFound, PermissionDenied, field_error
from milieu.core.mixins import LANGUAGE_CODES
from milieu.core.permissions import require
from milieu.territory.models import Municipality

from .dimensions import Dimension
from .models import Adoption, Practice, PracticeComment, PracticeStatus, PracticeTag
from .permissions_practices import COMMENTER_ROLES, acting_municipality_ids

MAX_TAGS = 8
TEXTS = {  # field: (limit, required)
    "title": (200, True),
    "problem": (5000, True),
    "solution": (5000, True),
    "technology": (2000, False),
    "cost": (200, False),
    "results": (5000, False),
    "contact": (200, True),
}


def _text(values: dict[str, Any], field: str, limit: int, *, required: bool = False) -> str:
    value = str(values.get(field) or "").strip()
    if "\x00" in value:
        raise field_error(field, _("This text contains a character that cannot be stored."))
    if len(value) > limit:
        raise field_error(field, _("At most %(limit)s characters.") % {"limit": limit})
    if required and not value:
        raise field_error(field, _("This field is required."))
    return value


def parse_tags(raw: Any) -> list[tuple[str, str]]:
    """`(slug, name)` pairs from a list of names or a comma-separated text, without repeats."""
    names = raw.split(",") if isinstance(raw, str) else list(raw or [])
    tags: dict[str, str] = {}
    for name in names:
        name = " ".join(str(name).split())
        if not name:
            continue
        if len(name) > 60 or "\x00" in name:
            raise field_error("tags", _("A tag has at most 60 characters."))
        slug = slugify(name)[:60].strip("-")
        if not slug:
            raise field_error("tags", _("A tag needs letters or digits."))
        tags.setdefault(slug, name.lower())
    if len(tags) > MAX_TAGS:
        raise field_error("tags", _("At most %(count)s tags.") % {"count": MAX_TAGS})
    return list(tags.items())


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {
        field: _text(values, field, limit, required=required)
        for field, (limit, required) in TEXTS.items()
    }
    language = str(values.get("language") or "fr")
    if language not in LANGUAGE_CODES:
        raise field_error("language", _("Choose among French, English and Spanish."))
    cleaned["language"] = language
    dimension = str(values.get("dimension") or "")
    if dimension and dimension not in Dimension.values:
        raise field_error("dimension", _("Choose one of the seven dimensions."))
    cleaned["dimension"] = dimension
    return cleaned


def _tags(pairs: Iterable[tuple[str, str]]) -> list[PracticeTag]:
    pairs = list(pairs)
    if not pairs:
        return []
    PracticeTag.objects.bulk_create(
        [PracticeTag(slug=slug, name=name) for slug, name in pairs], ignore_conflicts=True
    )
    return list(PracticeTag.objects.filter(slug__in=[slug for slug, _name in pairs]))


# --- Writing and publishing ---------------------------------------------------------------------


@transaction.atomic
def practice_create(*, actor, municipality: Municipality, values: dict[str, Any]) -> Practice:
    """A new draft practice of `municipality`, by its staff."""
    require(
        actor,
        "network.manage_practices",
        municipality,
        _("Only the municipality's staff write its practices."),
    )
    cleaned = _clean(values)
    tags = parse_tags(values.get("tags"))
    practice = Practice.objects.create(municipality=municipality, created_by=actor, **cleaned)
    practice.tags.set(_tags(tags))
    return practice


@transaction.atomic
def practice_update(*, actor, practice: Practice, values: dict[str, Any]) -> Practice:
    """Change a practice of the actor's town (draft or published); tags are replaced when
    `values` has `tags`."""
    require(
        actor,
        "network.manage_practices",
        practice.municipality,
        _("Only the municipality's staff edit its practices."),
    )
    cleaned = _clean(values)
    tags = parse_tags(values.get("tags")) if "tags" in values else None
    for field, value in cleaned.items():
        setattr(practice, field, value)
    practice.save(update_fields=list(cleaned))
    if tags is not None:
        practice.tags.set(_tags(tags))
    return practice


@transaction.atomic
def practice_publish(*, actor, practice: Practice) -> Practice:
    """Show the practice in the platform's catalogue (publishing again changes nothing)."""
    require(
        actor,
        "network.manage_practices",
        practice.municipality,
        _("Only the municipality's staff publish its practices."),
    )
    if practice.status != PracticeStatus.PUBLISHED:
        practice.status = PracticeStatus.PUBLISHED
        practice.published_at = timezone.now()
        practice.save(update_fields=["status", "published_at"])
    return practice


@transaction.atomic
def practice_withdraw(*, actor, practice: Practice) -> Practice:
    """Take the practice out of the catalogue (a draft again); adoptions and comments stay."""
    require(
        actor,
        "network.manage_practices",
        practice.municipality,
        _("Only the municipality's staff withdraw its practices."),
    )
    if practice.status != PracticeStatus.DRAFT:
        practice.status = PracticeStatus.DRAFT
        practice.published_at = None
        practice.save(update_fields=["status", "published_at"])
    return practice


# --- Acting for a municipality ------------------------------------------------------------------


def acting_municipality(actor, slug: str | None = None, *, roles=None) -> Municipality:
    """The municipality in whose name `actor` acts: the one named by `slug`, else their only
    one (staff roles, or `roles`). Refused (403) when they hold no such role anywhere; when they
    hold several, they must name one."""
    if slug:
        municipality = Municipality.objects.filter(slug=slug).first()
        if municipality is None:
            raise NotFound(_("This municipality does not exist."))
        return municipality
    ids = acting_municipality_ids(actor, roles) if roles else acting_municipality_ids(actor)
    if not ids:
        raise PermissionDenied(_("Only the staff of a municipality act in its name here."))
    if len(ids) > 1:
        raise field_error("municipality", _("Choose the municipality you act for."))
    return Municipality.objects.get(pk=ids[0])


def _published(practice: Practice) -> None:
    if practice.status != PracticeStatus.PUBLISHED:
        raise NotFound(_("This practice does not exist."))


# --- Adoptions ----------------------------------------------------------------------------------


def adoption_add(
    *, actor, practice: Practice, municipality: Municipality, note: str = ""
) -> Adoption:
    """`municipality` (the actor's town) adopted `practice`; once (409 `already_adopted`)."""
    require(
        actor,
        "network.adopt_practice",
        municipality,
        _("Only the municipality's staff say that it adopted a practice."),
    )
    _published(practice)
    if practice.municipality_id == municipality.pk:
        raise Conflict(_("A municipality does not adopt its own practice."), code="own_practice")
    note = _text({"note": note}, "note", 1000)
    try:
        with transaction.atomic():
            return Adoption.objects.create(
                practice=practice, municipality=municipality, adopted_by=actor, note=note
            )
    except IntegrityError:
        raise Conflict(
            _("Your municipality already adopted this practice."), code="already_adopted"
        ) from None


@transaction.atomic
def adoption_remove(*, actor, practice: Practice, municipality: Municipality) -> None:
    """Take back `municipality`'s adoption (404 when there is none)."""
    require(
        actor,
        "network.adopt_practice",
        municipality,
        _("Only the municipality's staff take back its adoption."),
    )
    deleted, _rows = Adoption.objects.filter(practice=practice, municipality=municipality).delete()
    if not deleted:
        raise NotFound(_("Your municipality has not adopted this practice."))


# --- Comments -----------------------------------------------------------------------------------


@transaction.atomic
def comment_add(
    *, actor, practice: Practice, municipality: Municipality, body: str
) -> PracticeComment:
    """A comment in `municipality`'s name by its staff or elected officials."""
    require(
        actor,
        "network.comment_practice",
        municipality,
        _("Only staff and elected officials of a municipality comment on practices."),
    )
    _published(practice)
    body = _text({"body": body}, "body", 2000, required=True)
    return PracticeComment.objects.create(
        practice=practice, author=actor, municipality=municipality, body=body
    )


@transaction.atomic
def comment_hide(*, actor, comment: PracticeComment, hidden: bool = True) -> PracticeComment:
    """Hide a comment on a practice (or show it again): the practice's own staff."""
    require(
        actor,
        "network.manage_practices",
        comment.practice.municipality,
        _("Only the staff of the practice's municipality hide its comments."),
    )
    if comment.hidden != hidden:
        comment.hidden = hidden
        comment.save(update_fields=["hidden"])
    return comment


__all__ = [
    "COMMENTER_ROLES",
    "acting_municipality",
    "adoption_add",
    "adoption_remove",
    "comment_add",
    "comment_hide",
    "parse_tags",
    "practice_create",
    "practice_publish",
    "practice_update",
    "practice_withdraw",
]
