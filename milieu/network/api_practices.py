"""The practices API (tag `practices`): the platform's catalogue of published practices (search,
filters, pages of 20), a practice with its adoptions and comments; a town's staff write, edit,
publish and withdraw their practices; staff of other towns adopt (once) and take back; staff and
elected officials comment; the practice's staff hide comments. Same selectors, services,
permissions and errors as the pages: a refusal has the body `{"error": {"code", "message",
"fields"}}` and changes nothing. Reading published practices needs no account."""

from __future__ import annotations

from ninja import Router, Status
from ninja.security import django_auth

from milieu.core.errors import NotFound
from milieu.core.http import AuthenticatedRequest, MilieuRequest
from milieu.core.schemas import ErrorOut
from milieu.territory.selectors import municipality_get

from . import selectors_practices as selectors
from . import services_practices as services
from .models import Adoption, Practice, PracticeComment
from .permissions_practices import COMMENTER_ROLES
from .schemas_practices import (
    AdoptionIn,
    AdoptionOut,
    CommentIn,
    CommentOut,
    HideIn,
    PracticeIn,
    PracticeOut,
    PracticePageOut,
    TagCountOut,
)

router = Router(tags=["practices"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
PRACTICE = "/practices/{practice_id}"


def _town(municipality) -> dict:
    return {
        "slug": municipality.slug,
        "name": municipality.name,
        "region": municipality.region.slug,
    }


def _out(practice: Practice) -> dict:
    return {
        "id": practice.pk,
        "municipality": _town(practice.municipality),
        "title": practice.title,
        "language": practice.language,
        "dimension": practice.dimension,
        "problem": practice.problem,
        "solution": practice.solution,
        "technology": practice.technology,
        "cost": practice.cost,
        "results": practice.results,
        "contact": practice.contact,
        "status": practice.status,
        "published_at": practice.published_at,
        "tags": [{"slug": t.slug, "name": t.name} for t in practice.tags.all()],
        "adoption_count": getattr(practice, "adoption_count", 0),
    }


def _adoption(adoption: Adoption) -> dict:
    return {
        "municipality": _town(adoption.municipality),
        "adopted_at": adoption.adopted_at,
        "note": adoption.note,
    }


def _comment(comment: PracticeComment) -> dict:
    return {
        "id": comment.pk,
        "municipality": _town(comment.municipality),
        "author": comment.author.display_name if comment.author else "",
        "body": comment.body,
        "created_at": comment.created_at,
        "hidden": comment.hidden,
    }


def _get(request: MilieuRequest, practice_id: int) -> Practice:
    return selectors.practice_get(practice_id=practice_id, visible_to=request.user)


def _fresh(request: MilieuRequest, practice: Practice) -> dict:
    return _out(_get(request, practice.pk))


# --- Reading --------------------------------------------------------------------------------------


@router.get("/practices", response={200: PracticePageOut, **ERRORS})
def list_practices(
    request: MilieuRequest,
    q: str = "",
    tag: str = "",
    dimension: str = "",
    region: str = "",
    language: str = "",
    page: int = 1,
):
    """Published practices of every municipality, latest first, by pages of 20: `q` (each word
    in the title, problem, solution, technology or results), `tag` (slug), `dimension`, `region`
    (slug) and `language` filter them."""
    page = max(1, min(page, 10_000))
    found, more = selectors.practice_search(
        filters=selectors.Filters(
            query=q[:200], tag=tag, dimension=dimension, region=region, language=language
        ),
        page=page,
    )
    return {"items": [_out(p) for p in found], "next_page": page + 1 if more else None}


@router.get("/practices/tags", response={200: list[TagCountOut]})
def list_tags(request: MilieuRequest):
    """The tags of published practices, with how many carry each."""
    return [{"slug": t.slug, "name": t.name, "count": t.count} for t in selectors.tag_list()]  # type: ignore[attr-defined]


@router.get(PRACTICE, response={200: PracticeOut, **ERRORS})
def get_practice(request: MilieuRequest, practice_id: int):
    """A published practice (a draft only for its own municipality's staff)."""
    return _out(_get(request, practice_id))


@router.get(PRACTICE + "/adoptions", response={200: list[AdoptionOut], **ERRORS})
def list_adoptions(request: MilieuRequest, practice_id: int):
    practice = _get(request, practice_id)
    return [_adoption(a) for a in selectors.adoption_list(practice=practice)]


@router.get(PRACTICE + "/comments", response={200: list[CommentOut], **ERRORS})
def list_comments(request: MilieuRequest, practice_id: int):
    """The shown comments (the hidden ones too for the practice's own staff)."""
    practice = _get(request, practice_id)
    with_hidden = request.user.has_perm("network.manage_practices", practice.municipality)
    return [_comment(c) for c in selectors.comment_list(practice=practice, with_hidden=with_hidden)]


# --- Writing (the town's staff) ------------------------------------------------------------------


@router.get(
    "/municipalities/{slug}/practices",
    response={200: list[PracticeOut], **ERRORS},
    auth=django_auth,
)
def list_town_practices(request: AuthenticatedRequest, slug: str):
    """Every practice of the municipality, drafts included (its staff)."""
    municipality = municipality_get(slug=slug)
    if not request.user.has_perm("network.manage_practices", municipality):
        raise NotFound(_not_found())
    return [_out(p) for p in selectors.practice_list_for_staff(municipality=municipality)]


def _not_found() -> str:
    from django.utils.translation import gettext as _

    return _("This page does not exist.")


@router.post(
    "/municipalities/{slug}/practices",
    response={201: PracticeOut, **ERRORS},
    auth=django_auth,
)
def create_practice(request: AuthenticatedRequest, slug: str, payload: PracticeIn):
    """Write a practice of the municipality, as a draft (its staff)."""
    practice = services.practice_create(
        actor=request.user, municipality=municipality_get(slug=slug), values=payload.dict()
    )
    return Status(201, _fresh(request, practice))


@router.put(PRACTICE, response={200: PracticeOut, **ERRORS}, auth=django_auth)
def update_practice(request: AuthenticatedRequest, practice_id: int, payload: PracticeIn):
    """Replace the practice's fields and tags (its municipality's staff)."""
    practice = services.practice_update(
        actor=request.user, practice=_get(request, practice_id), values=payload.dict()
    )
    return _fresh(request, practice)


@router.post(PRACTICE + "/publish", response={200: PracticeOut, **ERRORS}, auth=django_auth)
def publish_practice(request: AuthenticatedRequest, practice_id: int):
    practice = services.practice_publish(actor=request.user, practice=_get(request, practice_id))
    return _fresh(request, practice)


@router.post(PRACTICE + "/withdraw", response={200: PracticeOut, **ERRORS}, auth=django_auth)
def withdraw_practice(request: AuthenticatedRequest, practice_id: int):
    """Back to a draft: out of the catalogue (adoptions and comments are kept)."""
    practice = services.practice_withdraw(actor=request.user, practice=_get(request, practice_id))
    return _fresh(request, practice)


# --- Adoptions and comments -----------------------------------------------------------------------


@router.post(PRACTICE + "/adoptions", response={201: AdoptionOut, **ERRORS}, auth=django_auth)
def adopt_practice(request: AuthenticatedRequest, practice_id: int, payload: AdoptionIn):
    """Say that your municipality adopted this practice (its staff; another town's practice;
    once: 409 `already_adopted`, `own_practice`)."""
    practice = _get(request, practice_id)
    municipality = services.acting_municipality(request.user, payload.municipality or None)
    adoption = services.adoption_add(
        actor=request.user, practice=practice, municipality=municipality, note=payload.note
    )
    return Status(201, _adoption(adoption))


@router.delete(PRACTICE + "/adoptions/{slug}", response={204: None, **ERRORS}, auth=django_auth)
def unadopt_practice(request: AuthenticatedRequest, practice_id: int, slug: str):
    """Take back the municipality's adoption (its staff)."""
    practice = _get(request, practice_id)
    municipality = services.acting_municipality(request.user, slug)
    services.adoption_remove(actor=request.user, practice=practice, municipality=municipality)
    return Status(204, None)


@router.post(PRACTICE + "/comments", response={201: CommentOut, **ERRORS}, auth=django_auth)
def comment_practice(request: AuthenticatedRequest, practice_id: int, payload: CommentIn):
    """Comment in a municipality's name (its staff or elected officials)."""
    practice = _get(request, practice_id)
    municipality = services.acting_municipality(
        request.user, payload.municipality or None, roles=COMMENTER_ROLES
    )
    comment = services.comment_add(
        actor=request.user, practice=practice, municipality=municipality, body=payload.body
    )
    return Status(201, _comment(comment))


@router.post(
    PRACTICE + "/comments/{comment_id}/hide",
    response={200: CommentOut, **ERRORS},
    auth=django_auth,
)
def hide_comment(request: AuthenticatedRequest, practice_id: int, comment_id: int, payload: HideIn):
    """Hide a comment (or show it again with `hidden: false`): the practice's own staff."""
    practice = _get(request, practice_id)
    comment = selectors.comment_get(practice=practice, comment_id=comment_id)
    comment = services.comment_hide(actor=request.user, comment=comment, hidden=payload.hidden)
    return _comment(comment)
