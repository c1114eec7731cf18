"""The volunteering pages' permission matrix: every page and every form, tried by every kind of
actor against one municipality's verified organisation (with an opportunity, an application and
hours) and an organisation still awaiting verification, with one exact outcome per cell (a
status code, `login` for a redirect to log in, `mfa` for staff sent to enrol MFA, `done` for any
other redirect: the page did its work). Every refusal is proven to have changed none of the
module's rows, every allowed write to have changed some.

A page of the `volunteering` (but the incubator's `idea*` and `my_ideas*` pages, which have their
own matrix) or `volunteering_staff` namespace without its entry fails
`test_every_page_has_an_entry`: nobody adds a page without deciding who may use it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import with_role
from milieu.core.testing import client_for
from milieu.volunteering.models import (
    HoursLog,
    Opportunity,
    Organisation,
    OrganisationMember,
    VolunteerApplication,
    VolunteerProfile,
)
from milieu.volunteering.services import volunteering as services

from .factories import opportunity, organisation, resident, town

pytestmark = pytest.mark.django_db

ACTORS = (
    "anonymous",
    "resident",  # a member of the municipality, who applied to the opportunity
    "resident_other",  # a member of another municipality with the module on
    "manager",  # manager of the verified organisation
    "unverified_member",  # manager of an organisation awaiting verification
    "staff",  # municipal staff of the municipality, with MFA
    "staff_nomfa",  # municipal staff of the municipality, without MFA
)
LOGIN, DONE, MFA = "login", "done", "mfa"
MEMBERS = {"resident", "manager", "unverified_member", "staff", "staff_nomfa"}
EXCLUDED_PREFIXES = ("idea", "my_ideas")


@dataclass
class World:
    here: Any
    actors: dict[str, Any]
    org: Organisation
    pending: Organisation
    mission: Opportunity
    fresh: Opportunity  # nobody applied yet
    application: VolunteerApplication
    hours: HoursLog | None = None


@pytest.fixture
def world(still_clock) -> World:
    here, there = town(), town()
    actors = {
        "anonymous": None,
        "resident": resident(here, display_name="Rémi Résident"),
        "resident_other": resident(there),
        "manager": resident(here, display_name="Manon Gestion"),
        "unverified_member": resident(here),
        "staff": with_role(here, Role.STAFF),
        "staff_nomfa": with_role(here, Role.STAFF, mfa=False),
    }
    for name in MEMBERS:
        services.profile_save(
            actor=actors[name], values={"skills": ["accounting"], "suggestible": True}
        )
    EmailAddress.objects.update_or_create(
        user=actors["resident"],
        email=actors["resident"].email,
        defaults={"verified": True, "primary": True},
    )
    org = organisation(here, manager=actors["manager"], name="Entraide vérifiée")
    pending = organisation(
        here, manager=actors["unverified_member"], verified=False, name="Entraide en attente"
    )
    mission = opportunity(org, title="Tenir les livres")
    fresh = opportunity(org, title="Trésorerie")
    application = services.application_submit(actor=actors["resident"], opportunity=mission)
    return World(
        here=here,
        actors=actors,
        org=org,
        pending=pending,
        mission=mission,
        fresh=fresh,
        application=application,
    )


def _accepted(world: World) -> None:
    world.application = services.application_accept(
        actor=world.actors["manager"], application=world.application
    )


def _logged(world: World) -> None:
    _accepted(world)
    world.hours = services.hours_log(
        actor=world.actors["resident"],
        application=world.application,
        worked_on=timezone.localdate(),
        hours="3",
    )


@dataclass(frozen=True)
class Op:
    route: str  # the URL name in the `volunteering` namespace (or `volunteering_staff:…`)
    method: str
    expect: Callable[[str], int | str]  # actor -> outcome
    args: Callable[[World], list] = lambda w: []
    data: Callable[[World], dict] = lambda w: {}
    setup: Callable[[World], None] | None = None
    label: str = ""

    @property
    def name(self) -> str:
        return f"{self.method} {self.route}{' ' + self.label if self.label else ''}"


def everyone(ok: int | str = 200) -> Callable[[str], int | str]:
    """A public page."""
    return lambda actor: ok


def members(ok: int | str = 200) -> Callable[[str], int | str]:
    """Members of the municipality; visitors log in, members of another town find nothing."""
    return lambda actor: LOGIN if actor == "anonymous" else ok if actor in MEMBERS else 404


def only(
    allowed: dict[str, int | str], others: int = 403, **outcomes: int | str
) -> Callable[[str], int | str]:
    """`allowed` actors get their outcome, listed actors theirs, visitors log in, the rest get
    `others`."""

    def expect(actor: str) -> int | str:
        if actor == "anonymous":
            return LOGIN
        if actor in allowed:
            return allowed[actor]
        return outcomes.get(actor, others)

    return expect


def staff_only(ok: int | str = 200) -> Callable[[str], int | str]:
    """The municipality's staff with MFA; staff without it enrol first; anyone else is refused."""
    return only({"staff": ok}, staff_nomfa=MFA)


def application_parties(**outcomes: int | str) -> Callable[[str], int | str]:
    """The volunteer (`resident`) and the organisation (`manager`); nobody else finds it."""
    return only(outcomes, others=404)


def _org(w: World) -> list:
    return [w.org.pk]


def _pending(w: World) -> list:
    return [w.pending.pk]


def _mission(w: World) -> list:
    return [w.mission.pk]


def _application(w: World) -> list:
    return [w.application.pk]


def _hours(w: World) -> list:
    assert w.hours is not None
    return [w.hours.pk]


def _step(step: str) -> Callable[[World], list]:
    return lambda w: [w.application.pk, step]


ORGANISATION_FORM = {
    "name": "Popote roulante",
    "mission": "Des repas pour les aînés.",
    "email": "popote@example.org",
    "languages": ["fr"],
}


def _opportunity_form(w: World) -> dict:
    return {
        "title": "Jardin partagé",
        "description": "Arroser les plants.",
        "skills": ["gardening"],
        "availability": ["sat-morning"],
        "places": "3",
        "required_trust": "1",
        "ends_on": (timezone.localdate() + timedelta(days=90)).isoformat(),
    }


MANAGER_ONLY = {"manager": 200}
MANAGER_DONE = {"manager": DONE}

OPERATIONS = [
    # Public pages.
    Op("opportunities", "GET", everyone()),
    Op("opportunity", "GET", everyone(), args=_mission),
    Op(
        "opportunity",
        "POST",
        # The organisation's team cannot apply to its own; another town's member lacks the
        # trust level here (not a member of it).
        only(dict.fromkeys(MEMBERS - {"manager"}, DONE), manager=403, resident_other=403),
        args=lambda w: [w.fresh.pk],
        data=lambda w: {"message": "Bonjour"},
        label="apply",
    ),
    Op("organisations", "GET", everyone()),
    Op("organisation", "GET", everyone(), args=_org),
    Op(
        "organisation",
        "GET",
        # An organisation awaiting verification: its team and the staff (with MFA) only.
        lambda a: 200 if a in ("unverified_member", "staff") else 404,
        args=_pending,
        label="unverified",
    ),
    # Pages about oneself.
    Op("suggestions", "GET", members()),
    Op("profile", "GET", members()),
    Op(
        "profile",
        "POST",
        members(DONE),
        data=lambda w: {"skills": ["law"], "availability": ["mon-morning"], "suggestible": "on"},
    ),
    Op("profile_delete", "POST", members(DONE)),
    Op("my_applications", "GET", members()),
    # An application and its hours.
    Op("application", "GET", application_parties(resident=200, manager=200), args=_application),
    Op(
        "application_step",
        "POST",
        application_parties(resident=403, manager=DONE),
        args=_step("accept"),
        label="accept",
    ),
    Op(
        "application_step",
        "POST",
        application_parties(resident=403, manager=DONE),
        args=_step("decline"),
        label="decline",
    ),
    Op(
        "application_step",
        "POST",
        application_parties(resident=DONE, manager=403),
        args=_step("withdraw"),
        label="withdraw",
    ),
    Op(
        "hours_log",
        "POST",
        application_parties(resident=DONE, manager=403),
        args=_application,
        data=lambda w: {"worked_on": timezone.localdate().isoformat(), "hours": "2"},
        setup=_accepted,
    ),
    Op(
        "hours_confirm",
        "POST",
        # The volunteer cannot confirm their own hours.
        application_parties(resident=403, manager=DONE),
        args=_hours,
        setup=_logged,
    ),
    Op(
        "hours_reject",
        "POST",
        application_parties(resident=403, manager=DONE),
        args=_hours,
        setup=_logged,
    ),
    # Organisations.
    Op("organisation_register", "GET", members()),
    Op("organisation_register", "POST", members(DONE), data=lambda w: ORGANISATION_FORM),
    Op("organisation_edit", "GET", only(MANAGER_ONLY), args=_org),
    Op(
        "organisation_edit",
        "POST",
        only(MANAGER_DONE),
        args=_org,
        data=lambda w: {**ORGANISATION_FORM, "name": "Entraide renommée"},
    ),
    Op("organisation_team", "GET", only(MANAGER_ONLY), args=_org),
    Op(
        "organisation_team",
        "POST",
        only(MANAGER_DONE),
        args=_org,
        data=lambda w: {
            "action": "add",
            "email": w.actors["resident"].email,
            "role": "coordinator",
        },
    ),
    Op("opportunity_create", "GET", only(MANAGER_ONLY), args=_org),
    Op("opportunity_create", "POST", only(MANAGER_DONE), args=_org, data=_opportunity_form),
    Op(
        "opportunity_create",
        "GET",
        # Its team is told why it cannot post; the staff see the organisation but are not on
        # its team; the others do not see it.
        only({"unverified_member": 200, "staff": 403}, others=404),
        args=_pending,
        label="unverified",
    ),
    Op(
        "opportunity_create",
        "POST",
        only({"unverified_member": 403, "staff": 403}, others=404),
        args=_pending,
        data=_opportunity_form,
        label="unverified",
    ),
    Op("opportunity_edit", "GET", only(MANAGER_ONLY), args=_mission),
    Op(
        "opportunity_edit",
        "POST",
        only(MANAGER_DONE),
        args=_mission,
        data=lambda w: {**_opportunity_form(w), "title": "Livres et budget"},
    ),
    Op(
        "opportunity_status",
        "POST",
        only(MANAGER_DONE),
        args=_mission,
        data=lambda w: {"action": "close"},
    ),
    Op("opportunity_volunteers", "GET", only(MANAGER_ONLY), args=_mission),
    # Staff.
    Op("volunteering_staff:organisations", "GET", staff_only()),
    Op(
        "volunteering_staff:organisation_status",
        "POST",
        staff_only(DONE),
        args=_pending,
        data=lambda w: {"status": "verified"},
    ),
]


def _rows() -> dict[str, list]:
    """Everything of the module that a request could change."""
    return {
        "organisations": list(Organisation.objects.order_by("pk").values()),
        "members": list(OrganisationMember.objects.order_by("pk").values()),
        "opportunities": list(Opportunity.objects.order_by("pk").values()),
        "opportunity_skills": list(Opportunity.skills.through.objects.order_by("pk").values()),
        "profiles": list(VolunteerProfile.objects.order_by("pk").values()),
        "profile_skills": list(VolunteerProfile.skills.through.objects.order_by("pk").values()),
        "applications": list(VolunteerApplication.objects.order_by("pk").values()),
        "hours": list(HoursLog.objects.order_by("pk").values()),
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
    if op.setup is not None:
        op.setup(world)
    name = op.route if ":" in op.route else f"volunteering:{op.route}"
    path = reverse(name, args=[world.here.slug, *op.args(world)])
    client = client_for(world.actors[actor])
    before = _rows()
    response = client.get(path) if op.method == "GET" else client.post(path, op.data(world))
    expected = op.expect(actor)
    assert _outcome(response) == expected, f"{op.name} by {actor}"
    if op.method == "GET":
        assert _rows() == before
    elif expected == DONE:
        assert _rows() != before, f"{op.name} by {actor} changed nothing"
    else:
        assert _rows() == before, f"{op.name} by {actor} changed something"


def test_visitors_and_other_towns_change_nothing_anywhere():
    for op in OPERATIONS:
        if op.method == "POST":
            for actor in ("anonymous", "resident_other"):
                assert op.expect(actor) in (LOGIN, 403, 404), op.name


# --- Every page has its entry -------------------------------------------------------------------


def _patterns(resolver, namespace: str | None = None):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            yield namespace, entry.name, entry.callback


def _methods(view) -> set[str]:
    """The methods a view accepts, from its `require_http_methods`."""
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
        (name if namespace == "volunteering" else f"{namespace}:{name}", method)
        for namespace, name, view in _patterns(get_resolver())
        if namespace in ("volunteering", "volunteering_staff")
        and not (namespace == "volunteering" and (name or "").startswith(EXCLUDED_PREFIXES))
        for method in _methods(view)
    }
    covered = {(op.route, op.method) for op in OPERATIONS}
    assert sorted(pages - covered) == [], "pages without an entry in the matrix"
    assert sorted(covered - pages) == [], "entries of the matrix without their page"
