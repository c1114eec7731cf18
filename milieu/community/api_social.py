"""The social API: what the community's pages do — feeds, groups and their members, posts,
pictures, comments, reactions — with the same selectors, services, permissions and errors.

Feeds are paged by an opaque `cursor` (newest first); other lists by `limit` and `offset`.
Pictures are URLs of the permission-checked picture view: a group's pictures are only served
to those who may read the group.
"""

import hashlib

from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from ninja.security import django_auth

from milieu.core import caching, pictures
from milieu.core.http import AuthenticatedRequest
from milieu.core.schemas import ErrorOut, PictureOut
from milieu.territory import selectors as territory_selectors

from .forms_social import page_language
from .models import Comment, Group, GroupMembership, Post, PostImage
from .schemas_social import (
    CommentIn,
    CommentOut,
    CommentPageOut,
    CommentPatch,
    FeedOut,
    GroupIn,
    GroupOut,
    GroupPageOut,
    GroupPatch,
    MemberOut,
    MemberPageOut,
    PostIn,
    PostOut,
    PostPatch,
    ReactionIn,
    ReactionOut,
)
from .selectors import social as selectors
from .services import social as services

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
MUNICIPAL = "/municipalities/{slug}/community"
PERSONAL = "/community"


# --- Shapes ---------------------------------------------------------------------------------------


def _person(user) -> dict | None:
    if user is None:
        return None
    profile = getattr(user, "community_profile", None)
    handle = profile.handle if profile is not None else None
    return {"handle": handle, "display_name": user.display_name or handle or ""}


def _picture(request: HttpRequest, post: Post, image: PostImage) -> dict:
    url = reverse(
        "community:post_image",
        kwargs={
            "municipality_slug": post.municipality.slug,
            "post_id": post.pk,
            "image_id": image.pk,
        },
    )
    return pictures.as_dict(image, request.build_absolute_uri(url))


def _place(obj) -> dict | None:
    return None if obj is None else {"id": obj.pk, "slug": obj.slug, "name": obj.name}


def _post(request: HttpRequest, post: Post) -> dict:
    mine = bool(getattr(post, "viewer_is_author", False))
    return {
        "id": post.pk,
        "municipality": post.municipality.slug,
        "district": _place(post.district) if post.district_id else None,
        "group": _place(post.group) if post.group_id else None,
        "author": _person(post.author) if post.author_id else None,
        "body": post.body,
        "language": post.language,
        "created_at": post.created_at,
        "edited_at": post.edited_at,
        "comment_count": post.comment_count,
        "reaction_count": post.reaction_count,
        "my_reaction": getattr(post, "viewer_reaction", None),
        "may_interact": bool(getattr(post, "viewer_may_interact", False)),
        "is_mine": mine,
        "hidden": post.is_hidden,
        "hidden_reason": post.hidden_reason if mine else "",
        "pictures": [_picture(request, post, image) for image in post.images.all()],
        "url": request.build_absolute_uri(
            reverse(
                "community:post",
                kwargs={"municipality_slug": post.municipality.slug, "post_id": post.pk},
            )
        ),
    }


def _feed(request: HttpRequest, page: selectors.FeedPage) -> dict:
    return {"items": [_post(request, post) for post in page.posts], "next_cursor": page.next_cursor}


def _comment(request: HttpRequest, comment: Comment) -> dict:
    mine = request.user.is_authenticated and comment.author_id == request.user.pk
    return {
        "id": comment.pk,
        "post_id": comment.post_id,
        "author": _person(comment.author) if comment.author_id else None,
        "body": comment.body,
        "language": comment.language,
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
        "is_mine": mine,
        "hidden": comment.is_hidden,
        "hidden_reason": comment.hidden_reason if mine else "",
    }


def _group(request: HttpRequest, group: Group) -> dict:
    return {
        "id": group.pk,
        "slug": group.slug,
        "municipality": group.municipality.slug,
        "name": group.name,
        "description": group.description,
        "interest": group.interest,
        "visibility": group.visibility,
        "official": group.official,
        "language": group.language,
        "member_count": group.member_count,
        "post_count": group.post_count,
        "last_post_at": group.last_post_at,
        "created_at": group.created_at,
        "my_status": getattr(group, "viewer_status", None),
        "my_role": getattr(group, "viewer_role", None),
        "url": request.build_absolute_uri(
            reverse(
                "community:group",
                kwargs={"municipality_slug": group.municipality.slug, "group_slug": group.slug},
            )
        ),
    }


def _member(membership: GroupMembership) -> dict:
    person = _person(membership.user) or {"handle": None, "display_name": ""}
    return {
        "user_id": membership.user_id,
        **person,
        "role": membership.role,
        "status": membership.status,
        "requested_at": membership.requested_at,
        "joined_at": membership.joined_at,
    }


def _municipality(slug: str):
    municipality = territory_selectors.municipality_get(slug=slug)
    selectors.require_module(municipality)
    return municipality


def _group_by_id(request: AuthenticatedRequest, group_id: int) -> Group:
    return selectors.group_get(visible_to=request.user, group_id=group_id)


def _post_by_id(request: AuthenticatedRequest, post_id: int) -> Post:
    return selectors.post_get(visible_to=request.user, post_id=post_id)


# --- Feeds ----------------------------------------------------------------------------------------


@router.get(f"{PERSONAL}/feed", response={200: FeedOut, **ERRORS})
def home_feed(
    request: AuthenticatedRequest,
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=50),
):
    """My home feed: my neighbourhoods, my groups, the people I follow, and my own posts,
    newest first (`cursor` for older ones)."""
    if cursor is None:
        outline = selectors.home_feed_outline(viewer=request.user, limit=limit)
        if outline is not None:
            # Kept for everyone whose first page is the same, as the page is (`views.people`).
            variant = repr((outline, request.scheme, request.get_host()))
            key = f"community:api-feed:v1:{hashlib.sha256(variant.encode()).hexdigest()}"
            return caching.json_response(
                key,
                lambda: FeedOut.model_validate(
                    _feed(request, selectors.home_feed(viewer=request.user, outline=outline))
                ).model_dump(),
                selectors.FEED_CACHE_SECONDS,
            )
    page = selectors.home_feed(viewer=request.user, cursor=cursor, limit=limit)
    return _feed(request, page)


@router.get(f"{MUNICIPAL}/districts/{{district_slug}}/posts", response={200: FeedOut, **ERRORS})
def district_posts(
    request: AuthenticatedRequest,
    slug: str,
    district_slug: str,
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=50),
):
    """A neighbourhood's feed (members and staff of the municipality)."""
    municipality = _municipality(slug)
    district = selectors.district_get(
        visible_to=request.user, municipality=municipality, district_slug=district_slug
    )
    page = selectors.district_feed(
        viewer=request.user, district=district, cursor=cursor, limit=limit
    )
    return _feed(request, page)


@router.post(f"{MUNICIPAL}/districts/{{district_slug}}/posts", response={201: PostOut, **ERRORS})
def district_post_create(
    request: AuthenticatedRequest, slug: str, district_slug: str, payload: PostIn
):
    """Post in a neighbourhood's feed (pictures: `POST /community/posts/{id}/images`).
    403 `netiquette_required` until the netiquette is accepted, `suspended`; 429 `rate_limited`."""
    municipality = _municipality(slug)
    district = selectors.district_get(
        visible_to=request.user, municipality=municipality, district_slug=district_slug
    )
    post = services.post_create(
        actor=request.user,
        municipality=municipality,
        district=district,
        body=payload.body,
        language=payload.language or page_language(),
    )
    return Status(201, _post(request, _post_by_id(request, post.pk)))


# --- Groups ---------------------------------------------------------------------------------------


@router.get(f"{MUNICIPAL}/groups", response={200: GroupPageOut, **ERRORS})
def group_list(
    request: AuthenticatedRequest,
    slug: str,
    interest: str | None = None,
    mine: bool = False,
    order: str = Query("name", pattern="^(name|activity)$"),
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0),
):
    """The municipality's groups (names and descriptions, also of groups on request): official
    ones first, then by name, or the most active first (`order=activity`, as the community's
    home shows them); `mine` for the groups I am a member of."""
    municipality = _municipality(slug)
    groups = selectors.group_list(
        visible_to=request.user,
        municipality=municipality,
        interest=interest,
        mine=mine,
        order=order,
    )
    items = list(groups[offset : offset + limit])
    for group in items:
        group.municipality = municipality
    return {"items": [_group(request, group) for group in items], "count": groups.count()}


@router.post(f"{MUNICIPAL}/groups", response={201: GroupOut, **ERRORS})
def group_create(request: AuthenticatedRequest, slug: str, payload: GroupIn):
    """Create a group; I become its administrator. `official` is for moderators."""
    municipality = _municipality(slug)
    group = services.group_create(
        actor=request.user,
        municipality=municipality,
        name=payload.name,
        description=payload.description,
        interest=payload.interest,
        visibility=payload.visibility,
        official=payload.official,
        language=payload.language or page_language(),
    )
    return Status(201, _group(request, _group_by_id(request, group.pk)))


@router.get(f"{PERSONAL}/groups/{{group_id}}", response={200: GroupOut, **ERRORS})
def group_get(request: AuthenticatedRequest, group_id: int):
    return _group(request, _group_by_id(request, group_id))


@router.patch(f"{PERSONAL}/groups/{{group_id}}", response={200: GroupOut, **ERRORS})
def group_update(request: AuthenticatedRequest, group_id: int, payload: GroupPatch):
    """Change a group (its administrators; `official`: moderators only). Only the fields given
    change."""
    group = _group_by_id(request, group_id)
    services.group_update(actor=request.user, group=group, **payload.dict(exclude_unset=True))
    return _group(request, _group_by_id(request, group_id))


@router.post(f"{PERSONAL}/groups/{{group_id}}/join", response={200: MemberOut, **ERRORS})
def group_join(request: AuthenticatedRequest, group_id: int):
    """Join an open group (status `active`), or ask to join a group on request (`pending`).
    409 if already a member or waiting."""
    membership = services.group_join(actor=request.user, group=_group_by_id(request, group_id))
    membership.user = request.user
    return _member(membership)


@router.post(f"{PERSONAL}/groups/{{group_id}}/leave", response={204: None, **ERRORS})
def group_leave(request: AuthenticatedRequest, group_id: int):
    """Leave the group or withdraw my request. 409 for its only administrator."""
    services.group_leave(actor=request.user, group=_group_by_id(request, group_id))
    return Status(204, None)


@router.get(f"{PERSONAL}/groups/{{group_id}}/members", response={200: MemberPageOut, **ERRORS})
def group_members(
    request: AuthenticatedRequest,
    group_id: int,
    status: str = Query("active", pattern="^(active|pending)$"),
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0),
):
    """The group's members (those who may read the group), or its requests to join
    (`status=pending`, its administrators)."""
    group = _group_by_id(request, group_id)
    members = selectors.group_member_list(visible_to=request.user, group=group, status=status)
    items = [_member(m) for m in members[offset : offset + limit]]
    return {"items": items, "count": members.count()}


def _member_action(request: AuthenticatedRequest, group_id: int, user_id: int, service) -> dict:
    group = _group_by_id(request, group_id)
    membership = service(actor=request.user, group=group, user_id=user_id)
    return _member(membership)


@router.post(
    f"{PERSONAL}/groups/{{group_id}}/members/{{user_id}}/approve",
    response={200: MemberOut, **ERRORS},
)
def group_member_approve(request: AuthenticatedRequest, group_id: int, user_id: int):
    """Accept a request to join (the group's administrators); the person is told."""
    return _member_action(request, group_id, user_id, services.group_member_approve)


@router.post(
    f"{PERSONAL}/groups/{{group_id}}/members/{{user_id}}/refuse",
    response={204: None, **ERRORS},
)
def group_member_refuse(request: AuthenticatedRequest, group_id: int, user_id: int):
    """Refuse a request to join (the group's administrators); the person is told."""
    services.group_member_refuse(
        actor=request.user, group=_group_by_id(request, group_id), user_id=user_id
    )
    return Status(204, None)


@router.post(
    f"{PERSONAL}/groups/{{group_id}}/members/{{user_id}}/remove",
    response={204: None, **ERRORS},
)
def group_member_remove(request: AuthenticatedRequest, group_id: int, user_id: int):
    """Remove a member (the group's administrators; the last administrator stays)."""
    services.group_member_remove(
        actor=request.user, group=_group_by_id(request, group_id), user_id=user_id
    )
    return Status(204, None)


@router.post(
    f"{PERSONAL}/groups/{{group_id}}/members/{{user_id}}/promote",
    response={200: MemberOut, **ERRORS},
)
def group_member_promote(request: AuthenticatedRequest, group_id: int, user_id: int):
    """Make a member an administrator of the group (its administrators)."""
    return _member_action(request, group_id, user_id, services.group_member_promote)


@router.get(f"{PERSONAL}/groups/{{group_id}}/posts", response={200: FeedOut, **ERRORS})
def group_posts(
    request: AuthenticatedRequest,
    group_id: int,
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=50),
):
    """The group's feed (its active members for a group on request)."""
    group = _group_by_id(request, group_id)
    page = selectors.group_feed(viewer=request.user, group=group, cursor=cursor, limit=limit)
    return _feed(request, page)


@router.post(f"{PERSONAL}/groups/{{group_id}}/posts", response={201: PostOut, **ERRORS})
def group_post_create(request: AuthenticatedRequest, group_id: int, payload: PostIn):
    """Post in a group (its active members)."""
    group = _group_by_id(request, group_id)
    post = services.post_create(
        actor=request.user,
        municipality=group.municipality,
        group=group,
        body=payload.body,
        language=payload.language or page_language(),
    )
    return Status(201, _post(request, _post_by_id(request, post.pk)))


# --- Posts ----------------------------------------------------------------------------------------


@router.get(f"{PERSONAL}/posts/{{post_id}}", response={200: PostOut, **ERRORS})
def post_get(request: AuthenticatedRequest, post_id: int):
    return _post(request, _post_by_id(request, post_id))


@router.patch(f"{PERSONAL}/posts/{{post_id}}", response={200: PostOut, **ERRORS})
def post_update(request: AuthenticatedRequest, post_id: int, payload: PostPatch):
    """Change my post: its text, language, pictures' descriptions; remove pictures."""
    post = _post_by_id(request, post_id)
    services.post_update(
        actor=request.user,
        post=post,
        body=payload.body,
        language=payload.language,
        alt_texts=payload.alt_texts,
        remove_image_ids=payload.remove_pictures,
    )
    return _post(request, _post_by_id(request, post_id))


@router.delete(f"{PERSONAL}/posts/{{post_id}}", response={204: None, **ERRORS})
def post_delete(request: AuthenticatedRequest, post_id: int):
    """Delete my post with its pictures, comments and reactions."""
    services.post_delete(actor=request.user, post=_post_by_id(request, post_id))
    return Status(204, None)


@router.post(f"{PERSONAL}/posts/{{post_id}}/images", response={201: PictureOut, **ERRORS})
def post_image_add(
    request: AuthenticatedRequest,
    post_id: int,
    file: File[UploadedFile],
    alt_text: Form[str] = "",
):
    """Add a picture to my post (multipart: `file`, a JPEG, PNG, WebP or GIF of at most 10 MB,
    and `alt_text`, what it shows). Four pictures at most; EXIF and GPS data are removed."""
    post = _post_by_id(request, post_id)
    image = services.post_image_add(
        actor=request.user,
        post=post,
        upload=services.Upload(file=file, alt_text=alt_text, field="file", alt_field="alt_text"),
    )
    return Status(201, _picture(request, post, image))


# --- Comments -------------------------------------------------------------------------------------


@router.get(f"{PERSONAL}/posts/{{post_id}}/comments", response={200: CommentPageOut, **ERRORS})
def comment_list(
    request: AuthenticatedRequest,
    post_id: int,
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0),
):
    """A post's comments, oldest first."""
    post = _post_by_id(request, post_id)
    comments = selectors.comment_list(visible_to=request.user, post=post)
    items = [_comment(request, c) for c in comments[offset : offset + limit]]
    return {"items": items, "count": comments.count()}


@router.post(f"{PERSONAL}/posts/{{post_id}}/comments", response={201: CommentOut, **ERRORS})
def comment_create(request: AuthenticatedRequest, post_id: int, payload: CommentIn):
    """Comment on a post (its author is told). 403 if its author blocked me,
    `netiquette_required`, `suspended`; 429 `rate_limited`."""
    post = _post_by_id(request, post_id)
    comment = services.comment_create(
        actor=request.user,
        post=post,
        body=payload.body,
        language=payload.language or page_language(),
    )
    comment.author = request.user
    return Status(201, _comment(request, comment))


@router.patch(f"{PERSONAL}/comments/{{comment_id}}", response={200: CommentOut, **ERRORS})
def comment_update(request: AuthenticatedRequest, comment_id: int, payload: CommentPatch):
    comment = selectors.comment_get(visible_to=request.user, comment_id=comment_id)
    services.comment_update(
        actor=request.user, comment=comment, body=payload.body, language=payload.language
    )
    return _comment(request, selectors.comment_get(visible_to=request.user, comment_id=comment_id))


@router.delete(f"{PERSONAL}/comments/{{comment_id}}", response={204: None, **ERRORS})
def comment_delete(request: AuthenticatedRequest, comment_id: int):
    comment = selectors.comment_get(visible_to=request.user, comment_id=comment_id)
    services.comment_delete(actor=request.user, comment=comment)
    return Status(204, None)


# --- Reactions ------------------------------------------------------------------------------------


@router.put(f"{PERSONAL}/posts/{{post_id}}/reaction", response={200: ReactionOut, **ERRORS})
def reaction_set(request: AuthenticatedRequest, post_id: int, payload: ReactionIn):
    """React to a post, or change my reaction (one per person and post)."""
    post = _post_by_id(request, post_id)
    reaction = services.reaction_set(actor=request.user, post=post, kind=payload.kind)
    counts = services.post_counts(post.pk)
    return {"kind": reaction.kind, "reaction_count": counts.get("reaction_count", 0)}


@router.delete(f"{PERSONAL}/posts/{{post_id}}/reaction", response={200: ReactionOut, **ERRORS})
def reaction_remove(request: AuthenticatedRequest, post_id: int):
    """Take back my reaction."""
    post = _post_by_id(request, post_id)
    services.reaction_remove(actor=request.user, post=post)
    counts = services.post_counts(post.pk)
    return {"kind": None, "reaction_count": counts.get("reaction_count", 0)}
