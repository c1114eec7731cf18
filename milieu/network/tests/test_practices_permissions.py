"""The practices' permission matrix: every write of the pages tried by every kind of actor, with
one exact outcome per cell (`done` for a redirect after a write, `login` for a redirect to log
in, `mfa` for staff sent to enrol, or a status code). Every refusal is proven to have changed
none of the practices' rows. Published practices' pages are public and answer 200 to all."""

from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import citizen_of, with_role
from milieu.core.testing import client_for
from milieu.network import services_practices as services
from milieu.network.models import Adoption, Practice, PracticeComment, PracticeTag
from milieu.territory.tests.committees_factories import consortium_admin
from milieu.territory.tests.factories import RegionFactory

from .practices_factories import practice, staff, town, values

pytestmark = pytest.mark.django_db

DONE, LOGIN, MFA = "done", "login", "mfa"
ACTORS = (
    "anonymous",
    "citizen",  # a citizen of the practice's town
    "citizen_other",  # a citizen of another town
    "staff",  # staff (with MFA) of the practice's town
    "staff_nomfa",  # staff of the practice's town without MFA
    "staff_other",  # staff (with MFA) of another town (which adopted the practice)
    "elected_other",  # an elected official of another town
    "consortium_admin",  # the region's consortium administrator
)


@dataclass
class World:
    here: Any
    there: Any
    shared: Practice  # published, by `here`, adopted by `there`
    draft: Practice
    comment: PracticeComment
    actors: dict[str, Any]


@pytest.fixture
def world() -> World:
    region = RegionFactory()
    here, there = town(region), town(region)
    owner = staff(here)
    shared = practice(here, author=owner, title="Publiée")
    draft = practice(here, author=owner, published=False, title="Brouillon")
    other = staff(there)
    services.adoption_add(actor=other, practice=shared, municipality=there)
    comment = services.comment_add(actor=other, practice=shared, municipality=there, body="Merci")
    actors = {
        "anonymous": None,
        "citizen": citizen_of(here),
        "citizen_other": citizen_of(there),
        "staff": staff(here),
        "staff_nomfa": staff(here, mfa=False),
        "staff_other": other,
        "elected_other": with_role(there, Role.ELECTED),
        "consortium_admin": consortium_admin(region),
    }
    return World(here, there, shared, draft, comment, actors)


def _url(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(name, args=args)


def _snapshot() -> tuple:
    return (
        list(Practice.objects.order_by("pk").values()),
        list(Practice.tags.through.objects.order_by("pk").values()),
        list(PracticeTag.objects.order_by("pk").values()),
        list(Adoption.objects.order_by("pk").values()),
        list(PracticeComment.objects.order_by("pk").values()),
    )


def _request(world: World, write: str) -> tuple[str, dict]:
    here, shared, draft = world.here, world.shared, world.draft
    return {
        "create": (_url("practices_staff:create", here.slug), values(title="Nouvelle")),
        "edit": (_url("practices_staff:edit", here.slug, draft.pk), values(title="Changée")),
        "publish": (_url("practices_staff:publish", here.slug, draft.pk), {}),
        "withdraw": (_url("practices_staff:withdraw", here.slug, shared.pk), {}),
        "adopt": (_url("practices:adopt", shared.pk), {"municipality": world.there.pk}),
        "unadopt": (_url("practices:unadopt", shared.pk), {"municipality": world.there.pk}),
        "comment": (
            _url("practices:comment", shared.pk),
            {"municipality": world.there.pk, "body": "Bravo"},
        ),
        "hide": (_url("practices:comment_hide", shared.pk, world.comment.pk), {"hidden": "1"}),
    }[write]


STAFF_PAGE = {
    "anonymous": LOGIN,
    "citizen": 403,
    "citizen_other": 403,
    "staff": DONE,
    "staff_nomfa": MFA,
    "staff_other": 403,
    "elected_other": 403,
    "consortium_admin": 403,
}
EXPECTED: dict[str, dict[str, Any]] = {
    "create": STAFF_PAGE,
    "edit": STAFF_PAGE,
    "publish": STAFF_PAGE,
    "withdraw": STAFF_PAGE,
    # `there` already adopted it: a second time is refused (the form no longer offers it).
    "adopt": {**dict.fromkeys(ACTORS, 403), "anonymous": LOGIN, "staff": 400, "staff_other": 400},
    # The practice's own staff have no adoption to take back (their town is not `there`).
    "unadopt": {
        **dict.fromkeys(ACTORS, 403),
        "anonymous": LOGIN,
        "staff": 400,
        "staff_other": DONE,
    },
    "comment": {
        **dict.fromkeys(ACTORS, 403),
        "anonymous": LOGIN,
        "staff": 400,  # staff of `here` may comment, for `here`: `there` is not their choice
        "staff_other": DONE,
        "elected_other": DONE,
    },
    "hide": {**dict.fromkeys(ACTORS, 403), "anonymous": LOGIN, "staff": DONE},
}


def _outcome(response) -> Any:
    if response.status_code == 302:
        location = response["Location"]
        if "/login/" in location:
            return LOGIN
        if "mfa" in location or "totp" in location:
            return MFA
        return DONE
    return response.status_code


@pytest.mark.parametrize("write", list(EXPECTED))
@pytest.mark.parametrize("actor", ACTORS)
def test_permission_matrix(world, actor, write):
    url, data = _request(world, write)
    before = _snapshot()
    response = client_for(world.actors[actor]).post(url, data)
    outcome = _outcome(response)
    assert outcome == EXPECTED[write][actor], (actor, write, response.status_code)
    if outcome != DONE:
        assert _snapshot() == before


@pytest.mark.parametrize("actor", ACTORS)
def test_published_pages_are_public_and_drafts_hidden(world, actor):
    client = client_for(world.actors[actor])
    assert client.get(_url("practices:list")).status_code == 200
    assert client.get(_url("practices:detail", world.shared.pk)).status_code == 200
    draft = client.get(_url("practices:detail", world.draft.pk)).status_code
    assert draft == (200 if actor == "staff" else 404)
