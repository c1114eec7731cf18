"""Staff of one municipality can neither read nor change another's settings, districts or roles.

Every operation of the back office, as a page and as an API call, is tried by every kind of
actor against two municipalities; each refusal is proven to have changed nothing.
"""

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from milieu.accounts.models import Role, RoleAssignment
from milieu.accounts.tests.factories import UserFactory, citizen_of, with_role
from milieu.territory.models import District, Municipality
from milieu.territory.tests.factories import DistrictFactory, MunicipalityFactory, RegionFactory


@dataclass
class World:
    brossard: Municipality
    chateauguay: Municipality
    districts: dict[str, District]
    roles: dict[str, RoleAssignment]
    actors: dict[str, Any]
    target_email: str


@pytest.fixture
def world(db) -> World:
    region = RegionFactory(slug="idees-collectives")
    brossard = MunicipalityFactory(slug="brossard", name="Brossard", region=region)
    chateauguay = MunicipalityFactory(slug="chateauguay", name="Châteauguay", region=region)
    actors = {
        "anonymous": None,
        "citizen": citizen_of(brossard),
        "citizen_other": citizen_of(chateauguay),
        "staff_no_mfa": with_role(brossard, Role.STAFF, mfa=False),
        "staff": with_role(brossard, Role.STAFF),
        "staff_other": with_role(chateauguay, Role.STAFF),
        "admin": with_role(brossard, Role.ADMIN),
        "admin_other": with_role(chateauguay, Role.ADMIN),
        "merchant": with_role(brossard, Role.MERCHANT),
    }
    target = UserFactory(email="cible@example.org")
    return World(
        brossard=brossard,
        chateauguay=chateauguay,
        districts={
            "brossard": DistrictFactory(municipality=brossard, name="Centre B", slug="centre"),
            "chateauguay": DistrictFactory(
                municipality=chateauguay, name="Centre C", slug="centre"
            ),
        },
        roles={
            "brossard": RoleAssignment.objects.create(
                user=target, role=Role.MERCHANT, municipality=brossard
            ),
            "chateauguay": RoleAssignment.objects.create(
                user=target, role=Role.MERCHANT, municipality=chateauguay
            ),
        },
        actors=actors,
        target_email=str(target.email),
    )


def snapshot() -> tuple:
    """Everything the back office can change, to prove a refusal changed nothing."""
    return (
        list(
            Municipality.objects.order_by("pk").values_list(
                "pk",
                "name",
                "brand_colour",
                "enabled_modules",
                "languages",
                "privacy_officer_email",
            )
        ),
        list(District.objects.order_by("pk").values_list("pk", "municipality_id", "name", "slug")),
        list(
            RoleAssignment.objects.order_by("pk").values_list(
                "pk", "user_id", "role", "municipality_id", "revoked_at"
            )
        ),
    )


def page_ops(w: World, city: str) -> dict[str, tuple[str, str, dict]]:
    d, r = w.districts[city].pk, w.roles[city].pk
    return {
        "settings_page": ("GET", f"/fr/{city}/staff/", {}),
        "settings_save": (
            "POST",
            f"/fr/{city}/staff/",
            {
                "save_settings": "1",
                "settings-name": "Renommée",
                "settings-brand_colour": "#000000",
                "settings-languages": ["fr"],
                "settings-privacy_officer_name": "",
                "settings-privacy_officer_email": "",
            },
        ),
        "modules_save": ("POST", f"/fr/{city}/staff/", {"save_modules": "1"}),
        "districts_page": ("GET", f"/fr/{city}/staff/districts/", {}),
        "district_create": ("POST", f"/fr/{city}/staff/districts/", {"name": "Nouveau"}),
        "district_edit": ("POST", f"/fr/{city}/staff/districts/{d}/", {"name": "Changé"}),
        "district_delete": ("POST", f"/fr/{city}/staff/districts/{d}/delete/", {}),
        "roles_page": ("GET", f"/fr/{city}/staff/roles/", {}),
        "role_grant": (
            "POST",
            f"/fr/{city}/staff/roles/",
            {"email": w.target_email, "role": Role.ORGANISATION_MANAGER},
        ),
        "role_revoke": ("POST", f"/fr/{city}/staff/roles/{r}/revoke/", {}),
    }


def api_ops(w: World, city: str) -> dict[str, tuple[str, str, dict]]:
    d, r = w.districts[city].pk, w.roles[city].pk
    base = f"/api/v1/municipalities/{city}"
    return {
        "api_settings": ("PATCH", base, {"name": "Renommée"}),
        "api_modules": ("PUT", f"{base}/modules", {"enabled": []}),
        "api_district_create": ("POST", f"{base}/districts", {"name": "Nouveau"}),
        "api_district_edit": ("PATCH", f"{base}/districts/{d}", {"name": "Changé"}),
        "api_district_delete": ("DELETE", f"{base}/districts/{d}", {}),
        "api_roles_list": ("GET", f"{base}/roles", {}),
        "api_role_grant": ("POST", f"{base}/roles", {"email": w.target_email, "role": "staff"}),
        "api_role_revoke": ("DELETE", f"{base}/roles/{r}", {}),
    }


ROLE_OPS = {
    "roles_page",
    "role_grant",
    "role_revoke",
    "api_roles_list",
    "api_role_grant",
    "api_role_revoke",
}
ACTORS = [
    "anonymous",
    "citizen",
    "citizen_other",
    "staff_no_mfa",
    "staff",
    "staff_other",
    "admin",
    "admin_other",
    "merchant",
]
PAGE_NAMES = [
    "settings_page",
    "settings_save",
    "modules_save",
    "districts_page",
    "district_create",
    "district_edit",
    "district_delete",
    "roles_page",
    "role_grant",
    "role_revoke",
]
API_NAMES = [
    "api_settings",
    "api_modules",
    "api_district_create",
    "api_district_edit",
    "api_district_delete",
    "api_roles_list",
    "api_role_grant",
    "api_role_revoke",
]


def allowed(actor: str, city: str, operation: str) -> bool:
    """The expected answer: the municipality's own staff (with MFA) manage it; roles are the
    administrators' alone. Nobody else, and nobody from another municipality."""
    if city != "brossard":
        return actor in {"admin_other"} or (actor == "staff_other" and operation not in ROLE_OPS)
    if operation in ROLE_OPS:
        return actor == "admin"
    return actor in {"staff", "admin"}


def request(client: Client, method: str, url: str, data: dict, *, api: bool):
    if method == "GET":
        return client.get(url)
    if api:
        return client.generic(method, url, json.dumps(data), content_type="application/json")
    return client.post(url, data)


@pytest.mark.parametrize("city", ["brossard", "chateauguay"])
@pytest.mark.parametrize("operation", PAGE_NAMES + API_NAMES)
@pytest.mark.parametrize("actor", ACTORS)
def test_back_office_matrix(world, actor, operation, city):
    client = Client()
    user = world.actors[actor]
    if user is not None:
        client.force_login(user)
    api = operation.startswith("api_")
    method, url, data = (api_ops if api else page_ops)(world, city)[operation]
    before = snapshot()

    response = request(client, method, url, data, api=api)

    if allowed(actor, city, operation):
        assert response.status_code in {200, 201, 204, 302}, response.content[:500]
        if response.status_code == 302:
            assert "/accounts/login/" not in response["Location"]
            assert "/2fa/" not in response["Location"]
        if method != "GET":
            assert snapshot() != before
    else:
        if user is None:
            expected = {401} if api else {302}
        elif actor == "staff_no_mfa" and not api:
            expected = {302}  # sent to enrol a TOTP authenticator first
        else:
            expected = {403}
        assert response.status_code in expected, (response.status_code, response.content[:300])
        if response.status_code == 302:
            location = response["Location"]
            assert "/accounts/login/" in location or "/accounts/2fa/totp/activate/" in location
        assert snapshot() == before
