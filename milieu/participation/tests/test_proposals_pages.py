"""The pages of calls for proposals: the permission matrix (every page and form, every kind of
actor, one exact outcome, nothing changed on a refusal), the support without JavaScript and with
htmx, what the idea's page says of the city's commitment and answer, and the lists' queries."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from milieu.core.testing import assert_constant_queries, client_for

from .. import services_proposals as services
from ..models import Proposal, Support
from .factories_proposals import call, proposal, resident, staff, supported, town

pytestmark = pytest.mark.django_db

ACTORS = ("anonymous", "resident", "resident_other", "staff", "staff_nomfa", "staff_other")
LOGIN, DONE, MFA = "login", "done", "mfa"


@dataclass
class World:
    here: Any
    actors: dict[str, Any]
    consultation: Any
    idea: Proposal  # by `author`, supported by nobody


@pytest.fixture
def world() -> World:
    here, there = town(), town()
    consultation = call(here, threshold=5)
    actors = {
        "anonymous": None,
        "resident": resident(here),
        "resident_other": resident(there),
        "staff": staff(here),
        "staff_nomfa": staff(here, mfa=False),
        "staff_other": staff(there),
    }
    return World(here, actors, consultation, proposal(consultation))


def _snapshot() -> tuple:
    return (
        list(Proposal.objects.order_by("pk").values_list()),
        list(Support.objects.order_by("pk").values_list("proposal_id", "user_id")),
    )


@dataclass(frozen=True)
class Op:
    name: str
    method: str
    url: Callable[[World], str]
    data: dict
    outcomes: dict[str, Any]  # actor -> status code or LOGIN/DONE/MFA


def _p(name: str) -> Callable[[World], str]:
    return lambda w: reverse(f"participation:{name}", args=[w.here.slug, w.idea.pk])


def _c(name: str) -> Callable[[World], str]:
    return lambda w: reverse(f"participation:{name}", args=[w.here.slug, w.consultation.pk])


def _s(name: str, with_idea: bool = True) -> Callable[[World], str]:
    if with_idea:
        return lambda w: reverse(f"participation_staff:{name}", args=[w.here.slug, w.idea.pk])
    return lambda w: reverse(f"participation_staff:{name}", args=[w.here.slug])


EVERYONE_200 = dict.fromkeys(ACTORS, 200)
STAFF_ONLY = {
    "anonymous": LOGIN,
    "resident": 403,
    "resident_other": 403,
    "staff": 200,
    "staff_nomfa": MFA,
    "staff_other": 403,
}
IDEA = {
    "title": "Un jardin communautaire",
    "body": "Un jardin partagé près de la rivière.",
    "language": "fr",
}
OPS = [
    Op("list", "get", _c("proposal_list"), {}, EVERYONE_200),
    Op("detail", "get", _p("proposal"), {}, EVERYONE_200),
    Op(
        "create_form",
        "get",
        _c("proposal_create"),
        {},
        {
            "anonymous": LOGIN,
            "resident": 200,
            "resident_other": 403,
            "staff": 403,  # staff are members of the town, not verified residents
            "staff_nomfa": 403,
            "staff_other": 403,
        },
    ),
    Op(
        "create",
        "post",
        _c("proposal_create"),
        IDEA,
        {
            "anonymous": LOGIN,
            "resident": DONE,
            "resident_other": 403,
            "staff": 403,
            "staff_nomfa": 403,
            "staff_other": 403,
        },
    ),
    Op(
        "support",
        "post",
        _p("proposal_support"),
        {},
        {
            "anonymous": LOGIN,
            "resident": DONE,
            "resident_other": 403,
            "staff": 403,
            "staff_nomfa": 403,
            "staff_other": 403,
        },
    ),
    Op(
        "edit",
        "post",
        _p("proposal_edit"),
        IDEA,
        {
            "anonymous": LOGIN,
            "resident": 404,
            "resident_other": 404,
            "staff": 404,
            "staff_nomfa": 404,
            "staff_other": 404,
        },
    ),
    Op("queue", "get", _s("proposals", with_idea=False), {}, STAFF_ONLY),
    Op("staff_idea", "get", _s("proposal"), {}, STAFF_ONLY),
    Op(
        "answer",
        "post",
        _s("proposal"),
        {"status": "accepted", "answer": "Oui, cet été.", "language": "fr"},
        {**STAFF_ONLY, "staff": DONE},
    ),
    Op("hide", "post", _s("proposal_hide"), {"reason": "Spam"}, {**STAFF_ONLY, "staff": DONE}),
]


def _outcome(response) -> Any:
    if response.status_code == 302:
        location = response["Location"]
        if "/login/" in location:
            return LOGIN
        if "mfa" in location or "totp" in location:
            return MFA
        return DONE
    return response.status_code


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
@pytest.mark.parametrize("actor", ACTORS)
def test_matrix(world, op: Op, actor: str):
    expected = op.outcomes[actor]
    before = _snapshot()
    client = client_for(world.actors[actor])
    response = getattr(client, op.method)(op.url(world), op.data)
    assert _outcome(response) == expected, (op.name, actor, response.status_code)
    if expected == DONE:
        assert _snapshot() != before
    elif op.method == "post":
        assert _snapshot() == before


def test_the_author_edits_the_idea_on_its_page(world):
    client = client_for(world.idea.author)
    assert client.get(_p("proposal_edit")(world)).status_code == 200
    response = client.post(_p("proposal_edit")(world), {**IDEA, "language": "fr"})
    assert _outcome(response) == DONE
    world.idea.refresh_from_db()
    assert world.idea.title == IDEA["title"]


def test_a_bad_idea_is_shown_again_with_the_reason_on_its_field(world):
    person = world.actors["resident"]
    before = _snapshot()
    response = client_for(person).post(
        _c("proposal_create")(world), {"title": "Un jardin", "body": "Trop court", "language": "fr"}
    )
    assert response.status_code == 400
    with translation.override("fr"):
        assert translation.gettext("Describe your idea in at least 20 characters.") in (
            response.content.decode()
        )
    assert _snapshot() == before


def test_supporting_without_javascript_redirects_with_a_message(world):
    client = client_for(world.actors["resident"])
    response = client.post(_p("proposal_support")(world), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    with translation.override("fr"):
        assert translation.gettext("Thank you: you support this idea.") in page
        assert translation.gettext("Take my support back") in page
    world.idea.refresh_from_db()
    assert world.idea.support_count == 1


def test_supporting_with_htmx_swaps_the_counter_and_a_refusal_says_why(world):
    client = client_for(world.actors["resident"])
    url = _p("proposal_support")(world)
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="support-box"')
    assert "<html" not in body
    with translation.override("fr"):
        counter = translation.ngettext("%(counter)s support", "%(counter)s supports", 1)
    assert counter % {"counter": 1} in body
    again = client.post(url, HTTP_HX_REQUEST="true")
    assert again.status_code == 400
    with translation.override("fr"):
        assert translation.gettext("You already support this idea.") in again.content.decode()


def test_the_page_says_the_city_committed_then_shows_its_answer(world):
    consultation = call(world.here, threshold=2)
    idea = proposal(consultation)
    supported(idea, 2)
    url = reverse("participation:proposal", args=[world.here.slug, idea.pk])
    page = client_for().get(url).content.decode()
    with translation.override("fr"):
        committed = translation.gettext("The city has committed to answer")
        heading = translation.gettext("The city's answer")
    assert committed in page
    services.proposal_answer(
        actor=world.actors["staff"],
        proposal=idea,
        status="accepted",
        answer="Nous installerons des bancs au printemps.",
        language="fr",
    )
    page = client_for().get(url).content.decode()
    assert committed not in page
    assert heading.replace("'", "&#x27;") in page or heading in page
    assert "Nous installerons des bancs au printemps." in page


def test_a_hidden_idea_is_out_of_the_public_list_and_page(world):
    services.proposal_hide(actor=world.actors["staff"], proposal=world.idea, reason="Hors sujet")
    assert client_for().get(_p("proposal")(world)).status_code == 404
    assert world.idea.title not in client_for().get(_c("proposal_list")(world)).content.decode()
    assert client_for(world.idea.author).get(_p("proposal")(world)).status_code == 200


def test_the_public_list_runs_constant_queries(world):
    consultation = call(world.here)

    def add(n: int) -> list[str]:
        return [proposal(consultation).title for _ in range(n)]

    url = reverse("participation:proposal_list", args=[world.here.slug, consultation.pk])
    assert_constant_queries(client_for(world.actors["resident"]), url, add, few=2, many=15)


def test_the_staff_queue_runs_constant_queries(world):
    consultation = call(world.here, threshold=1)
    fan = resident(world.here)

    def add(n: int) -> list[str]:
        titles = []
        for _ in range(n):
            idea = proposal(consultation)
            services.support_add(actor=fan, proposal=idea)
            titles.append(idea.title)
        return titles

    url = reverse("participation_staff:proposals", args=[world.here.slug])
    assert_constant_queries(client_for(world.actors["staff"]), url, add, few=2, many=15)
