"""Writes of the social part: groups and their members, posts and their pictures, comments,
reactions, and what follows from them (counters, the search index, notifications).

Every write starts with its permission (`core.permissions.require`), then, for what is
published, `common.require_can_speak` (netiquette accepted, not suspended, under the rate
limits). Counters (`Group.member_count`, `post_count`, `last_post_at`, `Post.comment_count`,
`reaction_count`) move in the same transaction as the rows they count, with `F()` updates. The
search index (`community.search`) follows every create, edit and delete of a post or a group.
Notifications are sent after the commit.

Pictures are kept by `core.pictures` (re-encoded upright, without EXIF or GPS, at most 1600 px,
with a copy of at most 480 px for lists), in private storage.
"""

import logging
from collections.abc import Callable, Sequence

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Value
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _

from milieu.core import pictures
from milieu.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from milieu.core.permissions import require
from milieu.core.pictures import Upload
from milieu.territory.models import District, Municipality

from .. import choices, handles, search
from ..models import (
    MAX_COMMENT_CHARS,
    MAX_POST_CHARS,
    MAX_POST_IMAGES,
    Comment,
    CommunityProfile,
    Group,
    GroupMembership,
    Post,
    PostImage,
    Reaction,
    SearchEntry,
)
from ..permissions import forget_group_roles
from ..selectors.social import feed_changed
from . import common

logger = logging.getLogger("milieu.community")

MAX_GROUP_NAME = 120
MAX_GROUP_DESCRIPTION = 2000
REACTION_KINDS = {key for key, _label in choices.REACTIONS}
RESERVED_SLUGS = {"new"}  # community/groups/new/ creates a group


# --- Validation -----------------------------------------------------------------------------------


_invalid = pictures.invalid


def _clean_text(text: str | None, *, limit: int, field: str = "body") -> str:
    text = (text or "").strip()
    if not text:
        raise _invalid(field, _("Write something first."))
    if len(text) > limit:
        raise _invalid(
            field,
            _("Keep it under %(limit)d characters (it has %(count)d).")
            % {"limit": limit, "count": len(text)},
        )
    return text


def _clean_language(language: str | None, *, field: str = "language") -> str:
    if language is None or language not in choices.LANGUAGE_CODES:
        raise _invalid(field, _("Choose a language from the list."))
    return language


# --- Pictures -------------------------------------------------------------------------------------


def _prepare(uploads: Sequence[Upload], *, already: int = 0) -> list[pictures.Prepared]:
    """Check and re-encode every picture before anything is written."""
    return pictures.prepare(
        uploads,
        limit=MAX_POST_IMAGES,
        already=already,
        too_many=_("A post has at most %(count)d pictures.") % {"count": MAX_POST_IMAGES},
    )


def _store(post: Post, prepared: list[pictures.Prepared]) -> list[PostImage]:
    """Write the pictures to private storage and their rows, after those the post has."""
    if not prepared:
        return []
    top = PostImage.objects.filter(post=post).aggregate(top=Max("position"))["top"]
    return pictures.store(
        lambda _picture, _position: PostImage(post=post),
        prepared,
        start=0 if top is None else top + 1,
    )


def _delete_files(names: list[str]) -> None:
    pictures.delete_files(PostImage._meta.get_field("image").storage, names)


# --- Notifications --------------------------------------------------------------------------------


def _after_commit(action: Callable[[], None]) -> None:
    """Run `action` once the transaction commits; a failure to notify never undoes a write."""

    def run() -> None:
        try:
            action()
        except Exception:  # pragma: no cover - logged, the write stands
            logger.exception("community_notification_failed")

    transaction.on_commit(run)


def _notify(
    user,
    *,
    topic: str,
    key: str,
    title: Callable[[], str],
    url: Callable[[], str],
    body: str = "",
    municipality: Municipality | None = None,
) -> None:
    """One notification, written in the person's own language (title and link)."""
    from milieu.notifications.services import notify

    with translation.override(user.preferred_language or "fr"):
        notify(
            user=user,
            topic=topic,
            key=key,
            title=title(),
            body=body,
            url=url(),
            municipality=municipality,
        )


def _post_url(post: Post) -> str:
    return reverse(
        "community:post",
        kwargs={"municipality_slug": post.municipality.slug, "post_id": post.pk},
    )


def _group_url(group: Group, name: str = "community:group") -> str:
    return reverse(
        name, kwargs={"municipality_slug": group.municipality.slug, "group_slug": group.slug}
    )


def _excerpt(text: str) -> str:
    return Truncator(text).chars(200)


def _notify_mentions(*, post_id: int, text: str, author, key: str) -> None:
    """Tell the people `text` mentions, who may read the post and have not blocked its author."""
    wanted = handles.mentioned_handles(text)
    if not wanted or author is None:
        return
    post = (
        Post.objects.select_related("municipality", "group", "group__municipality")
        .filter(pk=post_id)
        .first()
    )
    if post is None:
        return
    profiles = (
        CommunityProfile.objects.filter(handle__in=wanted)
        .exclude(user_id=author.pk)
        .select_related("user")
    )
    people = [profile.user for profile in profiles if profile.user.is_active]
    blockers = common.blocked_between(author.pk, [person.pk for person in people])
    name = author.display_name or str(author)
    for person in people:
        if person.pk in blockers or not person.has_perm("community.view_post", post):
            continue
        _notify(
            person,
            topic="community_activity",
            key=f"{key}:{person.pk}",
            title=lambda: _("%(name)s mentioned you") % {"name": name},
            body=_excerpt(text),
            url=lambda: _post_url(post),
            municipality=post.municipality,
        )


def _notify_comment(*, comment_id: int) -> None:
    """Tell the post's author about a comment: never themselves, never if they blocked the
    commenter, and only while they may still read their post."""
    comment = (
        Comment.objects.select_related(
            "author", "post__author", "post__municipality", "post__group__municipality"
        )
        .filter(pk=comment_id)
        .first()
    )
    if comment is None or comment.author is None:
        return
    post = comment.post
    recipient = post.author
    if recipient is None or recipient.pk == comment.author_id or not recipient.is_active:
        return
    if common.blocked_between(comment.author.pk, [recipient.pk]):
        return
    if not recipient.has_perm("community.view_post", post):
        return
    name = comment.author.display_name or str(comment.author)
    _notify(
        recipient,
        topic="community_activity",
        key=f"community:comment:{comment.pk}",
        title=lambda: _("%(name)s commented on your post") % {"name": name},
        body=_excerpt(comment.body),
        url=lambda: _post_url(post) + f"#comment-{comment.pk}",
        municipality=post.municipality,
    )


def _notify_membership(user, group: Group, *, event: str, key: str) -> None:
    titles = {
        "approved": lambda: _("You are now a member of %(group)s") % {"group": group.name},
        "refused": lambda: (
            _("Your request to join %(group)s was not accepted") % {"group": group.name}
        ),
        "removed": lambda: _("You are no longer a member of %(group)s") % {"group": group.name},
    }
    _notify(
        user,
        topic="my_groups",
        key=key,
        title=titles[event],
        url=lambda: _group_url(group),
        municipality=group.municipality,
    )


def _notify_request(group: Group, requester, membership_id: int) -> None:
    admins = [
        membership.user
        for membership in GroupMembership.objects.filter(
            group=group,
            status=GroupMembership.Status.ACTIVE,
            role=GroupMembership.Role.ADMIN,
        ).select_related("user")
    ]
    name = requester.display_name or str(requester)
    blockers = common.blocked_between(requester.pk, [admin.pk for admin in admins])
    for admin in admins:
        if admin.pk in blockers:  # who blocked the requester does not hear from them
            continue
        _notify(
            admin,
            topic="my_groups",
            key=f"community:group:{group.pk}:request:{membership_id}:{admin.pk}",
            title=lambda: (
                _("%(name)s asks to join %(group)s") % {"name": name, "group": group.name}
            ),
            url=lambda: _group_url(group, "community:group_members"),
            municipality=group.municipality,
        )


# --- Groups ---------------------------------------------------------------------------------------


def _clean_group(
    *, name: str, description: str, interest: str, visibility: str, language: str
) -> dict:
    name = (name or "").strip()
    if len(name) < 2:
        raise _invalid("name", _("Give the group a name of at least 2 characters."))
    if len(name) > MAX_GROUP_NAME:
        raise _invalid(
            "name", _("Keep the name under %(limit)d characters.") % {"limit": MAX_GROUP_NAME}
        )
    description = (description or "").strip()
    if len(description) > MAX_GROUP_DESCRIPTION:
        raise _invalid(
            "description",
            _("Keep the description under %(limit)d characters.")
            % {"limit": MAX_GROUP_DESCRIPTION},
        )
    interest = interest or ""
    if interest and interest not in choices.INTEREST_KEYS:
        raise _invalid("interest", _("Choose a theme from the list."))
    if visibility not in Group.Visibility.values:
        raise _invalid("visibility", _("Choose who can read the group."))
    return {
        "name": name,
        "description": description,
        "interest": interest,
        "visibility": visibility,
        "language": _clean_language(language),
    }


def _free_slug(municipality: Municipality, name: str) -> str:
    base = slugify(name)[:70].strip("-") or "groupe"
    taken = RESERVED_SLUGS | set(
        Group.objects.filter(municipality=municipality, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


@transaction.atomic
def group_create(
    *,
    actor,
    municipality: Municipality,
    name: str,
    description: str = "",
    interest: str = "",
    visibility: str = Group.Visibility.OPEN,
    official: bool = False,
    language: str = "fr",
) -> Group:
    """A new group of the municipality; its creator is its first administrator."""
    require(
        actor,
        "community.take_part",
        municipality,
        _("Only members of %(municipality)s with a confirmed email can create a group.")
        % {"municipality": municipality.name},
    )
    if official:
        require(
            actor,
            "community.create_official_group",
            municipality,
            _("Only the municipality's moderators can create an official group."),
        )
    fields = _clean_group(
        name=name,
        description=description,
        interest=interest,
        visibility=visibility,
        language=language,
    )
    common.require_can_speak(actor, municipality, action="group")
    handles.profile_ensure(actor)
    now = timezone.now()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                group = Group.objects.create(
                    municipality=municipality,
                    slug=_free_slug(municipality, fields["name"]),
                    official=official,
                    created_by=actor,
                    created_at=now,
                    member_count=1,
                    **fields,
                )
            break
        except IntegrityError:  # the slug was taken meanwhile
            continue
    else:  # pragma: no cover - five concurrent groups of the same name
        raise Conflict(_("A group with this name was just created; try again."))
    GroupMembership.objects.create(
        group=group,
        user=actor,
        role=GroupMembership.Role.ADMIN,
        status=GroupMembership.Status.ACTIVE,
        requested_at=now,
        joined_at=now,
    )
    forget_group_roles(actor)
    search.index_group(group)
    return group


@transaction.atomic
def group_update(
    *,
    actor,
    group: Group,
    name: str | None = None,
    description: str | None = None,
    interest: str | None = None,
    visibility: str | None = None,
    language: str | None = None,
    official: bool | None = None,
) -> Group:
    """Change a group (its administrators). Only moderators make a group official or not.
    The address (slug) does not change with the name."""
    require(
        actor, "community.manage_group", group, _("Only the group's administrators can change it.")
    )
    fresh = Group.objects.select_related("municipality").get(pk=group.pk)
    if official is not None and official != fresh.official:
        require(
            actor,
            "community.create_official_group",
            fresh.municipality,
            _("Only the municipality's moderators can make a group official."),
        )
    fields = _clean_group(
        name=fresh.name if name is None else name,
        description=fresh.description if description is None else description,
        interest=fresh.interest if interest is None else interest,
        visibility=fresh.visibility if visibility is None else visibility,
        language=fresh.language if language is None else language,
    )
    common.require_can_speak(actor, fresh.municipality, action="post")
    for field, value in fields.items():
        setattr(fresh, field, value)
    if official is not None:
        fresh.official = official
    fresh.save(update_fields=[*fields, "official"])
    search.index_group(fresh)
    return fresh


@transaction.atomic
def group_join(*, actor, group: Group) -> GroupMembership:
    """Join an open group at once; ask to join a group on request (its administrators
    decide)."""
    require(
        actor,
        "community.join_group",
        group,
        _("Only members of %(municipality)s with a confirmed email can join its groups.")
        % {"municipality": group.municipality.name},
    )
    existing = GroupMembership.objects.filter(group=group, user=actor).first()
    if existing is not None:
        if existing.status == GroupMembership.Status.PENDING:
            raise Conflict(_("Your request to join this group is already waiting."))
        raise Conflict(_("You are already a member of this group."))
    now = timezone.now()
    is_open = group.visibility == Group.Visibility.OPEN
    try:
        with transaction.atomic():
            membership = GroupMembership.objects.create(
                group=group,
                user=actor,
                role=GroupMembership.Role.MEMBER,
                status=GroupMembership.Status.ACTIVE if is_open else GroupMembership.Status.PENDING,
                requested_at=now,
                joined_at=now if is_open else None,
            )
    except IntegrityError:
        raise Conflict(_("You are already a member of this group.")) from None
    if is_open:
        Group.objects.filter(pk=group.pk).update(member_count=F("member_count") + 1)
    else:
        membership_id = membership.pk
        _after_commit(lambda: _notify_request(group, actor, membership_id))
    handles.profile_ensure(actor)
    forget_group_roles(actor)
    return membership


def _admin_count(group: Group) -> int:
    return GroupMembership.objects.filter(
        group=group, status=GroupMembership.Status.ACTIVE, role=GroupMembership.Role.ADMIN
    ).count()


def _lock(group: Group) -> None:
    """Serialise the changes of a group's members (the last administrator must stay)."""
    Group.objects.select_for_update().filter(pk=group.pk).values_list("pk").first()


def _decrement_members(group: Group) -> None:
    Group.objects.filter(pk=group.pk).update(member_count=Greatest(F("member_count") - 1, Value(0)))


@transaction.atomic
def group_leave(*, actor, group: Group) -> None:
    """Leave a group, or withdraw a request to join it. The last administrator must first
    name another one."""
    if not actor.is_authenticated:
        raise PermissionDenied(_("Log in first."))
    _lock(group)
    membership = GroupMembership.objects.filter(group=group, user=actor).first()
    if membership is None:
        raise Conflict(_("You are not a member of this group."))
    if membership.role == GroupMembership.Role.ADMIN and _admin_count(group) <= 1:
        raise Conflict(
            _("You are the group's only administrator: make another member administrator first.")
        )
    membership.delete()
    if membership.status == GroupMembership.Status.ACTIVE:
        _decrement_members(group)
    forget_group_roles(actor)


def _membership_for(actor, group: Group, user_id: int) -> GroupMembership:
    require(
        actor,
        "community.manage_group",
        group,
        _("Only the group's administrators can manage its members."),
    )
    _lock(group)
    membership = (
        GroupMembership.objects.filter(group=group, user_id=user_id).select_related("user").first()
    )
    if membership is None:
        raise NotFound(_("This person is not a member of the group."))
    return membership


@transaction.atomic
def group_member_approve(*, actor, group: Group, user_id: int) -> GroupMembership:
    membership = _membership_for(actor, group, user_id)
    if membership.status != GroupMembership.Status.PENDING:
        raise Conflict(_("This person is already a member."))
    membership.status = GroupMembership.Status.ACTIVE
    membership.joined_at = timezone.now()
    membership.save(update_fields=["status", "joined_at"])
    Group.objects.filter(pk=group.pk).update(member_count=F("member_count") + 1)
    user, key = membership.user, f"community:group:{group.pk}:approved:{membership.pk}"
    _after_commit(lambda: _notify_membership(user, group, event="approved", key=key))
    return membership


@transaction.atomic
def group_member_refuse(*, actor, group: Group, user_id: int) -> None:
    membership = _membership_for(actor, group, user_id)
    if membership.status != GroupMembership.Status.PENDING:
        raise Conflict(_("This person is already a member."))
    user, key = membership.user, f"community:group:{group.pk}:refused:{membership.pk}"
    membership.delete()
    _after_commit(lambda: _notify_membership(user, group, event="refused", key=key))


@transaction.atomic
def group_member_remove(*, actor, group: Group, user_id: int) -> None:
    """Remove a member (an administrator too, while another administrator remains)."""
    membership = _membership_for(actor, group, user_id)
    if membership.status != GroupMembership.Status.ACTIVE:
        raise Conflict(_("This person is not a member yet: accept or refuse their request."))
    if membership.role == GroupMembership.Role.ADMIN and _admin_count(group) <= 1:
        raise Conflict(_("A group keeps at least one administrator."))
    user, key = membership.user, f"community:group:{group.pk}:removed:{membership.pk}"
    membership.delete()
    _decrement_members(group)
    if user.pk != actor.pk:
        _after_commit(lambda: _notify_membership(user, group, event="removed", key=key))
    else:
        forget_group_roles(actor)


@transaction.atomic
def group_member_promote(*, actor, group: Group, user_id: int) -> GroupMembership:
    """Make an active member an administrator of the group."""
    membership = _membership_for(actor, group, user_id)
    if membership.status != GroupMembership.Status.ACTIVE:
        raise Conflict(_("This person is not a member yet: accept or refuse their request."))
    if membership.role == GroupMembership.Role.ADMIN:
        raise Conflict(_("This person is already an administrator."))
    membership.role = GroupMembership.Role.ADMIN
    membership.save(update_fields=["role"])
    return membership


# --- Posts ----------------------------------------------------------------------------------------


@transaction.atomic
def post_create(
    *,
    actor,
    municipality: Municipality,
    body: str,
    language: str,
    district: District | None = None,
    group: Group | None = None,
    uploads: Sequence[Upload] = (),
) -> Post:
    """Publish in a district's feed or in a group (exactly one), with up to four pictures."""
    if (district is None) == (group is None):
        raise ApplicationError(_("A post goes in a neighbourhood or in a group."))
    if group is not None:
        if group.municipality_id != municipality.pk:
            raise NotFound(_("This group does not exist."))
        require(
            actor,
            "community.post_in_group",
            group,
            _("Only the group's members can post in it."),
        )
    else:
        if district.municipality_id != municipality.pk:  # type: ignore[union-attr]
            raise NotFound(_("This neighbourhood does not exist."))
        require(
            actor,
            "community.take_part",
            municipality,
            _("Only members of %(municipality)s with a confirmed email can post here.")
            % {"municipality": municipality.name},
        )
    body = _clean_text(body, limit=MAX_POST_CHARS)
    language = _clean_language(language)
    if len(uploads) > MAX_POST_IMAGES:
        _prepare(uploads)  # refuses with the message about the number of pictures
    common.require_can_speak(actor, municipality, action="post")
    prepared = _prepare(uploads)
    handles.profile_ensure(actor)
    post = Post.objects.create(
        municipality=municipality,
        district=district,
        group=group,
        author=actor,
        body=body,
        language=language,
    )
    post.municipality = municipality
    stored = _store(post, prepared)
    try:
        if group is not None:
            Group.objects.filter(pk=group.pk).update(
                post_count=F("post_count") + 1, last_post_at=post.created_at
            )
        search.index_post(post)
        feed_changed(post)
    except Exception:
        _delete_files(pictures.files_of(stored))
        raise
    post_id, author = post.pk, actor
    _after_commit(
        lambda: _notify_mentions(
            post_id=post_id, text=body, author=author, key=f"community:mention:post:{post_id}"
        )
    )
    return post


def _fresh_post(post: Post) -> Post:
    return Post.objects.select_related("municipality", "group").get(pk=post.pk)


@transaction.atomic
def post_update(
    *,
    actor,
    post: Post,
    body: str | None = None,
    language: str | None = None,
    alt_texts: dict[int, str] | None = None,
    remove_image_ids: Sequence[int] = (),
    uploads: Sequence[Upload] = (),
) -> Post:
    """Change one's own post: its text, its language, its pictures' descriptions, remove
    pictures and add new ones (four at most)."""
    require(actor, "community.edit_post", post, _("Only its author can change this post."))
    fresh = _fresh_post(post)
    changed: list[str] = []
    if body is not None:
        body = _clean_text(body, limit=MAX_POST_CHARS)
        if body != fresh.body:
            fresh.body = body
            changed.append("body")
    if language is not None:
        language = _clean_language(language)
        if language != fresh.language:
            fresh.language = language
            changed.append("language")
    current = list(fresh.images.all())
    removing = [image for image in current if image.pk in set(remove_image_ids)]
    for image_id in alt_texts or {}:
        if image_id not in {image.pk for image in current}:
            raise NotFound(_("This picture does not exist."))
    cleaned_alts = {
        image_id: pictures.clean_alt(text, field=f"alt_existing_{image_id}")
        for image_id, text in (alt_texts or {}).items()
    }
    if len(current) - len(removing) + len(uploads) > MAX_POST_IMAGES:
        _prepare(uploads, already=len(current) - len(removing))
    common.require_can_speak(actor, fresh.municipality, action="post")
    prepared = _prepare(uploads, already=len(current) - len(removing))
    for image in current:
        changed_alt = image.pk in cleaned_alts and image.alt_text != cleaned_alts[image.pk]
        if changed_alt and image not in removing:
            image.alt_text = cleaned_alts[image.pk]
            image.save(update_fields=["alt_text"])
    if removing:
        names = pictures.files_of(removing)
        PostImage.objects.filter(pk__in=[image.pk for image in removing]).delete()
        transaction.on_commit(lambda: _delete_files(names))
    _store(fresh, prepared)
    if changed or removing or prepared:
        fresh.edited_at = timezone.now()
        fresh.save(update_fields=[*changed, "edited_at"])
    search.index_post(fresh)
    feed_changed(fresh)
    if "body" in changed:
        post_id, text, author = fresh.pk, fresh.body, actor
        _after_commit(
            lambda: _notify_mentions(
                post_id=post_id, text=text, author=author, key=f"community:mention:post:{post_id}"
            )
        )
    return fresh


@transaction.atomic
def post_image_add(*, actor, post: Post, upload: Upload) -> PostImage:
    """Add one picture to one's own post (four at most)."""
    require(actor, "community.edit_post", post, _("Only its author can change this post."))
    fresh = _fresh_post(post)
    already = fresh.images.count()
    if already >= MAX_POST_IMAGES:
        _prepare([upload], already=already)
    common.require_can_speak(actor, fresh.municipality, action="post")
    stored = _store(fresh, _prepare([upload], already=already))
    fresh.edited_at = timezone.now()
    fresh.save(update_fields=["edited_at"])
    feed_changed(fresh)
    return stored[0]


@transaction.atomic
def post_delete(*, actor, post: Post) -> None:
    """Delete one's own post, with its pictures, comments and reactions."""
    require(actor, "community.edit_post", post, _("Only its author can delete this post."))
    names = pictures.files_of(list(PostImage.objects.filter(post_id=post.pk)))
    group_id = post.group_id
    search.unindex(SearchEntry.Kind.POST, post.pk)
    feed_changed(post)
    Post.objects.filter(pk=post.pk).delete()
    if group_id is not None:
        latest = Post.objects.filter(group_id=group_id).aggregate(latest=Max("created_at"))
        Group.objects.filter(pk=group_id).update(
            post_count=Greatest(F("post_count") - 1, Value(0)), last_post_at=latest["latest"]
        )
    transaction.on_commit(lambda: _delete_files(names))


# --- Comments -------------------------------------------------------------------------------------


def _require_can_interact(actor, post: Post, message: str) -> None:
    require(actor, "community.interact_post", post, message)
    if post.author_id is not None and post.author_id != actor.pk:
        common.require_not_blocked(
            actor, [post.author_id], _("The author of this post does not accept it from you.")
        )


@transaction.atomic
def comment_create(*, actor, post: Post, body: str, language: str) -> Comment:
    """Comment on a post one may write in; its author is told (unless they blocked you)."""
    _require_can_interact(actor, post, _("You cannot comment on this post."))
    body = _clean_text(body, limit=MAX_COMMENT_CHARS)
    language = _clean_language(language)
    common.require_can_speak(actor, post.municipality, action="comment")
    handles.profile_ensure(actor)
    comment = Comment.objects.create(post=post, author=actor, body=body, language=language)
    Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + 1)
    feed_changed(post)  # the feeds show the count
    comment_id, post_id, author = comment.pk, post.pk, actor
    _after_commit(lambda: _notify_comment(comment_id=comment_id))
    _after_commit(
        lambda: _notify_mentions(
            post_id=post_id, text=body, author=author, key=f"community:mention:comment:{comment_id}"
        )
    )
    return comment


@transaction.atomic
def comment_update(*, actor, comment: Comment, body: str, language: str | None = None) -> Comment:
    require(actor, "community.edit_comment", comment, _("Only its author can change this comment."))
    fresh = Comment.objects.select_related("post__municipality").get(pk=comment.pk)
    body = _clean_text(body, limit=MAX_COMMENT_CHARS)
    fields = []
    if body != fresh.body:
        fresh.body = body
        fields.append("body")
    if language is not None:
        language = _clean_language(language)
        if language != fresh.language:
            fresh.language = language
            fields.append("language")
    common.require_can_speak(actor, fresh.post.municipality, action="comment")
    if fields:
        fresh.edited_at = timezone.now()
        fresh.save(update_fields=[*fields, "edited_at"])
    if "body" in fields:
        comment_id, post_id, author = fresh.pk, fresh.post_id, actor
        _after_commit(
            lambda: _notify_mentions(
                post_id=post_id,
                text=body,
                author=author,
                key=f"community:mention:comment:{comment_id}",
            )
        )
    return fresh


@transaction.atomic
def comment_delete(*, actor, comment: Comment) -> None:
    require(actor, "community.edit_comment", comment, _("Only its author can delete this comment."))
    fresh = Comment.objects.filter(pk=comment.pk).first()
    if fresh is None:
        raise NotFound(_("This comment does not exist."))
    fresh.delete()
    if fresh.hidden_at is None:  # the counter counts visible comments
        Post.objects.filter(pk=fresh.post_id).update(
            comment_count=Greatest(F("comment_count") - 1, Value(0))
        )
        feed_changed(comment.post)


# --- Reactions ------------------------------------------------------------------------------------


@transaction.atomic
def reaction_set(*, actor, post: Post, kind: str) -> Reaction:
    """React to a post: one reaction per person and post; reacting again changes its kind."""
    _require_can_interact(actor, post, _("You cannot react to this post."))
    if kind not in REACTION_KINDS:
        raise _invalid("kind", _("Choose a reaction from the list."))
    existing = Reaction.objects.select_for_update().filter(post=post, user=actor).first()
    if existing is not None:
        if existing.kind != kind:
            existing.kind = kind
            existing.save(update_fields=["kind"])
        return existing
    try:
        with transaction.atomic():
            reaction = Reaction.objects.create(post=post, user=actor, kind=kind)
    except IntegrityError:  # a concurrent first reaction: change its kind instead
        Reaction.objects.filter(post=post, user=actor).update(kind=kind)
        return Reaction.objects.get(post=post, user=actor)
    Post.objects.filter(pk=post.pk).update(reaction_count=F("reaction_count") + 1)
    feed_changed(post)
    return reaction


@transaction.atomic
def reaction_remove(*, actor, post: Post) -> bool:
    """Take back one's reaction (True if there was one)."""
    require(actor, "community.view_post", post, _("You cannot react to this post."))
    deleted, _rows = Reaction.objects.filter(post=post, user=actor).delete()
    if deleted:
        Post.objects.filter(pk=post.pk).update(
            reaction_count=Greatest(F("reaction_count") - 1, Value(0))
        )
        feed_changed(post)
    return bool(deleted)


def post_counts(post_id: int) -> dict[str, int]:
    """The counters as they are now (after a service moved them with `F()`)."""
    row = Post.objects.filter(pk=post_id).values_list("comment_count", "reaction_count").first()
    return {"comment_count": row[0], "reaction_count": row[1]} if row else {}
