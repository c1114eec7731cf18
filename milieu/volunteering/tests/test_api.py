"""The volunteering API: the domain layer's services, selectors, rules and errors over HTTP; a
volunteer shown by their display name only, and never a place in an answer."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from itertools import count
from typing import Any

import pytest
from django.utils import timezone

from milieu.accounts.models import TrustLevel, User
from milieu.core.ratelimit import Limit
from milieu.core.testing import assert_constant_queries, client_for
from milieu.rewards import services as rewards
from milieu.rewards.models import EarningRule
from milieu.volunteering.models import (
    HoursLog,
    Opportunity,
    Organisation,
    OrganisationMember,
    VolunteerApplication,
    VolunteerProfile,
)
from milieu.volunteering.services import volunteering

from .factories import opportunity, organisation, resident, screened, staff, town, volunteer

pytestmark = pytest.mark.django_db
API = "/api/v1"
PLACE_KEYS = {"cell", "cell_r7", "cell_r6", "cell_r5", "lat", "lng", "latitude", "longitude"}
_numbers = count(1)


@pytest.fixture(autouse=True)
def _limits_off(still_clock):
    """Rate limits are counted on a stopped clock; no test here fills them."""


def call(user, method: str, path: str, payload=None, **extra) -> tuple[int, Any]:
    """`method` on `path` as `user` (anonymous: None), with `payload` as JSON."""
    client = client_for(user)
    if method == "GET":
        response = client.get(API + path, **extra)
    else:
        data = json.dumps(payload, default=str) if payload is not None else ""
        response = getattr(client, method.lower())(
            API + path, data=data, content_type="application/json", **extra
        )
    body = response.json() if response.content else None
    _assert_private(body)
    return response.status_code, body


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in _keys(item)}
    if isinstance(value, list):
        return {key for item in value for key in _keys(item)}
    return set()


def _assert_private(body) -> None:
    """No answer carries a place, nor any person's email address."""
    assert not _keys(body) & PLACE_KEYS, body
    text = json.dumps(body).lower()
    leaked = [email for email in User.objects.values_list("email", flat=True) if email in text]
    assert leaked == [], leaked


def _state() -> tuple:
    """Everything the module stores, to prove that a refusal changed nothing."""
    return (
        list(Organisation.objects.order_by("pk").values()),
        list(Organisation.serves.through.objects.order_by("pk").values()),
        list(OrganisationMember.objects.order_by("pk").values()),
        list(VolunteerProfile.objects.order_by("pk").values()),
        list(VolunteerProfile.skills.through.objects.order_by("pk").values()),
        list(Opportunity.objects.order_by("pk").values()),
        list(Opportunity.skills.through.objects.order_by("pk").values()),
        list(VolunteerApplication.objects.order_by("pk").values()),
        list(HoursLog.objects.order_by("pk").values()),
    )


def _error(body) -> tuple[str, dict]:
    return body["error"]["code"], body["error"]["fields"]


def _in(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


MISSION = {
    "title": "Aide aux devoirs",
    "description": "Deux soirs par semaine à la bibliothèque.",
    "skills": ["teaching"],
    "availability": ["tue-evening", "thu-evening"],
    "languages": ["fr"],
    "places": 2,
    "place": "Bibliothèque",
    "district": "centre",
}


def _organisation_payload() -> dict:
    return {
        "name": f"Popote roulante {next(_numbers)}",
        "mission": "Des repas pour les aînés.",
        "contact_email": "bonjour@popote.example",
        "languages": ["fr", "en"],
    }


# --- Skills ---------------------------------------------------------------------------------------


def test_the_skills_are_named_in_the_requests_language():
    town()
    status, skills = call(None, "GET", "/skills", HTTP_ACCEPT_LANGUAGE="en")
    assert status == 200
    assert skills[0] == {"slug": "accounting", "name": "Accounting"}
    status, skills = call(None, "GET", "/skills", HTTP_ACCEPT_LANGUAGE="es")
    assert {s["slug"]: s["name"] for s in skills}["gardening"] == "Jardinería"
    status, skills = call(None, "GET", "/skills", HTTP_ACCEPT_LANGUAGE="fr")
    assert {s["slug"]: s["name"] for s in skills}["gardening"] == "Jardinage"


# --- From registration to confirmed hours ---------------------------------------------------------


def test_an_organisation_registers_is_verified_recruits_and_confirms_hours(here):
    founder = resident(here, display_name="Fanny Fondatrice")
    officer = staff(here)
    person = volunteer(here, skills=("teaching",), display_name="Victor Volontaire")
    rewards.earning_rule_set(
        actor=officer,
        program=rewards.program_for(here),
        action=EarningRule.Action.VOLUNTEER_HOUR,
        points=10,
    )
    base = f"/municipalities/{here.slug}"

    status, org = call(founder, "POST", f"{base}/organisations", _organisation_payload())
    assert status == 201, org
    assert (org["status"], org["my_role"], org["contact_email"]) == (
        "pending",
        "manager",
        "bonjour@popote.example",
    )
    assert org["municipality"] == here.slug and org["serves"] == []
    path = f"{base}/organisations/{org['id']}"
    assert call(None, "GET", path)[0] == 404  # not public before verification
    assert call(None, "GET", f"{base}/organisations")[1]["items"] == []

    status, queue = call(officer, "GET", f"{base}/staff/organisations")
    assert [(o["id"], o["registered_by"]) for o in queue["items"]] == [
        (org["id"], {"display_name": "Fanny Fondatrice"})
    ]
    status, verified = call(officer, "POST", f"{path}/status", {"status": "verified"})
    assert status == 200 and verified["status"] == "verified" and verified["verified_at"]
    assert call(officer, "GET", f"{base}/staff/organisations")[1]["items"] == []
    status, public = call(None, "GET", f"{base}/organisations")
    assert [o["name"] for o in public["items"]] == [org["name"]]
    assert public["items"][0]["my_role"] is None

    status, mission = call(
        founder, "POST", f"{path}/opportunities", {**MISSION, "ends_on": _in(30)}
    )
    assert status == 201, mission
    assert mission["skills"] == [{"slug": "teaching", "name": "Enseignement et aide aux devoirs"}]
    assert (mission["district"], mission["places_left"], mission["is_team"]) == ("centre", 2, True)
    assert mission["availability"] == ["tue-evening", "thu-evening"]
    assert mission["organisation"] == {
        "id": org["id"],
        "name": org["name"],
        "municipality": here.slug,
    }
    item = f"{base}/opportunities/{mission['id']}"

    status, listed = call(None, "GET", f"{base}/opportunities?skill=teaching")
    assert [o["id"] for o in listed["items"]] == [mission["id"]]
    status, suggested = call(person, "GET", f"{base}/opportunities/suggested")
    assert status == 200 and suggested["total"] == 1 and suggested["next_page"] is None
    first = suggested["items"][0]
    assert first["opportunity"]["id"] == mission["id"]
    assert first["explanation"] == {
        "parts": {"skills": 40, "availability": 12, "distance": 20, "language": 15},
        "shared_skills": [{"slug": "teaching", "name": "Enseignement et aide aux devoirs"}],
        "overlap_slots": ["tue-evening"],
        "km": 1,
        "shared_languages": ["fr"],
    }
    assert first["score"] == 87
    status, ranked = call(founder, "GET", f"{item}/volunteers")
    assert status == 200 and ranked["total"] == 1
    assert ranked["items"][0]["volunteer"] == {"display_name": "Victor Volontaire"}
    assert set(ranked["items"][0]) == {
        "volunteer",
        "other_skills",
        "interests",
        "score",
        "explanation",
    }
    assert ranked["items"][0]["score"] == 87

    status, applied = call(person, "POST", f"{item}/applications", {"message": "Avec plaisir"})
    assert status == 201, applied
    assert (applied["status"], applied["is_mine"], applied["hours"]) == ("pending", True, [])
    assert call(person, "GET", item)[1]["my_application"] == {
        "id": applied["id"],
        "status": "pending",
    }
    assert call(person, "GET", f"{base}/opportunities/suggested")[1]["items"] == []
    status, applicants = call(founder, "GET", f"{item}/applications")
    assert [(a["volunteer"], a["message"]) for a in applicants["items"]] == [
        ({"display_name": "Victor Volontaire"}, "Avec plaisir")
    ]
    application = f"{base}/volunteer-applications/{applied['id']}"
    status, accepted = call(founder, "POST", f"{application}/accept", {"note": "Bienvenue"})
    assert status == 200 and accepted["status"] == "accepted"
    assert call(None, "GET", item)[1]["places_left"] == 1
    status, mine = call(person, "GET", "/me/volunteer-applications")
    assert [(a["id"], a["status"], a["decision_note"]) for a in mine["items"]] == [
        (applied["id"], "accepted", "Bienvenue")
    ]

    status, logged = call(
        person, "POST", f"{application}/hours", {"worked_on": _in(0), "hours": "2.5"}
    )
    assert status == 201, logged
    assert (logged["status"], logged["hours"], logged["volunteer"]) == (
        "pending",
        "2.50",
        {"display_name": "Victor Volontaire"},
    )
    status, pending = call(founder, "GET", f"{path}/hours?status=pending")
    assert [h["id"] for h in pending["items"]] == [logged["id"]]
    hours = f"{base}/volunteer-hours/{logged['id']}"
    assert call(person, "POST", f"{hours}/confirm")[0] == 403
    status, confirmed = call(founder, "POST", f"{hours}/confirm")
    assert status == 200 and confirmed["status"] == "confirmed"
    assert confirmed["reviewed_by"] == {"display_name": "Fanny Fondatrice"}
    assert call(founder, "GET", f"{path}/hours")[1]["items"] == []
    assert [h["id"] for h in call(founder, "GET", f"{path}/hours?status=all")[1]["items"]] == [
        logged["id"]
    ]
    assert rewards.points_balance(program=rewards.program_for(here), user=person) == 20
    status, detail = call(person, "GET", application)
    assert [(h["status"], h["hours"]) for h in detail["hours"]] == [("confirmed", "2.50")]
    status, again = call(founder, "POST", f"{hours}/confirm")
    assert status == 409 and _error(again)[0] == "wrong_state"


def test_the_manager_edits_the_organisation_and_its_team(here, org, manager):
    path = f"/municipalities/{here.slug}/organisations/{org.pk}"
    recruit = resident(here, display_name="Rita Recrue")

    status, changed = call(manager, "PATCH", path, {"mission": "Entraide", "phone": "450-555-0101"})
    assert status == 200
    assert (changed["mission"], changed["phone"], changed["name"]) == (
        "Entraide",
        "450-555-0101",
        "Entraide du Centre",
    )
    status, added = call(manager, "POST", f"{path}/members", {"email": recruit.email.upper()})
    assert status == 201
    assert (added["person"], added["role"], added["is_me"]) == (
        {"display_name": "Rita Recrue"},
        "coordinator",
        False,
    )
    status, error = call(manager, "POST", f"{path}/members", {"email": recruit.email})
    assert status == 409 and _error(error)[0] == "already_member"
    status, error = call(manager, "POST", f"{path}/members", {"email": "nobody@nowhere.example"})
    assert status == 404
    status, team = call(recruit, "GET", f"{path}/members")
    assert [(m["person"]["display_name"], m["role"], m["is_me"]) for m in team] == [
        ("Gaëlle Gestionnaire", "manager", False),
        ("Rita Recrue", "coordinator", True),
    ]
    mine = next(m for m in team if m["role"] == "manager")
    before = _state()
    status, error = call(manager, "DELETE", f"{path}/members/{mine['id']}")
    assert status == 400 and _error(error)[0] == "last_manager"
    assert call(manager, "DELETE", f"{path}/members/999999")[0] == 404
    assert _state() == before
    assert call(manager, "DELETE", f"{path}/members/{added['id']}")[0] == 204
    assert not OrganisationMember.objects.filter(user=recruit).exists()


def test_my_volunteer_profile_is_saved_read_and_forgotten(here, citizen):
    assert call(citizen, "GET", "/me/volunteer-profile")[0] == 404
    profile = {
        "skills": ["law", "accounting"],
        "other_skills": "Tenue de livres",
        "interests": "Aînés",
        "languages": ["en", "fr"],
        "availability": ["sat-morning", "mon-evening"],
        "one_off_dates": [_in(10)],
        "suggestible": True,
    }
    status, saved = call(
        citizen, "PUT", "/me/volunteer-profile", profile, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert status == 200, saved
    assert saved["skills"] == [
        {"slug": "accounting", "name": "Accounting"},
        {"slug": "law", "name": "Law"},
    ]
    assert saved["availability"] == ["mon-evening", "sat-morning"]
    assert (saved["languages"], saved["one_off_dates"], saved["suggestible"]) == (
        ["fr", "en"],
        [_in(10)],
        True,
    )
    assert saved["municipality"] == here.slug
    assert call(citizen, "GET", "/me/volunteer-profile")[1]["other_skills"] == "Tenue de livres"
    status, replaced = call(citizen, "PUT", "/me/volunteer-profile", {"skills": ["law"]})
    assert replaced["suggestible"] is False and replaced["availability"] == []
    assert call(citizen, "DELETE", "/me/volunteer-profile")[0] == 204
    assert not VolunteerProfile.objects.exists()
    assert call(citizen, "DELETE", "/me/volunteer-profile")[0] == 404


def test_opportunities_are_public_filtered_and_paged_by_cursor(here, org, manager):
    for number in range(5):
        opportunity(
            org, title=f"n{number}", ends_on=timezone.localdate() + timedelta(days=10 + number)
        )
    opportunity(org, title="À distance", remote=True, skills=["web"])
    opportunity(org, title="Brouillon")
    Opportunity.objects.filter(title="Brouillon").update(status="draft")
    path = f"/municipalities/{here.slug}/opportunities"

    status, first = call(None, "GET", f"{path}?limit=3&remote=false")
    assert status == 200 and first["next_cursor"]
    status, second = call(None, "GET", f"{path}?limit=3&remote=false&cursor={first['next_cursor']}")
    assert [o["title"] for o in first["items"] + second["items"]] == [
        "n0",
        "n1",
        "n2",
        "n3",
        "n4",
    ]
    assert second["next_cursor"] is None
    assert [o["title"] for o in call(None, "GET", f"{path}?remote=true")[1]["items"]] == [
        "À distance"
    ]
    assert [o["title"] for o in call(None, "GET", f"{path}?skill=web")[1]["items"]] == [
        "À distance"
    ]
    assert [o["title"] for o in call(None, "GET", f"{path}?q=N3")[1]["items"]] == ["n3"]
    draft = Opportunity.objects.get(title="Brouillon")
    assert call(None, "GET", f"{path}/{draft.pk}")[0] == 404
    assert call(manager, "GET", f"{path}/{draft.pk}")[1]["status"] == "draft"


# --- Bad input ------------------------------------------------------------------------------------


def test_bad_input_names_the_fields_and_stores_nothing(here, org, manager, citizen):
    base = f"/municipalities/{here.slug}"
    new = f"{base}/organisations/{org.pk}/opportunities"
    before = _state()

    status, error = call(
        citizen,
        "POST",
        f"{base}/organisations",
        {**_organisation_payload(), "contact_email": "pas une adresse"},
    )
    assert status == 400 and list(_error(error)[1]) == ["email"]
    assert call(citizen, "POST", f"{base}/organisations", {"name": "X"})[0] == 422
    status, error = call(
        citizen,
        "POST",
        f"{base}/organisations",
        {**_organisation_payload(), "name": "Entraide du Centre"},
    )
    assert status == 400 and list(_error(error)[1]) == ["name"]
    for field, value in (
        ("places", 0),
        ("skills", ["no-such-skill"]),
        ("availability", ["someday"]),
        ("district", "nowhere"),
        ("languages", ["de"]),
        ("required_trust", 9),
        ("ends_on", _in(-1)),
    ):
        status, error = call(manager, "POST", new, {**MISSION, "ends_on": _in(30), field: value})
        assert status == 400, (field, error)
        assert list(_error(error)[1]) == [field], field
    status, error = call(manager, "POST", new, {**MISSION, "ends_on": "bientôt"})
    assert status == 422 and "ends_on" in _error(error)[1]
    status, error = call(citizen, "PUT", "/me/volunteer-profile", {"availability": ["mon-night"]})
    assert status == 400 and list(_error(error)[1]) == ["availability"]
    status, error = call(citizen, "PUT", "/me/volunteer-profile", {"one_off_dates": ["demain"]})
    assert status == 422 and list(_error(error)[1]) == ["one_off_dates.0"]
    status, error = call(citizen, "PUT", "/me/volunteer-profile", {"one_off_dates": [_in(-3)]})
    assert status == 400 and list(_error(error)[1]) == ["one_off_dates"]
    status, error = call(manager, "PATCH", f"{base}/organisations/{org.pk}", {"website": "ftp://x"})
    assert status == 400 and list(_error(error)[1]) == ["website"]
    assert _state() == before

    mission = opportunity(org)
    person = volunteer(here)
    application = volunteering.application_submit(actor=person, opportunity=mission)
    volunteering.application_accept(actor=manager, application=application)
    before = _state()
    item = f"{base}/opportunities/{mission.pk}"
    status, error = call(manager, "PATCH", item, {"places": 0})
    assert status == 400 and list(_error(error)[1]) == ["places"]
    status, error = call(manager, "POST", f"{item}/status", {"status": "gone"})
    assert status == 400 and list(_error(error)[1]) == ["status"]
    hours = f"{base}/volunteer-applications/{application.pk}/hours"
    status, error = call(person, "POST", hours, {"worked_on": _in(1), "hours": 2})
    assert status == 400 and list(_error(error)[1]) == ["worked_on"]
    status, error = call(person, "POST", hours, {"worked_on": _in(0), "hours": 30})
    assert status == 400 and list(_error(error)[1]) == ["hours"]
    assert call(person, "POST", hours, {"worked_on": _in(0), "hours": "beaucoup"})[0] == 422
    status, error = call(None, "GET", f"{base}/opportunities?skill=flying")
    assert status == 400 and list(_error(error)[1]) == ["skill"]
    status, error = call(None, "GET", f"{base}/opportunities?cursor=%25%25%25")
    assert status == 400 and list(_error(error)[1]) == ["cursor"]
    status, error = call(None, "GET", f"{base}/organisations?cursor=WyJhIl0")
    assert status == 400 and list(_error(error)[1]) == ["cursor"]
    path = f"{base}/organisations/{org.pk}/hours?status=lost"
    assert call(manager, "GET", path)[0] == 422
    assert call(person, "GET", f"{base}/opportunities/suggested?page=0")[0] == 422
    assert _state() == before


# --- The three rules of the issue -----------------------------------------------------------------


def test_an_unverified_organisation_cannot_recruit(here, manager):
    pending = organisation(here, manager=manager, verified=False)
    before = _state()
    status, error = call(
        manager,
        "POST",
        f"/municipalities/{here.slug}/organisations/{pending.pk}/opportunities",
        {**MISSION, "ends_on": _in(30)},
    )
    assert status == 403 and _error(error)[0] == "permission_denied"
    assert _state() == before and not Opportunity.objects.exists()


def test_a_volunteer_without_the_required_trust_level_cannot_apply(here, org):
    mission = opportunity(org, required_trust=TrustLevel.SCREENED, skills=["youth"])
    path = f"/municipalities/{here.slug}/opportunities/{mission.pk}/applications"
    person = volunteer(here)
    before = _state()
    status, error = call(person, "POST", path, {"message": "Je peux aider"})
    assert status == 403 and _error(error)[0] == "trust_required"
    assert _state() == before
    status, applied = call(screened(here), "POST", path, {})
    assert status == 201 and applied["status"] == "pending"


def test_hours_cannot_be_confirmed_by_the_volunteer_themself(here, org, manager):
    mission = opportunity(org)
    person = volunteer(here)
    application = volunteering.application_submit(actor=person, opportunity=mission)
    volunteering.application_accept(actor=manager, application=application)
    entry = volunteering.hours_log(
        actor=person, application=application, worked_on=timezone.localdate(), hours=3
    )
    path = f"/municipalities/{here.slug}/volunteer-hours/{entry.pk}"
    before = _state()
    for step in ("confirm", "reject"):
        status, error = call(person, "POST", f"{path}/{step}")
        assert status == 403 and _error(error)[0] == "permission_denied"
    assert _state() == before
    status, rejected = call(manager, "POST", f"{path}/reject", {"note": "Pas ce jour-là"})
    assert status == 200 and rejected["status"] == "rejected"


def test_a_full_opportunity_refuses_another_acceptance(here, org, manager):
    mission = opportunity(org, places=1)
    first = volunteering.application_submit(actor=volunteer(here), opportunity=mission)
    second = volunteering.application_submit(actor=volunteer(here), opportunity=mission)
    base = f"/municipalities/{here.slug}/volunteer-applications"
    assert call(manager, "POST", f"{base}/{first.pk}/accept")[0] == 200
    before = _state()
    status, error = call(manager, "POST", f"{base}/{second.pk}/accept")
    assert status == 409 and _error(error)[0] == "full"
    status, error = call(
        second.volunteer,
        "POST",
        f"/municipalities/{here.slug}/opportunities/{mission.pk}/applications",
        {},
    )
    assert status == 409 and _error(error)[0] == "already_applied"
    assert _state() == before


# --- Constant query counts ------------------------------------------------------------------------


@pytest.fixture
def _many_limits(monkeypatch):
    monkeypatch.setitem(volunteering.LIMITS, "opportunity", [Limit(1000, 3600)])
    monkeypatch.setitem(volunteering.LIMITS, "apply", [Limit(1000, 3600)])
    monkeypatch.setitem(volunteering.LIMITS, "hours", [Limit(1000, 3600)])


def _name() -> str:
    return f"{next(_numbers):04d}"


def test_the_public_lists_read_as_many_queries_for_one_row_as_for_many(here):
    def add_organisations(n: int) -> list[str]:
        names = []
        for _ in range(n):
            name = f"Organisme {_name()}"
            organisation(here, name=name, serves=[town().slug])
            names.append(name)
        return names

    url = f"{API}/municipalities/{here.slug}/organisations?limit=50"
    assert_constant_queries(client_for(None), url, add_organisations, few=1, many=8)

    def add_opportunities(n: int) -> list[str]:
        titles = []
        for _ in range(n):
            title = f"Mission {_name()}"
            opportunity(organisation(here), title=title, skills=["accounting", "law"])
            titles.append(title)
        return titles

    url = f"{API}/municipalities/{here.slug}/opportunities?limit=50&q=mission"
    assert_constant_queries(client_for(resident(here)), url, add_opportunities, few=1, many=8)


def test_the_staff_and_team_lists_read_as_many_queries_for_one_row_as_for_many(here, org, manager):
    def add_pending(n: int) -> list[str]:
        names = []
        for _ in range(n):
            name = f"En attente {_name()}"
            organisation(here, verified=False, name=name)
            names.append(name)
        return names

    url = f"{API}/municipalities/{here.slug}/staff/organisations?limit=50"
    assert_constant_queries(client_for(staff(here)), url, add_pending, few=1, many=8)

    def add_members(n: int) -> list[str]:
        names = []
        for _ in range(n):
            name = f"Coordo {_name()}"
            OrganisationMember.objects.create(
                organisation=org, user=resident(here, display_name=name), role="coordinator"
            )
            names.append(name)
        return names

    url = f"{API}/municipalities/{here.slug}/organisations/{org.pk}/members"
    assert_constant_queries(client_for(manager), url, add_members, few=1, many=8)


def test_application_and_hours_lists_read_as_many_queries_for_one_row_as_for_many(
    here, org, manager, _many_limits
):
    mission = opportunity(org, places=100)

    def add_applicants(n: int) -> list[str]:
        names = []
        for _ in range(n):
            name = f"Candidat {_name()}"
            person = volunteer(here, display_name=name)
            application = volunteering.application_submit(actor=person, opportunity=mission)
            volunteering.application_accept(actor=manager, application=application)
            volunteering.hours_log(
                actor=person, application=application, worked_on=timezone.localdate(), hours=1
            )
            names.append(name)
        return names

    base = f"{API}/municipalities/{here.slug}"
    url = f"{base}/opportunities/{mission.pk}/applications?limit=50"
    assert_constant_queries(client_for(manager), url, add_applicants, few=1, many=8)
    url = f"{base}/organisations/{org.pk}/hours?limit=50"
    assert_constant_queries(client_for(manager), url, add_applicants, few=1, many=8)

    person = volunteer(here)

    def add_mine(n: int) -> list[str]:
        titles = []
        for _ in range(n):
            title = f"Mission {_name()}"
            volunteering.application_submit(
                actor=person, opportunity=opportunity(organisation(here), title=title)
            )
            titles.append(title)
        return titles

    url = f"{API}/me/volunteer-applications?limit=50"
    assert_constant_queries(client_for(person), url, add_mine, few=1, many=8)


def test_the_ranked_lists_read_as_many_queries_for_one_row_as_for_many(here, org, manager):
    mission = opportunity(org)

    def add_volunteers(n: int) -> list[str]:
        names = []
        for _ in range(n):
            name = f"Bénévole {_name()}"
            volunteer(here, display_name=name)
            names.append(name)
        return names

    url = f"{API}/municipalities/{here.slug}/opportunities/{mission.pk}/volunteers"
    assert_constant_queries(client_for(manager), url, add_volunteers, few=1, many=8)

    person = volunteer(here)

    def add_opportunities(n: int) -> list[str]:
        titles = []
        for _ in range(n):
            title = f"Mission {_name()}"
            opportunity(organisation(here), title=title, district=None)
            titles.append(title)
        return titles

    url = f"{API}/municipalities/{here.slug}/opportunities/suggested"
    assert_constant_queries(client_for(person), url, add_opportunities, few=1, many=8)


# --- Who may do what ------------------------------------------------------------------------------

ANONYMOUS, RESIDENT, OTHER, VOLUNTEER, UNVERIFIED, MANAGER, STAFF = (
    "anonymous",
    "resident",
    "other_resident",
    "volunteer",
    "unverified_member",
    "manager",
    "staff",
)
# In this order: the manager's and the staff's successes come after the others' refusals.
ACTORS = (ANONYMOUS, RESIDENT, OTHER, VOLUNTEER, UNVERIFIED, MANAGER, STAFF)


@dataclass
class World:
    here: Any
    people: dict[str, Any]
    org: Organisation
    pending_org: Organisation
    coordinator: OrganisationMember
    recruit: Any
    mission: Opportunity
    pending: VolunteerApplication
    accepted: VolunteerApplication
    hours: HoursLog

    def path(self, template: str) -> str:
        return template.format(
            slug=self.here.slug,
            org=self.org.pk,
            pending_org=self.pending_org.pk,
            member=self.coordinator.pk,
            mission=self.mission.pk,
            pending=self.pending.pk,
            accepted=self.accepted.pk,
            hours=self.hours.pk,
        )


def _world() -> World:
    """A town with a verified organisation (its manager and a coordinator), an organisation
    waiting for verification (managed by the `unverified_member`), an opportunity with a
    pending application and an accepted one (the `volunteer`'s, with hours to confirm); a
    resident with a volunteer profile, a resident of another town, and the town's staff."""
    here, elsewhere = town(), town()
    manager = resident(here, display_name="Gaëlle Gestionnaire")
    org = organisation(here, manager=manager)
    coordinator = OrganisationMember.objects.create(
        organisation=org, user=resident(here), role="coordinator"
    )
    unverified = resident(here, display_name="Ursule")
    pending_org = organisation(here, manager=unverified, verified=False)
    mission = opportunity(org)
    pending = volunteering.application_submit(actor=volunteer(here), opportunity=mission)
    worker = volunteer(here, display_name="Victor")
    accepted = volunteering.application_submit(actor=worker, opportunity=mission)
    volunteering.application_accept(actor=manager, application=accepted)
    hours = volunteering.hours_log(
        actor=worker, application=accepted, worked_on=timezone.localdate(), hours=2
    )
    people = {
        ANONYMOUS: None,
        RESIDENT: volunteer(here, display_name="Rémi"),
        OTHER: resident(elsewhere),
        VOLUNTEER: worker,
        UNVERIFIED: unverified,
        MANAGER: manager,
        STAFF: staff(here),
    }
    return World(
        here=here,
        people=people,
        org=org,
        pending_org=pending_org,
        coordinator=coordinator,
        recruit=resident(here),
        mission=mission,
        pending=pending,
        accepted=accepted,
        hours=hours,
    )


def _expect(anonymous, resident_, other, volunteer_, unverified, manager, staff_) -> dict:
    values = (anonymous, resident_, other, volunteer_, unverified, manager, staff_)
    return dict(
        zip(
            (ANONYMOUS, RESIDENT, OTHER, VOLUNTEER, UNVERIFIED, MANAGER, STAFF), values, strict=True
        )
    )


PUBLIC = _expect(200, 200, 200, 200, 200, 200, 200)
MEMBERS_WRITE = _expect(401, 201, 403, 201, 201, 201, 201)
MANAGER_ONLY = _expect(401, 403, 403, 403, 403, 200, 403)
TEAM_READ = _expect(401, 403, 403, 403, 403, 200, 403)
TEAM_AND_STAFF = _expect(401, 403, 403, 403, 403, 200, 200)
STAFF_ONLY = _expect(401, 403, 403, 403, 403, 403, 200)
TEAM_DECIDES = _expect(401, 404, 404, 404, 404, 200, 404)
VOLUNTEER_ONLY = _expect(401, 404, 404, 200, 404, 403, 404)
HOURS_TEAM = _expect(401, 404, 404, 403, 404, 200, 404)
ORGANISATION = "/municipalities/{slug}/organisations/{org}"
OPPORTUNITY = "/municipalities/{slug}/opportunities/{mission}"
PENDING = "/municipalities/{slug}/volunteer-applications/{pending}"
ACCEPTED = "/municipalities/{slug}/volunteer-applications/{accepted}"
HOURS = "/municipalities/{slug}/volunteer-hours/{hours}"


@dataclass(frozen=True)
class Op:
    method: str
    path: str
    expect: dict[str, int]
    payload: Callable[["World"], Any] | None = None


MATRIX = [
    Op("GET", "/skills", PUBLIC),
    Op("GET", "/municipalities/{slug}/organisations", PUBLIC),
    Op(
        "POST",
        "/municipalities/{slug}/organisations",
        MEMBERS_WRITE,
        lambda world: _organisation_payload(),
    ),
    Op("GET", ORGANISATION, PUBLIC),
    Op("PATCH", ORGANISATION, MANAGER_ONLY, lambda world: {"mission": "Changée"}),
    Op("GET", ORGANISATION + "/members", TEAM_AND_STAFF),
    Op(
        "POST",
        ORGANISATION + "/members",
        _expect(401, 403, 403, 403, 403, 201, 403),
        lambda world: {"email": world.recruit.email},
    ),
    Op("DELETE", ORGANISATION + "/members/{member}", _expect(401, 403, 403, 403, 403, 204, 403)),
    Op("GET", "/municipalities/{slug}/staff/organisations", STAFF_ONLY),
    Op(
        "POST",
        "/municipalities/{slug}/organisations/{pending_org}/status",
        _expect(401, 404, 404, 404, 403, 404, 200),
        lambda world: {"status": "verified"},
    ),
    Op("GET", "/me/volunteer-profile", _expect(401, 200, 404, 200, 404, 404, 404)),
    Op(
        "PUT",
        "/me/volunteer-profile",
        _expect(401, 200, 200, 200, 200, 200, 200),
        lambda world: {"skills": ["law"], "suggestible": True},
    ),
    Op("DELETE", "/me/volunteer-profile", _expect(401, 204, 404, 204, 404, 404, 404)),
    Op("GET", "/municipalities/{slug}/opportunities", PUBLIC),
    Op(
        "POST",
        ORGANISATION + "/opportunities",
        _expect(401, 403, 403, 403, 403, 201, 403),
        lambda world: {**MISSION, "ends_on": _in(30)},
    ),
    Op(
        "GET",
        "/municipalities/{slug}/opportunities/suggested",
        _expect(401, 200, 403, 200, 404, 404, 404),
    ),
    Op("GET", OPPORTUNITY, PUBLIC),
    Op("PATCH", OPPORTUNITY, MANAGER_ONLY, lambda world: {"title": "Changé"}),
    # Reopened (its `updated_at` changes): closed, the staff, who come after, would not see it.
    Op("POST", OPPORTUNITY + "/status", MANAGER_ONLY, lambda world: {"status": "open"}),
    Op("GET", OPPORTUNITY + "/volunteers", TEAM_READ),
    Op(
        "POST",
        OPPORTUNITY + "/applications",
        _expect(401, 201, 403, 409, 201, 403, 201),
        lambda world: {"message": "Moi!"},
    ),
    Op("GET", "/me/volunteer-applications", _expect(401, 200, 200, 200, 200, 200, 200)),
    Op("GET", OPPORTUNITY + "/applications", TEAM_READ),
    Op("GET", PENDING, TEAM_DECIDES),
    Op("POST", PENDING + "/accept", TEAM_DECIDES, lambda world: {}),
    Op("POST", PENDING + "/decline", TEAM_DECIDES, lambda world: {"note": "Complet"}),
    Op("POST", ACCEPTED + "/withdraw", VOLUNTEER_ONLY),
    Op(
        "POST",
        ACCEPTED + "/hours",
        _expect(401, 404, 404, 201, 404, 403, 404),
        lambda world: {"worked_on": _in(-1), "hours": 1.5},
    ),
    Op("GET", ORGANISATION + "/hours?status=pending", TEAM_READ),
    Op("POST", HOURS + "/confirm", HOURS_TEAM),
    Op("POST", HOURS + "/reject", HOURS_TEAM, lambda world: {"note": "Non"}),
]


@pytest.mark.parametrize("op", MATRIX, ids=lambda op: f"{op.method} {op.path}")
def test_every_operation_answers_each_kind_of_actor_as_the_matrix_says(op):
    world = _world()
    for actor in ACTORS:
        before = _state()
        payload = op.payload(world) if op.payload else None
        status, body = call(world.people[actor], op.method, world.path(op.path), payload)
        expected = op.expect[actor]
        assert status == expected, f"{op.method} {op.path} as {actor}: {status} {body}"
        if status >= 400:
            assert set(body) == {"error"} and body["error"]["message"], body
            assert _state() == before, f"{op.method} {op.path} as {actor} changed something"
        elif op.method != "GET":
            assert _state() != before, f"{op.method} {op.path} as {actor} changed nothing"
        if op.path == "/me/volunteer-applications" and status == 200:
            mine = world.accepted.pk if actor == VOLUNTEER else None
            assert [item["id"] for item in body["items"]] == ([mine] if mine else [])


def test_every_operation_of_the_volunteering_api_has_an_entry_in_the_matrix():
    from config.api import api

    schema = api.get_openapi_schema()
    served = {
        (method.upper(), route.removeprefix(API))
        for route, methods in schema["paths"].items()
        for method, operation in methods.items()
        if "volunteering" in operation.get("tags", [])
    }
    listed = {
        (
            op.method,
            op.path.split("?")[0]
            .replace("{org}", "{organisation_id}")
            .replace("{pending_org}", "{organisation_id}")
            .replace("{member}", "{member_id}")
            .replace("{mission}", "{opportunity_id}")
            .replace("{pending}", "{application_id}")
            .replace("{accepted}", "{application_id}")
            .replace("{hours}", "{hours_id}"),
        )
        for op in MATRIX
    }
    assert served and sorted(served - listed) == [], "operations without an entry in the matrix"
    assert sorted(listed - served) == [], "entries of the matrix without their operation"


def test_another_municipality_s_objects_are_not_found_through_this_one(here, org, manager):
    elsewhere = town()
    mission = opportunity(org)
    person = volunteer(here)
    application = volunteering.application_submit(actor=person, opportunity=mission)
    volunteering.application_accept(actor=manager, application=application)
    entry = volunteering.hours_log(
        actor=person, application=application, worked_on=timezone.localdate(), hours=1
    )
    before = _state()
    base = f"/municipalities/{elsewhere.slug}"
    assert call(manager, "GET", f"{base}/organisations/{org.pk}")[0] == 404
    assert call(manager, "GET", f"{base}/opportunities/{mission.pk}")[0] == 404
    assert call(manager, "GET", f"{base}/volunteer-applications/{application.pk}")[0] == 404
    assert call(manager, "POST", f"{base}/volunteer-hours/{entry.pk}/confirm")[0] == 404
    assert (
        call(
            staff(elsewhere),
            "POST",
            f"{base}/organisations/{org.pk}/status",
            {"status": "suspended"},
        )[0]
        == 404
    )
    assert _state() == before
    elsewhere.enabled_modules = ["districts"]
    elsewhere.save()
    status, error = call(None, "GET", f"{base}/opportunities")
    assert status == 404 and _error(error)[0] == "not_found"


def test_staff_without_mfa_cannot_verify(here):
    from milieu.accounts.models import Role
    from milieu.accounts.tests.factories import with_role

    pending = organisation(here, verified=False)
    before = _state()
    officer = with_role(here, Role.STAFF, mfa=False)
    path = f"/municipalities/{here.slug}/organisations/{pending.pk}"
    assert call(officer, "POST", f"{path}/status", {"status": "verified"})[0] == 404
    assert call(officer, "GET", f"/municipalities/{here.slug}/staff/organisations")[0] == 403
    assert _state() == before


def test_a_write_without_the_csrf_token_is_refused(here, citizen):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    response = client.put(
        f"{API}/me/volunteer-profile",
        json.dumps({"skills": ["law"]}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not VolunteerProfile.objects.exists()


def test_no_schema_of_this_api_takes_the_name_of_another_apps_schema():
    """The OpenAPI document names components by class name: a clash would silently replace
    another app's schema with ours."""
    import importlib
    import inspect
    import pkgutil

    from ninja import Schema

    import milieu
    from milieu.volunteering import schemas

    ours = {name for name, value in vars(schemas).items() if inspect.isclass(value)}
    ours = {name for name in ours if getattr(schemas, name).__module__ == schemas.__name__}
    theirs: set[str] = set()
    for module in pkgutil.walk_packages(milieu.__path__, "milieu."):
        if "schemas" not in module.name or module.name.startswith("milieu.volunteering"):
            continue
        for name, value in vars(importlib.import_module(module.name)).items():
            if inspect.isclass(value) and issubclass(value, Schema):
                theirs.add(name)
    assert ours and sorted(ours & theirs) == []
