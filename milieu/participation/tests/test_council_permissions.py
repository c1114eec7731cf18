"""The council pages' permission matrix: every page and form, tried by every kind of actor
against one municipality's published meeting (with an agenda item, a document and a resident's
question), a draft, a meeting under way and a held one, with one exact outcome per cell (a status
code, `login` for a redirect to log in, `mfa` for staff sent to enrol MFA, `done` for a redirect
after a write). Every refusal is proven to have changed nothing, every write to have changed
something. A page of the `council` or `council_staff` namespaces without its entry fails
`test_every_page_has_an_entry`."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import with_role
from milieu.core.testing import client_for
from milieu.participation import services_council as services
from milieu.participation.models import AgendaItem, CitizenQuestion, Meeting, MeetingDocument

from .test_council_factories import elected, held, item, meeting, pdf, resident, staff, town

pytestmark = pytest.mark.django_db

ACTORS = (
    "anonymous",
    "resident",  # a verified resident of the municipality, who asked a question
    "resident_other",  # a verified resident of another municipality
    "staff",  # municipal staff, with MFA
    "staff_nomfa",
    "staff_other",  # staff of the other municipality
    "elected",  # an elected official of the municipality, with MFA
)
LOGIN, DONE, MFA = "login", "done", "mfa"


@dataclass
class World:
    here: Any
    actors: dict[str, Any]
    sitting: Meeting
    draft: Meeting
    started: Meeting
    past: Meeting
    point: AgendaItem
    document: MeetingDocument
    draft_document: MeetingDocument
    question: CitizenQuestion


@pytest.fixture
def world() -> World:
    here, there = town(), town()
    officer = staff(here)
    actors = {
        "anonymous": None,
        "resident": resident(here, display_name="Rémi Résident"),
        "resident_other": resident(there),
        "staff": officer,
        "staff_nomfa": with_role(here, Role.STAFF, mfa=False),
        "staff_other": staff(there),
        "elected": elected(here),
    }
    sitting = meeting(here, actor=officer)
    point = item(sitting, "Parc", actor=officer)
    draft = meeting(here, actor=officer, publish=False)
    started = meeting(here, actor=officer)
    Meeting.objects.filter(pk=started.pk).update(
        starts_at=timezone.now() - timedelta(minutes=5),
        questions_close_at=timezone.now() - timedelta(hours=2),
    )
    past = held(meeting(here, actor=officer), officer)
    return World(
        here=here,
        actors=actors,
        sitting=sitting,
        draft=draft,
        started=started,
        past=past,
        point=point,
        document=services.document_add(
            actor=officer, meeting=sitting, title="Rapport", upload=pdf(), agenda_item=point
        ),
        draft_document=services.document_add(
            actor=officer, meeting=draft, title="Brouillon", upload=pdf()
        ),
        question=services.question_submit(
            actor=actors["resident"], meeting=sitting, text="Quand ?", agenda_item=point.pk
        ),
    )


@dataclass(frozen=True)
class Op:
    route: str
    method: str
    expect: Callable[[str], int | str]
    args: Callable[[World], list] = lambda w: []
    data: Callable[[World], dict] = lambda w: {}
    label: str = ""

    @property
    def name(self) -> str:
        return f"{self.method} {self.route}{' ' + self.label if self.label else ''}"


def everyone(ok: int | str = 200) -> Callable[[str], int | str]:
    return lambda actor: ok


def staff_only(ok: int | str = 200, others: int = 404) -> Callable[[str], int | str]:
    return lambda actor: ok if actor == "staff" else others


def organisers(ok: int | str = 200) -> Callable[[str], int | str]:
    """The municipality's staff with MFA; staff without it enrol; visitors log in; the rest
    (elected officials included) are refused."""
    return lambda actor: {"anonymous": LOGIN, "staff": ok, "staff_nomfa": MFA}.get(actor, 403)


def readers(actor: str) -> int | str:
    return {"anonymous": LOGIN, "staff": 200, "elected": 200, "staff_nomfa": MFA}.get(actor, 403)


def _sitting(w: World) -> list:
    return [w.sitting.pk]


MEETING_FORM = {
    "kind": "regular",
    "title_fr": "Séance extraordinaire",
    "original_language": "fr",
    "starts_at": (timezone.localdate() + timedelta(days=9)).isoformat() + "T19:00",
    "place": "Hôtel de ville",
}

OPERATIONS = [
    Op("council:meetings", "GET", everyone()),
    Op("council:calendar", "GET", everyone()),
    Op("council:meeting", "GET", everyone(), args=_sitting),
    Op("council:meeting", "GET", staff_only(), args=lambda w: [w.draft.pk], label="draft"),
    Op(
        "council:ask",
        "POST",
        lambda a: {"anonymous": LOGIN, "resident": DONE}.get(a, 403),
        args=_sitting,
        data=lambda w: {"agenda_item": "other", "text": "Et les trottoirs ?"},
    ),
    Op(
        "council:withdraw",
        "POST",
        lambda a: {"anonymous": LOGIN, "resident": DONE}.get(a, 404),
        args=lambda w: [w.question.pk],
    ),
    Op("council:questions", "GET", readers, args=_sitting),
    Op("council:document", "GET", everyone(), args=lambda w: [w.sitting.pk, w.document.pk]),
    Op(
        "council:document",
        "GET",
        staff_only(),
        args=lambda w: [w.draft.pk, w.draft_document.pk],
        label="draft",
    ),
    Op("council_staff:meetings", "GET", organisers()),
    Op("council_staff:meeting_create", "GET", organisers()),
    Op("council_staff:meeting_create", "POST", organisers(DONE), data=lambda w: MEETING_FORM),
    Op("council_staff:meeting", "GET", organisers(), args=_sitting),
    Op("council_staff:meeting_edit", "GET", organisers(), args=_sitting),
    Op(
        "council_staff:meeting_edit",
        "POST",
        organisers(DONE),
        args=_sitting,
        data=lambda w: {**MEETING_FORM, "title_fr": "Séance renommée"},
    ),
    Op("council_staff:meeting_publish", "POST", organisers(DONE), args=lambda w: [w.draft.pk]),
    Op("council_staff:meeting_held", "POST", organisers(DONE), args=lambda w: [w.started.pk]),
    Op("council_staff:meeting_cancel", "POST", organisers(DONE), args=_sitting),
    Op(
        "council_staff:minutes",
        "POST",
        organisers(DONE),
        args=lambda w: [w.past.pk],
        data=lambda w: {"minutes": "Le conseil siège.\n\nLa séance est levée."},
    ),
    Op(
        "council_staff:item_add",
        "POST",
        organisers(DONE),
        args=_sitting,
        data=lambda w: {"number": "6", "title": "Varia"},
    ),
    Op(
        "council_staff:item_delete",
        "POST",
        organisers(DONE),
        args=lambda w: [w.sitting.pk, w.point.pk],
    ),
    Op(
        "council_staff:document_add",
        "POST",
        organisers(DONE),
        args=_sitting,
        data=lambda w: {"title": "Annexe", "agenda_item": "", "file": pdf()},
    ),
    Op(
        "council_staff:document_delete",
        "POST",
        organisers(DONE),
        args=lambda w: [w.sitting.pk, w.document.pk],
    ),
    Op(
        "council_staff:question_answer",
        "POST",
        organisers(DONE),
        args=lambda w: [w.question.pk],
        data=lambda w: {"answer": "Au printemps."},
    ),
    Op(
        "council_staff:question_reject",
        "POST",
        organisers(DONE),
        args=lambda w: [w.question.pk],
        data=lambda w: {"reason": "Hors sujet."},
    ),
]


def _rows() -> dict[str, list]:
    return {
        "meetings": list(Meeting.objects.order_by("pk").values()),
        "items": list(AgendaItem.objects.order_by("pk").values()),
        "documents": list(MeetingDocument.objects.order_by("pk").values()),
        "questions": list(CitizenQuestion.objects.order_by("pk").values()),
    }


def _outcome(response) -> int | str:
    if response.status_code == 302:
        location = response["Location"]
        if reverse("account_login") in location:
            return LOGIN
        if reverse("mfa_activate_totp") in location:
            return MFA
        return DONE
    return response.status_code


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.name)
def test_matrix(world, op: Op, actor: str):
    path = reverse(op.route, args=[world.here.slug, *op.args(world)])
    client = client_for(world.actors[actor])
    before = _rows()
    response = client.get(path) if op.method == "GET" else client.post(path, op.data(world))
    expected = op.expect(actor)
    assert _outcome(response) == expected, f"{op.name} by {actor}: {_outcome(response)}"
    if op.method == "GET" or expected != DONE:
        assert _rows() == before, f"{op.name} by {actor} changed something"
    else:
        assert _rows() != before, f"{op.name} by {actor} changed nothing"


def test_no_outsider_writes():
    for op in OPERATIONS:
        if op.method == "POST":
            assert op.expect("anonymous") == LOGIN, op.name
            assert op.expect("staff_other") in (403, 404), op.name
            assert op.expect("resident_other") in (403, 404), op.name
            if op.route.startswith("council_staff:"):
                assert op.expect("elected") == 403, op.name


def _patterns(resolver, namespace: str | None = None):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            yield namespace, entry.name, entry.callback


def _methods(view) -> set[str]:
    current = view
    while current is not None:
        code = getattr(current, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            cell = current.__closure__[code.co_freevars.index("request_method_list")]
            return set(cell.cell_contents)
        current = getattr(current, "__wrapped__", None)
    return {"<no require_http_methods>"}


def test_every_page_has_an_entry():
    pages = {
        (f"{namespace}:{name}", method)
        for namespace, name, view in _patterns(get_resolver())
        if namespace in ("council", "council_staff")
        for method in _methods(view)
    }
    covered = {(op.route, op.method) for op in OPERATIONS}
    assert sorted(pages - covered) == []
    assert sorted(covered - pages) == []
