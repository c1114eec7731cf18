"""Residency verification over the API: the same services as the pages, the same errors
(`{"error": {"code", "message", "fields"}}`), flat query counts on the lists."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from milieu.accounts import services
from milieu.accounts.models import CitizenId, CivicAddress, Role, User, Verification
from milieu.accounts.tests.factories import UserFactory, citizen_of, with_role
from milieu.accounts.tests.factories_identity import (
    CivicAddressFactory,
    csv_file,
    document_verification,
    identity_snapshot,
    image_file,
    letter_verification,
    media_files,
    pdf_file,
    text_renamed_pdf,
)
from milieu.territory.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/municipalities/brossard/identity"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def brossard():
    return MunicipalityFactory(slug="brossard", name="Brossard", id_code="BRO")


@pytest.fixture
def address(brossard):
    return CivicAddressFactory(
        municipality=brossard, civic_number="1234", street="rue Principale", postal_code="J4W2T5"
    )


@pytest.fixture
def citizen(brossard):
    return citizen_of(brossard, email="camille@example.org", display_name="Camille")


@pytest.fixture
def staff(brossard):
    return with_role(brossard, Role.STAFF, email="staff@example.org")


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def post(client: Client, url: str, data: dict):
    return client.post(url, data, content_type="application/json")


# --- Citizens -----------------------------------------------------------------------------------


def test_the_methods_are_public(client, brossard):
    response = client.get(f"{API}/methods")

    assert response.status_code == 200
    assert [(m["key"], m["citizen_starts"]) for m in response.json()] == [
        ("registry_letter", True),
        ("document", True),
        ("counter", False),
    ]


def test_an_unknown_municipality_is_not_found(client, db):
    assert client.get("/api/v1/municipalities/nowhere/identity/methods").status_code == 404


def test_claiming_needs_a_login(client, brossard, address):
    response = post(
        client, f"{API}/address-claims", {"civic_number": "1", "street": "a", "postal_code": "b"}
    )
    assert response.status_code == 401
    assert not Verification.objects.exists()


def test_registry_letter_end_to_end_by_the_api(brossard, staff, citizen, address):
    client = client_for(citizen)

    response = post(
        client,
        f"{API}/address-claims",
        {"civic_number": "1234", "street": "Rue Principale", "postal_code": "j4w 2t5"},
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["method"], body["status"], body["letter_printed_at"]) == (
        "registry_letter",
        "pending",
        None,
    )
    [letter] = services.letters_print_batch(actor=staff, municipality=brossard)

    response = post(client, f"{API}/letter-code", {"code": letter.display_code})

    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert CitizenId.objects.filter(user=citizen).exists()
    mine = client.get(f"{API}/verification").json()
    assert (mine["id"], mine["status"]) == (body["id"], "approved")


def test_an_unknown_address_gets_a_clear_error_and_stores_nothing(
    brossard, citizen, address, media
):
    before = identity_snapshot(media)

    response = post(
        client_for(citizen),
        f"{API}/address-claims",
        {"civic_number": "9", "street": "rue Principale", "postal_code": "J4W2T5"},
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "unknown_address"
    assert "is not in the civic registry of Brossard" in error["message"]
    assert identity_snapshot(media) == before


def test_a_bad_postal_code_is_a_field_error(brossard, citizen):
    response = post(
        client_for(citizen),
        f"{API}/address-claims",
        {"civic_number": "9", "street": "rue Principale", "postal_code": "9"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "postal_code": ["Enter a postal code such as H0H 0H0."]
    }


def test_a_wrong_then_reused_code_by_the_api(brossard, citizen, address, media):
    letter_verification(citizen, brossard, address=address, code="ABCDEFGH")
    client = client_for(citizen)

    wrong = post(client, f"{API}/letter-code", {"code": "HGFEDCBA"})
    assert wrong.status_code == 400
    assert wrong.json()["error"]["code"] == "wrong_code"
    assert Verification.objects.get().failed_attempts == 1
    assert post(client, f"{API}/letter-code", {"code": "ABCDEFGH"}).status_code == 200
    before = identity_snapshot(media)

    reused = post(client, f"{API}/letter-code", {"code": "ABCDEFGH"})

    assert reused.status_code == 409
    assert reused.json()["error"]["code"] == "code_used"
    assert identity_snapshot(media) == before


def test_sending_a_document_as_multipart(brossard, citizen, media):
    response = client_for(citizen).post(f"{API}/documents", {"file": image_file()})

    assert response.status_code == 201
    assert response.json()["method"] == "document"
    assert len(media_files(media)) == 1


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (text_renamed_pdf, "This file is not a PDF, JPEG or PNG document; send one of those."),
        (lambda: pdf_file(size=5 * 1024 * 1024 + 10), "The file is larger than 5 MB"),
    ],
)
def test_a_fake_or_oversized_document_is_refused_by_the_api(
    brossard, citizen, media, make, message
):
    before = identity_snapshot(media)

    response = client_for(citizen).post(f"{API}/documents", {"file": make()})

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["file"][0].startswith(message)
    assert identity_snapshot(media) == before


def test_my_verification_is_not_found_before_asking(brossard, citizen):
    response = client_for(citizen).get(f"{API}/verification")
    assert response.status_code == 404


def test_withdrawing_by_the_api(brossard, citizen, address):
    letter_verification(citizen, brossard, address=address)
    response = client_for(citizen).delete(f"{API}/verification")
    assert response.status_code == 200
    assert response.json()["status"] == "refused"


# --- Staff --------------------------------------------------------------------------------------


def test_registry_dry_run_then_import_by_the_api(brossard, staff):
    client = client_for(staff)
    data = "civic_number,street,postal_code\n1,rue A,J4W 2T5\n2,rue A,nope\n"

    dry = client.post(f"{API}/registry", {"file": csv_file(data), "dry_run": "true"})

    assert dry.status_code == 200
    assert dry.json() == {
        "dry_run": True,
        "imported": False,
        "rows": 2,
        "created": 1,
        "updated": 0,
        "errors": [
            {"line": 3, "messages": ["The postal code “nope” is not a Canadian postal code."]}
        ],
    }

    refused = client.post(f"{API}/registry", {"file": csv_file(data)})

    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {
        "file": ["Line 3: The postal code “nope” is not a Canadian postal code."]
    }
    assert not CivicAddress.objects.exists()

    clean = client.post(f"{API}/registry", {"file": csv_file(data.replace("nope", "J4W2T6"))})

    assert clean.status_code == 200
    assert (clean.json()["imported"], clean.json()["created"]) == (True, 2)
    assert CivicAddress.objects.count() == 2


def test_listing_the_pending_documents_and_deciding_one(
    brossard, staff, citizen, media, django_capture_on_commit_callbacks
):
    verification = document_verification(citizen, brossard)
    letter_verification(UserFactory(), brossard)
    client = client_for(staff)

    listed = client.get(f"{API}/verifications?status=pending&method=document").json()

    assert listed["count"] == 1
    item = listed["items"][0]
    assert (item["id"], item["user_email"], item["method"]) == (
        verification.pk,
        "camille@example.org",
        "document",
    )
    refuse = post(client, f"{API}/verifications/{verification.pk}/decision", {"approve": False})
    assert refuse.status_code == 400
    assert refuse.json()["error"]["fields"] == {
        "reason": ["Say why the proof of address is refused."]
    }

    with django_capture_on_commit_callbacks(execute=True):
        approve = post(client, f"{API}/verifications/{verification.pk}/decision", {"approve": True})

    assert approve.status_code == 200
    assert (approve.json()["status"], approve.json()["decided_by"]) == (
        "approved",
        "staff@example.org",
    )
    assert media_files(media) == []


def test_another_municipality_verification_is_not_found_by_the_api(brossard, staff, media):
    elsewhere = document_verification(UserFactory(), MunicipalityFactory())
    before = identity_snapshot(media)

    response = post(
        client_for(staff), f"{API}/verifications/{elsewhere.pk}/decision", {"approve": True}
    )

    assert response.status_code == 404
    assert identity_snapshot(media) == before


def test_counter_and_assisted_accounts_by_the_api(brossard, staff, citizen, media):
    client = client_for(staff)

    counter = post(client, f"{API}/counter", {"email": "camille@example.org", "note": "Lease"})

    assert counter.status_code == 201
    assert (counter.json()["method"], counter.json()["status"]) == ("counter", "approved")
    before = identity_snapshot(media)
    refused = post(client, f"{API}/assisted-accounts", {"display_name": "Jeanne", "consent": False})
    assert refused.status_code == 400
    assert list(refused.json()["error"]["fields"]) == ["consent"]
    assert identity_snapshot(media) == before

    created = post(client, f"{API}/assisted-accounts", {"display_name": "Jeanne", "consent": True})

    assert created.status_code == 201
    assert created.json()["email"] is None
    user_id = created.json()["id"]
    listed = client.get(f"{API}/assisted-accounts").json()
    assert [a["id"] for a in listed["items"]] == [user_id]
    patched = client.patch(
        f"{API}/assisted-accounts/{user_id}",
        {"email": "jeanne@example.org"},
        content_type="application/json",
    )
    assert patched.status_code == 200
    assert patched.json()["email"] == "jeanne@example.org"

    # Once the resident has chosen a password, staff no longer manage the account.
    user = User.objects.get(pk=user_id)
    user.set_password("her-own-password-2026")
    user.save()
    taken_over = client.patch(
        f"{API}/assisted-accounts/{user_id}",
        {"email": "someone-else@example.org"},
        content_type="application/json",
    )
    assert taken_over.status_code == 403
    assert (
        client.patch(
            f"{API}/assisted-accounts/{citizen.pk}",
            {"display_name": "X"},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_the_decisions_log_and_a_revocation_by_the_api(brossard, staff, citizen):
    client = client_for(staff)
    verification = services.verification_at_counter(
        actor=staff, municipality=brossard, user=citizen
    )

    log = client.get(f"{API}/decisions?method=counter").json()

    assert log["count"] == 1
    entry = log["items"][0]
    assert (entry["id"], entry["decided_by"], entry["status"]) == (
        verification.pk,
        "staff@example.org",
        "approved",
    )
    assert entry["decided_at"] is not None

    revoked = post(client, f"{API}/verifications/{verification.pk}/revocation", {"reason": "Moved"})

    assert revoked.status_code == 200
    assert (revoked.json()["status"], revoked.json()["revoked_by"]) == (
        "revoked",
        "staff@example.org",
    )
    assert client.get(f"{API}/decisions?status=approved").json()["count"] == 0


@pytest.mark.parametrize(
    "path", ["verifications", "decisions", "assisted-accounts", "verifications?status=pending"]
)
def test_api_lists_do_not_grow_their_queries_with_the_list(brossard, staff, path):
    client = client_for(staff)

    def add(n):
        for _n in range(n):
            services.verification_at_counter(
                actor=staff, municipality=brossard, user=citizen_of(brossard)
            )
            document_verification(UserFactory(), brossard)
            services.assisted_account_create(
                actor=staff, municipality=brossard, display_name="Assisted", consent=True
            )

    def count() -> int:
        cache.clear()  # measured cold: the visitor's access facts are read too
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{API}/{path}")
        assert response.status_code == 200
        return len(queries)

    add(2)
    few = count()
    add(10)
    assert count() == few
    assert few <= 8
