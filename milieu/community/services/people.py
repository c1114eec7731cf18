"""Writes of the people part: my community profile, following and blocking people.

A block removes the follows both ways, and while it holds neither person can follow the other.
Other parts read `Block` rows directly (or `services.common.blocked_between`).
"""

import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from milieu.accounts.access import access_facts
from milieu.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from milieu.core.permissions import require

from .. import choices, handles, matching, search
from ..models import Block, CommunityProfile, Follow
from ..permissions import forget_blocks
from ..relations import forget_relation, person_relation
from ..selectors.people import person_get

HANDLE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])$")
MAX_BIO_CHARS = 500
MAX_LANGUAGES = 12


def _invalid(fields: dict[str, list[str]]) -> ApplicationError:
    return ApplicationError(
        _("Some fields need correcting."), code="validation", extra={"fields": fields}
    )


def clean_handle(handle: str) -> str:
    """A handle as people type it (`@Marie-T` → `marie-t`), or a validation error saying what a
    handle may hold."""
    cleaned = (handle or "").strip().removeprefix("@").lower()
    if not 2 <= len(cleaned) <= 40 or not HANDLE.match(cleaned):
        raise _invalid(
            {
                "handle": [
                    _(
                        "Use 2 to 40 characters: lowercase letters without accents, digits and "
                        "dashes, starting and ending with a letter or a digit."
                    )
                ]
            }
        )
    return cleaned


def _clean_choices(values, allowed: set[str], order: list) -> list[str]:
    keys = [key for key, _label in order]
    chosen = {value for value in values or [] if value in allowed}
    return [key for key in keys if key in chosen]


@transaction.atomic
def profile_update(
    *,
    actor,
    handle: str | None = None,
    bio: str | None = None,
    interests: list[str] | None = None,
    languages: list[str] | None = None,
) -> CommunityProfile:
    """Change my handle, bio, interests or languages (what is None stays as it is). Who sees the
    bio, interests and languages is the account's `profile_visibility`, changed on the account's
    profile page."""
    require(actor, "community.change_profile")
    errors: dict[str, list[str]] = {}
    if handle is not None:
        try:
            handle = clean_handle(handle)
        except ApplicationError as error:
            errors.update(error.extra["fields"])
    if bio is not None:
        bio = bio.strip()
        if len(bio) > MAX_BIO_CHARS:
            errors["bio"] = [_("Use at most %(count)d characters.") % {"count": MAX_BIO_CHARS}]
    if interests is not None:
        unknown = [value for value in interests if value not in choices.INTEREST_KEYS]
        if unknown:
            errors["interests"] = [_("Choose interests from the list.")]
    if languages is not None:
        unknown = [value for value in languages if value not in choices.LANGUAGE_CODES]
        if unknown:
            errors["languages"] = [_("Choose languages from the list.")]
        elif len(set(languages)) > MAX_LANGUAGES:
            errors["languages"] = [
                _("Choose at most %(count)d languages.") % {"count": MAX_LANGUAGES}
            ]
    if errors:
        raise _invalid(errors)

    handles.profile_ensure(actor)
    profile = CommunityProfile.objects.select_for_update().get(user=actor)
    if handle is not None and handle != profile.handle:
        if CommunityProfile.objects.filter(handle=handle).exclude(pk=profile.pk).exists():
            raise _invalid({"handle": [_("This handle is taken. Choose another one.")]})
        profile.handle = handle
    if bio is not None:
        profile.bio = bio
    if interests is not None:
        profile.interests = _clean_choices(interests, choices.INTEREST_KEYS, choices.INTERESTS)
    if languages is not None:
        profile.languages = _clean_choices(languages, choices.LANGUAGE_CODES, choices.LANGUAGES)
    try:
        with transaction.atomic():
            profile.save(update_fields=["handle", "bio", "interests", "languages"])
    except IntegrityError:  # the handle was taken meanwhile
        raise _invalid({"handle": [_("This handle is taken. Choose another one.")]}) from None
    profile.user = actor
    search.index_person(actor)
    return profile


# --- Following ------------------------------------------------------------------------------------


def _follow_refusal(actor, person) -> ApplicationError:
    relation = person_relation(actor, person)
    if relation.is_me:
        return ApplicationError(_("You cannot follow yourself."), code="self")
    if relation.blocked_me:
        return PermissionDenied(_("This person does not accept follows from you."))
    if relation.i_blocked:
        return Conflict(_("You blocked this person. Unblock them to follow them."), code="blocked")
    return PermissionDenied(_("You are not allowed to do this."))


@transaction.atomic
def follow(*, actor, handle: str) -> Follow:
    """Follow the person with this handle (again: nothing changes). Their posts that I may
    read come into my home feed."""
    person = person_get(visible_to=actor, handle=handle)
    if not actor.has_perm("community.follow_person", person):
        raise _follow_refusal(actor, person)  # says why: myself, a block either way
    found, _created = Follow.objects.get_or_create(follower=actor, followed=person)
    forget_relation(person)
    return found


@transaction.atomic
def unfollow(*, actor, handle: str) -> None:
    """Stop following the person with this handle (also when I no longer see them)."""
    require(actor, "community.change_profile")
    deleted, _rows = Follow.objects.filter(
        follower=actor, followed__community_profile__handle=(handle or "").strip().lower()
    ).delete()
    if not deleted:
        person_get(visible_to=actor, handle=handle)  # NotFound for someone I cannot see


# --- Blocking -------------------------------------------------------------------------------------


@transaction.atomic
def block(*, actor, handle: str) -> Block:
    """Block the person with this handle: they no longer reach me (no message, comment,
    reaction, mention or follow from them), their posts leave my lists, and the follows between
    us end, both ways."""
    person = person_get(visible_to=actor, handle=handle)
    if person.pk == actor.pk:
        raise ApplicationError(_("You cannot block yourself."), code="self")
    require(actor, "community.block_person", person)
    found, _created = Block.objects.get_or_create(blocker=actor, blocked=person)
    Follow.objects.filter(follower=actor, followed=person).delete()
    Follow.objects.filter(follower=person, followed=actor).delete()
    forget_relation(person)
    forget_blocks(actor)
    forget_blocks(person)
    _rankings_changed(actor)
    return found


def _rankings_changed(actor) -> None:
    """A block between a newcomer and a buddy takes the buddy out of the newcomer's ranking:
    both belong to the pairing's municipality, so the actor's municipalities cover it."""
    matching.buddies_changed(*access_facts(actor).memberships)


@transaction.atomic
def unblock(*, actor, handle: str) -> None:
    """Lift my block of the person with this handle (the follows it ended do not come back)."""
    require(actor, "community.change_profile")
    deleted, _rows = Block.objects.filter(
        blocker=actor, blocked__community_profile__handle=(handle or "").strip().lower()
    ).delete()
    forget_blocks(actor)
    if deleted:
        _rankings_changed(actor)
    if not deleted:
        person = person_get(visible_to=actor, handle=handle)
        if person.pk == actor.pk:
            raise NotFound(_("Nobody has this handle."))
