"""Municipal alerts over the API: the same rules and errors as the pages."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import with_role
from milieu.notifications.models import Alert
from milieu.territory.tests.factories import DistrictFactory, MunicipalityFactory

from .factories_alerts import draft, resident

pytestmark = pytest.mark.django_db
BASE = "/api/v1/municipalities/brossard/alerts"


@pytest.fixture
def brossard():
    return MunicipalityFactory(slug="brossard", name="Brossard")


@pytest.fixture
def nord(brossard):
    return DistrictFactory(municipality=brossard, name="Secteur nord", slug="nord")


@pytest.fixture
def api(brossard) -> Client:
    client = Client()
    client.force_login(with_role(brossard, Role.STAFF))
    return client


def post(client: Client, url: str, data: dict | None = None, method: str = "POST"):
    return client.generic(method, url, json.dumps(data or {}), content_type="application/json")


def test_create_update_send_and_read_the_deliveries(api, brossard, nord):
    resident(brossard, nord, preferred_language="en")
    created = post(
        api,
        BASE,
        {
            "topic": "urgent",
            "urgent": True,
            "title_fr": "Avis",
            "body_fr": "Texte",
            "districts": [nord.pk],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["districts"], body["title_en"]) == ("draft", [nord.pk], "")
    url = f"{BASE}/{body['id']}"

    patched = post(api, url, {"title_en": "Advisory"}, method="PATCH")
    assert patched.json()["title_en"] == "Advisory"
    assert api.get(f"{url}/audience").json() == {"audience": 1}

    sent = post(api, f"{url}/send")
    assert sent.status_code == 200
    assert (sent.json()["status"], sent.json()["audience_size"]) == ("sent", 1)
    assert api.get(f"{url}/deliveries").json() == {
        "channels": {"in_app": {"sent": 1}, "email": {"sent": 1}}
    }
    listed = api.get(BASE).json()
    assert (listed["count"], listed["items"][0]["id"]) == (1, body["id"])
    assert api.get(url).json()["sent_at"] is not None


def test_bad_input_says_which_fields_and_saves_nothing(api, brossard, nord):
    response = post(
        api,
        BASE,
        {"topic": "municipal_news", "title_fr": " ", "body_fr": "x", "districts": [nord.pk]},
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"title_fr", "districts"}

    too_long = post(api, BASE, {"topic": "snow_removal", "title_fr": "x" * 141, "body_fr": "x"})
    assert too_long.status_code == 422
    assert Alert.objects.count() == 0


def test_schedule_and_cancel(api, brossard):
    alert = draft(brossard)
    url = f"{BASE}/{alert.pk}"

    past = post(api, f"{url}/schedule", {"scheduled_for": "2001-01-01T10:00:00-05:00"})
    assert past.status_code == 400
    assert set(past.json()["error"]["fields"]) == {"scheduled_for"}

    when = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)
    scheduled = post(api, f"{url}/schedule", {"scheduled_for": when.isoformat()})
    assert scheduled.status_code == 200
    assert scheduled.json()["status"] == "scheduled"
    assert datetime.fromisoformat(scheduled.json()["scheduled_for"]) == when

    assert post(api, f"{url}/cancel").json()["status"] == "cancelled"
    conflict = post(api, f"{url}/cancel")
    assert (conflict.status_code, conflict.json()["error"]["code"]) == (409, "conflict")


def test_another_municipalitys_alert_is_not_found(api, brossard):
    other = draft(MunicipalityFactory(slug="chateauguay"))
    assert api.get(f"{BASE}/{other.pk}").status_code == 404
    assert post(api, f"{BASE}/{other.pk}/send").status_code == 404
    assert Alert.objects.get(pk=other.pk).status == "draft"
