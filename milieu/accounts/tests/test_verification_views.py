"""The residency-verification pages, citizen and staff: HTML first, htmx partials, clear errors
that keep what was typed and change nothing, and list pages whose query count stays flat."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from milieu.accounts import services
from milieu.accounts.models import CitizenId, CivicAddress, Role, User, Verification
from milieu.accounts.services.verification import is_placeholder_email
from milieu.accounts.tests.factories import UserFactory, citizen_of, with_role
from milieu.accounts.tests.factories_identity import (
    CivicAddressFactory,
    csv_file,
    document_verification,
    identity_snapshot,
    letter_verification,
    media_files,
    pdf_file,
    text_renamed_pdf,
)
from milieu.territory.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


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
    return with_role(brossard, Role.STAFF, email="staff@example.org", display_name="Agent")


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def html(response) -> str:
    return response.content.decode()


def text(response) -> str:
    """The page's text, tags removed and spaces collapsed (templates wrap long sentences)."""
    return " ".join(re.sub(r"<[^>]+>", " ", html(response)).split())


# --- Citizen pages ------------------------------------------------------------------------------


def test_the_identity_page_lists_the_methods_and_asks_visitors_to_log_in(client, brossard):
    response = client.get("/en/brossard/identity/")

    assert response.status_code == 200
    page = text(response)
    assert "Address and letter by post" in page
    assert "Proof of address" in page
    assert "At the counter" in page
    assert "Log in to verify your residency." in page
    assert "/en/brossard/identity/address/" not in html(response)


def test_a_citizen_can_start_the_methods_citizens_start(brossard, citizen):
    response = client_for(citizen).get("/en/brossard/identity/")

    body = html(response)
    assert 'href="/en/brossard/identity/address/"' in body
    assert 'href="/en/brossard/identity/document/"' in body
    assert body.count(">Start<") == 2  # not the counter
    assert "You have not asked to be verified here yet." in text(response)


@pytest.mark.parametrize("url", ["address/", "code/", "document/"])
def test_the_citizen_forms_send_visitors_to_log_in(client, brossard, url):
    response = client.get(f"/en/brossard/identity/{url}")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_claiming_an_address_by_the_page_then_entering_the_code(brossard, citizen, staff, address):
    client = client_for(citizen)

    response = client.post(
        "/en/brossard/identity/address/",
        {"civic_number": "1234", "street": "Rue principale", "postal_code": "j4w 2t5"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/en/brossard/identity/"
    status = text(client.get("/en/brossard/identity/"))
    assert "A letter with a code will be printed and mailed to you soon" in status
    [letter] = services.letters_print_batch(actor=staff, municipality=brossard)
    assert "Enter the code of my letter" in text(client.get("/en/brossard/identity/"))

    response = client.post("/en/brossard/identity/code/", {"code": letter.display_code})

    assert response.status_code == 302
    page = text(client.get("/en/brossard/identity/"))
    citizen_id = CitizenId.objects.get(user=citizen)
    assert f"You are a verified resident. Citizen id {citizen_id.number}" in page


def test_an_unknown_address_on_the_page_keeps_what_was_typed_and_stores_nothing(
    brossard, citizen, address, media
):
    before = identity_snapshot(media)

    response = client_for(citizen).post(
        "/en/brossard/identity/address/",
        {"civic_number": "99", "street": "rue Inconnue", "postal_code": "J4W 2T5"},
    )

    assert response.status_code == 400
    assert "is not in the civic registry of Brossard" in text(response)
    assert 'value="rue Inconnue"' in html(response)
    assert identity_snapshot(media) == before


def test_htmx_gets_only_the_form_back_with_its_error(brossard, citizen, address):
    response = client_for(citizen).post(
        "/en/brossard/identity/address/",
        {"civic_number": "99", "street": "rue Inconnue", "postal_code": "J4W 2T5"},
        **HTMX,
    )

    assert response.status_code == 200  # htmx swaps only successful answers
    body = html(response)
    assert body.lstrip().startswith('<div id="claim-form">')
    assert "<html" not in body
    assert "is not in the civic registry of Brossard" in text(response)


def test_a_successful_htmx_claim_redirects_the_browser(brossard, citizen, address):
    response = client_for(citizen).post(
        "/en/brossard/identity/address/",
        {"civic_number": "1234", "street": "rue Principale", "postal_code": "J4W2T5"},
        **HTMX,
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/en/brossard/identity/"


def test_a_wrong_code_on_the_page_says_how_many_attempts_are_left(brossard, citizen, address):
    letter_verification(citizen, brossard, address=address, code="ABCDEFGH")

    response = client_for(citizen).post("/en/brossard/identity/code/", {"code": "HGFE-DCBA"})

    assert response.status_code == 400
    assert "This is not the code of your letter. 4 attempts left." in text(response)
    assert Verification.objects.get().failed_attempts == 1


def test_a_reused_code_on_the_page_is_refused_clearly(brossard, citizen, address, media):
    letter_verification(citizen, brossard, address=address, code="ABCDEFGH")
    client = client_for(citizen)
    client.post("/en/brossard/identity/code/", {"code": "ABCDEFGH"})
    before = identity_snapshot(media)

    response = client.post("/en/brossard/identity/code/", {"code": "ABCDEFGH"})

    assert response.status_code == 400
    assert "This code has already been used" in text(response)
    assert identity_snapshot(media) == before


def test_sending_a_proof_of_address_by_the_page(brossard, citizen, media):
    client = client_for(citizen)

    response = client.post("/en/brossard/identity/document/", {"file": pdf_file()})

    assert response.status_code == 302
    assert len(media_files(media)) == 1
    assert "is waiting for review by municipal staff" in text(client.get("/en/brossard/identity/"))


def test_a_fake_pdf_on_the_page_is_refused_and_nothing_is_stored(brossard, citizen, media):
    before = identity_snapshot(media)

    response = client_for(citizen).post(
        "/en/brossard/identity/document/", {"file": text_renamed_pdf()}
    )

    assert response.status_code == 400
    assert "This file is not a PDF, JPEG or PNG document" in text(response)
    assert identity_snapshot(media) == before


def test_withdrawing_a_request_by_the_page(brossard, citizen, address):
    letter_verification(citizen, brossard, address=address)
    client = client_for(citizen)

    response = client.post("/en/brossard/identity/withdraw/")

    assert response.status_code == 302
    assert Verification.objects.get().status == Verification.Status.REFUSED
    assert "Withdrawn by the citizen." in text(client.get("/en/brossard/identity/"))


@pytest.mark.parametrize("language", ["fr", "en", "es"])
def test_the_citizen_pages_exist_in_the_three_languages(brossard, citizen, language):
    client = client_for(citizen)
    for url in ("", "address/", "code/", "document/"):
        response = client.get(f"/{language}/brossard/identity/{url}")
        assert response.status_code == 200
        assert f'<html lang="{language}">' in html(response)


# --- Staff: registry ----------------------------------------------------------------------------


def test_the_staff_nav_links_to_residency_verification(brossard, staff):
    response = client_for(staff).get("/en/brossard/staff/districts/")
    assert 'href="/en/brossard/staff/identity/"' in html(response)


def test_the_staff_overview_counts_what_waits(brossard, staff, address):
    letter_verification(UserFactory(), brossard, address=address)
    document_verification(UserFactory(), brossard)

    page = text(client_for(staff).get("/en/brossard/staff/identity/"))

    assert "1 address" in page
    assert "1 letter to print" in page
    assert "1 to review" in page


def test_the_registry_dry_run_lists_the_lines_to_correct(brossard, staff, media):
    before = identity_snapshot(media)
    data = "civic_number,street,postal_code\n1,rue A,J4W 2T5\n2,rue A,nope\n"

    response = client_for(staff).post(
        "/en/brossard/staff/identity/registry/", {"file": csv_file(data), "dry_run": "on"}
    )

    assert response.status_code == 200
    page = text(response)
    assert "2 lines read." in page
    assert "3 The postal code “nope” is not a Canadian postal code." in page
    assert identity_snapshot(media) == before


def test_a_registry_import_with_errors_is_refused_with_the_report(brossard, staff, media):
    before = identity_snapshot(media)
    data = "civic_number,street,postal_code\n1,rue A,J4W 2T5\n2,rue A,nope\n"

    response = client_for(staff).post(
        "/en/brossard/staff/identity/registry/", {"file": csv_file(data)}
    )

    assert response.status_code == 400
    page = text(response)
    assert "1 line is wrong; nothing was imported." in page
    assert "Lines to correct" in page
    assert identity_snapshot(media) == before


def test_a_clean_registry_is_imported_from_the_page(brossard, staff):
    data = "civic_number,street,postal_code\n1,rue A,J4W 2T5\n2,rue A,J4W 2T5\n"

    response = client_for(staff).post(
        "/en/brossard/staff/identity/registry/", {"file": csv_file(data)}, follow=True
    )

    assert response.status_code == 200
    assert "The registry was imported: 2 new, 0 updated." in text(response)
    assert CivicAddress.objects.filter(municipality=brossard).count() == 2


def test_the_registry_panel_is_swapped_by_htmx(brossard, staff):
    data = "civic_number,street,postal_code\n1,rue A,J4W 2T5\n"

    response = client_for(staff).post(
        "/en/brossard/staff/identity/registry/",
        {"file": csv_file(data), "dry_run": "on"},
        **HTMX,
    )

    body = html(response)
    assert body.lstrip().startswith('<div id="registry-panel">')
    assert "The file is correct. New addresses: 1; updated: 0." in text(response)


# --- Staff: letters -----------------------------------------------------------------------------


def test_printing_letters_shows_each_code_once_in_french_and_english(brossard, staff, address):
    people = [citizen_of(brossard, display_name=f"Résident {n}") for n in range(2)]
    for person in people:
        letter_verification(person, brossard, address=address)
    client = client_for(staff)

    response = client.post("/en/brossard/staff/identity/letters/", {"print_batch": "1"})

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = html(response)
    assert body.count('<article class="letter"') == 2
    assert body.count('<section lang="fr">') == 2 and body.count('<section lang="en">') == 2
    assert "break-after: page" in body
    assert "Résident 0" in body and "Résident 1" in body
    assert "1234 rue Principale" in body and "J4W 2T5" in body
    codes = re.findall(r'<p class="code">([A-Z2-9]{4}-[A-Z2-9]{4})</p>', body)
    assert len(codes) == 4 and len(set(codes)) == 2  # each code in both languages
    assert "http://testserver/fr/brossard/identity/code/" in body
    assert "http://testserver/en/brossard/identity/code/" in body
    for code in set(codes):
        assert not Verification.objects.filter(letter_code_hash__contains=code).exists()
    # Printed: the next batch is empty, and the page says so.
    again = client.post("/en/brossard/staff/identity/letters/", {"print_batch": "1"}, follow=True)
    assert "There is no letter to print." in text(again)


def test_letters_awaiting_their_code_can_be_printed_again(brossard, staff, address):
    verification = letter_verification(
        citizen_of(brossard), brossard, address=address, code="ABCDEFGH"
    )
    old_hash = verification.letter_code_hash
    client = client_for(staff)
    assert "ABCDEFGH" not in html(client.get("/en/brossard/staff/identity/letters/"))

    response = client.post(
        "/en/brossard/staff/identity/letters/",
        {"reprint_batch": "1", "reprint": [str(verification.pk)]},
    )

    assert response.status_code == 200
    assert html(response).count('<article class="letter"') == 1
    verification.refresh_from_db()
    assert verification.letter_code_hash != old_hash


# --- Staff: documents ---------------------------------------------------------------------------


def test_reviewing_a_document_from_the_queue_to_the_decision(
    brossard, staff, citizen, media, django_capture_on_commit_callbacks, caplog, settings
):
    verification = document_verification(citizen, brossard)
    # The proof is private: no URL, and nothing under the public media folder.
    with pytest.raises(ValueError):
        verification.document.url  # noqa: B018
    settings.MEDIA_ROOT = media / "public"
    caplog.set_level("INFO", logger="milieu.audit")
    client = client_for(staff)

    queue = client.get("/en/brossard/staff/identity/documents/")
    assert f"/en/brossard/staff/identity/documents/{verification.pk}/" in html(queue)
    detail = client.get(f"/en/brossard/staff/identity/documents/{verification.pk}/")
    assert "Open the document (new tab)" in text(detail)
    file = client.get(f"/en/brossard/staff/identity/documents/{verification.pk}/file/")
    assert file.status_code == 200
    assert file["Content-Type"] == "application/pdf"
    assert file["Cache-Control"] == "no-store"
    assert file["Content-Security-Policy"].startswith("sandbox")
    assert b"".join(file.streaming_content).startswith(b"%PDF-")
    # Staff seeing a person's proof of address is logged: who, whose, what.
    access = [r for r in caplog.records if r.getMessage() == "personal_data_access"]
    assert [(r.actor, r.subject, r.what) for r in access] == [
        (staff.pk, citizen.pk, "proof_of_address")
    ]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/brossard/staff/identity/documents/{verification.pk}/",
            {"decision": "approve", "reason": ""},
        )

    assert response.status_code == 302
    verification.refresh_from_db()
    assert verification.status == Verification.Status.APPROVED
    assert media_files(media) == []
    gone = client.get(f"/en/brossard/staff/identity/documents/{verification.pk}/file/")
    assert gone.status_code == 404


def test_refusing_a_document_without_a_reason_is_refused_on_the_page(
    brossard, staff, citizen, media
):
    verification = document_verification(citizen, brossard)
    before = identity_snapshot(media)

    response = client_for(staff).post(
        f"/en/brossard/staff/identity/documents/{verification.pk}/", {"decision": "refuse"}
    )

    assert response.status_code == 400
    assert "Say why the proof of address is refused." in text(response)
    assert identity_snapshot(media) == before


def test_another_municipality_document_is_not_found(brossard, staff):
    elsewhere = document_verification(UserFactory(), MunicipalityFactory())
    client = client_for(staff)
    for url in ("", "file/"):
        response = client.get(f"/en/brossard/staff/identity/documents/{elsewhere.pk}/{url}")
        assert response.status_code == 404


# --- Staff: counter -----------------------------------------------------------------------------


def test_verifying_a_resident_at_the_counter_by_email(brossard, staff, citizen):
    response = client_for(staff).post(
        "/en/brossard/staff/identity/counter/",
        {"verify": "1", "counter-email": "CAMILLE@example.org", "counter-note": "Lease"},
    )

    assert response.status_code == 302
    verification = Verification.objects.get(user=citizen)
    assert (verification.method, verification.status, verification.note) == (
        "counter",
        "approved",
        "Lease",
    )


def test_an_unknown_email_at_the_counter_is_refused(brossard, staff, media):
    before = identity_snapshot(media)

    response = client_for(staff).post(
        "/en/brossard/staff/identity/counter/",
        {"verify": "1", "counter-email": "nobody@example.org"},
    )

    assert response.status_code == 400
    assert "No account uses this email address." in text(response)
    assert identity_snapshot(media) == before


def test_an_assisted_account_without_consent_is_refused_on_the_page(brossard, staff, media):
    before = identity_snapshot(media)

    response = client_for(staff).post(
        "/en/brossard/staff/identity/counter/",
        {
            "create": "1",
            "assisted-display_name": "Jeanne Tremblay",
            "assisted-preferred_language": "fr",
        },
    )

    assert response.status_code == 400
    assert "The resident must agree to the creation of the account" in text(response)
    assert 'value="Jeanne Tremblay"' in html(response)
    assert identity_snapshot(media) == before


def test_creating_then_managing_an_assisted_account(brossard, staff):
    client = client_for(staff)

    response = client.post(
        "/en/brossard/staff/identity/counter/",
        {
            "create": "1",
            "assisted-display_name": "Jeanne Tremblay",
            "assisted-preferred_language": "fr",
            "assisted-consent": "on",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(display_name="Jeanne Tremblay")
    assert is_placeholder_email(user.email)
    counter = text(client.get("/en/brossard/staff/identity/counter/"))
    assert "Jeanne Tremblay none (cannot log in)" in counter
    edit = client.get(f"/en/brossard/staff/identity/counter/accounts/{user.pk}/")
    assert "has no email address and cannot log in" in text(edit)

    response = client.post(
        f"/en/brossard/staff/identity/counter/accounts/{user.pk}/",
        {"display_name": "Jeanne T.", "email": "jeanne@example.org"},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.email) == ("Jeanne T.", "jeanne@example.org")


def test_an_ordinary_account_cannot_be_managed_from_the_counter(brossard, staff, citizen):
    response = client_for(staff).get(f"/en/brossard/staff/identity/counter/accounts/{citizen.pk}/")
    assert response.status_code == 404


# --- Staff: decisions log -----------------------------------------------------------------------


def test_the_decisions_log_filters_and_revokes(brossard, staff, citizen):
    other = citizen_of(brossard, display_name="Dominique")
    counter = services.verification_at_counter(actor=staff, municipality=brossard, user=citizen)
    refused = document_verification(other, brossard)
    services.verification_decide_document(
        actor=staff, verification=refused, approve=False, reason="Blurry"
    )
    client = client_for(staff)

    page = text(client.get("/en/brossard/staff/identity/decisions/"))
    assert "Camille At the counter Approved Agent" in page
    assert "Dominique Proof of address Refused Agent" in page
    assert "Blurry" in page
    filtered = text(client.get("/en/brossard/staff/identity/decisions/?status=refused"))
    assert "Dominique" in filtered and "Camille" not in filtered
    partial = client.get("/en/brossard/staff/identity/decisions/?method=counter", **HTMX)
    assert html(partial).lstrip().startswith('<div id="decision-table">')
    assert "Camille" in text(partial) and "Dominique" not in text(partial)

    response = client.post(
        f"/en/brossard/staff/identity/decisions/{counter.pk}/revoke/", {"reason": "Moved"}
    )

    assert response.status_code == 302
    counter.refresh_from_db()
    assert (counter.status, counter.revoked_by) == ("revoked", staff)
    assert CitizenId.objects.get(verification=counter).revoked_at is not None


def test_revoking_without_a_reason_changes_nothing(brossard, staff, citizen, media):
    counter = services.verification_at_counter(actor=staff, municipality=brossard, user=citizen)
    before = identity_snapshot(media)

    response = client_for(staff).post(
        f"/en/brossard/staff/identity/decisions/{counter.pk}/revoke/", {"reason": ""}, follow=True
    )

    assert "Say why the verification is revoked." in text(response)
    assert identity_snapshot(media) == before


# --- Query counts -------------------------------------------------------------------------------


def _count(client: Client, url: str) -> int:
    cache.clear()  # measured cold: the visitor's access facts are read too
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        "/en/brossard/staff/identity/documents/",
        "/en/brossard/staff/identity/decisions/",
        "/en/brossard/staff/identity/letters/",
        "/en/brossard/staff/identity/counter/",
        "/en/brossard/staff/identity/",
    ],
)
def test_staff_list_pages_do_not_grow_their_queries_with_the_list(brossard, staff, url):
    client = client_for(staff)

    def add(n):
        for _n in range(n):
            services.verification_at_counter(
                actor=staff, municipality=brossard, user=citizen_of(brossard)
            )
            document_verification(UserFactory(), brossard)
            letter_verification(UserFactory(), brossard, code="ABCDEFGH")
            services.assisted_account_create(
                actor=staff, municipality=brossard, display_name="Assisted", consent=True
            )

    add(2)
    few = _count(client, url)
    add(10)
    many = _count(client, url)

    assert many == few
    assert few <= 9
