"""The community's counters, recounted from the rows they count (`manage.py community_check`).

The services keep `Group.member_count` (active memberships), `Group.post_count` (posts,
hidden or not), `Group.last_post_at`, `Post.comment_count` (visible comments) and
`Post.reaction_count` in the same transaction as the rows; this check finds any drift (a bug, a
manual edit) and `repair=True` writes the true values.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, F, IntegerField, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from .models import Comment, Group, GroupMembership, Post, Reaction


@dataclass
class Report:
    groups: int = 0
    posts: int = 0
    mismatched: list[tuple[str, int, str, object, object]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatched


def _count(queryset, column: str):
    subquery = queryset.values(column).annotate(n=Count("pk")).values("n").order_by()
    return Coalesce(Subquery(subquery, output_field=IntegerField()), Value(0))


def check(*, repair: bool = False) -> Report:
    report = Report()
    groups = Group.objects.annotate(
        true_members=_count(
            GroupMembership.objects.filter(
                group=OuterRef("pk"), status=GroupMembership.Status.ACTIVE
            ),
            "group",
        ),
        true_posts=_count(Post.objects.filter(group=OuterRef("pk")), "group"),
        true_last=Subquery(
            Post.objects.filter(group=OuterRef("pk"))
            .values("group")
            .annotate(latest=Max("created_at"))
            .values("latest")
            .order_by()
        ),
    )
    for group in groups.iterator():  # a few thousand groups: compared here
        report.groups += 1
        actual = (group.true_members, group.true_posts, group.true_last)
        cached = (group.member_count, group.post_count, group.last_post_at)
        if actual == cached:
            continue
        for name, was, true in zip(
            ("member_count", "post_count", "last_post_at"), cached, actual, strict=True
        ):
            if was != true:
                report.mismatched.append(("group", group.pk, name, was, true))
        if repair:
            Group.objects.filter(pk=group.pk).update(
                member_count=group.true_members,
                post_count=group.true_posts,
                last_post_at=group.true_last,
            )
    posts = Post.objects.annotate(
        true_comments=_count(
            Comment.objects.filter(post=OuterRef("pk"), hidden_at__isnull=True), "post"
        ),
        true_reactions=_count(Reaction.objects.filter(post=OuterRef("pk")), "post"),
    )
    report.posts = Post.objects.count()
    drifted = posts.exclude(comment_count=F("true_comments"), reaction_count=F("true_reactions"))
    for post in drifted.iterator():
        for name, was, true in (
            ("comment_count", post.comment_count, post.true_comments),
            ("reaction_count", post.reaction_count, post.true_reactions),
        ):
            if was != true:
                report.mismatched.append(("post", post.pk, name, was, true))
        if repair:
            Post.objects.filter(pk=post.pk).update(
                comment_count=post.true_comments, reaction_count=post.true_reactions
            )
    return report


def check_and_repair() -> Report:
    with transaction.atomic():
        return check(repair=True)
