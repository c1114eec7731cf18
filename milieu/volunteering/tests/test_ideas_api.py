"""The incubator's API: the services, selectors, rules and errors of the pages over HTTP — a
permission matrix with refusals proven to change nothing, drafts kept to their author, cursor
pages, constant queries, and the same field errors as the pages."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from milieu.core.testing import client_for
from milieu.volunteering.models import IdeaPartnerOffer, IdeaState, ProjectIdea
from milieu.volunteering.services import incubator

from .factories import organisation, resident, staff, town
from .ideas import IDEA, idea, rows

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("still_clock")]
API = "/api/v1"


def call(user, method: str, path: str, payload=None) -> tuple[int, Any]:
    client = client_for(user)
    if method == "GET":
        response = client.get(API + path)
    else:
        data = json.dumps(payload) if payload is not None else None
        response = getattr(client, method.lower())(
            API + path, data=data, content_type="application/json"
        )
    body = response.json() if response.content else None
    return response.status_code, body


# --- The permission matrix ----------------------------------------------------------------------

ACTORS = ("anonymous", "member", "outsider", "author", "org_member", "unverified", "staff")
READERS = {"member", "author", "org_member", "unverified", "staff"}


@dataclass
class World:
    here: Any
    actors: dict[str, Any]
    shared: ProjectIdea
    draft: ProjectIdea
    org: Any
    pending_org: Any
    offer: IdeaPartnerOffer | None = None


@pytest.fixture
def world() -> World:
    here, there = town(), town()
    author = resident(here, display_name="Autrice")
    org_member, unverified = resident(here), resident(here)
    return World(
        here=here,
        actors={
            "anonymous": None,
            "member": resident(here),
            "outsider": resident(there),
            "author": author,
            "org_member": org_member,
            "unverified": unverified,
            "staff": staff(here),
        },
        shared=idea(author, here),
        draft=idea(author, here, publish=False, title="Brouillon"),
        org=organisation(here, manager=org_member),
        pending_org=organisation(here, manager=unverified, verified=False),
    )


def _offered(w: World) -> None:
    w.offer = incubator.partner_offer_create(
        actor=w.actors["org_member"], idea=w.shared, organisation=w.org
    )


def readers(ok: int = 200, **others: int) -> Callable[[str], int]:
    def expect(actor: str) -> int:
        if actor == "anonymous":
            return 401
        if actor not in READERS:
            return 404
        return others.get(actor, ok)

    return expect


def author_only(ok: int = 200, others: int = 403) -> Callable[[str], int]:
    return readers(others, author=ok)


@dataclass(frozen=True)
class Op:
    method: str
    path: Callable[[World], str]
    expect: Callable[[str], int]
    payload: Callable[[World], Any] = lambda w: None
    setup: Callable[[World], None] | None = None
    label: str = ""


def municipal(w: World) -> str:
    return f"/municipalities/{w.here.slug}/ideas"


def shared(w: World) -> str:
    return f"/ideas/{w.shared.pk}"


OPERATIONS = [
    Op("GET", municipal, readers(), label="list"),
    Op(
        "POST", municipal, readers(201), payload=lambda w: {**IDEA, "publish": True}, label="create"
    ),
    Op("GET", lambda w: municipal(w) + "/mine", readers(), label="mine"),
    Op("GET", shared, readers(), label="get"),
    Op("GET", lambda w: f"/ideas/{w.draft.pk}", author_only(200, 404), label="get draft"),
    Op("PATCH", shared, author_only(), payload=lambda w: {"title": "Autre titre"}, label="update"),
    Op(
        "POST",
        lambda w: f"/ideas/{w.draft.pk}/publish",
        author_only(200, 404),
        label="publish",
    ),
    Op("POST", lambda w: shared(w) + "/support", readers(author=403), label="support"),
    Op("DELETE", lambda w: shared(w) + "/support", readers(409), label="unsupport (none)"),
    Op(
        "POST",
        lambda w: shared(w) + "/help-offers",
        readers(201, author=403),
        payload=lambda w: {"skills": ["cooking"], "message": "Présent"},
        label="help",
    ),
    Op("DELETE", lambda w: shared(w) + "/help-offers/mine", readers(404), label="withdraw (none)"),
    Op(
        "POST",
        lambda w: shared(w) + "/partner-offers",
        readers(403, org_member=201),
        payload=lambda w: {"organisation_id": w.org.pk},
        label="partner (verified)",
    ),
    Op(
        "POST",
        lambda w: shared(w) + "/partner-offers",
        readers(403),
        payload=lambda w: {"organisation_id": w.pending_org.pk},
        label="partner (unverified)",
    ),
    Op(
        "POST",
        lambda w: f"{shared(w)}/partner-offers/{w.offer.pk}/decision",
        author_only(),
        payload=lambda w: {"decision": "accept"},
        setup=_offered,
        label="decide",
    ),
    Op(
        "POST",
        lambda w: shared(w) + "/state",
        author_only(),
        lambda w: {"state": "closed"},
        label="close",
    ),
    Op(
        "POST",
        lambda w: shared(w) + "/state",
        author_only(409),
        lambda w: {"state": "done"},
        label="done (not in progress)",
    ),
    Op(
        "POST",
        lambda w: shared(w) + "/adoption",
        readers(403, staff=200),
        lambda w: {"note": ""},
        label="adopt",
    ),
    Op("DELETE", lambda w: shared(w) + "/adoption", readers(403, staff=409), label="unadopt"),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.label)
def test_matrix(world, op: Op, actor: str):
    if op.setup is not None:
        op.setup(world)
    before = rows()
    status, body = call(world.actors[actor], op.method, op.path(world), op.payload(world))
    expected = op.expect(actor)
    assert status == expected, f"{op.method} {op.label} by {actor}: {body}"
    if status >= 400:
        assert set(body["error"]) == {"code", "message", "fields"}
    if op.method != "GET" and status < 300:
        assert rows() != before
    else:
        assert rows() == before, f"{op.method} {op.label} by {actor} changed something"


# --- Ideas ----------------------------------------------------------------------------------------


def test_create_a_draft_then_publish_it(here, citizen):
    status, body = call(citizen, "POST", f"/municipalities/{here.slug}/ideas", IDEA)
    assert status == 201
    assert body["state"] == "draft" and body["published_at"] is None and body["can_edit"]
    assert [s["slug"] for s in body["skills_wanted"]] == ["cooking", "driving"]
    assert body["district"]["slug"] == "centre"
    status, body = call(citizen, "POST", f"/ideas/{body['id']}/publish")
    assert status == 200 and body["state"] == "open" and body["published_at"]


def test_bad_input_is_the_pages_field_error_and_stores_nothing(here, citizen):
    status, body = call(
        citizen, "POST", f"/municipalities/{here.slug}/ideas", {**IDEA, "skills_wanted": ["x"]}
    )
    assert status == 400
    assert body["error"]["code"] == "validation" and "skills_wanted" in body["error"]["fields"]
    status, body = call(
        citizen, "POST", f"/municipalities/{here.slug}/ideas", {**IDEA, "title": "x" * 151}
    )
    assert status == 400 and "title" in body["error"]["fields"]
    status, body = call(citizen, "POST", f"/municipalities/{here.slug}/ideas", {"title": "T"})
    assert status == 422
    assert not ProjectIdea.objects.exists()


def test_update_changes_only_the_fields_given(here, citizen):
    mine = idea(citizen, here)
    status, body = call(citizen, "PATCH", f"/ideas/{mine.pk}", {"help_wanted": "Un local"})
    assert status == 200 and body["help_wanted"] == "Un local" and body["title"] == IDEA["title"]
    assert body["district"]["slug"] == "centre"
    status, body = call(citizen, "PATCH", f"/ideas/{mine.pk}", {"district": ""})
    assert status == 200 and body["district"] is None


def test_drafts_and_never_published_ideas_are_not_listed(here, citizen):
    idea(citizen, here, publish=False, title="Brouillon")
    ProjectIdea.objects.create(
        municipality=here,
        author=citizen,
        title="Fermée jamais publiée",
        need="n",
        description="d",
        state=IdeaState.CLOSED,
    )
    idea(citizen, here, title="Publiée")
    status, body = call(resident(here), "GET", f"/municipalities/{here.slug}/ideas")
    assert status == 200 and [item["title"] for item in body["items"]] == ["Publiée"]
    status, body = call(citizen, "GET", f"/municipalities/{here.slug}/ideas/mine")
    assert {item["title"] for item in body["items"]} == {
        "Brouillon",
        "Fermée jamais publiée",
        "Publiée",
    }
    never = ProjectIdea.objects.get(title="Fermée jamais publiée")
    assert call(resident(here), "GET", f"/ideas/{never.pk}")[0] == 404


def test_filters_and_cursor_pages(here, citizen):
    for number in range(5):
        idea(citizen, here, title=f"Idée {number}")
    adopted = idea(resident(here), here, title="Jardin", district="")
    incubator.idea_adopt(actor=staff(here), idea=adopted)
    reader = resident(here)
    path = f"/municipalities/{here.slug}/ideas"
    seen: list[str] = []
    cursor = None
    while True:
        query = "?limit=2" + (f"&cursor={cursor}" if cursor else "")
        status, body = call(reader, "GET", path + query)
        assert status == 200
        seen += [item["title"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == ["Jardin", *(f"Idée {n}" for n in range(4, -1, -1))]
    assert [i["title"] for i in call(reader, "GET", path + "?adopted=true")[1]["items"]] == [
        "Jardin"
    ]
    assert len(call(reader, "GET", path + "?district=centre")[1]["items"]) == 5
    assert [i["title"] for i in call(reader, "GET", path + "?q=jardin")[1]["items"]] == ["Jardin"]
    status, body = call(reader, "GET", path + "?state=draft")
    assert status == 422
    status, body = call(reader, "GET", path + "?cursor=%%%")
    assert status == 400 and "cursor" in body["error"]["fields"]


def test_the_list_runs_the_same_queries_for_one_idea_or_many(here, citizen):
    reader = resident(here)
    client = client_for(reader)
    path = f"{API}/municipalities/{here.slug}/ideas"

    def measured() -> tuple[int, int]:
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200
        return len(captured.captured_queries), len(response.json()["items"])

    incubator.idea_support(actor=reader, idea=idea(citizen, here))
    one, shown = measured()
    assert shown == 1
    for number in range(12):
        made = idea(resident(here), here, title=f"Idée {number}", skills_wanted=["web"])
        incubator.idea_support(actor=reader, idea=made)
    many, shown = measured()
    assert shown == 13 and many == one
    items = client.get(path).json()["items"]
    assert all(item["i_support"] for item in items)


# --- Steps ----------------------------------------------------------------------------------------


def test_support_help_partner_and_the_authors_steps(here, citizen, org, manager):
    mine = idea(citizen, here)
    neighbour = resident(here)
    status, body = call(neighbour, "POST", f"/ideas/{mine.pk}/support")
    assert status == 200 and body["supporters_count"] == 1 and body["i_support"]
    status, body = call(neighbour, "POST", f"/ideas/{mine.pk}/support")
    assert status == 409 and body["error"]["code"] == "already_supported"
    status, body = call(neighbour, "POST", f"/ideas/{mine.pk}/help-offers", {"skills": ["cooking"]})
    assert status == 201 and body["is_mine"]
    status, body = call(neighbour, "GET", f"/ideas/{mine.pk}")
    assert body["my_help_offer"]["skills"][0]["slug"] == "cooking"
    assert body["help_offers"] == [] and body["help_offers_count"] == 1
    status, body = call(citizen, "GET", f"/ideas/{mine.pk}")
    assert len(body["help_offers"]) == 1 and body["next_states"] == ["closed", "in_progress"]
    status, body = call(manager, "GET", f"/ideas/{mine.pk}")
    assert body["partner_organisations"] == [{"id": org.pk, "name": org.name}]
    status, offer = call(
        manager, "POST", f"/ideas/{mine.pk}/partner-offers", {"organisation_id": org.pk}
    )
    assert status == 201 and offer["status"] == "pending"
    status, body = call(
        citizen,
        "POST",
        f"/ideas/{mine.pk}/partner-offers/{offer['id']}/decision",
        {"decision": "accept"},
    )
    assert status == 200 and body["status"] == "accepted"
    status, body = call(citizen, "POST", f"/ideas/{mine.pk}/state", {"state": "in_progress"})
    assert status == 200 and body["state"] == "in_progress"
    assert body["partner_offers"][0]["organisation"]["name"] == org.name
    status, body = call(citizen, "POST", f"/ideas/{mine.pk}/state", {"state": "done"})
    assert status == 200 and body["state"] == "done" and body["next_states"] == []
    status, body = call(citizen, "POST", f"/ideas/{mine.pk}/state", {"state": "open"})
    assert status == 409 and body["error"]["code"] == "wrong_state"


def test_staff_adopt_with_a_note_and_withdraw(here, citizen):
    mine = idea(citizen, here)
    officer = staff(here)
    status, body = call(officer, "POST", f"/ideas/{mine.pk}/adoption", {"note": "Budget 2027"})
    assert status == 200 and body["adopted"] and body["adoption_note"] == "Budget 2027"
    status, body = call(officer, "POST", f"/ideas/{mine.pk}/adoption", {"note": "x" * 501})
    assert status == 400 and "note" in body["error"]["fields"]
    status, body = call(officer, "DELETE", f"/ideas/{mine.pk}/adoption")
    assert status == 200 and not body["adopted"]


def test_a_disabled_module_hides_everything(here, citizen):
    mine = idea(citizen, here)
    here.enabled_modules = ["districts"]
    here.save(update_fields=["enabled_modules"])
    assert call(citizen, "GET", f"/municipalities/{here.slug}/ideas")[0] == 404
    assert call(citizen, "GET", f"/ideas/{mine.pk}")[0] == 404
