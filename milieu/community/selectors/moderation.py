"""Reads of the moderation part: what a report or a moderation action is about (its *target*),
the municipality's queue of reports, the log of actions and the suspensions.

A target is written `"<kind>:<id>"`: `post:12`, `comment:3`, `message:40`, `person:7` (and
`group:5` for moderators, who may hide a group). Two ways to look one up:

- `reportable_get(visible_to=…, target=…)`: what a person may report — only what they can see
  (hidden and absent look the same: *not found*);
- `moderation_target_get(municipality=…, target=…)`: what a moderator of the municipality may
  act on — everything in that municipality, hidden or not, even in a private group (moderators
  see what was reported, not the group); anything elsewhere is *not found*.

Reported private messages are personal data: the queue never shows their text (only the
report's page does, and the view logs it).
"""

import logging
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from milieu.accounts.models import Membership, User
from milieu.core.errors import ApplicationError, NotFound
from milieu.territory.models import Municipality

from ..models import (
    Comment,
    Group,
    Message,
    ModerationAction,
    Post,
    Report,
    Suspension,
)

audit = logging.getLogger("milieu.audit")
REPORT_KINDS = ("post", "comment", "message", "person")
HIDEABLE_KINDS = ("post", "comment", "message", "group")
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass
class Target:
    """What a report or an action is about, resolved."""

    kind: str  # post | comment | message | person | group
    pk: int
    obj: Post | Comment | Message | Group | User
    municipality: Municipality | None  # None for a person (the caller decides)
    subject: User | None  # the person, or the author of the content (None when erased)
    text: str  # what the snapshot keeps

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.pk}"

    @property
    def is_content(self) -> bool:
        return self.kind in HIDEABLE_KINDS


def target_parse(target: str, *, kinds: tuple[str, ...] = REPORT_KINDS) -> tuple[str, int]:
    """`"post:12"` → `("post", 12)`; anything else is a validation error on `target`."""
    kind, _sep, raw_id = (target or "").strip().partition(":")
    if kind in kinds and raw_id.isdigit() and 0 < int(raw_id) < 2**63:
        return kind, int(raw_id)
    raise ApplicationError(
        _("This is not something that can be reported or moderated."),
        code="validation",
        extra={"fields": {"target": [_("Unknown target.")]}},
    )


def _person_text(user: User) -> str:
    profile = getattr(user, "community_profile", None)
    handle = f" (@{profile.handle})" if profile is not None else ""
    bio = f"\n{profile.bio}" if profile is not None and profile.bio else ""
    return f"{user.display_name or _('(no name)')}{handle}{bio}"


def _post_query() -> QuerySet[Post]:
    return Post.objects.select_related(
        "municipality__region", "group__municipality", "author__community_profile"
    )


def _comment_query() -> QuerySet[Comment]:
    return Comment.objects.select_related(
        "post__municipality__region", "post__group__municipality", "author__community_profile"
    )


def _message_query() -> QuerySet[Message]:
    return Message.objects.select_related(
        "conversation__municipality__region", "author__community_profile"
    )


def _person_query() -> QuerySet[User]:
    return User.objects.filter(is_active=True).select_related("community_profile")


def _not_found() -> NotFound:
    return NotFound(_("This no longer exists, or you cannot see it."))


def _target(kind: str, obj) -> Target:
    if kind == "post":
        return Target(kind, obj.pk, obj, obj.municipality, obj.author, obj.body)
    if kind == "comment":
        return Target(kind, obj.pk, obj, obj.post.municipality, obj.author, obj.body)
    if kind == "message":
        return Target(kind, obj.pk, obj, obj.conversation.municipality, obj.author, obj.body)
    if kind == "group":
        text = f"{obj.name}\n{obj.description}".strip()
        return Target(kind, obj.pk, obj, obj.municipality, obj.created_by, text)
    return Target(kind, obj.pk, obj, None, obj, _person_text(obj))


def reportable_get(*, visible_to, target: str) -> Target:
    """What `visible_to` wants to report, if they can see it: a post they may read, a visible
    comment under one, a message of a conversation they are in, an active person they share a
    municipality with. Not found otherwise."""
    kind, pk = target_parse(target)
    user = visible_to
    if not user.is_authenticated:
        raise _not_found()
    if kind == "post":
        post = _post_query().filter(pk=pk).first()
        if post is None or not user.has_perm("community.view_post", post):
            raise _not_found()
        return _target(kind, post)
    if kind == "comment":
        comment = _comment_query().filter(pk=pk).first()
        if (
            comment is None
            or (comment.hidden_at is not None and comment.author_id != user.pk)
            or not user.has_perm("community.view_post", comment.post)
        ):
            raise _not_found()
        return _target(kind, comment)
    if kind == "message":
        message = _message_query().filter(pk=pk).first()
        if (
            message is None
            or (message.hidden_at is not None and message.author_id != user.pk)
            or not user.has_perm("community.view_conversation", message.conversation)
        ):
            raise _not_found()
        return _target(kind, message)
    person = _person_query().filter(pk=pk).first()
    if person is None or (person.pk != user.pk and not shared_municipalities(user, person)):
        raise _not_found()
    return _target(kind, person)


def shared_municipalities(user, other) -> list[Municipality]:
    """The municipalities where both people are members (home or visited), by name."""
    mine = Membership.objects.filter(user=user).values("municipality_id")
    return list(
        Municipality.objects.filter(memberships__user=other, pk__in=mine)
        .select_related("region")
        .order_by("name")
    )


def moderation_target_get(*, municipality: Municipality, target: str) -> Target:
    """What a moderator of `municipality` may act on: content of that municipality (hidden or
    not, in any group), or a person who is a member there or was reported there."""
    kind, pk = target_parse(target, kinds=(*REPORT_KINDS, "group"))
    obj: Post | Comment | Message | Group | User | None
    if kind == "post":
        obj = _post_query().filter(pk=pk, municipality=municipality).first()
    elif kind == "comment":
        obj = _comment_query().filter(pk=pk, post__municipality=municipality).first()
    elif kind == "message":
        obj = _message_query().filter(pk=pk, conversation__municipality=municipality).first()
    elif kind == "group":
        obj = Group.objects.select_related("created_by").filter(pk=pk).first()
        obj = obj if obj is not None and obj.municipality_id == municipality.pk else None
    else:
        obj = (
            User.objects.filter(pk=pk)
            .filter(
                Q(memberships__municipality=municipality)
                | Q(pk__in=Report.objects.filter(municipality=municipality).values("subject_id"))
            )
            .select_related("community_profile")
            .distinct()
            .first()
        )
    if obj is None:
        raise _not_found()
    found = _target(kind, obj)
    if kind == "group":
        found.municipality = municipality
    return found


# --- The queue ----------------------------------------------------------------------------------


def report_list(
    *,
    visible_to,
    municipality: Municipality,
    status: str = "",
    reason: str = "",
) -> QuerySet[Report]:
    """The municipality's reports: open ones first, then the oldest first (the caller pages
    it). `status` and `reason` filter when given. Moderators only."""
    from milieu.core.permissions import require

    require(visible_to, "community.moderate", municipality)
    qs = Report.objects.filter(municipality=municipality)
    if status:
        qs = qs.filter(status=status)
    if reason:
        qs = qs.filter(reason=reason)
    return qs.select_related("reporter__community_profile", "subject__community_profile").order_by(
        Case(
            When(status=Report.Status.OPEN, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        "created_at",
        "pk",
    )


def report_get(*, visible_to, municipality: Municipality, report_id: int) -> Report:
    from milieu.core.permissions import require

    require(visible_to, "community.moderate", municipality)
    report = (
        Report.objects.filter(municipality=municipality, pk=report_id)
        .select_related("reporter__community_profile", "subject__community_profile", "closed_by")
        .first()
    )
    if report is None:
        raise NotFound(_("Report not found."))
    return report


@dataclass
class ReportFile:
    """Everything a moderator needs to decide about one report."""

    report: Report
    live: Target | None  # the reported thing as it is now (None once deleted)
    history: list[ModerationAction]  # the subject's earlier actions in this municipality
    other_reports: list[Report]  # the other open reports on the same target
    suspension: Suspension | None  # the subject's suspension in force here


def report_file(*, visible_to, municipality: Municipality, report_id: int) -> ReportFile:
    """The report and what a moderator needs to decide. A reported private message is personal
    data: reading it is logged (`personal_data_access`), and only that message and its author
    are shown, never the rest of the conversation."""
    report = report_get(visible_to=visible_to, municipality=municipality, report_id=report_id)
    if report.target.startswith("message:"):
        audit.info(
            "personal_data_access",
            extra={
                "actor": visible_to.pk,
                "subject": report.subject_id,
                "what": "reported_private_message",
                "report": report.pk,
                "target": report.target,
            },
        )
    try:
        live: Target | None = moderation_target_get(municipality=municipality, target=report.target)
    except NotFound:
        live = None
    history: list[ModerationAction] = []
    suspension = None
    if report.subject_id is not None:
        history = list(
            ModerationAction.objects.filter(municipality=municipality, subject_id=report.subject_id)
            .select_related("moderator__community_profile", "subject__community_profile")
            .order_by("-created_at", "-pk")[:20]
        )
        suspension = suspension_active(municipality=municipality, user_id=report.subject_id)
    other_reports = list(
        Report.objects.filter(
            municipality=municipality, target=report.target, status=Report.Status.OPEN
        )
        .exclude(pk=report.pk)
        .select_related("reporter__community_profile", "subject__community_profile")
        .order_by("created_at", "pk")
    )
    return ReportFile(report, live, history, other_reports, suspension)


def suspension_active(*, municipality: Municipality, user_id: int) -> Suspension | None:
    now = timezone.now()
    return (
        Suspension.objects.filter(
            user_id=user_id, municipality=municipality, lifted_at__isnull=True
        )
        .filter(starts_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .order_by("-starts_at")
        .first()
    )


def action_list(*, visible_to, municipality: Municipality) -> QuerySet[ModerationAction]:
    """The audit log: every action taken in the municipality, newest first."""
    from milieu.core.permissions import require

    require(visible_to, "community.moderate", municipality)
    return (
        ModerationAction.objects.filter(municipality=municipality)
        .select_related("moderator__community_profile", "subject__community_profile")
        .order_by("-created_at", "-pk")
    )


def suspension_list(
    *, visible_to, municipality: Municipality, active: bool = True
) -> QuerySet[Suspension]:
    """Suspensions in force (`active`), or the ended and lifted ones, newest first."""
    from milieu.core.permissions import require

    require(visible_to, "community.moderate", municipality)
    now = timezone.now()
    in_force = Q(lifted_at__isnull=True, starts_at__lte=now) & (
        Q(ends_at__isnull=True) | Q(ends_at__gt=now)
    )
    qs = Suspension.objects.filter(municipality=municipality)
    qs = qs.filter(in_force) if active else qs.exclude(in_force)
    return qs.select_related("user__community_profile", "created_by", "lifted_by").order_by(
        "-starts_at", "-pk"
    )


def page_bounds(limit: int, offset: int) -> tuple[int, int]:
    return max(1, min(limit, MAX_PAGE_SIZE)), max(0, offset)
