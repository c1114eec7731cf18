"""The community: people, neighbourhood feeds and interest groups, posts and their comments,
private conversations, newcomer pairing, and the moderation that keeps it civil.

Every municipal object carries its `municipality`. Counters (`member_count`, `comment_count`,
...) are kept by the services in the same transaction as the rows they count; `manage.py
community_check` recounts them. Authors are `SET_NULL`: erasing an account keeps the
conversation readable ("a former member") without the person.

Sections (each owned by one part of the app; keep edits inside your section):
1. People: community profile, follows, blocks.
2. Groups and feeds: groups and their members; posts (in a district feed or a group), their
   pictures, comments and reactions; the search index.
3. Conversations: conversations, their members and messages.
4. Moderation: netiquette and its acceptances, reports, moderation actions, suspensions.
5. Newcomers: newcomer and buddy profiles, pairings and their feedback, the resource directory.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from milieu.core.pictures import PictureBase
from milieu.core.storage import PrivateStorage
from milieu.territory.models import District, Municipality

from . import choices

USER = settings.AUTH_USER_MODEL

MAX_POST_CHARS = 5000
MAX_COMMENT_CHARS = 2000
MAX_MESSAGE_CHARS = 2000
MAX_POST_IMAGES = 4
MAX_CONVERSATION_MEMBERS = 8


class Hideable(models.Model):
    """What moderators can hide: hidden content disappears from every list; its author still
    sees it, with the reason."""

    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hidden_reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        abstract = True

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


# --- 1. People ------------------------------------------------------------------------------------


class CommunityProfile(models.Model):
    """What the community shows of a person besides the account's display name: a handle for
    mentions (`@handle`) and the profile's address, and what they chose to say. Who may see the
    bio, interests and languages follows `User.profile_visibility` (private by default)."""

    user = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="community_profile")
    handle = models.SlugField(_("handle"), max_length=40, unique=True)
    bio = models.CharField(_("about me"), max_length=500, blank=True)
    interests = models.JSONField(_("interests"), default=list, blank=True)  # choices.INTERESTS
    languages = models.JSONField(_("languages I speak"), default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("community profile")
        verbose_name_plural = _("community profiles")

    def __str__(self) -> str:
        return f"@{self.handle}"


class Follow(models.Model):
    follower = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="following")
    followed = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="followers")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followed"], name="follow_once"),
            models.CheckConstraint(
                condition=~Q(follower=models.F("followed")), name="follow_not_self"
            ),
        ]
        indexes = [models.Index(fields=["followed"], name="follow_followed")]

    def __str__(self) -> str:
        return f"{self.follower_id} → {self.followed_id}"


class Block(models.Model):
    """`blocker` no longer hears from `blocked`: no message, comment, reaction, mention or
    follow from them, and their posts and comments leave the blocker's lists."""

    blocker = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="blocks")
    blocked = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="blocked_by")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once"),
            models.CheckConstraint(
                condition=~Q(blocker=models.F("blocked")), name="block_not_self"
            ),
        ]
        indexes = [models.Index(fields=["blocked"], name="block_blocked")]

    def __str__(self) -> str:
        return f"{self.blocker_id} ⊘ {self.blocked_id}"


# --- 2. Groups and feeds --------------------------------------------------------------------------


class Group(Hideable):
    """An interest group of one municipality. Open groups are read by every member of the
    municipality and joined in one click; groups on request are read by their members only,
    whom the group's administrators accept."""

    class Visibility(models.TextChoices):
        OPEN = "open", _("Open: every member of the municipality can read and join")
        ON_REQUEST = "on_request", _("On request: only accepted members can read")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    slug = models.SlugField(max_length=80)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    interest = models.CharField(_("theme"), max_length=30, choices=choices.INTERESTS, blank=True)
    visibility = models.CharField(
        _("who can read"), max_length=12, choices=Visibility.choices, default=Visibility.OPEN
    )
    official = models.BooleanField(_("run by the municipality"), default=False)
    language = models.CharField(_("main language"), max_length=8, default="fr")
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    member_count = models.PositiveIntegerField(default=0)
    post_count = models.PositiveIntegerField(default=0)
    last_post_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "slug"], name="group_unique_slug"),
        ]
        indexes = [
            models.Index(fields=["municipality", "name"], name="group_municipality_name"),
            models.Index(
                fields=["municipality", "-last_post_at"], name="group_municipality_activity"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.visibility == self.Visibility.OPEN


class GroupMembership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        ADMIN = "admin", _("Group administrator")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        ACTIVE = "active", _("Member")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="group_memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    requested_at = models.DateTimeField(default=timezone.now)
    joined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="group_membership_once"),
        ]
        indexes = [
            models.Index(fields=["user", "status"], name="group_membership_user"),
            models.Index(fields=["group", "status", "role"], name="group_membership_group"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.group_id} ({self.status})"


class Post(Hideable):
    """A post in a district's feed (my neighbourhood) or in a group: exactly one of the two."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey(
        District, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, null=True, blank=True, related_name="posts"
    )
    author = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="community_posts"
    )
    body = models.TextField(_("text"), max_length=MAX_POST_CHARS)
    language = models.CharField(_("language"), max_length=8, default="fr")
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    comment_count = models.PositiveIntegerField(default=0)
    reaction_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.CheckConstraint(
                condition=(Q(district__isnull=False) & Q(group__isnull=True))
                | (Q(district__isnull=True) & Q(group__isnull=False)),
                name="post_in_district_or_group",
            ),
        ]
        # Feeds read the newest visible posts first, by (created_at, id) cursors.
        indexes = [
            models.Index(
                fields=["district", "-created_at", "-id"],
                name="post_district_feed",
                condition=Q(hidden_at__isnull=True),
            ),
            models.Index(
                fields=["group", "-created_at", "-id"],
                name="post_group_feed",
                condition=Q(hidden_at__isnull=True),
            ),
            models.Index(fields=["author", "-created_at", "-id"], name="post_author"),
            models.Index(
                fields=["-created_at", "-id"],
                name="post_recent",
                condition=Q(hidden_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.body[:60]


def post_image_path(instance: "PostImage", filename: str) -> str:
    return f"community/posts/{filename}"


class PostImage(PictureBase):
    """A picture of a post, re-encoded without its metadata (`core.images`). Kept in private
    storage and served by a view that checks who may see the post: a private group's pictures
    have no public address."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="images")
    image = models.FileField(upload_to=post_image_path, storage=PrivateStorage(), max_length=200)

    class Meta:
        ordering = ["post", "position", "pk"]
        indexes = [models.Index(fields=["post", "position"], name="post_image_post")]


class Comment(Hideable):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="community_comments"
    )
    body = models.TextField(_("comment"), max_length=MAX_COMMENT_CHARS)
    language = models.CharField(_("language"), max_length=8, default="fr")
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["post", "created_at", "id"], name="comment_post")]

    def __str__(self) -> str:
        return self.body[:60]


class Reaction(models.Model):
    """One reaction per person and post; reacting again changes its kind."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=choices.REACTIONS)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="reaction_once"),
        ]
        indexes = [models.Index(fields=["user", "post"], name="reaction_user")]

    def __str__(self) -> str:
        return f"{self.kind} on {self.post_id}"


class SearchEntry(models.Model):
    """The full-text index of posts, groups and people: one row per object, its words
    lower-cased and without accents (`community.search`). PostgreSQL searches it through a GIN
    index on its `tsvector`; SQLite through an FTS5 table kept by triggers (migration 0002).
    The visibility columns let the search filter what the reader may see in the same query."""

    class Kind(models.TextChoices):
        POST = "post", _("Post")
        GROUP = "group", _("Group")
        PERSON = "person", _("Person")

    kind = models.CharField(max_length=8, choices=Kind.choices)
    object_id = models.BigIntegerField()
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_once"),
        ]
        indexes = [models.Index(fields=["municipality", "kind"], name="search_municipality")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"


# --- 3. Conversations -----------------------------------------------------------------------------


class Conversation(models.Model):
    """A private conversation between two people, or a small group (at most eight). It belongs
    to the municipality where it was started, whose moderators handle reports about it."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=120, blank=True)
    is_group = models.BooleanField(default=False)
    # "<smaller user id>:<larger user id>" for a one-to-one conversation: there is only one.
    pair_key = models.CharField(max_length=41, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self) -> str:
        return self.title or f"conversation {self.pk}"


class ConversationMember(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="conversations")
    joined_at = models.DateTimeField(default=timezone.now)
    last_read_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "user"], name="conversation_member_once"
            ),
        ]
        indexes = [models.Index(fields=["user", "left_at"], name="conversation_member_user")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.conversation_id}"


class Message(Hideable):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(_("message"), max_length=MAX_MESSAGE_CHARS)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["conversation", "-created_at", "-id"], name="message_thread"),
        ]

    def __str__(self) -> str:
        return self.body[:60]


# --- 4. Moderation --------------------------------------------------------------------------------


class Netiquette(models.Model):
    """A municipality's rules of conduct, versioned: publishing a new version asks everyone to
    accept it again before their next post, comment or message. A municipality without one
    uses the platform's (version 0, `community.netiquette.DEFAULT`)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    text_fr = models.TextField(_("text in French"), max_length=10000)
    text_en = models.TextField(_("text in English"), max_length=10000, blank=True)
    text_es = models.TextField(_("text in Spanish"), max_length=10000, blank=True)
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "version"], name="netiquette_unique_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id} v{self.version}"


class NetiquetteAcceptance(models.Model):
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality", "version"], name="netiquette_accepted_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.municipality_id} v{self.version}"


class Report(models.Model):
    """Someone reports a post, comment, message or person to the municipality's moderators.
    `target` is "post:12", "comment:3", "message:40" or "person:7"; `snapshot` keeps what was
    reported as it was (it may be edited or deleted since). One open report per person and
    target."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        HARASSMENT = "harassment", _("Harassment or bullying")
        HATE = "hate", _("Hate or discrimination")
        DANGER = "danger", _("Violence or danger")
        PRIVACY = "privacy", _("Someone's private information")
        MISINFORMATION = "misinformation", _("False information")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("To review")
        ACTIONED = "actioned", _("Action taken")
        DISMISSED = "dismissed", _("No action needed")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    reporter = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target = models.CharField(max_length=40)
    post = models.ForeignKey(Post, on_delete=models.SET_NULL, null=True, blank=True)
    comment = models.ForeignKey(Comment, on_delete=models.SET_NULL, null=True, blank=True)
    message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True)
    subject = models.ForeignKey(  # the person reported, or the author of what was reported
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    details = models.TextField(_("details"), max_length=1000, blank=True)
    snapshot = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "target"],
                condition=Q(status="open"),
                name="report_open_once",
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "status", "created_at"], name="report_queue"),
            models.Index(fields=["target", "status"], name="report_target"),
        ]

    def __str__(self) -> str:
        return f"{self.target} ({self.status})"


class ModerationAction(models.Model):
    """What a moderator did, why, and to whom: the audit trail (append-only; never edited)."""

    class Action(models.TextChoices):
        HIDE = "hide", _("Hidden")
        RESTORE = "restore", _("Restored")
        WARN = "warn", _("Warned")
        SUSPEND = "suspend", _("Suspended")
        LIFT = "lift", _("Suspension lifted")
        DISMISS = "dismiss", _("Report dismissed")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    moderator = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    target = models.CharField(max_length=40)  # as in Report.target
    subject = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    report = models.ForeignKey(Report, on_delete=models.SET_NULL, null=True, blank=True)
    reason = models.TextField(_("reason shown to the person"), max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["municipality", "-created_at"], name="moderation_log"),
            models.Index(fields=["subject", "-created_at"], name="moderation_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.target}"


class Suspension(models.Model):
    """A person may not post, comment or send messages in the municipality's community until
    `ends_at` (or until lifted, when it has no end)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("reason"), max_length=1000)
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["user", "municipality"], name="suspension_user")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.municipality_id}"


# --- 5. Newcomers ---------------------------------------------------------------------------------


class NewcomerProfile(models.Model):
    """A newcomer to the municipality describes themselves to be paired with a buddy. Seen by
    the person and by the municipality's pairing coordinators (each view logged), never listed
    publicly."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="newcomer_profiles")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey(
        District, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    arrival_date = models.DateField(_("date of arrival"))
    languages_spoken = models.JSONField(_("languages I speak"), default=list)
    languages_wanted = models.JSONField(_("languages I want to practise"), default=list, blank=True)
    needs = models.JSONField(_("what I am looking for"), default=list, blank=True)
    interests = models.JSONField(_("interests"), default=list, blank=True)
    availability = models.JSONField(_("when I am available"), default=list, blank=True)
    about = models.TextField(_("a few words about me"), max_length=1000, blank=True)
    seeking = models.BooleanField(_("looking for a buddy"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("newcomer profile")
        verbose_name_plural = _("newcomer profiles")
        constraints = [
            models.UniqueConstraint(fields=["user", "municipality"], name="newcomer_once"),
        ]
        indexes = [
            models.Index(fields=["municipality", "seeking", "created_at"], name="newcomer_queue"),
        ]

    def __str__(self) -> str:
        return f"newcomer {self.user_id} in {self.municipality_id}"


class BuddyProfile(models.Model):
    """An established resident volunteers to welcome newcomers."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="buddy_profiles")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey(
        District, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    languages = models.JSONField(_("languages I speak"), default=list)
    interests = models.JSONField(_("interests"), default=list, blank=True)
    availability = models.JSONField(_("when I am available"), default=list, blank=True)
    about = models.TextField(_("a few words about me"), max_length=1000, blank=True)
    capacity = models.PositiveSmallIntegerField(_("newcomers at a time"), default=1)
    active = models.BooleanField(_("available for new pairings"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("buddy profile")
        verbose_name_plural = _("buddy profiles")
        constraints = [
            models.UniqueConstraint(fields=["user", "municipality"], name="buddy_once"),
            models.CheckConstraint(
                condition=Q(capacity__gte=1) & Q(capacity__lte=5), name="buddy_capacity_range"
            ),
        ]
        indexes = [models.Index(fields=["municipality", "active"], name="buddy_pool")]

    def __str__(self) -> str:
        return f"buddy {self.user_id} in {self.municipality_id}"


class Pairing(models.Model):
    """A newcomer and a buddy, proposed by a coordinator: proposed → active (both accepted) →
    completed or ended; or declined by either before it starts."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACTIVE = "active", pgettext_lazy("pairing", "Active")
        COMPLETED = "completed", _("Completed")
        ENDED = "ended", _("Ended early")
        DECLINED = "declined", _("Declined")

    OPEN_STATES = (State.PROPOSED, State.ACTIVE)

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    newcomer = models.ForeignKey(NewcomerProfile, on_delete=models.CASCADE, related_name="pairings")
    buddy = models.ForeignKey(BuddyProfile, on_delete=models.CASCADE, related_name="pairings")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PROPOSED)
    proposed_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(_("message to both"), max_length=1000, blank=True)
    score = models.PositiveSmallIntegerField(default=0)
    explanation = models.JSONField(default=list, blank=True)  # the matching's reasons
    newcomer_accepted_at = models.DateTimeField(null=True, blank=True)
    buddy_accepted_at = models.DateTimeField(null=True, blank=True)
    declined_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=500, blank=True)
    next_checkin_at = models.DateTimeField(null=True, blank=True)
    checkins_sent = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        constraints = [
            # One pairing in progress (proposed or active) per newcomer at a time.
            models.UniqueConstraint(
                fields=["newcomer"],
                condition=Q(state__in=["proposed", "active"]),
                name="pairing_one_open_per_newcomer",
            ),
        ]
        indexes = [
            models.Index(fields=["buddy", "state"], name="pairing_buddy"),
            models.Index(fields=["municipality", "state", "-proposed_at"], name="pairing_list"),
            models.Index(
                fields=["next_checkin_at"],
                name="pairing_checkin_due",
                condition=Q(state="active"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.newcomer_id} + {self.buddy_id} ({self.state})"


class PairingFeedback(models.Model):
    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(_("how did it go (1 to 5)"))
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pairing", "author"], name="pairing_feedback_once"),
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="pairing_feedback_rating"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pairing_id}: {self.rating}"


class NewcomerResource(models.Model):
    """An organisation or service for newcomers in the municipality's directory, described in
    up to three languages (French required)."""

    class Category(models.TextChoices):
        WELCOME = "welcome", _("Welcome and settlement")
        LANGUAGE = "language", _("French courses")
        EMPLOYMENT = "employment", _("Employment")
        SCHOOLING = "schooling", _("School and childcare")
        HOUSING = "housing", _("Housing")
        HEALTH = "health", _("Health")
        COMMUNITY = "community", _("Community life")
        LEGAL = "legal", _("Legal help and immigration")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    name = models.CharField(_("name"), max_length=200)
    description_fr = models.TextField(_("description in French"), max_length=2000)
    description_en = models.TextField(_("description in English"), max_length=2000, blank=True)
    description_es = models.TextField(_("description in Spanish"), max_length=2000, blank=True)
    url = models.URLField(_("website"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    languages = models.JSONField(_("languages served"), default=list, blank=True)
    published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("newcomer resource")
        verbose_name_plural = _("newcomer resources")
        ordering = ["category", "name"]
        indexes = [
            models.Index(
                fields=["municipality", "published", "category", "name"], name="resource_directory"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def description(self, language: str) -> str:
        """The description in `language`, French when there is none in it."""
        return getattr(self, f"description_{language}", "") or self.description_fr
