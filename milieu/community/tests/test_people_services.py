"""The people part's services: my community profile, following and blocking."""

import pytest
from django.utils import translation

from milieu.accounts.models import User
from milieu.accounts.services.profile import profile_update as account_update
from milieu.community import search
from milieu.community import signals as _signals  # noqa: F401  (also connected by ready())
from milieu.community.models import Block, CommunityProfile, Follow, SearchEntry
from milieu.community.services import people as services
from milieu.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied

from .factories_people import blocks, follows, person, relations_snapshot, town

pytestmark = pytest.mark.django_db


@pytest.fixture
def here():
    return town(slug="rouyn", name="Rouyn-Noranda")


@pytest.fixture
def there():
    return town(slug="gatineau", name="Gatineau")


@pytest.fixture(autouse=True)
def _in_english():
    """The services speak the active language; these tests read their messages in English."""
    with translation.override("en"):
        yield


def _found(query: str) -> set[int]:
    return set(search.matching(query).values_list("object_id", flat=True))


# --- My profile -----------------------------------------------------------------------------------


def test_a_first_profile_update_creates_the_profile_with_a_handle_from_the_name(here):
    from milieu.accounts.tests.factories import citizen_of

    user = citizen_of(here, display_name="Élise Tremblay")

    profile = services.profile_update(actor=user, bio="Jardinière")

    assert profile.handle == "elise-tremblay"
    assert profile.bio == "Jardinière"
    assert CommunityProfile.objects.get(user=user).bio == "Jardinière"


def test_the_handle_is_cleaned_of_its_at_sign_spaces_and_capitals(here):
    user = person(here, handle="ancien")

    profile = services.profile_update(actor=user, handle="  @Marie-T2  ")

    assert profile.handle == "marie-t2"
    assert CommunityProfile.objects.get(user=user).handle == "marie-t2"


@pytest.mark.parametrize(
    "handle",
    ["a", "x" * 41, "marie tremblay", "élise", "marie_t", "-marie", "marie-", "ma.rie", ""],
)
def test_a_handle_outside_the_rules_is_refused_with_a_clear_error(here, handle):
    user = person(here, handle="ancien", bio="avant")
    before = relations_snapshot()

    with pytest.raises(ApplicationError) as refused:
        services.profile_update(actor=user, handle=handle, bio="après")

    assert refused.value.code == "validation"
    assert refused.value.extra["fields"]["handle"] == [
        "Use 2 to 40 characters: lowercase letters without accents, digits and dashes, "
        "starting and ending with a letter or a digit."
    ]
    assert relations_snapshot() == before


def test_handles_of_two_and_forty_characters_are_accepted(here):
    user = person(here, handle="ancien")

    assert services.profile_update(actor=user, handle="ab").handle == "ab"
    assert services.profile_update(actor=user, handle="a" * 40).handle == "a" * 40


def test_a_taken_handle_is_refused_and_nothing_changes(here):
    person(here, handle="marie")
    user = person(here, handle="ancien", bio="avant")
    before = relations_snapshot()

    with pytest.raises(ApplicationError) as refused:
        services.profile_update(actor=user, handle="Marie", bio="après")

    assert refused.value.extra["fields"] == {
        "handle": ["This handle is taken. Choose another one."]
    }
    assert relations_snapshot() == before


def test_keeping_my_own_handle_is_not_a_conflict(here):
    user = person(here, handle="marie")

    assert services.profile_update(actor=user, handle="marie", bio="Bonjour").handle == "marie"


def test_interests_and_languages_are_kept_in_the_lists_order_once_each(here):
    user = person(here)

    profile = services.profile_update(
        actor=user,
        interests=["sports", "books", "sports"],
        languages=["es", "fr", "atj"],
    )

    assert profile.interests == ["books", "sports"]
    assert profile.languages == ["atj", "es", "fr"]


def test_unknown_interests_languages_and_a_long_bio_are_refused_field_by_field(here):
    user = person(here, bio="avant")
    before = relations_snapshot()

    with pytest.raises(ApplicationError) as refused:
        services.profile_update(
            actor=user, bio="x" * 501, interests=["knitting"], languages=["klingon"]
        )

    assert refused.value.extra["fields"] == {
        "bio": ["Use at most 500 characters."],
        "interests": ["Choose interests from the list."],
        "languages": ["Choose languages from the list."],
    }
    assert relations_snapshot() == before


def test_what_is_not_given_stays_as_it_was(here):
    user = person(here, handle="marie", bio="Jardinière", interests=["gardening"])

    profile = services.profile_update(actor=user, languages=["fr"])

    assert (profile.handle, profile.bio, profile.interests, profile.languages) == (
        "marie",
        "Jardinière",
        ["gardening"],
        ["fr"],
    )


def test_an_anonymous_visitor_cannot_update_a_profile(here):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.profile_update(actor=AnonymousUser(), bio="x")
    assert not CommunityProfile.objects.exists()


def test_a_profile_change_is_found_by_search_at_once(here):
    user = person(here, handle="marie", visibility=User.Visibility.MEMBERS)

    services.profile_update(actor=user, handle="jardiniere-du-lac", bio="Potager collectif")

    assert _found("jardiniere potager") == {user.pk}
    assert _found("marie") == set()


def test_a_private_profile_is_never_in_the_index(here):
    user = person(here, handle="secrete", visibility=User.Visibility.PRIVATE)

    services.profile_update(actor=user, bio="Apiculture urbaine")

    assert not SearchEntry.objects.filter(kind="person", object_id=user.pk).exists()
    assert _found("apiculture") == set()


# --- The account's changes keep the index true (signals) -----------------------------------------


def test_making_my_profile_private_on_the_account_removes_me_from_the_search(here):
    user = person(here, handle="marie", visibility=User.Visibility.PUBLIC, display_name="Marie")
    assert _found("marie") == {user.pk}

    account_update(actor=user, profile_visibility=User.Visibility.PRIVATE)

    assert _found("marie") == set()


def test_a_new_display_name_is_found_and_the_old_one_is_not(here):

    user = person(here, handle="mt", visibility=User.Visibility.MEMBERS, display_name="Marie")

    account_update(actor=user, display_name="Josée Côté")

    assert _found("josee cote") == {user.pk}
    assert _found("marie") == set()


def test_a_login_does_not_touch_the_index(here, django_assert_num_queries):
    from django.contrib.auth.models import update_last_login

    user = person(here, visibility=User.Visibility.PUBLIC)

    with django_assert_num_queries(1):  # the UPDATE of last_login, nothing for the index
        update_last_login(None, user)


def test_a_profile_created_on_first_use_is_indexed(here):
    from milieu.accounts.tests.factories import citizen_of
    from milieu.community import handles

    user = citizen_of(here, display_name="Rémi Gagnon", profile_visibility=User.Visibility.PUBLIC)

    handles.profile_ensure(user)

    assert _found("remi") == {user.pk}


def test_a_deleted_account_leaves_the_index(here):

    user = person(here, visibility=User.Visibility.PUBLIC, display_name="Rémi")
    user_id = user.pk

    user.delete()

    assert not SearchEntry.objects.filter(kind="person", object_id=user_id).exists()


# --- Following ------------------------------------------------------------------------------------


def test_following_someone_of_my_municipality(here):
    me, marie = person(here), person(here, handle="marie")

    found = services.follow(actor=me, handle="marie")

    assert (found.follower, found.followed) == (me, marie)
    assert list(Follow.objects.values_list("follower_id", "followed_id")) == [(me.pk, marie.pk)]


def test_following_twice_follows_once(here):
    me = person(here)
    person(here, handle="marie")

    services.follow(actor=me, handle="marie")
    services.follow(actor=me, handle="MARIE")

    assert Follow.objects.count() == 1


def test_i_cannot_follow_myself(here):
    person(here, handle="moi")
    me = User.objects.get(community_profile__handle="moi")

    with pytest.raises(ApplicationError) as refused:
        services.follow(actor=me, handle="moi")

    assert str(refused.value.message) == "You cannot follow yourself."
    assert not Follow.objects.exists()


def test_someone_of_another_municipality_with_a_private_profile_is_not_found(here, there):
    me = person(there)
    person(here, handle="marie", visibility=User.Visibility.MEMBERS)
    before = relations_snapshot()

    with pytest.raises(NotFound):
        services.follow(actor=me, handle="marie")
    assert relations_snapshot() == before


def test_a_public_profile_can_be_followed_from_another_municipality(here, there):
    me = person(there)
    marie = person(here, handle="marie", visibility=User.Visibility.PUBLIC)

    services.follow(actor=me, handle="marie")

    assert Follow.objects.filter(follower=me, followed=marie).exists()


def test_nobody_can_follow_someone_who_blocked_them(here):
    me, marie = person(here), person(here, handle="marie")
    blocks(marie, me)
    before = relations_snapshot()

    with pytest.raises(PermissionDenied) as refused:
        services.follow(actor=me, handle="marie")

    assert str(refused.value.message) == "This person does not accept follows from you."
    assert relations_snapshot() == before


def test_i_cannot_follow_someone_i_blocked_before_unblocking_them(here):
    me, marie = person(here), person(here, handle="marie")
    blocks(me, marie)
    before = relations_snapshot()

    with pytest.raises(Conflict):
        services.follow(actor=me, handle="marie")
    assert relations_snapshot() == before

    services.unblock(actor=me, handle="marie")
    services.follow(actor=me, handle="marie")
    assert Follow.objects.filter(follower=me, followed=marie).exists()


def test_unfollowing(here):
    me, marie = person(here), person(here, handle="marie")
    follows(me, marie)

    services.unfollow(actor=me, handle="marie")
    services.unfollow(actor=me, handle="marie")  # again: nothing to do

    assert not Follow.objects.exists()


def test_i_can_unfollow_someone_i_no_longer_see(here, there):
    me = person(there)
    marie = person(here, handle="marie", visibility=User.Visibility.PUBLIC)
    follows(me, marie)
    marie.profile_visibility = User.Visibility.PRIVATE
    marie.save()

    services.unfollow(actor=me, handle="marie")

    assert not Follow.objects.exists()


def test_unfollowing_an_unknown_handle_is_not_found(here):
    with pytest.raises(NotFound):
        services.unfollow(actor=person(here), handle="personne")


def test_unfollowing_only_removes_my_own_follow(here):
    me, marie, paul = person(here), person(here, handle="marie"), person(here)
    follows(paul, marie)

    services.unfollow(actor=me, handle="marie")

    assert list(Follow.objects.values_list("follower_id", flat=True)) == [paul.pk]


# --- Blocking -------------------------------------------------------------------------------------


def test_blocking_removes_the_follows_both_ways(here):
    me, marie, paul = person(here), person(here, handle="marie"), person(here)
    follows(me, marie)
    follows(marie, me)
    follows(paul, marie)

    services.block(actor=me, handle="marie")

    assert list(Block.objects.values_list("blocker_id", "blocked_id")) == [(me.pk, marie.pk)]
    assert list(Follow.objects.values_list("follower_id", "followed_id")) == [(paul.pk, marie.pk)]


def test_blocking_twice_blocks_once(here):
    me = person(here)
    person(here, handle="marie")

    services.block(actor=me, handle="marie")
    services.block(actor=me, handle="marie")

    assert Block.objects.count() == 1


def test_i_can_block_someone_who_blocked_me(here):
    me, marie = person(here), person(here, handle="marie")
    blocks(marie, me)

    services.block(actor=me, handle="marie")

    assert Block.objects.count() == 2


def test_i_cannot_block_myself(here):
    me = person(here, handle="moi")

    with pytest.raises(ApplicationError) as refused:
        services.block(actor=me, handle="moi")

    assert str(refused.value.message) == "You cannot block yourself."
    assert not Block.objects.exists()


def test_a_blocked_person_cannot_follow_me_back(here):
    me, marie = person(here, handle="moi"), person(here, handle="marie")
    services.block(actor=me, handle="marie")

    with pytest.raises(PermissionDenied):
        services.follow(actor=marie, handle="moi")
    assert not Follow.objects.exists()


def test_i_can_block_someone_of_another_town_who_wrote_to_me(here, there):
    from milieu.community.models import Conversation, ConversationMember

    me = person(here, handle="moi")
    stranger = person(there, handle="inconnu")  # private, another town
    conversation = Conversation.objects.create(municipality=here, pair_key=f"{me.pk}:{stranger.pk}")
    ConversationMember.objects.create(conversation=conversation, user=me)
    ConversationMember.objects.create(conversation=conversation, user=stranger)

    services.block(actor=me, handle="inconnu")

    assert Block.objects.filter(blocker=me, blocked=stranger).exists()


def test_someone_i_cannot_see_cannot_be_blocked(here, there):
    me = person(there)
    person(here, handle="marie")  # private, another town, no tie
    before = relations_snapshot()

    with pytest.raises(NotFound):
        services.block(actor=me, handle="marie")
    assert relations_snapshot() == before


def test_unblocking_keeps_the_other_persons_block(here):
    me, marie = person(here), person(here, handle="marie")
    blocks(me, marie)
    blocks(marie, me)

    services.unblock(actor=me, handle="marie")

    assert list(Block.objects.values_list("blocker_id", "blocked_id")) == [(marie.pk, me.pk)]


def test_unblocking_does_not_bring_the_follows_back(here):
    me, marie = person(here), person(here, handle="marie")
    follows(me, marie)
    services.block(actor=me, handle="marie")

    services.unblock(actor=me, handle="marie")

    assert not Follow.objects.exists()
    assert not Block.objects.exists()
