"""Only a municipality's own staff, with MFA, compose, send and read its alerts.

Every page and API operation of municipal alerts is tried by every kind of actor against two
municipalities; each refusal is proven to have changed nothing (no alert, notification or
delivery written). The same style as `territory/tests/test_permission_matrix.py`.
"""

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import citizen_of, with_role
from milieu.notifications.models import Alert, Delivery, Notification
from milieu.territory.models import District, Municipality
from milieu.territory.tests.factories import DistrictFactory, MunicipalityFactory, RegionFactory

from .factories_alerts import draft, resident


@dataclass
class World:
    districts: dict[str, District]
    drafts: dict[str, Alert]
    scheduled: dict[str, Alert]
    actors: dict[str, Any]


@pytest.fixture
def world(db) -> World:
    region = RegionFactory(slug="idees-collectives")
    cities: dict[str, Municipality] = {
        "brossard": MunicipalityFactory(slug="brossard", name="Brossard", region=region),
        "chateauguay": MunicipalityFactory(slug="chateauguay", name="Châteauguay", region=region),
    }
    districts = {
        slug: DistrictFactory(municipality=city, name="Centre", slug="centre")
        for slug, city in cities.items()
    }
    later = timezone.now() + timedelta(days=2)
    drafts, scheduled = {}, {}
    for slug, city in cities.items():
        resident(city, districts[slug])
        drafts[slug] = draft(city, districts=[districts[slug]])
        scheduled[slug] = draft(city, status=Alert.Status.SCHEDULED, scheduled_for=later)
    brossard, chateauguay = cities["brossard"], cities["chateauguay"]
    return World(
        districts=districts,
        drafts=drafts,
        scheduled=scheduled,
        actors={
            "anonymous": None,
            "citizen": citizen_of(brossard),
            "citizen_other": citizen_of(chateauguay),
            "staff_no_mfa": with_role(brossard, Role.STAFF, mfa=False),
            "staff": with_role(brossard, Role.STAFF),
            "staff_other": with_role(chateauguay, Role.STAFF),
            "admin": with_role(brossard, Role.ADMIN),
            "admin_other": with_role(chateauguay, Role.ADMIN),
            "merchant": with_role(brossard, Role.MERCHANT),
        },
    )


def snapshot() -> tuple:
    """Everything these operations can change, to prove a refusal changed nothing."""
    return (
        list(
            Alert.objects.order_by("pk").values_list(
                "pk", "municipality_id", "status", "title_fr", "scheduled_for", "audience_size"
            )
        ),
        list(Alert.districts.through.objects.order_by("pk").values_list("alert_id", "district_id")),
        Notification.objects.count(),
        Delivery.objects.count(),
    )


def _later() -> str:
    return (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")


def page_ops(w: World, city: str) -> dict[str, tuple[str, str, dict]]:
    base = f"/fr/{city}/staff/alerts/"
    d, s = w.drafts[city].pk, w.scheduled[city].pk
    form = {"topic": "snow_removal", "title_fr": "Nouvelle", "body_fr": "Texte", "action": "save"}
    return {
        "list_page": ("GET", base, {}),
        "compose_page": ("GET", f"{base}new/", {}),
        "create": ("POST", f"{base}new/", form),
        "audience_preview": ("GET", f"{base}audience/?topic=snow_removal", {}),
        "alert_page": ("GET", f"{base}{d}/", {}),
        "edit_page": ("GET", f"{base}{d}/edit/", {}),
        "edit": ("POST", f"{base}{d}/edit/", {**form, "title_fr": "Changée"}),
        "send": ("POST", f"{base}{d}/send/", {}),
        "schedule": ("POST", f"{base}{d}/schedule/", {"scheduled_for": _later()}),
        "cancel": ("POST", f"{base}{s}/cancel/", {}),
    }


def api_ops(w: World, city: str) -> dict[str, tuple[str, str, dict]]:
    base = f"/api/v1/municipalities/{city}/alerts"
    d, s = w.drafts[city].pk, w.scheduled[city].pk
    later = (timezone.now() + timedelta(days=1)).isoformat()
    return {
        "api_list": ("GET", base, {}),
        "api_create": (
            "POST",
            base,
            {"topic": "snow_removal", "title_fr": "Nouvelle", "body_fr": "Texte"},
        ),
        "api_get": ("GET", f"{base}/{d}", {}),
        "api_update": ("PATCH", f"{base}/{d}", {"title_fr": "Changée"}),
        "api_send": ("POST", f"{base}/{d}/send", {}),
        "api_schedule": ("POST", f"{base}/{d}/schedule", {"scheduled_for": later}),
        "api_cancel": ("POST", f"{base}/{s}/cancel", {}),
        "api_audience": ("GET", f"{base}/{d}/audience", {}),
        "api_deliveries": ("GET", f"{base}/{d}/deliveries", {}),
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
    "list_page",
    "compose_page",
    "create",
    "audience_preview",
    "alert_page",
    "edit_page",
    "edit",
    "send",
    "schedule",
    "cancel",
]
API_NAMES = [
    "api_list",
    "api_create",
    "api_get",
    "api_update",
    "api_send",
    "api_schedule",
    "api_cancel",
    "api_audience",
    "api_deliveries",
]


def allowed(actor: str, city: str) -> bool:
    """The municipality's own staff and administrators (with MFA); nobody else."""
    if city == "brossard":
        return actor in {"staff", "admin"}
    return actor in {"staff_other", "admin_other"}


def request(client: Client, method: str, url: str, data: dict, *, api: bool):
    if method == "GET":
        return client.get(url)
    if api:
        return client.generic(method, url, json.dumps(data), content_type="application/json")
    return client.post(url, data)


@pytest.mark.parametrize("city", ["brossard", "chateauguay"])
@pytest.mark.parametrize("operation", PAGE_NAMES + API_NAMES)
@pytest.mark.parametrize("actor", ACTORS)
def test_alerts_matrix(world, actor, operation, city):
    client = Client()
    user = world.actors[actor]
    if user is not None:
        client.force_login(user)
    api = operation.startswith("api_")
    method, url, data = (api_ops if api else page_ops)(world, city)[operation]
    before = snapshot()

    response = request(client, method, url, data, api=api)

    if allowed(actor, city):
        assert response.status_code in {200, 201, 302}, response.content[:500]
        if response.status_code == 302:
            assert "/accounts/login/" not in response["Location"]
            assert "/2fa/" not in response["Location"]
        if method != "GET":
            assert snapshot() != before
        else:
            assert snapshot() == before
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
