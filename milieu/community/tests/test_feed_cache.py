"""The first page of a district's or a group's feed is kept in the cache for everyone who opens
it (`selectors.social._first_page_outline` and `_first_page`): every change to what it shows
renews it at once, and what differs per reader (blocks, their reactions) is never taken from
it."""

import pytest

from milieu.community.selectors import social as selectors
from milieu.community.services import moderation, people, social
from milieu.core.errors import ApplicationError

from .factories_social import comment, group, member, post, raw_post, staff, town

pytestmark = pytest.mark.django_db


@pytest.fixture
def place():
    here = town()
    return here, here.districts.order_by("pk").first()


def shown(reader, district) -> list[str]:
    return [p.body for p in selectors.district_feed(viewer=reader, district=district).posts]


def test_a_new_post_shows_at_once_to_someone_who_read_the_feed_before(place):
    here, district = place
    author, reader = member(here), member(here)
    post(author, district=district, body="Premier")
    assert shown(reader, district) == ["Premier"]

    post(author, district=district, body="Deuxième")

    assert shown(reader, district) == ["Deuxième", "Premier"]


def test_an_edited_deleted_or_hidden_post_changes_the_kept_page(place):
    here, district = place
    author, reader, moderator = member(here), member(here), staff(here)
    first = post(author, district=district, body="Premier")
    second = post(author, district=district, body="Deuxième")
    assert shown(reader, district) == ["Deuxième", "Premier"]

    social.post_update(actor=author, post=first, body="Premier, corrigé", language="fr")
    assert shown(reader, district) == ["Deuxième", "Premier, corrigé"]
    moderation.moderation_act(
        actor=moderator, municipality=here, action="hide", target=f"post:{second.pk}", reason="x"
    )
    assert shown(reader, district) == ["Premier, corrigé"]
    social.post_delete(actor=author, post=first)
    assert shown(reader, district) == []


def test_counters_and_my_reaction_are_read_fresh(place):
    here, district = place
    author, reader = member(here), member(here)
    found = post(author, district=district)
    assert selectors.district_feed(viewer=reader, district=district).posts[0].comment_count == 0

    comment(reader, found)
    social.reaction_set(actor=reader, post=found, kind="thanks")

    seen = selectors.district_feed(viewer=reader, district=district).posts[0]
    assert (seen.comment_count, seen.reaction_count, seen.viewer_reaction) == (1, 1, "thanks")
    other = selectors.district_feed(viewer=author, district=district).posts[0]
    assert other.viewer_reaction is None  # the kept page holds nobody's reaction


def test_blocked_authors_are_left_out_for_their_reader_only(place):
    here, district = place
    author, reader, other = member(here), member(here), member(here)
    post(author, district=district, body="Bonjour")
    assert shown(reader, district) == ["Bonjour"]

    people.block(actor=reader, handle=author.community_profile.handle)

    assert shown(reader, district) == []
    assert shown(other, district) == ["Bonjour"]


def test_a_full_page_still_has_twenty_posts_when_authors_are_blocked(place):
    here, district = place
    blocked, author, reader = member(here), member(here), member(here)
    for number in range(30):  # written directly: the rate limit would stop a person at ten
        raw_post(author if number % 5 else blocked, district=district, body=f"n{number}")
    people.block(actor=reader, handle=blocked.community_profile.handle)

    page = selectors.district_feed(viewer=reader, district=district)

    assert len(page.posts) == 20
    assert all(p.author_id == author.pk for p in page.posts)
    assert page.next_cursor is not None


def test_a_group_feed_is_renewed_too():
    here = town()
    admin, reader = member(here), member(here)
    club = group(here, admin)
    social.group_join(actor=reader, group=club)
    post(admin, group=club, body="Réunion mardi")
    assert [p.body for p in selectors.group_feed(viewer=reader, group=club).posts] == [
        "Réunion mardi"
    ]

    post(admin, group=club, body="Réunion annulée")

    assert [p.body for p in selectors.group_feed(viewer=reader, group=club).posts] == [
        "Réunion annulée",
        "Réunion mardi",
    ]


def test_a_refused_publication_leaves_the_page_as_it_was(place):
    here, district = place
    author = member(here)
    post(author, district=district, body="Premier")
    assert shown(author, district) == ["Premier"]

    with pytest.raises(ApplicationError):
        social.post_create(
            actor=author, municipality=here, district=district, body="", language="fr"
        )

    assert shown(author, district) == ["Premier"]
