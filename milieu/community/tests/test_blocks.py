"""Blocks hold wherever a post or a person can be reached: a post across a block is not found
(its page, the report form, its translation), and a blocked person's request to join a group
does not reach the administrator who blocked them."""

import pytest

from milieu.community.services import people, social
from milieu.core.testing import client_for
from milieu.notifications.models import Notification

from .factories_social import group, member, post, town

pytestmark = pytest.mark.django_db


def test_a_post_across_a_block_cannot_be_reported_either_way():
    here = town()
    author, blocked, blocker = member(here), member(here), member(here)
    found = post(author, district=here.districts.first(), body="Vente de garage")
    people.block(actor=author, handle=blocked.community_profile.handle)
    people.block(actor=blocker, handle=author.community_profile.handle)
    url = f"/fr/{here.slug}/community/report/?target=post:{found.pk}"

    for reader in (blocked, blocker):
        response = client_for(reader).get(url)
        assert response.status_code == 404
        assert "Vente de garage" not in response.content.decode()
    assert client_for(member(here)).get(url).status_code == 200


def test_an_administrator_who_blocked_someone_is_not_told_of_their_request(
    django_capture_on_commit_callbacks,
):
    here = town()
    admin, other_admin, requester = member(here), member(here), member(here)
    club = group(here, admin, visibility="on_request")
    with django_capture_on_commit_callbacks(execute=True):
        social.group_join(actor=other_admin, group=club)
        social.group_member_approve(actor=admin, group=club, user_id=other_admin.pk)
        social.group_member_promote(actor=admin, group=club, user_id=other_admin.pk)
        people.block(actor=admin, handle=requester.community_profile.handle)
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        social.group_join(actor=requester, group=club)

    assert set(Notification.objects.values_list("user_id", flat=True)) == {other_admin.pk}
