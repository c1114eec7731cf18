"""The first page of a district's or a group's feed is kept rendered (`core.pagecache`) for every
reader whose page shows the same: the same posts, counters, flags and none of their own posts or
reactions. These tests read the pages as people do, one after the other, and prove that what
differs per reader never travels from one to another and that every change shows at once."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from milieu.community.services import people
from milieu.community.services import social as services
from milieu.community.tests import factories_social as f
from milieu.core import pagecache
from milieu.core.testing import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_pages():
    pagecache.clear()
    yield
    pagecache.clear()


@pytest.fixture
def here():
    return f.town(slug="amos", name="Amos")


@pytest.fixture
def district(here):
    return here.districts.order_by("slug")[0]


def district_url(district, language="en") -> str:
    return f"/{language}/amos/community/districts/{district.slug}/"


def group_url(group, language="en") -> str:
    return f"/{language}/amos/community/groups/{group.slug}/"


def page(user, url: str) -> str:
    response = client_for(user).get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_my_reaction_is_pressed_for_me_only(here, district):
    author, reader, other = f.member(here), f.member(here), f.member(here)
    found = f.post(author, district=district, body="Corvée de neige samedi")
    assert 'aria-pressed="true"' not in page(other, district_url(district))

    services.reaction_set(actor=reader, post=found, kind="thanks")

    mine = page(reader, district_url(district))
    assert mine.count('aria-pressed="true"') == 1
    assert (
        'value="thanks"\n                class="secondary"\n                aria-pressed="true"'
        in mine
    )
    theirs = page(other, district_url(district))
    assert 'aria-pressed="true"' not in theirs
    assert "1 reaction" in theirs  # the counter moved for everyone


def test_a_comment_moves_the_counter_on_the_kept_page(here, district):
    author, reader = f.member(here), f.member(here)
    found = f.post(author, district=district)
    assert "0 comments" in page(reader, district_url(district))

    f.comment(author, found)

    assert "1 comment<" in page(reader, district_url(district))


def test_edit_links_only_on_my_own_posts(here, district):
    author, reader = f.member(here), f.member(here)
    found = f.post(author, district=district)
    edit = f"/amos/community/posts/{found.pk}/edit/"

    assert edit not in page(reader, district_url(district))
    assert edit in page(author, district_url(district))
    assert edit not in page(reader, district_url(district))


def test_a_blocked_author_is_left_out_for_the_blocker_only(here, district):
    author, reader, other = f.member(here), f.member(here), f.member(here)
    f.post(author, district=district, body="Vente de garage")
    assert "Vente de garage" in page(reader, district_url(district))

    people.block(actor=reader, handle=author.community_profile.handle)

    assert "Vente de garage" not in page(reader, district_url(district))
    assert "Vente de garage" in page(other, district_url(district))


def test_each_person_gets_their_own_csrf_token(here, district):
    reader, other = f.member(here), f.member(here)
    f.post(f.member(here), district=district)
    first = client_for(reader)
    first.get(district_url(district))
    second = client_for(other)
    second.get(district_url(district))
    tokens = []
    for client in (first, second):
        body = client.get(district_url(district)).content.decode()
        token = body.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        tokens.append((client, token))
    for client, token in tokens:  # each kept token passes a real CSRF check
        client.handler.enforce_csrf_checks = True
        response = client.post(
            district_url(district), {"body": "", "language": "fr", "csrfmiddlewaretoken": token}
        )
        assert response.status_code == 400  # the form's error, not CSRF's 403


def test_a_repeat_visit_runs_a_few_queries_whatever_the_length(here, district):
    author = f.member(here)
    for number in range(30):
        f.raw_post(author, district=district, body=f"Annonce {number}")
    reader, other = f.member(here), f.member(here)
    page(reader, district_url(district))
    client = client_for(other)
    client.get(district_url(district))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(district_url(district))
    assert response.status_code == 200
    assert "Annonce 29" in response.content.decode()
    assert len(queries) <= 6, [query["sql"] for query in queries]


def test_the_language_and_the_municipality_are_kept_apart(here, district):
    reader = f.member(here)
    f.post(f.member(here), district=district)
    assert "Latest posts" in page(reader, district_url(district, "en"))
    assert "Dernières publications" in page(reader, district_url(district, "fr"))
    assert "Últimas publicaciones" in page(reader, district_url(district, "es"))


def test_the_group_page_shows_each_reader_their_place_in_it(here):
    admin, member, outsider = f.member(here), f.member(here), f.member(here)
    club = f.group(here, admin, name="Tricot", visibility="on_request")
    f.add_member(club, member)
    f.post(member, group=club, body="Rencontre jeudi")

    assert "Rencontre jeudi" in page(member, group_url(club))
    closed = client_for(outsider).get(group_url(club)).content.decode()
    assert "Rencontre jeudi" not in closed
    assert "Ask to join" in closed
    assert "Change the group" in page(admin, group_url(club))
    assert "Change the group" not in page(member, group_url(club))

    services.group_join(actor=outsider, group=club)
    waiting = page(outsider, group_url(club))
    assert "Your request to join is waiting" in waiting
    assert "Rencontre jeudi" not in waiting


def test_a_new_member_and_a_renamed_group_show_at_once(here):
    admin, newcomer = f.member(here), f.member(here)
    club = f.group(here, admin, name="Marche du matin")
    f.post(admin, group=club, body="Départ 7 h")
    assert re.search(r"\b1 member\b", page(admin, group_url(club)))

    services.group_join(actor=newcomer, group=club)
    services.group_update(actor=admin, group=club, name="Marche matinale")

    seen = page(admin, group_url(club))
    assert "2 members" in seen
    assert "Marche matinale" in seen
