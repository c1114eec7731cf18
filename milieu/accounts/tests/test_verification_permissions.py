"""Who may do what in residency verification.

Every staff operation — as a page, as an API call and as a service — is tried by every kind of
actor against two municipalities: only the municipality's own staff and administrators, with
MFA, succeed; each refusal is proven to have changed nothing (database rows and stored files).
Citizen operations need a login and nothing else.
"""

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from milieu.accounts import services
from milieu.accounts.models import Role, User, Verification
from milieu.accounts.tests.factories import UserFactory, citizen_of, with_role
from milieu.accounts.tests.factories_identity import (
    CivicAddressFactory,
    csv_file,
    document_verification,
    identity_snapshot,
    letter_verification,
    pdf_file,
)
from milieu.core.errors import NotFound, PermissionDenied
from milieu.territory.models import Municipality
from milieu.territory.tests.factories import MunicipalityFactory, RegionFactory

CITIES = ["brossard", "chateauguay"]
ACTORS = [
    "anonymous",
    "citizen",
    "citizen_other",
    "staff_no_mfa",
    "staff",
    "staff_other",
    "admin",
    "admin_other",
]


@dataclass
class CityData:
    municipality: Municipality
    document: Verification
    approved: Verification
    assisted: User
    resident_email: str


@dataclass
class World:
    cities: dict[str, CityData]
    actors: dict[str, Any]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def world(db) -> World:
    region = RegionFactory(slug="monteregie")
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
    }
    cities = {}
    for slug, municipality, clerk in (
        ("brossard", brossard, actors["admin"]),
        ("chateauguay", chateauguay, actors["admin_other"]),
    ):
        address = CivicAddressFactory(municipality=municipality)
        letter_verification(UserFactory(), municipality, address=address)
        resident = citizen_of(municipality, email=f"resident@{slug}.example.org")
        cities[slug] = CityData(
            municipality=municipality,
            document=document_verification(UserFactory(), municipality),
            approved=services.verification_at_counter(
                actor=clerk, municipality=municipality, user=citizen_of(municipality)
            ),
            assisted=services.assisted_account_create(
                actor=clerk, municipality=municipality, display_name="Assisté", consent=True
            ),
            resident_email=resident.email,
        )
    return World(cities=cities, actors=actors)


def allowed(actor: str, city: str) -> bool:
    """The municipality's own staff and administrators (with MFA); nobody else."""
    if city == "brossard":
        return actor in {"staff", "admin"}
    return actor in {"staff_other", "admin_other"}


def registry_file():
    return csv_file("civic_number,street,postal_code\n77,rue Neuve,J4W 2T5\n")


def page_ops(w: World, city: str) -> dict[str, tuple[str, str, dict]]:
    c = w.cities[city]
    base = f"/fr/{city}/staff/identity"
    doc, approved, assisted = c.document.pk, c.approved.pk, c.assisted.pk
    return {
        "index": ("GET", f"{base}/", {}),
        "registry_page": ("GET", f"{base}/registry/", {}),
        "registry_import": ("POST", f"{base}/registry/", {"file": registry_file()}),
        "letters_page": ("GET", f"{base}/letters/", {}),
        "letters_print": ("POST", f"{base}/letters/", {"print_batch": "1"}),
        "documents_page": ("GET", f"{base}/documents/", {}),
        "document_page": ("GET", f"{base}/documents/{doc}/", {}),
        "document_file": ("GET", f"{base}/documents/{doc}/file/", {}),
        "document_decide": ("POST", f"{base}/documents/{doc}/", {"decision": "approve"}),
        "counter_page": ("GET", f"{base}/counter/", {}),
        "counter_verify": (
            "POST",
            f"{base}/counter/",
            {"verify": "1", "counter-email": c.resident_email},
        ),
        "assisted_create": (
            "POST",
            f"{base}/counter/",
            {
                "create": "1",
                "assisted-display_name": "Nouvelle",
                "assisted-preferred_language": "fr",
                "assisted-consent": "on",
            },
        ),
        "assisted_page": ("GET", f"{base}/counter/accounts/{assisted}/", {}),
        "assisted_update": (
            "POST",
            f"{base}/counter/accounts/{assisted}/",
            {"display_name": "Renommée", "email": ""},
        ),
        "decisions_page": ("GET", f"{base}/decisions/", {}),
        "revoke": ("POST", f"{base}/decisions/{approved}/revoke/", {"reason": "Déménagé"}),
    }


def api_ops(w: World, city: str) -> dict[str, tuple[str, str, dict]]:
    c = w.cities[city]
    base = f"/api/v1/municipalities/{city}/identity"
    doc, approved, assisted = c.document.pk, c.approved.pk, c.assisted.pk
    return {
        "api_registry": ("MULTIPART", f"{base}/registry", {"file": registry_file()}),
        "api_verifications": ("GET", f"{base}/verifications?status=pending", {}),
        "api_decide": ("POST", f"{base}/verifications/{doc}/decision", {"approve": True}),
        "api_revoke": ("POST", f"{base}/verifications/{approved}/revocation", {"reason": "x"}),
        "api_counter": ("POST", f"{base}/counter", {"email": c.resident_email}),
        "api_assisted_create": (
            "POST",
            f"{base}/assisted-accounts",
            {"display_name": "Nouvelle", "consent": True},
        ),
        "api_assisted_list": ("GET", f"{base}/assisted-accounts", {}),
        "api_assisted_update": (
            "PATCH",
            f"{base}/assisted-accounts/{assisted}",
            {"display_name": "Renommée"},
        ),
        "api_decisions": ("GET", f"{base}/decisions", {}),
    }


PAGE_NAMES = [
    "index",
    "registry_page",
    "registry_import",
    "letters_page",
    "letters_print",
    "documents_page",
    "document_page",
    "document_file",
    "document_decide",
    "counter_page",
    "counter_verify",
    "assisted_create",
    "assisted_page",
    "assisted_update",
    "decisions_page",
    "revoke",
]
API_NAMES = [
    "api_registry",
    "api_verifications",
    "api_decide",
    "api_revoke",
    "api_counter",
    "api_assisted_create",
    "api_assisted_list",
    "api_assisted_update",
    "api_decisions",
]


def send(client: Client, method: str, url: str, data: dict):
    if method == "GET":
        return client.get(url)
    if method == "MULTIPART":
        return client.post(url, data)
    if url.startswith("/api/"):
        return client.generic(method, url, json.dumps(data), content_type="application/json")
    return client.post(url, data)


@pytest.mark.parametrize("city", CITIES)
@pytest.mark.parametrize("operation", PAGE_NAMES + API_NAMES)
@pytest.mark.parametrize("actor", ACTORS)
def test_staff_identity_matrix(world, media, actor, operation, city):
    client = Client()
    user = world.actors[actor]
    if user is not None:
        client.force_login(user)
    api = operation.startswith("api_")
    method, url, data = (api_ops if api else page_ops)(world, city)[operation]
    before = identity_snapshot(media)

    response = send(client, method, url, data)

    if allowed(actor, city):
        assert response.status_code in {200, 201, 204, 302}, response.content[:500]
        if response.status_code == 302:
            assert "/accounts/login/" not in response["Location"]
            assert "/2fa/" not in response["Location"]
        if method != "GET":
            assert identity_snapshot(media) != before
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
        assert identity_snapshot(media) == before


# --- Services -----------------------------------------------------------------------------------


def service_ops(w: World, city: str, actor) -> dict:
    c = w.cities[city]
    m = c.municipality
    resident = User.objects.get(email=c.resident_email)
    return {
        "civic_registry_import": lambda: services.civic_registry_import(
            actor=actor, municipality=m, file=registry_file()
        ),
        "letters_print_batch": lambda: services.letters_print_batch(actor=actor, municipality=m),
        "verification_decide_document": lambda: services.verification_decide_document(
            actor=actor, verification=c.document, approve=True
        ),
        "verification_at_counter": lambda: services.verification_at_counter(
            actor=actor, municipality=m, user=resident
        ),
        "assisted_account_create": lambda: services.assisted_account_create(
            actor=actor, municipality=m, display_name="Nouvelle", consent=True
        ),
        "assisted_account_update": lambda: services.assisted_account_update(
            actor=actor, municipality=m, user=c.assisted, display_name="Renommée"
        ),
        "verification_revoke": lambda: services.verification_revoke(
            actor=actor, verification=c.approved, reason="x"
        ),
    }


SERVICE_NAMES = [
    "civic_registry_import",
    "letters_print_batch",
    "verification_decide_document",
    "verification_at_counter",
    "assisted_account_create",
    "assisted_account_update",
    "verification_revoke",
]


@pytest.mark.parametrize("city", CITIES)
@pytest.mark.parametrize("operation", SERVICE_NAMES)
@pytest.mark.parametrize("actor", [a for a in ACTORS if a != "anonymous"] + ["anonymous_user"])
def test_staff_services_check_the_permission_themselves(world, media, actor, operation, city):
    from django.contrib.auth.models import AnonymousUser

    user = AnonymousUser() if actor == "anonymous_user" else world.actors[actor]
    before = identity_snapshot(media)

    if allowed(actor, city):
        service_ops(world, city, user)[operation]()
        assert identity_snapshot(media) != before
    else:
        with pytest.raises(PermissionDenied):
            service_ops(world, city, user)[operation]()
        assert identity_snapshot(media) == before


# --- Citizen operations -------------------------------------------------------------------------


@pytest.mark.parametrize("city", CITIES)
@pytest.mark.parametrize("actor", ACTORS)
def test_citizen_operations_need_a_login_and_nothing_else(world, media, actor, city):
    """Anyone logged in may ask to be verified anywhere (someone who moves is no member yet)."""
    municipality = world.cities[city].municipality
    CivicAddressFactory(
        municipality=municipality, civic_number="5", street="rue Ouverte", postal_code="J4W2T5"
    )
    user = world.actors[actor]
    client = Client()
    if user is not None:
        client.force_login(user)
    before = identity_snapshot(media)

    page = client.post(
        f"/fr/{city}/identity/address/",
        {"civic_number": "5", "street": "rue Ouverte", "postal_code": "J4W2T5"},
    )
    api = client.post(f"/api/v1/municipalities/{city}/identity/documents", {"file": pdf_file()})

    if user is None:
        assert page.status_code == 302 and "/accounts/login/" in page["Location"]
        assert api.status_code == 401
        assert identity_snapshot(media) == before
    else:
        assert page.status_code == 302
        assert api.status_code == 409  # one request at a time: the letter is pending
        assert Verification.objects.filter(
            user=user, municipality=municipality, method="registry_letter", status="pending"
        ).exists()


def test_staff_of_a_city_cannot_reach_another_city_objects_through_their_own_url(world, media):
    """Brossard's staff, on Brossard's URLs, with Châteauguay's ids: not found, nothing changes."""
    client = Client()
    client.force_login(world.actors["staff"])
    other = world.cities["chateauguay"]
    base = "/fr/brossard/staff/identity"
    api = "/api/v1/municipalities/brossard/identity"
    before = identity_snapshot(media)

    responses = [
        client.get(f"{base}/documents/{other.document.pk}/"),
        client.get(f"{base}/documents/{other.document.pk}/file/"),
        client.post(f"{base}/documents/{other.document.pk}/", {"decision": "approve"}),
        client.post(f"{base}/decisions/{other.approved.pk}/revoke/", {"reason": "x"}),
        client.get(f"{base}/counter/accounts/{other.assisted.pk}/"),
        client.post(f"{base}/counter/accounts/{other.assisted.pk}/", {"display_name": "x"}),
        client.post(
            f"{api}/verifications/{other.document.pk}/decision",
            json.dumps({"approve": True}),
            content_type="application/json",
        ),
        client.post(
            f"{api}/verifications/{other.approved.pk}/revocation",
            json.dumps({"reason": "x"}),
            content_type="application/json",
        ),
        client.patch(
            f"{api}/assisted-accounts/{other.assisted.pk}",
            json.dumps({"display_name": "x"}),
            content_type="application/json",
        ),
    ]

    assert [r.status_code for r in responses] == [404] * len(responses)
    assert identity_snapshot(media) == before
    with translation.override("en"), pytest.raises(NotFound):
        services.assisted_account_update(
            actor=world.actors["staff"],
            municipality=world.cities["brossard"].municipality,
            user=other.assisted,
            display_name="x",
        )
