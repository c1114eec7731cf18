"""The people part of the community API: my community profile, a person, following and
blocking, whom I follow and block, search, and the translation of posts and comments. The same
selectors, services, permissions and errors as the pages."""

import hashlib

from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from ninja import Query, Router, Status
from ninja.security import django_auth

from milieu.core import caching
from milieu.core.http import AuthenticatedRequest
from milieu.core.schemas import ErrorOut
from milieu.territory.selectors import municipality_get

from .models import Post, SearchEntry
from .schemas_people import (
    BlockOut,
    FollowOut,
    PersonOut,
    PersonPageOut,
    ProfileIn,
    ProfileOut,
    SearchPageOut,
    TranslationOut,
)
from .selectors import people as selectors
from .selectors.search import MAX_QUERY_CHARS, RESULTS_SECONDS, SearchHit, search_list
from .services import people as services

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


def _url(name: str, **kwargs) -> str:
    """A page's address, or "" while that page does not exist."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


def _profile_out(user, profile) -> dict:
    return {
        "handle": profile.handle,
        "display_name": user.display_name,
        "bio": profile.bio,
        "interests": profile.interests,
        "languages": profile.languages,
        "profile_visibility": user.profile_visibility,
    }


def _post_out(post: Post) -> dict:
    return {
        "id": post.pk,
        "municipality": post.municipality.slug,
        "group": post.group.slug if post.group else None,
        "district": post.district.slug if post.district else None,
        "body": post.body,
        "language": post.language,
        "created_at": post.created_at,
    }


# --- My profile -----------------------------------------------------------------------------------


@router.get("/community/me/profile", response={200: ProfileOut, **ERRORS})
def my_profile(request: AuthenticatedRequest):
    """My community profile (created with a free handle the first time)."""
    return _profile_out(request.user, selectors.my_profile(user=request.user))


@router.patch("/community/me/profile", response={200: ProfileOut, **ERRORS})
def my_profile_update(request: AuthenticatedRequest, payload: ProfileIn):
    """Change my handle, bio, interests (keys of the interests list) or languages (language
    codes); what is left out stays as it is."""
    profile = services.profile_update(actor=request.user, **payload.dict(exclude_unset=True))
    return _profile_out(request.user, profile)


# --- A person -------------------------------------------------------------------------------------


@router.get("/community/people/{handle}", response={200: PersonOut, **ERRORS})
def person_get(request: AuthenticatedRequest, handle: str):
    """A person: their name and handle (members of their municipalities; everyone logged in
    when their profile is public), their details when their profile visibility allows it, and
    their recent posts that I may read. 404 for someone I may not see."""
    page = selectors.person_page(visible_to=request.user, handle=handle)
    details = page.details_visible
    relation = page.relation
    return {
        "id": page.person.pk,
        "handle": page.profile.handle,
        "display_name": page.display_name,
        "details_visible": details,
        "bio": page.profile.bio if details else None,
        "interests": page.profile.interests if details else None,
        "languages": page.profile.languages if details else None,
        "relation": {
            "is_me": relation.is_me,
            "following": relation.i_follow,
            "follows_me": relation.follows_me,
            "blocked": relation.i_blocked,
            "blocks_me": relation.blocked_me,
            "can_follow": page.can_follow,
        },
        "posts": [_post_out(post) for post in page.posts],
    }


@router.put("/community/people/{handle}/follow", response={200: FollowOut, **ERRORS})
def follow(request: AuthenticatedRequest, handle: str):
    """Follow a person (again: nothing changes). 403 if they blocked me, 409 if I blocked
    them."""
    found = services.follow(actor=request.user, handle=handle)
    return {"handle": found.followed.community_profile.handle, "following": True}


@router.delete("/community/people/{handle}/follow", response={204: None, **ERRORS})
def unfollow(request: AuthenticatedRequest, handle: str):
    """Stop following a person."""
    services.unfollow(actor=request.user, handle=handle)
    return Status(204, None)


@router.put("/community/people/{handle}/block", response={200: BlockOut, **ERRORS})
def block(request: AuthenticatedRequest, handle: str):
    """Block a person: the follows between us end, both ways, and they can no longer follow,
    write to or mention me."""
    found = services.block(actor=request.user, handle=handle)
    return {"handle": found.blocked.community_profile.handle, "blocked": True}


@router.delete("/community/people/{handle}/block", response={204: None, **ERRORS})
def unblock(request: AuthenticatedRequest, handle: str):
    """Lift my block of a person."""
    services.unblock(actor=request.user, handle=handle)
    return Status(204, None)


# --- Whom I follow, whom I blocked ----------------------------------------------------------------


def _people_page(page, attribute: str) -> dict:
    items = []
    for row in page.items:
        person = getattr(row, attribute)
        profile = person.community_profile
        items.append(
            {
                "id": person.pk,
                "handle": profile.handle,
                "display_name": selectors.display_name(person, profile),
                "since": row.created_at,
            }
        )
    return {"items": items, "count": page.count}


@router.get("/community/me/following", response={200: PersonPageOut, **ERRORS})
def following(
    request: AuthenticatedRequest,
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0),
):
    """The people I follow, the most recent first (paginated: `limit`, `offset`)."""
    page = selectors.following_list(visible_to=request.user, limit=limit, offset=offset)
    return _people_page(page, "followed")


@router.get("/community/me/blocked", response={200: PersonPageOut, **ERRORS})
def blocked(
    request: AuthenticatedRequest,
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0),
):
    """The people I blocked, the most recent first (paginated: `limit`, `offset`)."""
    page = selectors.blocked_list(visible_to=request.user, limit=limit, offset=offset)
    return _people_page(page, "blocked")


# --- Search ---------------------------------------------------------------------------------------


def _hit_out(hit: SearchHit) -> dict:
    item = {"kind": hit.kind, "id": hit.id, "created_at": hit.created_at}
    if hit.post is not None:
        post = hit.post
        author = post.author
        profile = getattr(author, "community_profile", None) if author else None
        item |= {
            "title": selectors.display_name(author, profile),
            "text": post.body,
            "language": post.language,
            "municipality": post.municipality.slug,
            "handle": profile.handle if profile else None,
            "url": _url(
                "community:post", municipality_slug=post.municipality.slug, post_id=post.pk
            ),
        }
    elif hit.group is not None:
        group = hit.group
        item |= {
            "title": group.name,
            "text": group.description,
            "language": group.language,
            "municipality": group.municipality.slug,
            "url": _url(
                "community:group", municipality_slug=group.municipality.slug, group_slug=group.slug
            ),
        }
    elif hit.person is not None:
        person = hit.person
        profile = person.community_profile
        item |= {
            "title": selectors.display_name(person, profile),
            "text": f"@{profile.handle}",
            "language": None,
            "municipality": None,
            "handle": profile.handle,
            "url": _url("people:person", handle=profile.handle),
        }
    return item


@router.get("/community/search", response={200: SearchPageOut, **ERRORS})
def search(
    request: AuthenticatedRequest,
    q: str = Query("", max_length=MAX_QUERY_CHARS),
    kind: SearchEntry.Kind | None = None,
    municipality: str | None = Query(None, max_length=100, description="A municipality's slug."),
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0),
):
    """Posts, groups and people I may see whose words start with every word of `q` (accents and
    case ignored), newest first (paginated: `limit`, `offset`); `kind` and `municipality`
    narrow it."""
    where = municipality_get(slug=municipality) if municipality else None
    page = search_list(
        visible_to=request.user,
        query=q,
        kind=kind,
        municipality=where,
        limit=limit,
        offset=offset,
    )

    def answer() -> dict:
        return {
            "items": [_hit_out(hit) for hit in page.hits],
            "count": page.shown_count,
            "count_is_lower_bound": page.capped,
            "next_offset": page.next_offset,
        }

    if page.versions is None:  # read for this reader alone
        return answer()
    # Kept for everyone shown the same results, as the page is (`views.people.search`).
    variant = (
        page.versions,
        tuple((kind, pk) for kind, pk, _at in page.rows),
        page.count,
        page.capped,
        page.offset,
        page.limit,
        get_language(),  # the pages' addresses carry it
    )
    key = f"community:api-search:v1:{hashlib.sha256(repr(variant).encode()).hexdigest()}"
    return caching.json_response(
        key, lambda: SearchPageOut.model_validate(answer()).model_dump(), RESULTS_SECONDS
    )


# --- Translation ----------------------------------------------------------------------------------


@router.get("/community/translations", response={200: TranslationOut, 503: ErrorOut, **ERRORS})
def translations(
    request: AuthenticatedRequest,
    target: str = Query(..., max_length=40, description="`post:<id>` or `comment:<id>`."),
    lang: str = Query(..., max_length=8, description="The language wanted: fr, en or es."),
):
    """A post (`target=post:12`) or a comment (`comment:3`) I may read, machine-translated into
    `lang` (fr, en or es). 404 `translation_not_offered` when the site has no translation
    service; 503 `translation_unavailable` when it does not answer."""
    found = selectors.translation_get(visible_to=request.user, target=target, language=lang)
    return {
        "target": found.target,
        "source": found.source,
        "language": found.language,
        "text": found.text,
        "machine_translated": True,
    }
