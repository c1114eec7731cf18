"""The incubator's pages: the permission matrix (every page and form, by every kind of actor,
refusals proven to change nothing), drafts kept to their author, the search, the forms' errors,
query counts that do not grow with the list, and every page in the three languages."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation

from milieu.core.testing import client_for
from milieu.volunteering import urls_ideas
from milieu.volunteering.models import (
    IdeaPartnerOffer,
    IdeaState,
    IdeaSupport,
    ProjectIdea,
)
from milieu.volunteering.services import incubator

from .factories import organisation, resident, staff, town
from .ideas import IDEA, idea, rows

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("still_clock")]
LANGUAGES = ("fr", "en", "es")
LOGIN, DONE = "login", "done"


def url(name: str, municipality, *args, language: str = "fr", **query) -> str:
    with translation.override(language):
        path = reverse(f"volunteering:{name}", args=[municipality.slug, *args])
    if query:
        path += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return path


def _t(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


def form(**fields) -> dict:
    return {
        **{k: v for k, v in IDEA.items() if k != "skills_wanted"},
        "skills_wanted": ["cooking"],
        **fields,
    }


# --- The permission matrix ----------------------------------------------------------------------

ACTORS = (
    "anonymous",
    "member",  # a member of the municipality
    "outsider",  # a member of another municipality with the module on
    "author",  # of the ideas
    "org_member",  # on the team of a verified organisation of the municipality
    "unverified",  # manager of an organisation not verified yet
    "staff",  # municipal staff with MFA
)
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
    extra: dict = field(default_factory=dict)


@pytest.fixture
def world() -> World:
    here, there = town(), town()
    author = resident(here, display_name="Autrice")
    org_member, unverified = resident(here), resident(here)
    actors = {
        "anonymous": None,
        "member": resident(here),
        "outsider": resident(there),
        "author": author,
        "org_member": org_member,
        "unverified": unverified,
        "staff": staff(here),
    }
    return World(
        here=here,
        actors=actors,
        shared=idea(author, here),
        draft=idea(author, here, publish=False, title="Brouillon"),
        org=organisation(here, manager=org_member),
        pending_org=organisation(here, manager=unverified, verified=False),
    )


def _offered(w: World) -> None:
    w.offer = incubator.partner_offer_create(
        actor=w.actors["org_member"], idea=w.shared, organisation=w.org
    )


def _adopted(w: World) -> None:
    incubator.idea_adopt(actor=w.actors["staff"], idea=w.shared, note="Oui")


def readers(ok: int | str = 200, **others: int | str) -> Callable[[str], int | str]:
    """Those who may read the ideas get `ok` (or what `others` says for them); outsiders find
    nothing; visitors are sent to log in."""

    def expect(actor: str) -> int | str:
        if actor == "anonymous":
            return LOGIN
        if actor not in READERS:
            return 404
        return others.get(actor, ok)

    return expect


def author_only(ok: int | str = DONE, others: int | str = 403) -> Callable[[str], int | str]:
    return readers(others, author=ok)


@dataclass(frozen=True)
class Op:
    route: str
    method: str
    expect: Callable[[str], int | str]
    args: Callable[[World], list] = lambda w: [w.shared.pk]
    data: Callable[[World], dict] = lambda w: {}
    setup: Callable[[World], None] | None = None
    label: str = ""

    @property
    def name(self) -> str:
        return f"{self.method} {self.route}{' ' + self.label if self.label else ''}"


NONE: Callable[[World], list] = lambda w: []  # noqa: E731

OPERATIONS = [
    Op("ideas", "GET", readers(), args=NONE),
    Op("my_ideas", "GET", readers(), args=NONE),
    Op("idea_create", "GET", readers(), args=NONE),
    Op("idea_create", "POST", readers(DONE), args=NONE, data=lambda w: form()),
    Op("idea", "GET", readers()),
    Op("idea", "GET", author_only(200, 404), args=lambda w: [w.draft.pk], label="draft"),
    Op("idea_edit", "GET", author_only(200)),
    Op("idea_edit", "POST", author_only(), data=lambda w: form(title="Frigo solidaire")),
    Op("idea_publish", "POST", author_only(DONE, 404), args=lambda w: [w.draft.pk]),
    Op("idea_publish", "POST", author_only(400), label="already open"),
    Op("idea_support", "POST", readers(DONE, author=403)),
    Op("idea_unsupport", "POST", readers(400), label="not supported"),
    Op(
        "idea_help",
        "POST",
        readers(DONE, author=403),
        data=lambda w: {"skills": ["cooking"], "message": "Présent"},
    ),
    Op("idea_help_withdraw", "POST", readers(400), label="none offered"),
    Op(
        "idea_partner",
        "POST",
        readers(403, org_member=DONE),
        data=lambda w: {"organisation": w.org.pk},
        label="verified",
    ),
    Op(
        "idea_partner",
        "POST",
        readers(403),
        data=lambda w: {"organisation": w.pending_org.pk},
        label="unverified",
    ),
    Op(
        "idea_partner_decision",
        "POST",
        author_only(),
        args=lambda w: [w.shared.pk, w.offer.pk],
        data=lambda w: {"decision": "accept"},
        setup=_offered,
    ),
    Op("idea_state", "POST", author_only(), data=lambda w: {"state": "closed"}, label="close"),
    Op(
        "idea_state",
        "POST",
        author_only(400),
        data=lambda w: {"state": "done"},
        label="not started",
    ),
    Op("idea_adopt", "POST", readers(403, staff=DONE), data=lambda w: {"note": "Adoptée"}),
    Op("idea_unadopt", "POST", readers(403, staff=400), label="not adopted"),
    Op("idea_unadopt", "POST", readers(403, staff=DONE), setup=_adopted, label="adopted"),
]


def _outcome(response) -> int | str:
    if response.status_code == 302:
        return LOGIN if reverse("account_login") in response["Location"] else DONE
    return response.status_code


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.name)
def test_matrix(world, op: Op, actor: str):
    if op.setup is not None:
        op.setup(world)
    path = reverse(f"volunteering:{op.route}", args=[world.here.slug, *op.args(world)])
    client = client_for(world.actors[actor])
    before = rows()
    response = client.get(path) if op.method == "GET" else client.post(path, op.data(world))
    expected = op.expect(actor)
    assert _outcome(response) == expected, f"{op.name} by {actor}"
    if op.method == "POST" and expected == DONE:
        assert rows() != before, f"{op.name} by {actor} changed nothing"
    else:
        assert rows() == before, f"{op.name} by {actor} changed something"


def test_every_page_has_an_entry():
    pages = set()
    for pattern in urls_ideas.urlpatterns:
        view = pattern.callback
        current, methods = view, None
        while current is not None and methods is None:
            code = getattr(current, "__code__", None)
            if code is not None and "request_method_list" in code.co_freevars:
                cell = current.__closure__[code.co_freevars.index("request_method_list")]
                methods = set(cell.cell_contents)
            current = getattr(current, "__wrapped__", None)
        pages |= {(pattern.name, method) for method in methods or {"?"}}
    covered = {(op.route, op.method) for op in OPERATIONS}
    assert sorted(pages - covered) == []
    assert sorted(covered - pages) == []


# --- Drafts and visibility ----------------------------------------------------------------------


def test_drafts_and_never_published_ideas_stay_their_authors(here, citizen):
    draft = idea(citizen, here, publish=False, title="Mon brouillon")
    never = ProjectIdea.objects.create(
        municipality=here,
        author=citizen,
        title="Fermée sans publication",
        need="n",
        description="d",
        state=IdeaState.CLOSED,
    )
    reader = client_for(resident(here))
    listing = reader.get(url("ideas", here)).content.decode()
    assert "Mon brouillon" not in listing and "Fermée sans publication" not in listing
    for hidden in (draft, never):
        assert reader.get(url("idea", here, hidden.pk)).status_code == 404
        assert client_for(staff(here)).get(url("idea", here, hidden.pk)).status_code == 404
    mine = client_for(citizen).get(url("my_ideas", here)).content.decode()
    assert "Mon brouillon" in mine and "Fermée sans publication" in mine
    assert client_for(citizen).get(url("idea", here, draft.pk)).status_code == 200


def test_another_municipalitys_idea_is_not_found_under_this_one(here, citizen):
    there = town()
    elsewhere = idea(resident(there), there)
    assert client_for(citizen).get(url("idea", here, elsewhere.pk)).status_code == 404


# --- Forms --------------------------------------------------------------------------------------


def test_create_publishes_and_redirects_with_a_message(here, citizen):
    response = client_for(citizen).post(url("idea_create", here), form(action="publish"))
    created = ProjectIdea.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("idea", here, created.pk)
    assert created.state == IdeaState.OPEN
    assert [str(m) for m in get_messages(response.wsgi_request)]


def test_create_as_a_draft(here, citizen):
    client_for(citizen).post(url("idea_create", here), form(action="draft"))
    assert ProjectIdea.objects.get().state == IdeaState.DRAFT


def test_bad_input_is_400_with_the_fields_and_keeps_what_was_typed(here, citizen):
    response = client_for(citizen).post(
        url("idea_create", here), form(title="", need="Ce qui manque", district="nowhere")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ce qui manque" in html
    assert response.context["form"].errors.keys() >= {"title", "district"}
    assert not ProjectIdea.objects.exists()


def test_a_service_refusal_is_put_on_the_form(here, citizen):
    client = client_for(citizen)
    response = client.post(url("idea_create", here), form(title="x" * 150, description=" "))
    assert response.status_code == 400
    assert "description" in response.context["form"].errors
    assert not ProjectIdea.objects.exists()


def test_help_form_errors_are_400(here, citizen):
    shared = idea(citizen, here)
    response = client_for(resident(here)).post(url("idea_help", here, shared.pk), {})
    assert response.status_code == 400
    assert "skills" in response.context["help_form"].errors


def test_support_with_htmx_swaps_the_panel(here, citizen):
    shared = idea(citizen, here)
    neighbour = resident(here)
    response = client_for(neighbour).post(
        url("idea_support", here, shared.pk), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="idea-support"' in html and "<html" not in html
    assert IdeaSupport.objects.filter(idea=shared, user=neighbour).exists()


def test_the_author_sees_help_offers_and_decides_on_partners(here, citizen, org, manager):
    shared = idea(citizen, here)
    helper = resident(here, display_name="Hélène Aidante")
    incubator.help_offer_create(actor=helper, idea=shared, skills=["cooking"], message="Oui")
    offer = incubator.partner_offer_create(actor=manager, idea=shared, organisation=org)
    html = client_for(citizen).get(url("idea", here, shared.pk)).content.decode()
    assert "Hélène Aidante" in html and org.name in html
    assert url("idea_partner_decision", here, shared.pk, offer.pk) in html
    other = client_for(resident(here)).get(url("idea", here, shared.pk)).content.decode()
    assert "Hélène Aidante" not in other  # who helps is for the author
    assert org.name not in other  # a pending offer too


# --- Search and query counts --------------------------------------------------------------------


def test_search_filters(here, citizen, org, manager):
    fridge = idea(citizen, here, title="Frigo partagé")
    garden = idea(citizen, here, title="Jardin collectif", need="Des légumes", district="")
    incubator.idea_adopt(actor=staff(here), idea=garden, note="")
    client = client_for(resident(here))

    def titles(**query) -> set[str]:
        response = client.get(url("ideas", here, **query))
        assert response.status_code == 200
        return {item.title for item in response.context["ideas"]}

    assert titles() == {"Frigo partagé", "Jardin collectif"}
    assert titles(q="jardin") == {"Jardin collectif"}
    assert titles(district="centre") == {"Frigo partagé"}
    assert titles(adopted="yes") == {"Jardin collectif"}
    assert titles(adopted="no") == {"Frigo partagé"}
    incubator.idea_set_state(actor=citizen, idea=fridge, state="closed")
    assert titles(state="closed") == {"Frigo partagé"}
    assert client.get(url("ideas", here, state="draft")).status_code == 400


def test_the_list_runs_the_same_queries_for_one_idea_or_many(
    here, citizen, django_assert_max_num_queries
):
    reader = resident(here)
    client = client_for(reader)

    def count_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client.get(url("ideas", here))  # warm-up
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url("ideas", here))
        assert response.status_code == 200
        return len(captured.captured_queries)

    first = idea(citizen, here, title="Idée 0")
    incubator.idea_support(actor=reader, idea=first)
    one = count_queries()
    for number in range(1, 15):
        author = resident(here)
        made = idea(author, here, title=f"Idée {number}", skills_wanted=["cooking", "web"])
        incubator.idea_support(actor=reader, idea=made)
    many = count_queries()
    assert many == one
    with django_assert_max_num_queries(one):
        response = client.get(url("ideas", here))
    assert len(response.context["ideas"]) == 15
    assert all(item.is_supported for item in response.context["ideas"])


def test_the_list_is_paged_by_twenty(here, citizen):
    ProjectIdea.objects.bulk_create(
        ProjectIdea(
            municipality=here,
            author=citizen,
            title=f"Idée {n}",
            need="n",
            description="d",
            state=IdeaState.OPEN,
            published_at=timezone.now(),
        )
        for n in range(25)
    )
    client = client_for(citizen)
    assert len(client.get(url("ideas", here)).context["ideas"]) == 20
    assert len(client.get(url("ideas", here, page=2)).context["ideas"]) == 5


# --- Every page, in three languages -------------------------------------------------------------

PAGES = [
    ("ideas", "Project ideas"),
    ("my_ideas", "My ideas"),
    ("idea_create", "Propose an idea"),
    ("idea", "About this idea"),
    ("idea_edit", "Change my idea"),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("name", "heading"), PAGES)
def test_every_page_answers_in_each_language(here, citizen, language, name, heading):
    shared = idea(citizen, here)
    args = [shared.pk] if name in ("idea", "idea_edit") else []
    response = client_for(citizen).get(url(name, here, *args, language=language))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert _t(language, heading) in html
    assert _t(language, "My ideas") in html  # the incubator's navigation


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_see_the_adoption_form_in_each_language(here, citizen, language):
    shared = idea(citizen, here)
    html = client_for(staff(here)).get(url("idea", here, shared.pk, language=language))
    assert _t(language, "Adopt this idea") in html.content.decode()
