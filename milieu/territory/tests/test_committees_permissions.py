"""The committees' permission matrix: every write of the pages tried by every kind of actor, with
one exact outcome per cell (`done` for a redirect after a write, `login` for a redirect to log
in, or a status code). Every refusal is proven to have changed none of the committees' rows.
Every page is public and answers 200 to each of them."""

from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import citizen_of, with_role
from milieu.core.testing import client_for
from milieu.territory import services_committees as services
from milieu.territory.models import (
    Committee,
    CommitteeSeat,
    Motion,
    MotionRound,
    MotionVote,
)

from .committees_factories import committee, consortium_admin, seat, small_region

pytestmark = pytest.mark.django_db

DONE, LOGIN = "done", "login"
ACTORS = (
    "anonymous",
    "citizen",  # a citizen of the delegate's municipality
    "citizen_other",  # a citizen of a municipality of another region
    "staff",  # staff (with MFA) of the delegate's municipality, not seated
    "staff_other",  # staff of a municipality of another region
    "staff_nomfa_seated",  # seated for a member town, but without MFA
    "delegate",  # seated for the municipality, with MFA
    "admin",  # the region's consortium administrator, with MFA
    "admin_other",  # another region's consortium administrator
)


@dataclass
class World:
    region: Any
    here: Any
    board: Committee
    open_motion: Motion  # proposed by another delegate, equal vote open, no vote yet
    tied_motion: Motion  # equal vote closed, tied: a weighted vote may be asked for
    other_seat: CommitteeSeat
    candidate: Any  # staff of an unseated member town
    spare: Any  # that town
    actors: dict[str, Any]


@pytest.fixture
def world() -> World:
    region, (here, there, spare, quiet) = small_region(4)
    other_region, (far, *_rest) = small_region(1)
    board = committee(region, slug="produit")
    delegate = seat(board, here)
    proposer = seat(board, there)
    nomfa = with_role(quiet, Role.STAFF, mfa=False)
    CommitteeSeat.objects.create(committee=board, municipality=quiet, delegate=nomfa)
    open_motion = services.motion_propose(
        actor=proposer, committee=board, values={"title": "Ouverte"}
    )
    tied = services.motion_propose(actor=proposer, committee=board, values={"title": "Égalité"})
    services.motion_close_round(actor=proposer, motion=tied)  # 0 to 0: tied, contested
    actors = {
        "anonymous": None,
        "citizen": citizen_of(here),
        "citizen_other": citizen_of(far),
        "staff": with_role(here, Role.STAFF),
        "staff_other": with_role(far, Role.STAFF),
        "staff_nomfa_seated": nomfa,
        "delegate": delegate,
        "admin": consortium_admin(region),
        "admin_other": consortium_admin(other_region),
    }
    return World(
        region=region,
        here=here,
        board=board,
        open_motion=open_motion,
        tied_motion=tied,
        other_seat=CommitteeSeat.objects.get(committee=board, municipality=there),
        candidate=with_role(spare, Role.STAFF),
        spare=spare,
        actors=actors,
    )


def _snapshot():
    return [
        list(model.objects.values().order_by("pk"))
        for model in (Committee, CommitteeSeat, Motion, MotionRound, MotionVote)
    ]


def _create(w: World):
    return reverse("committees:create", args=[w.region.slug]), {
        "name": "Nouveau comité",
        "language": "fr",
    }


def _assign(w: World):
    url = reverse("committees:seat_assign", args=[w.region.slug, w.board.slug])
    return url, {"municipality": w.spare.pk, "delegate": w.candidate.pk}


def _end(w: World):
    url = reverse("committees:seat_end", args=[w.region.slug, w.board.slug, w.other_seat.pk])
    return url, {}


def _propose(w: World):
    url = reverse("committees:motion_create", args=[w.region.slug, w.board.slug])
    return url, {"title": "Une motion", "language": "fr"}


def _motion_action(name: str, which: str, data: dict):
    def action(w: World):
        motion = getattr(w, which)
        url = reverse(f"committees:{name}", args=[w.region.slug, w.board.slug, motion.number])
        return url, data

    return action


ACTIONS = {
    "create_committee": _create,
    "assign_seat": _assign,
    "end_seat": _end,
    "propose": _propose,
    "vote": _motion_action("vote", "open_motion", {"choice": "yes"}),
    "close": _motion_action("close", "open_motion", {}),
    "weighted": _motion_action("weighted", "tied_motion", {"reason": "Égalité parfaite."}),
    "withdraw": _motion_action("withdraw", "open_motion", {}),
}

REFUSED = dict.fromkeys(ACTORS, 403)
REFUSED["anonymous"] = LOGIN
EXPECTED: dict[str, dict[str, Any]] = {
    "create_committee": {**REFUSED, "admin": DONE},
    "assign_seat": {**REFUSED, "admin": DONE},
    "end_seat": {**REFUSED, "admin": DONE},
    "propose": {**REFUSED, "delegate": DONE},
    "vote": {**REFUSED, "delegate": DONE},
    "close": {**REFUSED, "admin": DONE},
    "weighted": {**REFUSED, "delegate": DONE},
    "withdraw": {**REFUSED, "admin": DONE},
}


def _outcome(response) -> Any:
    if response.status_code == 302:
        return LOGIN if "/accounts/login/" in response["Location"] else DONE
    return response.status_code


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_permission_matrix(world, actor, action):
    url, data = ACTIONS[action](world)
    before = _snapshot()
    response = client_for(world.actors[actor]).post(url, data)
    outcome = _outcome(response)
    assert outcome == EXPECTED[action][actor], (action, actor, response.content[:300])
    if outcome == DONE:
        assert _snapshot() != before
    else:
        assert _snapshot() == before


@pytest.mark.parametrize("actor", ACTORS)
def test_every_page_is_public(world, actor):
    region, board = world.region.slug, world.board.slug
    pages = [
        reverse("committees:list", args=[region]),
        reverse("committees:detail", args=[region, board]),
        reverse("committees:motion", args=[region, board, world.open_motion.number]),
        reverse("committees:motion", args=[region, board, world.tied_motion.number]),
    ]
    client = client_for(world.actors[actor])
    for page in pages:
        assert client.get(page).status_code == 200, page


def test_forms_are_for_those_who_may_use_them(world):
    region, board = world.region.slug, world.board.slug
    create = reverse("committees:create", args=[region])
    propose = reverse("committees:motion_create", args=[region, board])
    assert client_for(world.actors["admin"]).get(create).status_code == 200
    assert client_for(world.actors["delegate"]).get(create).status_code == 403
    assert client_for(world.actors["delegate"]).get(propose).status_code == 200
    assert client_for(world.actors["admin"]).get(propose).status_code == 403
    assert client_for().get(propose).status_code == 302


def test_another_regions_committee_is_not_found(world):
    other_region, _towns = small_region(1)
    url = reverse("committees:detail", args=[other_region.slug, world.board.slug])
    assert client_for().get(url).status_code == 404
    vote = reverse("committees:vote", args=[other_region.slug, world.board.slug, 1])
    before = _snapshot()
    response = client_for(world.actors["delegate"]).post(vote, {"choice": "yes"})
    assert response.status_code == 404
    assert _snapshot() == before
