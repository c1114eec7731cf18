"""The citizen's identity page and API; staff background checks (pages, API, permissions)."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from milieu.accounts import services
from milieu.accounts.models import (
    BackgroundCheck,
    CitizenId,
    ResidencyShareConsent,
    Role,
    Verification,
)
from milieu.accounts.tests.factories import UserFactory, citizen_of, with_role
from milieu.territory.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


def issue(user, municipality) -> CitizenId:
    verification = Verification.objects.create(
        user=user, municipality=municipality, method="counter"
    )
    return services.citizen_id_issue(verification=verification, decided_by=None)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_identity_page_shows_ids_and_trust_levels(django_assert_max_num_queries):
    home = MunicipalityFactory(name="Brossard", id_code="BRO")
    visited = MunicipalityFactory(name="Magog")
    user = citizen_of(home)
    citizen_id = issue(user, home)
    services.membership_join(actor=user, municipality=visited)
    client = logged_in(user)

    with django_assert_max_num_queries(20):
        html = client.get("/en/profile/identity/").content.decode()

    assert citizen_id.number in html
    assert "Verified resident" in html
    assert "Member (email verified)" in html
    assert "Share my verified residency" in html


def test_confirm_in_two_clicks_when_the_window_is_open():
    municipality = MunicipalityFactory()
    user = citizen_of(municipality)
    with time_machine.travel(NOW, tick=False):
        citizen_id = issue(user, municipality)

    with time_machine.travel(citizen_id.expires_at - timedelta(days=10), tick=False):
        client = logged_in(user)
        page = client.get("/fr/profile/identity/")
        assert page.status_code == 200
        response = client.post(f"/fr/profile/identity/ids/{citizen_id.pk}/confirm/")

    assert response.status_code == 302
    citizen_id.refresh_from_db()
    assert citizen_id.expires_at > NOW + timedelta(days=700)


def test_confirming_too_early_changes_nothing_and_says_why():
    municipality = MunicipalityFactory()
    user = citizen_of(municipality)
    citizen_id = issue(user, municipality)
    expiry = citizen_id.expires_at

    response = logged_in(user).post(
        f"/en/profile/identity/ids/{citizen_id.pk}/confirm/", follow=True
    )

    assert "up to 30 days before it expires" in response.content.decode()
    citizen_id.refresh_from_db()
    assert citizen_id.expires_at == expiry


def test_someone_elses_id_is_not_found():
    municipality = MunicipalityFactory()
    citizen_id = issue(citizen_of(municipality), municipality)
    response = logged_in(citizen_of(municipality)).post(
        f"/fr/profile/identity/ids/{citizen_id.pk}/surrender/"
    )
    assert response.status_code == 404
    citizen_id.refresh_from_db()
    assert citizen_id.revoked_at is None


def test_share_and_stop_sharing_residency_from_the_page():
    home, visited = MunicipalityFactory(), MunicipalityFactory(slug="magog")
    user = citizen_of(home)
    services.membership_join(actor=user, municipality=visited)
    client = logged_in(user)

    client.post("/fr/profile/identity/share/magog/", {"share": "1"})
    assert ResidencyShareConsent.objects.filter(user=user, withdrawn_at__isnull=True).count() == 1
    client.post("/fr/profile/identity/share/magog/", {"share": "0"})
    assert ResidencyShareConsent.objects.filter(user=user, withdrawn_at__isnull=True).count() == 0


def test_identity_api():
    home = MunicipalityFactory(slug="brossard")
    visited = MunicipalityFactory(slug="magog")
    user = citizen_of(home)
    with time_machine.travel(NOW, tick=False):
        citizen_id = issue(user, home)
    services.membership_join(actor=user, municipality=visited)
    client = logged_in(user)

    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        body = client.get("/api/v1/me/identity").json()
        assert body["citizen_ids"][0]["number"] == citizen_id.number
        assert {t["municipality"]: t["trust_level"] for t in body["trust"]} == {
            "brossard": "resident",
            "magog": "member",
        }
        assert client.put("/api/v1/me/residency-sharing/magog").status_code == 204
        body = client.get("/api/v1/me/identity").json()
        assert {t["municipality"]: t["trust_level"] for t in body["trust"]}["magog"] == "resident"
        early = client.post(f"/api/v1/me/citizen-ids/{citizen_id.pk}/confirm")
        assert early.status_code == 400
        assert early.json()["error"]["code"] == "too_early"


def test_background_checks_page_and_api_for_staff():
    municipality = MunicipalityFactory(slug="brossard")
    staff = with_role(municipality, Role.STAFF)
    person = citizen_of(municipality, email="animatrice@example.org")
    client = logged_in(staff)

    page = client.post(
        "/fr/brossard/staff/checks/",
        {
            "email": person.email,
            "kind": "Antécédents judiciaires",
            "checked_on": "2026-01-05",
            "expires_on": "2029-01-05",
        },
    )
    assert page.status_code == 302
    bad = client.post(
        "/fr/brossard/staff/checks/",
        {
            "email": person.email,
            "kind": "X",
            "checked_on": "2026-01-05",
            "expires_on": "2025-01-05",
        },
    )
    assert bad.status_code == 400
    assert BackgroundCheck.objects.count() == 1

    listed = client.get("/api/v1/municipalities/brossard/background-checks").json()
    assert [c["user_email"] for c in listed["items"]] == [person.email]
    check_id = listed["items"][0]["id"]
    assert (
        client.delete(f"/api/v1/municipalities/brossard/background-checks/{check_id}").status_code
        == 204
    )
    assert BackgroundCheck.objects.get().revoked_at is not None


ACTORS = ["anonymous", "citizen", "staff_no_mfa", "staff", "staff_other", "admin"]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(
    "operation", ["page", "page_post", "api_list", "api_post", "api_delete", "revoke_post"]
)
def test_background_check_permission_matrix(actor, operation):
    brossard = MunicipalityFactory(slug="brossard")
    other = MunicipalityFactory(slug="chateauguay")
    person = citizen_of(brossard, email="person@example.org")
    existing = BackgroundCheck.objects.create(
        user=person,
        municipality=brossard,
        kind="Police",
        checked_on="2026-01-01",
        expires_on="2027-01-01",
    )
    users = {
        "anonymous": None,
        "citizen": citizen_of(brossard),
        "staff_no_mfa": with_role(brossard, Role.STAFF, mfa=False),
        "staff": with_role(brossard, Role.STAFF),
        "staff_other": with_role(other, Role.STAFF),
        "admin": with_role(brossard, Role.ADMIN),
    }
    client = Client()
    if users[actor] is not None:
        client.force_login(users[actor])
    form = {
        "email": person.email,
        "kind": "Police",
        "checked_on": "2026-02-01",
        "expires_on": "2027-02-01",
    }
    requests = {
        "page": lambda: client.get("/fr/brossard/staff/checks/"),
        "page_post": lambda: client.post("/fr/brossard/staff/checks/", form),
        "revoke_post": lambda: client.post(f"/fr/brossard/staff/checks/{existing.pk}/revoke/"),
        "api_list": lambda: client.get("/api/v1/municipalities/brossard/background-checks"),
        "api_post": lambda: client.post(
            "/api/v1/municipalities/brossard/background-checks",
            json.dumps(form),
            content_type="application/json",
        ),
        "api_delete": lambda: client.delete(
            f"/api/v1/municipalities/brossard/background-checks/{existing.pk}"
        ),
    }
    before = list(BackgroundCheck.objects.order_by("pk").values_list("pk", "revoked_at"))

    response = requests[operation]()

    if actor in {"staff", "admin"}:
        assert response.status_code in {200, 201, 204, 302}
        if operation not in {"page", "api_list"}:
            assert (
                list(BackgroundCheck.objects.order_by("pk").values_list("pk", "revoked_at"))
                != before
            )
    else:
        api = operation.startswith("api")
        if actor == "anonymous":
            assert response.status_code == (401 if api else 302)
        elif actor == "staff_no_mfa" and not api:
            assert response.status_code == 302
            assert "/2fa/totp/activate/" in response["Location"]
        else:
            assert response.status_code == 403
        assert (
            list(BackgroundCheck.objects.order_by("pk").values_list("pk", "revoked_at")) == before
        )


def test_reminders_command_queues_emails(capsys):
    from django.core import mail
    from django.core.management import call_command

    municipality = MunicipalityFactory()
    user = UserFactory()
    with time_machine.travel(NOW, tick=False):
        citizen_id = issue(user, municipality)
    with time_machine.travel(citizen_id.expires_at - timedelta(days=2), tick=False):
        call_command("send_citizen_id_reminders")
    assert "1 reminder(s) queued." in capsys.readouterr().out
    assert len(mail.outbox) == 1
