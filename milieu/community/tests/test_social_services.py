"""The social part's services and selectors: groups and their members, posts, comments,
reactions, mentions, counters, the search index, notifications and the feeds."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from milieu.accounts.models import Membership
from milieu.community import search
from milieu.community.models import (
    Comment,
    Follow,
    Group,
    GroupMembership,
    Post,
    Reaction,
    SearchEntry,
    Suspension,
)
from milieu.community.selectors import social as selectors
from milieu.community.services import common
from milieu.community.services import social as services
from milieu.community.tests import factories_social as f
from milieu.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from milieu.core.ratelimit import Limit
from milieu.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def here():
    return f.town(slug="val-des-bois", name="Val-des-Bois")


@pytest.fixture
def there():
    return f.town(slug="ville-voisine", name="Ville voisine")


@pytest.fixture
def district(here):
    return here.districts.order_by("slug")[0]


@pytest.fixture
def other_district(here):
    return here.districts.order_by("slug")[1]


@pytest.fixture
def alice(here, district):
    return f.member(here, district=district, display_name="Alice Tremblay")


@pytest.fixture
def bob(here):
    return f.member(here, display_name="Bob Gagnon")


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what the services do after their transaction commits (notifications)."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


def entry_text(kind: str, object_id: int) -> str | None:
    found = SearchEntry.objects.filter(kind=kind, object_id=object_id).first()
    return found.text if found else None


def french(message: str, **values) -> str:
    """`message` as a French reader sees it (whether or not the catalogue has it yet)."""
    with translation.override("fr"):
        return gettext(message) % values if values else gettext(message)


def notified(user, topic: str | None = None) -> list[Notification]:
    found = Notification.objects.filter(user=user).order_by("pk")
    if topic:
        found = found.filter(topic=topic)
    return list(found)


# --- Groups ---------------------------------------------------------------------------------------


def test_creating_a_group_makes_its_creator_its_administrator_and_indexes_it(here, alice):
    group = services.group_create(
        actor=alice,
        municipality=here,
        name="  Jardiniers du Lac  ",
        description="Semis, échanges de graines",
        interest="gardening",
        language="fr",
    )

    assert (group.slug, group.name, group.member_count, group.official) == (
        "jardiniers-du-lac",
        "Jardiniers du Lac",
        1,
        False,
    )
    membership = GroupMembership.objects.get(group=group)
    assert (membership.user, membership.role, membership.status) == (alice, "admin", "active")
    assert membership.joined_at is not None
    assert entry_text("group", group.pk) == "jardiniers du lac semis echanges de graines"


def test_group_slugs_are_unique_per_municipality_and_never_new(here, there, alice):
    neighbour = f.member(there)
    first = f.group(here, alice, name="Vélo")
    second = f.group(here, alice, name="Vélo")
    elsewhere = f.group(there, neighbour, name="Vélo")
    reserved = f.group(here, alice, name="New")

    assert [first.slug, second.slug, elsewhere.slug, reserved.slug] == [
        "velo",
        "velo-2",
        "velo",
        "new-2",
    ]


def test_only_moderators_create_official_groups(here, alice):
    moderator = f.staff(here)

    with pytest.raises(PermissionDenied):
        f.group(here, alice, name="Ville officielle", official=True)
    assert not Group.objects.filter(name="Ville officielle").exists()
    official = f.group(here, moderator, name="Ville officielle", official=True)
    assert official.official


def test_a_group_name_is_checked_field_by_field(here, alice):
    with pytest.raises(ApplicationError) as error:
        f.group(here, alice, name=" x ")
    assert error.value.code == "validation"
    assert list(error.value.extra["fields"]) == ["name"]
    with pytest.raises(ApplicationError) as error:
        f.group(here, alice, name="Lecture", interest="astrology")
    assert list(error.value.extra["fields"]) == ["interest"]
    assert not Group.objects.exists()


def test_joining_an_open_group_is_immediate(here, alice, bob):
    group = f.group(here, alice)

    membership = services.group_join(actor=bob, group=group)

    assert (membership.status, membership.role) == ("active", "member")
    group.refresh_from_db()
    assert group.member_count == 2
    assert bob.has_perm("community.post_in_group", group)
    with pytest.raises(Conflict):
        services.group_join(actor=bob, group=group)
    group.refresh_from_db()
    assert group.member_count == 2


def test_joining_a_group_on_request_waits_for_an_administrator(here, alice, bob, on_commit):
    group = f.group(here, alice, visibility=Group.Visibility.ON_REQUEST)

    membership = on_commit(lambda: services.group_join(actor=bob, group=group))

    assert membership.status == "pending"
    group.refresh_from_db()
    assert group.member_count == 1
    assert not bob.has_perm("community.view_group", group)
    [request] = notified(alice, "my_groups")
    assert request.title == french(
        "%(name)s asks to join %(group)s", name="Bob Gagnon", group=group.name
    )
    assert request.url == f"/fr/val-des-bois/community/groups/{group.slug}/members/"
    with pytest.raises(Conflict):
        services.group_join(actor=bob, group=group)


def test_approving_a_request_makes_a_member_and_tells_them(here, alice, bob, on_commit):
    group = f.group(here, alice, visibility=Group.Visibility.ON_REQUEST)
    services.group_join(actor=bob, group=group)

    on_commit(lambda: services.group_member_approve(actor=alice, group=group, user_id=bob.pk))

    membership = GroupMembership.objects.get(group=group, user=bob)
    assert membership.status == "active" and membership.joined_at is not None
    group.refresh_from_db()
    assert group.member_count == 2
    [message] = notified(bob, "my_groups")
    assert message.title == french("You are now a member of %(group)s", group=group.name)
    assert message.url == f"/fr/val-des-bois/community/groups/{group.slug}/"
    with pytest.raises(Conflict):
        services.group_member_approve(actor=alice, group=group, user_id=bob.pk)


def test_refusing_a_request_removes_it_and_tells_the_person_in_their_language(
    here, alice, bob, on_commit
):
    bob.preferred_language = "en"
    bob.save(update_fields=["preferred_language"])
    group = f.group(here, alice, visibility=Group.Visibility.ON_REQUEST)
    services.group_join(actor=bob, group=group)

    on_commit(lambda: services.group_member_refuse(actor=alice, group=group, user_id=bob.pk))

    assert not GroupMembership.objects.filter(group=group, user=bob).exists()
    group.refresh_from_db()
    assert group.member_count == 1
    [message] = notified(bob, "my_groups")
    assert message.title == f"Your request to join {group.name} was not accepted"
    assert message.url == f"/en/val-des-bois/community/groups/{group.slug}/"


def test_only_administrators_manage_members(here, alice, bob):
    carol = f.member(here)
    group = f.group(here, alice, visibility=Group.Visibility.ON_REQUEST)
    f.add_member(group, bob)
    services.group_join(actor=carol, group=group)

    for action in (
        services.group_member_approve,
        services.group_member_refuse,
        services.group_member_remove,
        services.group_member_promote,
    ):
        with pytest.raises(PermissionDenied):
            action(actor=bob, group=group, user_id=carol.pk)
    assert GroupMembership.objects.get(group=group, user=carol).status == "pending"


def test_members_leave_and_administrators_remove_members(here, alice, bob):
    carol = f.member(here)
    group = f.group(here, alice)
    services.group_join(actor=bob, group=group)
    services.group_join(actor=carol, group=group)

    services.group_leave(actor=bob, group=group)
    services.group_member_remove(actor=alice, group=group, user_id=carol.pk)

    group.refresh_from_db()
    assert group.member_count == 1
    assert list(GroupMembership.objects.filter(group=group).values_list("user", flat=True)) == [
        alice.pk
    ]
    with pytest.raises(Conflict):
        services.group_leave(actor=bob, group=group)


def test_a_group_keeps_at_least_one_administrator(here, alice, bob):
    group = f.group(here, alice)
    services.group_join(actor=bob, group=group)

    with pytest.raises(Conflict):
        services.group_leave(actor=alice, group=group)
    with pytest.raises(Conflict):
        services.group_member_remove(actor=alice, group=group, user_id=alice.pk)
    services.group_member_promote(actor=alice, group=group, user_id=bob.pk)
    services.group_leave(actor=alice, group=group)

    assert list(GroupMembership.objects.filter(group=group).values_list("user", "role")) == [
        (bob.pk, "admin")
    ]
    group.refresh_from_db()
    assert group.member_count == 1


def test_promoting_twice_is_a_conflict(here, alice, bob):
    group = f.group(here, alice)
    services.group_join(actor=bob, group=group)
    services.group_member_promote(actor=alice, group=group, user_id=bob.pk)

    with pytest.raises(Conflict):
        services.group_member_promote(actor=alice, group=group, user_id=bob.pk)


def test_editing_a_group_keeps_its_address_and_reindexes_it(here, alice, bob):
    group = f.group(here, alice, name="Tricot")

    services.group_update(actor=alice, group=group, name="Tricot et crochet", description="Mardi")

    group.refresh_from_db()
    assert (group.slug, group.name) == ("tricot", "Tricot et crochet")
    assert entry_text("group", group.pk) == "tricot et crochet mardi"
    with pytest.raises(PermissionDenied):
        services.group_update(actor=bob, group=group, name="Autre")
    with pytest.raises(PermissionDenied):
        services.group_update(actor=alice, group=group, official=True)
    group.refresh_from_db()
    assert (group.name, group.official) == ("Tricot et crochet", False)


def test_the_groups_of_a_municipality_show_my_status(here, alice, bob):
    mine = f.group(here, alice, name="B groupe")
    waiting = f.group(here, bob, name="A groupe", visibility=Group.Visibility.ON_REQUEST)
    services.group_join(actor=alice, group=waiting)

    groups = list(selectors.group_list(visible_to=alice, municipality=here))

    assert [(g.name, g.viewer_status) for g in groups] == [
        ("A groupe", "pending"),
        ("B groupe", "active"),
    ]
    assert [
        g.name for g in selectors.group_list(visible_to=alice, municipality=here, mine=True)
    ] == ["B groupe"]
    assert mine.pk == groups[1].pk


# --- Posts ----------------------------------------------------------------------------------------


def test_a_post_in_a_district_is_indexed_and_read_by_the_municipality(here, there, alice, district):
    post = services.post_create(
        actor=alice,
        municipality=here,
        district=district,
        body="  Corvée de nettoyage au parc, samedi!  ",
        language="fr",
    )

    assert (post.body, post.language, post.author, post.group) == (
        "Corvée de nettoyage au parc, samedi!",
        "fr",
        alice,
        None,
    )
    assert entry_text("post", post.pk) == "corvee de nettoyage au parc samedi"
    assert f.member(here).has_perm("community.view_post", post)
    assert not f.member(there).has_perm("community.view_post", post)


def test_a_post_records_the_language_its_author_chose(here, alice, district):
    post = f.post(alice, district=district, body="Garage sale on Sunday", language="en")
    assert post.language == "en"
    with pytest.raises(ApplicationError) as error:
        f.post(alice, district=district, body="Hola", language="xx")
    assert error.value.extra["fields"] == {"language": [french("Choose a language from the list.")]}


def test_a_post_is_at_most_five_thousand_characters_and_not_empty(here, alice, district):
    f.post(alice, district=district, body="é" * 5000)
    with pytest.raises(ApplicationError) as error:
        f.post(alice, district=district, body="é" * 5001)
    assert list(error.value.extra["fields"]) == ["body"]
    with pytest.raises(ApplicationError):
        services.post_create(
            actor=alice, municipality=here, district=district, body="   ", language="fr"
        )
    assert Post.objects.count() == 1


def test_a_post_in_another_municipalitys_district_is_not_found(here, there, alice):
    with pytest.raises(NotFound):
        services.post_create(
            actor=alice,
            municipality=here,
            district=there.districts.first(),
            body="Bonjour",
            language="fr",
        )
    assert not Post.objects.exists()


def test_posting_in_a_group_counts_its_posts_and_last_activity(here, alice, bob):
    group = f.group(here, alice)

    first = f.post(alice, group=group)
    second = f.post(alice, group=group)

    group.refresh_from_db()
    assert (group.post_count, group.last_post_at) == (2, second.created_at)
    assert SearchEntry.objects.get(kind="post", object_id=first.pk).group_id == group.pk
    with pytest.raises(PermissionDenied):
        f.post(bob, group=group)
    services.post_delete(actor=alice, post=second)
    group.refresh_from_db()
    assert (group.post_count, group.last_post_at) == (1, first.created_at)


def test_posting_needs_the_netiquette_first(here, district):
    newcomer = f.member(here, accepted=False)

    with pytest.raises(common.NetiquetteRequired) as error:
        f.post(newcomer, district=district)
    assert error.value.status_code == 403
    assert error.value.code == "netiquette_required"
    assert not Post.objects.exists()


def test_a_suspended_person_cannot_post(here, alice, district):
    Suspension.objects.create(
        municipality=here, user=alice, reason="Insultes", ends_at=timezone.now() + timedelta(days=2)
    )
    with pytest.raises(common.Suspended):
        f.post(alice, district=district)
    assert not Post.objects.exists()


def test_posting_is_rate_limited(here, alice, district, monkeypatch):
    monkeypatch.setitem(common.LIMITS, "post", [Limit(2, 600)])
    f.post(alice, district=district)
    f.post(alice, district=district)

    with pytest.raises(ApplicationError) as error:
        f.post(alice, district=district)
    assert (error.value.status_code, error.value.code) == (429, "rate_limited")
    assert Post.objects.count() == 2


def test_editing_a_post_reindexes_it_and_marks_it_edited(here, alice, bob, district):
    post = f.post(alice, district=district, body="Vente de garage")

    services.post_update(actor=alice, post=post, body="Marché aux puces", language="fr")

    post.refresh_from_db()
    assert post.body == "Marché aux puces" and post.edited_at is not None
    assert entry_text("post", post.pk) == "marche aux puces"
    assert search.matching("puces").filter(kind="post").count() == 1
    assert not search.matching("garage").exists()
    with pytest.raises(PermissionDenied):
        services.post_update(actor=bob, post=post, body="Piraté")
    post.refresh_from_db()
    assert post.body == "Marché aux puces"


def test_a_hidden_post_stays_out_of_the_index_when_edited(here, alice, district):
    post = f.post(alice, district=district, body="Texte")
    Post.objects.filter(pk=post.pk).update(hidden_at=timezone.now(), hidden_reason="Hors sujet")
    post.refresh_from_db()
    search.index_post(post)

    services.post_update(actor=alice, post=post, body="Texte corrigé")

    assert entry_text("post", post.pk) is None


def test_deleting_a_post_unindexes_it_with_its_comments_and_reactions(here, alice, bob, district):
    post = f.post(alice, district=district, body="Perdu un chat")
    f.comment(bob, post)
    services.reaction_set(actor=bob, post=post, kind="support")

    with pytest.raises(PermissionDenied):
        services.post_delete(actor=bob, post=post)
    services.post_delete(actor=alice, post=post)

    assert not Post.objects.exists()
    assert not Comment.objects.exists() and not Reaction.objects.exists()
    assert entry_text("post", post.pk) is None


# --- Mentions -------------------------------------------------------------------------------------


def test_mentioned_people_who_may_read_the_post_are_told(here, there, alice, bob, on_commit):
    stranger = f.member(there, display_name="Loin")
    hater = f.member(here, display_name="Hostile")
    f.block(hater, alice)
    handle = {u: u.community_profile.handle for u in (bob, stranger, hater, alice)}
    body = (
        f"Merci @{handle[bob]} et @{handle[stranger]} et @{handle[hater]}, "
        f"signé @{handle[alice]} (et @personne-inconnue)"
    )

    post = on_commit(lambda: f.post(alice, district=alice_district(alice), body=body))

    [mention] = notified(bob, "community_activity")
    assert mention.title == french("%(name)s mentioned you", name="Alice Tremblay")
    assert mention.url == f"/fr/val-des-bois/community/posts/{post.pk}/"
    assert mention.key == f"community:mention:post:{post.pk}:{bob.pk}"
    assert notified(stranger) == [] and notified(hater) == [] and notified(alice) == []


def alice_district(alice):
    return alice.memberships.get().district


def test_a_mention_in_a_private_group_reaches_only_its_members(here, alice, bob, on_commit):
    outside = f.member(here)
    group = f.group(here, alice, visibility=Group.Visibility.ON_REQUEST)
    f.add_member(group, bob)
    body = f"@{bob.community_profile.handle} @{outside.community_profile.handle} réunion"

    on_commit(lambda: f.post(alice, group=group, body=body))

    assert len(notified(bob, "community_activity")) == 1
    assert notified(outside) == []


def test_editing_a_post_tells_newly_mentioned_people_once(here, alice, bob, district, on_commit):
    carol = f.member(here)
    post = on_commit(
        lambda: f.post(alice, district=district, body=f"@{bob.community_profile.handle}")
    )
    body = f"@{bob.community_profile.handle} @{carol.community_profile.handle}"

    on_commit(lambda: services.post_update(actor=alice, post=post, body=body))

    assert len(notified(bob)) == 1
    assert len(notified(carol)) == 1


# --- Comments -------------------------------------------------------------------------------------


def test_a_comment_counts_and_tells_the_posts_author(here, alice, bob, district, on_commit):
    post = f.post(alice, district=district)

    comment = on_commit(lambda: f.comment(bob, post, "Je peux aider"))

    post.refresh_from_db()
    assert post.comment_count == 1
    [message] = notified(alice, "community_activity")
    assert message.title == french("%(name)s commented on your post", name="Bob Gagnon")
    assert message.body == "Je peux aider"
    assert message.url == f"/fr/val-des-bois/community/posts/{post.pk}/#comment-{comment.pk}"


def test_commenting_my_own_post_tells_nobody(here, alice, district, on_commit):
    post = f.post(alice, district=district)
    on_commit(lambda: f.comment(alice, post))
    assert notified(alice) == []


def test_someone_i_blocked_cannot_comment_or_react_on_my_posts(
    here, alice, bob, district, on_commit
):
    post = f.post(alice, district=district)
    f.block(alice, bob)

    with pytest.raises(PermissionDenied):
        on_commit(lambda: f.comment(bob, post))
    with pytest.raises(PermissionDenied):
        services.reaction_set(actor=bob, post=post, kind="like")

    post.refresh_from_db()
    assert (post.comment_count, post.reaction_count) == (0, 0)
    assert not Comment.objects.exists() and notified(alice) == []


def test_a_mention_in_a_comment_skips_who_blocked_the_commenter(
    here, alice, bob, district, on_commit
):
    carol = f.member(here)
    dan = f.member(here)
    f.block(dan, bob)
    post = f.post(alice, district=district)
    body = f"@{carol.community_profile.handle} @{dan.community_profile.handle} regardez"

    comment = on_commit(lambda: f.comment(bob, post, body))

    [mention] = notified(carol)
    assert mention.key == f"community:mention:comment:{comment.pk}:{carol.pk}"
    assert notified(dan) == []


def test_comments_are_checked_and_rate_limited(here, alice, bob, district, monkeypatch):
    post = f.post(alice, district=district)
    with pytest.raises(ApplicationError) as error:
        f.comment(bob, post, "x" * 2001)
    assert list(error.value.extra["fields"]) == ["body"]
    monkeypatch.setitem(common.LIMITS, "comment", [Limit(1, 600)])
    f.comment(bob, post)
    with pytest.raises(ApplicationError) as error:
        f.comment(bob, post)
    assert error.value.status_code == 429
    post.refresh_from_db()
    assert post.comment_count == 1


def test_editing_and_deleting_comments_is_for_their_author(here, alice, bob, district):
    post = f.post(alice, district=district)
    comment = f.comment(bob, post, "Premier jet")

    with pytest.raises(PermissionDenied):
        services.comment_update(actor=alice, comment=comment, body="Autre")
    services.comment_update(actor=bob, comment=comment, body="Version finale")
    comment.refresh_from_db()
    assert comment.body == "Version finale" and comment.edited_at is not None
    with pytest.raises(PermissionDenied):
        services.comment_delete(actor=alice, comment=comment)
    services.comment_delete(actor=bob, comment=comment)
    post.refresh_from_db()
    assert post.comment_count == 0 and not Comment.objects.exists()


def test_deleting_a_hidden_comment_leaves_the_count_of_visible_ones(here, alice, bob, district):
    post = f.post(alice, district=district)
    visible = f.comment(bob, post)
    hidden = f.comment(bob, post)
    Comment.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    Post.objects.filter(pk=post.pk).update(comment_count=1)  # as moderation leaves it

    services.comment_delete(actor=bob, comment=hidden)

    post.refresh_from_db()
    assert post.comment_count == 1
    assert list(Comment.objects.values_list("pk", flat=True)) == [visible.pk]


def test_my_own_hidden_comment_is_listed_for_me_only(here, alice, bob, district):
    post = f.post(alice, district=district)
    comment = f.comment(bob, post)
    Comment.objects.filter(pk=comment.pk).update(hidden_at=timezone.now(), hidden_reason="Spam")

    assert list(selectors.comment_list(visible_to=bob, post=post)) == [comment]
    assert list(selectors.comment_list(visible_to=alice, post=post)) == []


def test_comments_of_people_blocked_either_way_are_not_listed(here, alice, bob, district):
    carol = f.member(here)
    post = f.post(carol, district=district)
    by_alice = f.comment(alice, post)
    by_bob = f.comment(bob, post)
    by_carol = f.comment(carol, post)
    f.block(alice, bob)

    assert list(selectors.comment_list(visible_to=alice, post=post)) == [by_alice, by_carol]
    assert list(selectors.comment_list(visible_to=bob, post=post)) == [by_bob, by_carol]
    assert list(selectors.comment_list(visible_to=carol, post=post)) == [by_alice, by_bob, by_carol]


def test_a_post_by_someone_blocked_either_way_is_not_found(here, alice, bob, district):
    post = f.post(alice, district=district)
    f.block(alice, bob)

    with pytest.raises(NotFound):
        selectors.post_get(visible_to=bob, post_id=post.pk)
    assert selectors.post_get(visible_to=alice, post_id=post.pk) == post


# --- Reactions ------------------------------------------------------------------------------------


def test_one_reaction_per_person_whose_kind_changes(here, alice, bob, district):
    post = f.post(alice, district=district)

    services.reaction_set(actor=bob, post=post, kind="like")
    services.reaction_set(actor=bob, post=post, kind="thanks")
    services.reaction_set(actor=alice, post=post, kind="celebrate")

    post.refresh_from_db()
    assert post.reaction_count == 2
    assert Reaction.objects.get(user=bob).kind == "thanks"
    assert services.reaction_remove(actor=bob, post=post) is True
    assert services.reaction_remove(actor=bob, post=post) is False
    post.refresh_from_db()
    assert post.reaction_count == 1


def test_an_unknown_reaction_is_refused(here, alice, bob, district):
    post = f.post(alice, district=district)
    with pytest.raises(ApplicationError) as error:
        services.reaction_set(actor=bob, post=post, kind="angry")
    assert list(error.value.extra["fields"]) == ["kind"]
    assert not Reaction.objects.exists()


def test_reacting_in_a_group_is_for_its_members(here, alice, bob):
    group = f.group(here, alice)
    post = f.post(alice, group=group)

    with pytest.raises(PermissionDenied):
        services.reaction_set(actor=bob, post=post, kind="like")
    services.group_join(actor=bob, group=group)
    bob = type(bob).objects.get(pk=bob.pk)  # a new request
    services.reaction_set(actor=bob, post=post, kind="like")
    post.refresh_from_db()
    assert post.reaction_count == 1


# --- Feeds ----------------------------------------------------------------------------------------


def test_the_district_feed_pages_newest_first_by_cursor(here, alice, district):
    start = timezone.now() - timedelta(hours=1)
    posts = [
        f.raw_post(alice, district=district, body=f"n{i}", created_at=start + timedelta(minutes=i))
        for i in range(25)
    ]
    same_time = f.raw_post(
        alice, district=district, body="égalité", created_at=posts[-1].created_at
    )

    first = selectors.district_feed(viewer=alice, district=district)
    second = selectors.district_feed(viewer=alice, district=district, cursor=first.next_cursor)

    expected = [same_time, *reversed(posts)]
    assert first.posts == expected[:20]
    assert second.posts == expected[20:]
    assert second.next_cursor is None
    with pytest.raises(ApplicationError):
        selectors.district_feed(viewer=alice, district=district, cursor="pas-un-curseur")


def test_feeds_leave_out_hidden_posts_and_people_blocked_either_way(here, alice, bob, district):
    carol = f.member(here)
    mine = f.post(alice, district=district, body="à moi")
    by_bob = f.post(bob, district=district, body="de Bob")
    by_carol = f.post(carol, district=district, body="de Carol")
    hidden = f.post(carol, district=district, body="caché")
    Post.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    f.block(bob, alice)  # Bob blocked Alice

    assert selectors.district_feed(viewer=alice, district=district).posts == [by_carol, mine]
    assert selectors.district_feed(viewer=bob, district=district).posts == [by_carol, by_bob]
    assert selectors.district_feed(viewer=carol, district=district).posts == [
        by_carol,
        by_bob,
        mine,
    ]


def test_a_post_carries_what_its_card_needs(here, alice, bob, district):
    post = f.post(alice, district=district)
    services.reaction_set(actor=bob, post=post, kind="support")

    [card] = selectors.district_feed(viewer=bob, district=district).posts

    assert (card.viewer_reaction, card.viewer_may_interact, card.viewer_is_author) == (
        "support",
        True,
        False,
    )
    [own] = selectors.district_feed(viewer=alice, district=district).posts
    assert (own.viewer_reaction, own.viewer_is_author) == (None, True)


def test_the_home_feed_holds_my_districts_groups_people_i_follow_and_mine(
    here, there, alice, district, other_district
):
    neighbour = f.member(here, district=district)
    followed = f.member(here)
    stranger = f.member(here)
    club = f.group(here, neighbour, name="Club")
    f.add_member(club, alice)
    secret = f.group(here, followed, name="Secret", visibility=Group.Visibility.ON_REQUEST)
    other_group = f.group(here, stranger, name="Autre")
    Follow.objects.create(follower=alice, followed=followed)

    in_my_district = f.post(neighbour, district=district)
    in_my_group = f.post(neighbour, group=club)
    by_followed = f.post(followed, district=other_district)
    by_followed_in_open_group = f.post(stranger, group=other_group)
    services.group_join(actor=followed, group=other_group)
    followed_open = f.post(followed, group=other_group)
    f.post(followed, group=secret)  # I may not read it
    f.post(stranger, district=other_district)  # not mine
    f.post(stranger, group=other_group)  # a group I am not in, by someone I do not follow
    my_own = f.post(alice, district=other_district)
    f.post(f.member(there), district=there.districts.first())  # another town

    page = selectors.home_feed(viewer=alice)

    assert page.posts == [my_own, followed_open, by_followed, in_my_group, in_my_district]
    assert by_followed_in_open_group not in page.posts


def test_the_home_feed_of_someone_without_a_community_is_empty(here):
    nobody = f.outsider()
    assert selectors.home_feed(viewer=nobody) == selectors.FeedPage(posts=[], next_cursor=None)


def test_the_home_feed_leaves_out_people_blocked_either_way(here, alice, bob, district):
    Membership.objects.filter(user=bob).update(district=district)
    by_bob = f.post(bob, district=district)
    mine = f.post(alice, district=district)

    assert selectors.home_feed(viewer=alice).posts == [mine, by_bob]
    f.block(bob, alice)
    assert selectors.home_feed(viewer=alice).posts == [mine]
    assert selectors.home_feed(viewer=bob).posts == [by_bob]


def test_a_private_groups_feed_is_for_its_members(here, alice, bob):
    group = f.group(here, alice, visibility=Group.Visibility.ON_REQUEST)
    post = f.post(alice, group=group)

    assert selectors.group_feed(viewer=alice, group=group).posts == [post]
    with pytest.raises(PermissionDenied):
        selectors.group_feed(viewer=bob, group=group)
    with pytest.raises(NotFound):
        selectors.group_feed(viewer=f.outsider(), group=group)
