"""Who may do what with newcomers, pairings and the resource directory.

Every page and API operation is tried by nine kinds of actor — anonymous, a citizen of the
town, a citizen of another town, the town's staff without MFA, its staff, staff of another
town, a partner organisation's manager (with MFA), and the pairing's newcomer and buddy — and
every refusal is proven to have changed nothing.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import citizen_of, with_role
from milieu.community.models import (
    BuddyProfile,
    NewcomerProfile,
    NewcomerResource,
    Pairing,
    PairingFeedback,
)
from milieu.community.tests.factories_newcomers import (
    buddy_of,
    newcomer_of,
    organisation_manager_of,
    pairing_of,
    resource_of,
    town,
)
from milieu.core.testing import client_for

pytestmark = pytest.mark.django_db

ACTORS = [
    "anonymous",
    "citizen",
    "citizen_other",
    "staff_no_mfa",
    "staff",
    "staff_other",
    "organisation_manager",
    "newcomer",
    "buddy",
]
COORDINATORS = {"staff", "organisation_manager"}
PARTIES = {"newcomer", "buddy"}
MEMBERS = {"citizen", "staff_no_mfa", "staff", "organisation_manager", "newcomer", "buddy"}


@pytest.fixture
def world():
    brossard = town()
    longueuil = town("longueuil", "Longueuil")
    newcomer = newcomer_of(brossard)
    buddy = buddy_of(brossard, capacity=2)
    pairing = pairing_of(newcomer, buddy, "proposed")
    waiting = newcomer_of(brossard, languages_spoken=["fr"])
    free_buddy = buddy_of(brossard)
    resource = resource_of(brossard, name="Accueil Brossard")
    actors = {
        "anonymous": None,
        "citizen": citizen_of(brossard),
        "citizen_other": citizen_of(longueuil),
        "staff_no_mfa": with_role(brossard, Role.STAFF, mfa=False),
        "staff": with_role(brossard, Role.STAFF),
        "staff_other": with_role(longueuil, Role.STAFF),
        "organisation_manager": organisation_manager_of(brossard),
        "newcomer": newcomer.user,
        "buddy": buddy.user,
    }
    return {
        "pairing": pairing,
        "waiting": waiting,
        "free_buddy": free_buddy,
        "resource": resource,
        "actors": actors,
    }


def snapshot() -> tuple:
    return (
        list(
            NewcomerProfile.objects.order_by("pk").values_list(
                "pk", "user_id", "languages_spoken", "seeking", "updated_at"
            )
        ),
        list(
            BuddyProfile.objects.order_by("pk").values_list(
                "pk", "user_id", "languages", "capacity", "updated_at"
            )
        ),
        list(
            Pairing.objects.order_by("pk").values_list(
                "pk",
                "state",
                "newcomer_accepted_at",
                "buddy_accepted_at",
                "ended_at",
                "end_reason",
            )
        ),
        list(PairingFeedback.objects.order_by("pk").values_list("pk", "rating")),
        list(
            NewcomerResource.objects.order_by("pk").values_list(
                "pk", "name", "published", "updated_at"
            )
        ),
    )


def _active(world) -> None:
    now = timezone.now()
    Pairing.objects.filter(pk=world["pairing"].pk).update(
        state="active", newcomer_accepted_at=now, buddy_accepted_at=now, started_at=now
    )


def _completed(world) -> None:
    _active(world)
    Pairing.objects.filter(pk=world["pairing"].pk).update(
        state="completed", ended_at=timezone.now()
    )


@dataclass
class Operation:
    method: str
    url: Callable[[dict], str]
    allowed: dict[str, int]  # actor → status when allowed (others: `refused`)
    refused: dict[str, int]  # actor → status of the refusal
    data: dict = field(default_factory=dict)
    json: bool = False
    prepare: Callable[[dict], None] | None = None


def _statuses(ok: int, who: set[str], anonymous: int, **others: int) -> tuple[dict, dict]:
    allowed = dict.fromkeys(who, ok)
    refused = {actor: others.get(actor, others.get("default", 403)) for actor in ACTORS}
    refused["anonymous"] = anonymous
    for actor in who:
        refused.pop(actor)
    return allowed, refused


PAGE = "/en/brossard/newcomers"
STAFF = "/en/brossard/staff/newcomers"
API = "/api/v1/municipalities/brossard/newcomers"
MINE = "/api/v1/community/pairings"
PROFILE = {"arrival_date": "2026-08-15", "languages_spoken": ["es"]}
RESOURCE = {"category": "health", "name": "Clinique", "description_fr": "Soins."}


def _op(method, url, who, ok, anonymous, data=None, *, json_body=False, prepare=None, **others):
    allowed, refused = _statuses(ok, who, anonymous, **others)
    return Operation(method, url, allowed, refused, data or {}, json_body, prepare)


everyone = set(ACTORS)
not_found_for_outsiders = {"default": 404}
OPERATIONS: dict[str, Operation] = {
    # Public directory.
    "directory_page": _op("GET", lambda w: f"{PAGE}/", everyone, 200, 200),
    "api_directory": _op("GET", lambda w: f"{API}/resources", everyone, 200, 200),
    # My profiles.
    "newcomer_profile_page": _op("GET", lambda w: f"{PAGE}/me/", MEMBERS, 200, 302),
    "newcomer_profile_save": _op(
        "POST", lambda w: f"{PAGE}/me/", MEMBERS, 302, 302, {**PROFILE, "seeking": "on"}
    ),
    "buddy_profile_save": _op(
        "POST",
        lambda w: f"{PAGE}/buddy/",
        MEMBERS,
        302,
        302,
        {"languages": ["de"], "capacity": "3"},
    ),
    "api_newcomer_profile_put": _op(
        "PUT", lambda w: f"{API}/me", MEMBERS, 200, 401, PROFILE, json_body=True
    ),
    "api_buddy_profile_put": _op(
        "PUT", lambda w: f"{API}/buddy", MEMBERS, 200, 401, {"languages": ["de"]}, json_body=True
    ),
    # A pairing: its two people; coordinators see it (in the back office) but do not answer.
    "pairing_page": _op(
        "GET",
        lambda w: f"{PAGE}/pairings/{w['pairing'].pk}/",
        PARTIES,
        200,
        302,
        staff=302,
        organisation_manager=302,
        default=404,
    ),
    "pairing_accept": _op(
        "POST",
        lambda w: f"{PAGE}/pairings/{w['pairing'].pk}/accept/",
        PARTIES,
        302,
        302,
        staff=403,
        organisation_manager=403,
        default=404,
    ),
    "pairing_end": _op(
        "POST",
        lambda w: f"{PAGE}/pairings/{w['pairing'].pk}/end/",
        PARTIES | COORDINATORS,
        302,
        302,
        {"reason": "Fin."},
        prepare=_active,
        default=404,
    ),
    "api_pairing_get": _op(
        "GET", lambda w: f"{MINE}/{w['pairing'].pk}", PARTIES | COORDINATORS, 200, 401, default=404
    ),
    "api_pairing_accept": _op(
        "POST",
        lambda w: f"{MINE}/{w['pairing'].pk}/accept",
        PARTIES,
        200,
        401,
        staff=403,
        organisation_manager=403,
        default=404,
    ),
    "api_pairing_decline": _op(
        "POST",
        lambda w: f"{MINE}/{w['pairing'].pk}/decline",
        PARTIES,
        200,
        401,
        staff=403,
        organisation_manager=403,
        default=404,
    ),
    "api_pairing_complete": _op(
        "POST",
        lambda w: f"{MINE}/{w['pairing'].pk}/complete",
        PARTIES | COORDINATORS,
        200,
        401,
        prepare=_active,
        default=404,
    ),
    "api_pairing_end": _op(
        "POST",
        lambda w: f"{MINE}/{w['pairing'].pk}/end",
        PARTIES | COORDINATORS,
        200,
        401,
        {"reason": "Fin."},
        json_body=True,
        prepare=_active,
        default=404,
    ),
    "api_pairing_feedback": _op(
        "POST",
        lambda w: f"{MINE}/{w['pairing'].pk}/feedback",
        PARTIES,
        201,
        401,
        {"rating": 5},
        json_body=True,
        prepare=_completed,
        staff=403,
        organisation_manager=403,
        default=404,
    ),
    # Coordinators (staff without MFA are sent to enrol on pages, refused by the API).
    "queue_page": _op("GET", lambda w: f"{STAFF}/", COORDINATORS, 200, 302, staff_no_mfa=302),
    "newcomer_page": _op(
        "GET",
        lambda w: f"{STAFF}/newcomers/{w['waiting'].pk}/",
        COORDINATORS,
        200,
        302,
        staff_no_mfa=302,
    ),
    "propose": _op(
        "POST",
        lambda w: f"{STAFF}/newcomers/{w['waiting'].pk}/",
        COORDINATORS,
        302,
        302,
        {"buddy": "FREE_BUDDY", "note": ""},
        staff_no_mfa=302,
    ),
    "pairings_page": _op(
        "GET", lambda w: f"{STAFF}/pairings/", COORDINATORS, 200, 302, staff_no_mfa=302
    ),
    "staff_pairing_page": _op(
        "GET",
        lambda w: f"{STAFF}/pairings/{w['pairing'].pk}/",
        COORDINATORS,
        200,
        302,
        staff_no_mfa=302,
    ),
    "staff_pairing_end": _op(
        "POST",
        lambda w: f"{STAFF}/pairings/{w['pairing'].pk}/end/",
        COORDINATORS,
        302,
        302,
        {"reason": "Fin."},
        prepare=_active,
        staff_no_mfa=302,
    ),
    "api_queue": _op("GET", lambda w: f"{API}/queue", COORDINATORS, 200, 401),
    "api_matches": _op("GET", lambda w: f"{API}/{w['waiting'].pk}/matches", COORDINATORS, 200, 401),
    "api_propose": _op(
        "POST",
        lambda w: f"{API}/pairings",
        COORDINATORS,
        201,
        401,
        {"newcomer_id": "WAITING", "buddy_id": "FREE_BUDDY"},
        json_body=True,
    ),
    "api_pairings": _op("GET", lambda w: f"{API}/pairings", COORDINATORS, 200, 401),
    # The directory's management: the town's staff with MFA (not organisation managers).
    "resources_page": _op(
        "GET", lambda w: f"{STAFF}/resources/", {"staff"}, 200, 302, staff_no_mfa=302
    ),
    "resource_create": _op(
        "POST", lambda w: f"{STAFF}/resources/", {"staff"}, 302, 302, RESOURCE, staff_no_mfa=302
    ),
    "resource_unpublish": _op(
        "POST",
        lambda w: f"{STAFF}/resources/{w['resource'].pk}/publish/",
        {"staff"},
        302,
        302,
        {"published": "0"},
        staff_no_mfa=302,
    ),
    "resource_delete": _op(
        "POST",
        lambda w: f"{STAFF}/resources/{w['resource'].pk}/delete/",
        {"staff"},
        302,
        302,
        staff_no_mfa=302,
    ),
    "api_resource_create": _op(
        "POST", lambda w: f"{API}/resources", {"staff"}, 201, 401, RESOURCE, json_body=True
    ),
    "api_resource_patch": _op(
        "PATCH",
        lambda w: f"{API}/resources/{w['resource'].pk}",
        {"staff"},
        200,
        401,
        {"published": False},
        json_body=True,
    ),
    "api_resource_delete": _op(
        "DELETE", lambda w: f"{API}/resources/{w['resource'].pk}", {"staff"}, 204, 401
    ),
}

# Reading pages changes nothing; these writes must change something when allowed.
WRITES = {name for name, operation in OPERATIONS.items() if operation.method != "GET"}


def _request(world, operation: Operation, actor: str):
    client = client_for(world["actors"][actor])
    replacements = {"FREE_BUDDY": world["free_buddy"].pk, "WAITING": world["waiting"].pk}
    data = {
        key: replacements.get(value, value) if isinstance(value, str) else value
        for key, value in operation.data.items()
    }
    url = operation.url(world)
    method = getattr(client, operation.method.lower())
    if operation.json:
        return method(url, data=json.dumps(data), content_type="application/json")
    if operation.method in ("GET", "DELETE"):
        return method(url)
    if operation.method == "POST":
        return method(url, data)
    return method(url, data=json.dumps(data), content_type="application/json")


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("name", list(OPERATIONS))
def test_permission_matrix(world, name, actor):
    operation = OPERATIONS[name]
    if operation.prepare:
        operation.prepare(world)
    before = snapshot()

    response = _request(world, operation, actor)

    if actor in operation.allowed:
        assert response.status_code == operation.allowed[actor], (name, actor)
        if name in WRITES:
            assert snapshot() != before, f"{name} by {actor} changed nothing"
    else:
        assert response.status_code == operation.refused[actor], (name, actor)
        assert snapshot() == before, f"{name} refused to {actor} changed something"


def test_staff_of_a_town_cannot_reach_another_towns_back_office(world):
    """The matrix's town is Brossard; the same holds the other way round."""
    longueuil_staff = world["actors"]["staff_other"]
    waiting = world["waiting"]
    client = client_for(longueuil_staff)
    # Brossard's newcomer under Longueuil's address: not found there.
    assert client.get(f"/en/longueuil/staff/newcomers/newcomers/{waiting.pk}/").status_code == 404
    assert (
        client.get(f"/api/v1/municipalities/longueuil/newcomers/{waiting.pk}/matches").status_code
        == 404
    )
