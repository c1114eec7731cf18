"""Reads of the people part: community profiles, the person page, whom I follow and block, the
posts a reader may read, and the translation of a post or a comment.

Who may see a person and their details is decided by the rules of `permissions` (section
"People"); the lists here apply the same rules in SQL, so that their query count does not grow
with them.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _

from milieu.accounts.access import access_facts
from milieu.accounts.models import Membership, User
from milieu.core import ratelimit
from milieu.core.errors import ApplicationError, NotFound
from milieu.core.ratelimit import Limit
from milieu.territory.models import Municipality
from milieu.territory.selectors import municipalities_by_id

from .. import choices, handles, translation
from ..models import (
    Block,
    Comment,
    CommunityProfile,
    Follow,
    Group,
    GroupMembership,
    Post,
)
from ..permissions import blocked_either_way
from ..relations import (
    PersonRelation,
    community_municipality_ids,
    person_relation,
    relation_annotations,
    relation_from_row,
)

PER_PAGE = 20
RECENT_POSTS = 10
# How often a person may ask for a machine translation (the backend is the municipality's own).
TRANSLATION_LIMITS = [Limit(60, 600), Limit(300, 86_400)]


# --- My profile -----------------------------------------------------------------------------------


def my_profile(*, user) -> CommunityProfile:
    """My community profile, created (with a free handle) the first time."""
    profile = handles.profile_ensure(user)
    profile.user = user
    return profile


# --- Who is blocked, and the municipalities of a reader -------------------------------------------


def blocked_ids(user) -> list[int]:
    """The people `user` blocked, and those who blocked `user` (either way), as a plain list (a
    subquery over every account cost a scan of them all in each search): the request's
    memoised set (`permissions.blocked_either_way`)."""
    return sorted(blocked_either_way(user))


def community_municipalities(*, user) -> list[Municipality]:
    """The municipalities whose community `user` reads (member or staff there, the module on),
    by name: from the cache (`territory.selectors.municipalities_by_id`), then memoised on the
    user object while their access facts hold."""
    if not user.is_authenticated:
        return []
    version = access_facts(user).version
    memo = user.__dict__.get("_milieu_community_municipalities")
    if memo is not None and memo[0] == version:
        return memo[1]
    found = sorted(
        (
            municipality
            for municipality in municipalities_by_id(community_municipality_ids(user)).values()
            if "community" in (municipality.enabled_modules or [])
        ),
        key=lambda m: m.name,
    )
    user.__dict__["_milieu_community_municipalities"] = (version, found)
    return found


def readable_posts_filter(user, municipality_ids) -> Q:
    """`Q` on `Post`: the visible posts `user` may read, in the district feeds and open groups of
    `municipality_ids` (their community municipalities) and in the groups they are an active
    member of; never by someone blocked either way (the same as `community.view_post`, in SQL).
    """
    ids = list(municipality_ids)
    my_groups = GroupMembership.objects.filter(
        user_id=user.pk, status=GroupMembership.Status.ACTIVE
    ).values("group_id")
    where = Q(group__isnull=True, municipality_id__in=ids) | Q(
        group__visibility=Group.Visibility.OPEN, group__municipality_id__in=ids
    )
    where |= Q(group_id__in=my_groups)
    return (
        Q(hidden_at__isnull=True)
        & (Q(group__isnull=True) | Q(group__hidden_at__isnull=True))
        & where
        & ~Q(author_id__in=blocked_ids(user))
    )


# --- A person -------------------------------------------------------------------------------------


@dataclass
class PersonPage:
    """What the person page (and `GET /community/people/{handle}`) shows of someone."""

    person: User
    profile: CommunityProfile
    relation: PersonRelation
    details_visible: bool
    can_follow: bool
    can_block: bool
    posts: list[Post] = field(default_factory=list)
    report_municipality: Municipality | None = None

    @property
    def display_name(self) -> str:
        return display_name(self.person, self.profile)

    @property
    def interest_labels(self) -> list[str]:
        return choices.labels(choices.INTERESTS, self.profile.interests or [])

    @property
    def language_labels(self) -> list[str]:
        return choices.labels(choices.LANGUAGES, self.profile.languages or [])


def display_name(person, profile: CommunityProfile | None = None) -> str:
    """The name a person shows in the community: their display name, else their handle (never
    anything taken from their email address)."""
    if person is None:
        return _("A former member")
    if person.display_name:
        return person.display_name
    profile = profile or getattr(person, "community_profile", None)
    return f"@{profile.handle}" if profile is not None else _("A member")


def _person_by_handle(user, handle: str) -> User:
    person = (
        get_user_model()
        .objects.filter(community_profile__handle=(handle or "").strip().lower(), is_active=True)
        .select_related("community_profile")
        .annotate(**relation_annotations(user))
        .first()
    )
    if person is None:
        raise NotFound(_("Nobody has this handle."))
    relation_from_row(user, person)
    return person


def person_get(*, visible_to, handle: str) -> User:
    """The person with this handle, as `visible_to` may see them (`community.view_person`), with
    their community profile and their relation to the reader; `NotFound` otherwise."""
    person = _person_by_handle(visible_to, handle)
    if not visible_to.has_perm("community.view_person", person):
        raise NotFound(_("Nobody has this handle."))
    return person


def person_page(*, visible_to, handle: str, posts: int = RECENT_POSTS) -> PersonPage:
    """The person page: who they are, what the reader may know of them, what they may do, and
    the person's recent posts the reader may read."""
    person = person_get(visible_to=visible_to, handle=handle)
    relation = person_relation(visible_to, person)
    page = PersonPage(
        person=person,
        profile=person.community_profile,
        relation=relation,
        details_visible=visible_to.has_perm("community.view_person_details", person),
        can_follow=visible_to.has_perm("community.follow_person", person),
        can_block=visible_to.has_perm("community.block_person", person),
    )
    if not relation.blocked:
        page.posts = person_posts(visible_to=visible_to, person=person, limit=posts)
    page.report_municipality = _report_municipality(visible_to, person)
    return page


def person_posts(*, visible_to, person, limit: int = RECENT_POSTS) -> list[Post]:
    """The person's newest posts that `visible_to` may read, as the social part's post cards
    need them (`community/social/_post.html`: pictures, the reader's reaction...)."""
    from .social import decorate_posts, post_queryset

    municipalities = [m.pk for m in community_municipalities(user=visible_to)]
    posts = (
        post_queryset(visible_to)
        .filter(author=person)
        .filter(readable_posts_filter(visible_to, municipalities))
        .order_by("-created_at", "-id")[:limit]
    )
    return decorate_posts(list(posts), visible_to)


def _report_municipality(viewer, person) -> Municipality | None:
    """Where to report the person: a municipality both belong to (the reader's home first),
    else the person's home municipality."""
    if person.pk == viewer.pk:
        return None
    mine = community_municipality_ids(viewer)
    home = access_facts(viewer).home_id
    theirs = list(
        Membership.objects.filter(user=person)
        .select_related("municipality")
        .order_by("-is_home", "municipality__name")
    )
    shared = [m for m in theirs if m.municipality_id in mine]
    shared.sort(key=lambda m: m.municipality_id != home)
    chosen = shared[0] if shared else next((m for m in theirs if m.is_home), None)
    return chosen.municipality if chosen else None


# --- Whom I follow, whom I blocked ----------------------------------------------------------------


@dataclass
class PersonListPage:
    items: list  # Follow or Block rows, with the other person and their profile
    count: int
    limit: int
    offset: int

    @property
    def next_offset(self) -> int | None:
        return self.offset + self.limit if self.offset + self.limit < self.count else None

    @property
    def previous_offset(self) -> int | None:
        return max(0, self.offset - self.limit) if self.offset > 0 else None


def following_list(*, visible_to, limit: int = PER_PAGE, offset: int = 0) -> PersonListPage:
    """The people I follow, the most recent first (`item.followed`, with its profile)."""
    rows = Follow.objects.filter(follower_id=visible_to.pk)
    items = list(
        rows.select_related("followed__community_profile").order_by("-created_at", "-id")[
            offset : offset + limit
        ]
    )
    return PersonListPage(items=items, count=rows.count(), limit=limit, offset=offset)


def blocked_list(*, visible_to, limit: int = PER_PAGE, offset: int = 0) -> PersonListPage:
    """The people I blocked, the most recent first (`item.blocked`, with its profile)."""
    rows = Block.objects.filter(blocker_id=visible_to.pk)
    items = list(
        rows.select_related("blocked__community_profile").order_by("-created_at", "-id")[
            offset : offset + limit
        ]
    )
    return PersonListPage(items=items, count=rows.count(), limit=limit, offset=offset)


# --- Translation of a post or a comment -----------------------------------------------------------


class TranslationFailed(ApplicationError):
    """The translation backend did not answer: the reader is told, and may try again later."""

    status_code = 503
    code = "translation_unavailable"


@dataclass(frozen=True)
class Translation:
    target: str  # "post:12" or "comment:3"
    source: str  # the language it was written in
    language: str  # the language asked for
    original: str
    text: str
    post: Post


def _parse_target(target: str) -> tuple[str, int]:
    kind, _sep, raw_id = (target or "").partition(":")
    if kind not in ("post", "comment") or not raw_id.isdigit() or len(raw_id) > 18:
        raise ApplicationError(
            _("Say what to translate, for example post:12 or comment:3."),
            code="validation",
            extra={"fields": {"target": [_("Say what to translate: post:<id> or comment:<id>.")]}},
        )
    return kind, int(raw_id)


def translatable_get(*, visible_to, target: str) -> tuple[str, str, Post]:
    """The text, language and post of `target` ("post:12" or "comment:3") if `visible_to` may
    read it (a comment: its post, and the comment is not hidden); `NotFound` otherwise."""
    kind, object_id = _parse_target(target)
    missing = NotFound(_("This post or comment does not exist, or you cannot read it."))
    if kind == "post":
        post = Post.objects.select_related("group", "municipality").filter(pk=object_id).first()
        if post is None or not visible_to.has_perm("community.view_post", post):
            raise missing
        return post.body, post.language, post
    comment = (
        Comment.objects.select_related("post__group", "post__municipality")
        .filter(pk=object_id)
        .first()
    )
    if comment is None or not visible_to.has_perm("community.view_post", comment.post):
        raise missing
    if comment.hidden_at is not None and comment.author_id != visible_to.pk:
        raise missing
    return comment.body, comment.language, comment.post


def translation_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def translation_get(*, visible_to, target: str, language: str) -> Translation:
    """`target` machine-translated into `language` for a reader who may read it.

    Raises `NotFound` when translation is not offered (no backend) or the reader may not read
    the text, `ApplicationError` for a language the site does not speak, `RateLimited`, and
    `TranslationFailed` when the backend does not answer."""
    if not translation.available():
        raise NotFound(
            _("Automatic translation is not offered on this site."),
            code="translation_not_offered",
        )
    if language not in translation_languages():
        raise ApplicationError(
            _("Choose French, English or Spanish."),
            code="validation",
            extra={"fields": {"lang": [_("Choose French, English or Spanish.")]}},
        )
    original, source, post = translatable_get(visible_to=visible_to, target=target)
    ratelimit.hit("community:translate", visible_to.pk, limits=TRANSLATION_LIMITS)
    try:
        text = translation.translate(original, source=source, target=language)
    except translation.TranslationUnavailable:
        raise TranslationFailed(
            _("The translation service is not answering right now. Try again later.")
        ) from None
    return Translation(
        target=target, source=source, language=language, original=original, text=text, post=post
    )
