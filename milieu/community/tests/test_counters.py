"""`manage.py community_check`: the counters the services keep, recounted from their rows."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from milieu.accounts.tests.factories import citizen_of
from milieu.community.models import Comment, Group, GroupMembership, Post, Reaction
from milieu.territory.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows():
    town = MunicipalityFactory()
    people = [citizen_of(town) for _ in range(3)]
    group = Group.objects.create(municipality=town, slug="velo", name="Vélo", member_count=2)
    for person in people[:2]:
        GroupMembership.objects.create(group=group, user=person, joined_at=timezone.now())
    GroupMembership.objects.create(
        group=group, user=people[2], status=GroupMembership.Status.PENDING
    )
    post = Post.objects.create(municipality=town, group=group, author=people[0], body="Sortie")
    Group.objects.filter(pk=group.pk).update(post_count=1, last_post_at=post.created_at)
    Comment.objects.create(post=post, author=people[1], body="J'y serai")
    Comment.objects.create(post=post, author=people[2], body="caché", hidden_at=timezone.now())
    Reaction.objects.create(post=post, user=people[1], kind="like")
    Post.objects.filter(pk=post.pk).update(comment_count=1, reaction_count=1)
    return group, post


def run(*args: str) -> str:
    out = StringIO()
    call_command("community_check", *args, stdout=out)
    return out.getvalue()


def test_consistent_counters_pass(rows):
    assert "consistent" in run()


def test_drift_is_reported_then_repaired(rows):
    group, post = rows
    Group.objects.filter(pk=group.pk).update(member_count=7, post_count=0)
    Post.objects.filter(pk=post.pk).update(comment_count=2)  # the hidden comment counted

    with pytest.raises(CommandError):
        run()
    output = run("--repair")

    assert f"group {group.pk}: member_count is 7, the rows say 2" in output
    assert f"post {post.pk}: comment_count is 2, the rows say 1" in output
    group.refresh_from_db()
    post.refresh_from_db()
    assert (group.member_count, group.post_count, post.comment_count) == (2, 1, 1)
    assert "consistent" in run()
