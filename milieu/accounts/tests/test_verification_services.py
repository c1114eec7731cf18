"""Residency verification, service by service: each method end to end, and every bad input
refused with a clear error that changes nothing."""

import time

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from milieu.accounts import selectors, services
from milieu.accounts.models import CitizenId, CivicAddress, Membership, Role, User, Verification
from milieu.accounts.selectors.verification import normalise_postal_code, street_key
from milieu.accounts.services.verification import (
    CODE_ALPHABET,
    is_placeholder_email,
    normalise_code,
)
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
from milieu.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from milieu.territory.tests.factories import DistrictFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db


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
def staff(brossard):
    return with_role(brossard, Role.STAFF, email="staff@example.org")


@pytest.fixture
def citizen(brossard):
    return citizen_of(brossard, email="camille@example.org", display_name="Camille")


# --- Normalising addresses ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Boul. Saint-Laurent", "boulevard saint laurent"),
        ("boulevard  st laurent", "boulevard saint laurent"),
        ("BD ST-LAURENT", "boulevard saint laurent"),
        ("Av. du Parc", "avenue du parc"),
        ("ave du parc", "avenue du parc"),
        ("Rue de l'Église", "rue de l eglise"),
        ("  rue   Sainte-Hélène ", "rue sainte helene"),
        ("rue Ste-Hélène", "rue sainte helene"),
        ("Main St.", "main street"),
        ("ch. du Lac-à-l'Œil", "chemin du lac a l oeil"),
    ],
)
def test_street_key_ignores_case_accents_spaces_and_abbreviations(typed, key):
    assert street_key(typed) == key


@pytest.mark.parametrize("typed", ["h0h 0h0", "H0H0H0", " h0h-0h0 ", "H0H\t0H0"])
def test_postal_codes_are_normalised(typed):
    assert normalise_postal_code(typed) == "H0H0H0"


# --- Civic registry -----------------------------------------------------------------------------

GOOD_CSV = (
    "civic_number,street,postal_code,district\n"
    "1234,boul. Saint-Laurent,j4w 2t5,Secteur A\n"
    "12 a,Rue de l'Église,J4W2T6,secteur-b\n"
    "5,rue Principale,J4W 2T7,\n"
)


def test_registry_import_creates_normalised_addresses_with_their_districts(brossard, staff):
    a = DistrictFactory(municipality=brossard, name="Secteur A", slug="secteur-a")
    b = DistrictFactory(municipality=brossard, name="Secteur B", slug="secteur-b")

    report = services.civic_registry_import(
        actor=staff, municipality=brossard, file=csv_file(GOOD_CSV)
    )

    assert (report.imported, report.rows, report.created, report.updated) == (True, 3, 3, 0)
    assert report.errors == []
    assert list(
        CivicAddress.objects.order_by("civic_number").values_list(
            "civic_number", "street", "street_key", "postal_code", "district_id"
        )
    ) == [
        ("1234", "boul. Saint-Laurent", "boulevard saint laurent", "J4W2T5", a.pk),
        ("12A", "Rue de l'Église", "rue de l eglise", "J4W2T6", b.pk),
        ("5", "rue Principale", "rue principale", "J4W2T7", None),
    ]


def test_registry_import_again_is_idempotent(brossard, staff):
    DistrictFactory(municipality=brossard, name="Secteur A", slug="secteur-a")
    DistrictFactory(municipality=brossard, name="Secteur B", slug="secteur-b")
    services.civic_registry_import(actor=staff, municipality=brossard, file=csv_file(GOOD_CSV))
    before = list(CivicAddress.objects.order_by("pk").values_list("pk", "civic_number", "street"))

    report = services.civic_registry_import(
        actor=staff,
        municipality=brossard,
        file=csv_file(GOOD_CSV + "7,rue Principale,J4W 2T7,\n"),
    )

    assert (report.created, report.updated) == (1, 3)
    after = list(CivicAddress.objects.order_by("pk").values_list("pk", "civic_number", "street"))
    assert after[:3] == before
    assert len(after) == 4


def test_registry_dry_run_reports_every_bad_line_by_number_and_imports_nothing(
    brossard, staff, media
):
    text = (
        "civic_number,street,postal_code,district\n"
        "10,rue Principale,J4W 2T5,\n"  # line 2: fine
        ",rue Principale,J4W 2T5,\n"  # line 3: no number
        "12,,J4W 2T5,\n"  # line 4: no street
        "14,rue Principale,ABC,\n"  # line 5: bad postal code
        "16,rue Principale,J4W 2T5,Nowhere\n"  # line 6: unknown district
        "\n"  # line 7: blank, skipped
        "10,Rue  PRINCIPALE,j4w2t5,\n"  # line 8: same as line 2
    )
    before = identity_snapshot(media)

    report = services.civic_registry_import(
        actor=staff, municipality=brossard, file=csv_file(text), dry_run=True
    )

    assert report.imported is False
    assert report.rows == 6
    assert [(e.line, e.messages) for e in report.errors] == [
        (3, ["The civic number is missing."]),
        (4, ["The street is missing."]),
        (5, ["The postal code “ABC” is not a Canadian postal code."]),
        (6, ["The district “Nowhere” does not exist in this municipality."]),
        (8, ["Same address as line 2."]),
    ]
    assert identity_snapshot(media) == before


def test_registry_import_of_a_file_with_a_bad_line_is_refused_whole(brossard, staff, media):
    text = "civic_number,street,postal_code\n10,rue Principale,J4W 2T5\n11,rue Principale,nope\n"
    before = identity_snapshot(media)

    with pytest.raises(ApplicationError) as caught:
        services.civic_registry_import(actor=staff, municipality=brossard, file=csv_file(text))

    assert caught.value.code == "validation"
    assert str(caught.value.message) == "1 line is wrong; nothing was imported."
    assert caught.value.extra["fields"]["file"] == [
        "Line 3: The postal code “nope” is not a Canadian postal code."
    ]
    assert caught.value.extra["report"].errors[0].line == 3
    assert identity_snapshot(media) == before


def test_registry_dry_run_of_a_clean_file_says_what_it_would_do(brossard, staff):
    CivicAddressFactory(
        municipality=brossard, civic_number="5", street="rue Principale", postal_code="J4W2T7"
    )
    text = "civic_number,street,postal_code\n5,Rue Principale,J4W 2T7\n6,rue Principale,J4W 2T7\n"

    report = services.civic_registry_import(
        actor=staff, municipality=brossard, file=csv_file(text), dry_run=True
    )

    assert (report.ok, report.imported, report.created, report.updated) == (True, False, 1, 1)
    assert CivicAddress.objects.count() == 1


def test_registry_reads_semicolons_windows_1252_and_french_headers(brossard, staff):
    text = "Numéro civique;Rue;Code postal\n8;Montée Saint-François;H7A 1A1\n"

    report = services.civic_registry_import(
        actor=staff, municipality=brossard, file=csv_file(text, encoding="cp1252")
    )

    assert report.created == 1
    address = CivicAddress.objects.get()
    assert (address.street, address.street_key) == (
        "Montée Saint-François",
        "montee saint francois",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty."),
        ("street,postal_code\nrue A,H0H0H0\n", "The first line must name the columns"),
        ("civic_number,street,postal_code\n", "The file has no address under its first line."),
        ("%PDF-1.4\x00\x00binary", "This is not a CSV text file."),
    ],
)
def test_registry_refuses_a_file_that_is_not_a_registry(brossard, staff, text, message):
    with pytest.raises(ApplicationError) as caught:
        services.civic_registry_import(actor=staff, municipality=brossard, file=csv_file(text))
    assert str(caught.value.message).startswith(message)
    assert CivicAddress.objects.count() == 0


def test_registry_import_of_50000_lines_takes_seconds(brossard, staff):
    lines = ["civic_number,street,postal_code"]
    lines += [f"{n},rue des Érables {n % 400},J4W {n % 10}T{n % 7}" for n in range(1, 50_001)]
    start = time.monotonic()

    report = services.civic_registry_import(
        actor=staff, municipality=brossard, file=csv_file("\n".join(lines))
    )

    elapsed = time.monotonic() - start
    assert (report.rows, report.created, report.errors) == (50_000, 50_000, [])
    assert CivicAddress.objects.filter(municipality=brossard).count() == 50_000
    assert elapsed < 30, f"{elapsed:.1f} s"


def test_registry_import_needs_staff_with_mfa_of_that_municipality(brossard):
    other = MunicipalityFactory()
    for actor in (
        citizen_of(brossard),
        with_role(brossard, Role.STAFF, mfa=False),
        with_role(other, Role.STAFF),
    ):
        with pytest.raises(PermissionDenied):
            services.civic_registry_import(
                actor=actor, municipality=brossard, file=csv_file(GOOD_CSV)
            )
    assert CivicAddress.objects.count() == 0


# --- Registry match and letter ------------------------------------------------------------------


@pytest.fixture
def address(brossard):
    return CivicAddressFactory(
        municipality=brossard,
        civic_number="1234",
        street="boulevard Saint-Laurent",
        postal_code="J4W2T5",
    )


@pytest.mark.parametrize(
    ("civic_number", "street", "postal_code"),
    [
        ("1234", "boulevard Saint-Laurent", "J4W2T5"),
        (" 1234 ", "Boul. St-Laurent", "j4w 2t5"),
        ("1234", "saint laurent", "J4W-2T5"),  # without the street type
    ],
)
def test_claiming_a_registry_address_waits_for_a_letter_without_any_code(
    brossard, citizen, address, civic_number, street, postal_code
):
    verification = services.verification_claim_address(
        actor=citizen,
        municipality=brossard,
        civic_number=civic_number,
        street=street,
        postal_code=postal_code,
    )

    assert verification.method == "registry_letter"
    assert verification.status == Verification.Status.PENDING
    assert verification.address == address
    assert verification.letter_code_hash == ""
    assert verification.letter_printed_at is None


def test_claiming_an_unknown_address_is_refused_and_stores_nothing(
    brossard, citizen, address, media
):
    before = identity_snapshot(media)

    with pytest.raises(ApplicationError) as caught:
        services.verification_claim_address(
            actor=citizen,
            municipality=brossard,
            civic_number="1236",
            street="boulevard Saint-Laurent",
            postal_code="J4W 2T5",
        )

    assert caught.value.code == "unknown_address"
    assert "is not in the civic registry of Brossard" in str(caught.value.message)
    assert identity_snapshot(media) == before


def test_another_municipality_registry_does_not_count(brossard, citizen):
    CivicAddressFactory(civic_number="1", street="rue A", postal_code="J4W2T5")  # elsewhere
    with pytest.raises(ApplicationError) as caught:
        services.verification_claim_address(
            actor=citizen,
            municipality=brossard,
            civic_number="1",
            street="rue A",
            postal_code="J4W2T5",
        )
    assert caught.value.code == "unknown_address"


def test_claiming_with_a_malformed_postal_code_says_which_field(brossard, citizen, address):
    with pytest.raises(ApplicationError) as caught:
        services.verification_claim_address(
            actor=citizen, municipality=brossard, civic_number="", street="", postal_code="12345"
        )
    assert caught.value.extra["fields"] == {
        "civic_number": ["This field is required."],
        "street": ["This field is required."],
        "postal_code": ["Enter a postal code such as H0H 0H0."],
    }
    assert Verification.objects.count() == 0


def test_claiming_twice_is_refused_while_a_verification_is_pending(
    brossard, citizen, address, media
):
    claim = {"civic_number": "1234", "street": "boulevard Saint-Laurent", "postal_code": "J4W2T5"}
    services.verification_claim_address(actor=citizen, municipality=brossard, **claim)
    before = identity_snapshot(media)

    with pytest.raises(Conflict):
        services.verification_claim_address(actor=citizen, municipality=brossard, **claim)

    assert identity_snapshot(media) == before


def test_printing_draws_the_codes_and_stores_only_their_hmac(brossard, staff, address):
    people = [citizen_of(brossard) for _n in range(3)]
    for person in people:
        letter_verification(person, brossard, address=address)
    already = letter_verification(UserFactory(), brossard, code="ABCDEFGH")

    letters = services.letters_print_batch(actor=staff, municipality=brossard)

    assert sorted(letter.verification.user_id for letter in letters) == [p.pk for p in people]
    for letter in letters:
        assert len(letter.code) == 8
        assert set(letter.code) <= set(CODE_ALPHABET)
        assert not set(letter.code) & set("01OI")
        assert letter.display_code == f"{letter.code[:4]}-{letter.code[4:]}"
        row = Verification.objects.filter(pk=letter.verification.pk).values().get()
        assert row["letter_code_hash"].startswith("hmac-sha256$")
        assert row["letter_printed_at"] is not None
        # The clear code is nowhere in the row.
        assert not any(letter.code in str(value) for value in row.values())
    assert len({letter.code for letter in letters}) == 3
    already.refresh_from_db()
    assert already.letter_code_hash != ""  # not printed again
    assert services.letters_print_batch(actor=staff, municipality=brossard) == []


def test_printing_again_draws_a_new_code_and_the_old_one_stops_working(brossard, staff, citizen):
    verification = letter_verification(citizen, brossard)
    [first] = services.letters_print_batch(actor=staff, municipality=brossard)

    [second] = services.letters_print_batch(
        actor=staff, municipality=brossard, verification_ids=[verification.pk]
    )

    assert second.code != first.code
    with pytest.raises(ApplicationError) as caught:
        services.verification_enter_code(actor=citizen, municipality=brossard, code=first.code)
    assert caught.value.code == "wrong_code"
    services.verification_enter_code(actor=citizen, municipality=brossard, code=second.code)
    verification.refresh_from_db()
    assert verification.status == Verification.Status.APPROVED


def test_a_batch_holds_only_this_municipality_letters(brossard, staff):
    other = MunicipalityFactory()
    letter_verification(UserFactory(), other)
    mine = letter_verification(UserFactory(), brossard)

    letters = services.letters_print_batch(actor=staff, municipality=brossard)

    assert [letter.verification.pk for letter in letters] == [mine.pk]
    with pytest.raises(PermissionDenied):
        services.letters_print_batch(actor=staff, municipality=other)


def test_registry_letter_end_to_end(brossard, staff, citizen, address):
    services.verification_claim_address(
        actor=citizen,
        municipality=brossard,
        civic_number="1234",
        street="Boul. St-Laurent",
        postal_code="j4w 2t5",
    )
    [letter] = services.letters_print_batch(actor=staff, municipality=brossard)

    verification = services.verification_enter_code(
        actor=citizen, municipality=brossard, code=letter.display_code.lower()
    )

    assert verification.status == Verification.Status.APPROVED
    assert verification.decided_by is None
    assert verification.decided_at is not None
    citizen_id = CitizenId.objects.get(user=citizen, municipality=brossard)
    assert citizen_id.verification_id == verification.pk
    assert citizen_id.number.startswith(f"BRO-{timezone.now().year}-")
    assert Membership.objects.get(user=citizen, municipality=brossard).is_home


def test_a_wrong_code_counts_one_attempt_and_changes_nothing_else(
    brossard, citizen, address, media
):
    verification = letter_verification(citizen, brossard, address=address, code="ABCDEFGH")
    before = identity_snapshot(media)

    with pytest.raises(ApplicationError) as caught:
        services.verification_enter_code(actor=citizen, municipality=brossard, code="ABCDEFGJ")

    assert caught.value.code == "wrong_code"
    assert str(caught.value.message) == "This is not the code of your letter. 4 attempts left."
    verification.refresh_from_db()
    assert verification.failed_attempts == 1
    assert verification.status == Verification.Status.PENDING
    Verification.objects.filter(pk=verification.pk).update(failed_attempts=0)
    assert identity_snapshot(media) == before


def test_the_fifth_wrong_code_cancels_the_letter(brossard, citizen, address):
    verification = letter_verification(citizen, brossard, address=address, code="ABCDEFGH")
    codes = []
    for _n in range(5):
        with pytest.raises(ApplicationError) as caught:
            services.verification_enter_code(actor=citizen, municipality=brossard, code="ZZZZZZZZ")
        codes.append(caught.value.code)

    assert codes == ["wrong_code"] * 4 + ["too_many_attempts"]
    verification.refresh_from_db()
    assert verification.status == Verification.Status.REFUSED
    assert verification.failed_attempts == 5
    # Even the right code no longer works: the citizen asks for a new letter.
    with pytest.raises(ApplicationError) as caught:
        services.verification_enter_code(actor=citizen, municipality=brossard, code="ABCDEFGH")
    assert caught.value.code == "code_expired"
    assert not CitizenId.objects.exists()


def test_a_reused_letter_code_is_refused_and_changes_nothing(brossard, citizen, address, media):
    letter_verification(citizen, brossard, address=address, code="ABCDEFGH")
    services.verification_enter_code(actor=citizen, municipality=brossard, code="ABCD-EFGH")
    before = identity_snapshot(media)

    with pytest.raises(Conflict) as caught:
        services.verification_enter_code(actor=citizen, municipality=brossard, code="ABCDEFGH")

    assert caught.value.code == "code_used"
    assert "already been used" in str(caught.value.message)
    assert identity_snapshot(media) == before


def test_an_old_code_does_not_count_against_a_new_letter(brossard, staff, citizen, address, media):
    old = letter_verification(citizen, brossard, address=address, code="ABCDEFGH")
    services.verification_enter_code(actor=citizen, municipality=brossard, code="ABCDEFGH")
    services.verification_revoke(actor=staff, verification=old, reason="Moved away")
    letter_verification(citizen, brossard, address=address, code="HGFEDCBA")
    before = identity_snapshot(media)

    with pytest.raises(Conflict) as caught:
        services.verification_enter_code(actor=citizen, municipality=brossard, code="ABCDEFGH")

    assert caught.value.code == "code_used"
    assert identity_snapshot(media) == before


@pytest.mark.parametrize(
    ("code", "expected"),
    [("ABC", "validation"), ("ABCDEFG0", "validation"), ("ABCDEFGH", "letter_not_sent")],
)
def test_a_code_before_the_letter_or_malformed_is_refused_without_counting(
    brossard, citizen, address, code, expected
):
    verification = letter_verification(citizen, brossard, address=address)

    with pytest.raises(ApplicationError) as caught:
        services.verification_enter_code(actor=citizen, municipality=brossard, code=code)

    assert caught.value.code == expected
    verification.refresh_from_db()
    assert verification.failed_attempts == 0


def test_a_code_without_any_letter_is_refused(brossard, citizen):
    with pytest.raises(ApplicationError) as caught:
        services.verification_enter_code(actor=citizen, municipality=brossard, code="ABCDEFGH")
    assert caught.value.code == "no_letter"


def test_codes_are_read_as_typed():
    assert normalise_code(" abcd-efgh ") == "ABCDEFGH"


# --- Proof of address ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "extension"),
    [
        (pdf_file, "pdf"),
        (lambda: image_file("PNG", "scan.png"), "png"),
        (lambda: image_file("JPEG", "photo.jpeg"), "jpg"),
    ],
)
def test_a_proof_of_address_is_stored_under_a_random_name(
    brossard, citizen, media, make, extension
):
    verification = services.verification_submit_document(
        actor=citizen, municipality=brossard, file=make()
    )

    assert verification.method == "document"
    assert verification.status == Verification.Status.PENDING
    name = verification.document.name
    assert name.startswith("verification/") and name.endswith(f".{extension}")
    assert "proof" not in name and "scan" not in name and "photo" not in name
    assert media_files(media) == [name]


def test_document_approved_end_to_end_and_the_file_is_gone(
    brossard, staff, citizen, media, django_capture_on_commit_callbacks
):
    verification = services.verification_submit_document(
        actor=citizen, municipality=brossard, file=pdf_file()
    )
    name = verification.document.name
    assert (media / name).exists()

    with django_capture_on_commit_callbacks(execute=True):
        decided = services.verification_decide_document(
            actor=staff, verification=verification, approve=True, reason=""
        )

    assert decided.status == Verification.Status.APPROVED
    assert decided.decided_by == staff
    assert decided.document.name == ""
    assert not (media / name).exists()
    assert media_files(media) == []
    assert CitizenId.objects.filter(user=citizen, verification=decided).exists()


def test_document_refused_with_a_reason_and_the_file_is_gone(
    brossard, staff, citizen, media, django_capture_on_commit_callbacks
):
    verification = services.verification_submit_document(
        actor=citizen, municipality=brossard, file=image_file()
    )

    with django_capture_on_commit_callbacks(execute=True):
        decided = services.verification_decide_document(
            actor=staff, verification=verification, approve=False, reason="  Name not shown  "
        )

    assert (decided.status, decided.note, decided.decided_by) == (
        Verification.Status.REFUSED,
        "Name not shown",
        staff,
    )
    assert media_files(media) == []
    assert not CitizenId.objects.exists()


def test_refusing_without_a_reason_is_refused_and_keeps_the_file(brossard, staff, citizen, media):
    verification = document_verification(citizen, brossard)
    before = identity_snapshot(media)

    with pytest.raises(ApplicationError) as caught:
        services.verification_decide_document(
            actor=staff, verification=verification, approve=False, reason="  "
        )

    assert caught.value.extra["fields"] == {"reason": ["Say why the proof of address is refused."]}
    assert identity_snapshot(media) == before


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: pdf_file(size=5 * 1024 * 1024 + 1), "The file is larger than 5 MB"),
        (text_renamed_pdf, "This file is not a PDF, JPEG or PNG document"),
        (
            lambda: SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\nnot really an image"),
            "This file is not a PDF, JPEG or PNG document",
        ),
    ],
)
def test_an_oversized_or_fake_document_is_refused_and_nothing_is_stored(
    brossard, citizen, media, make, message
):
    before = identity_snapshot(media)

    with pytest.raises(ApplicationError) as caught:
        services.verification_submit_document(actor=citizen, municipality=brossard, file=make())

    assert str(caught.value.extra["fields"]["file"][0]).startswith(message)
    assert identity_snapshot(media) == before
    assert media_files(media) == []


def test_a_document_while_a_letter_is_pending_is_refused_and_nothing_is_stored(
    brossard, citizen, media
):
    letter_verification(citizen, brossard)
    before = identity_snapshot(media)

    with pytest.raises(Conflict):
        services.verification_submit_document(actor=citizen, municipality=brossard, file=pdf_file())

    assert identity_snapshot(media) == before


def test_staff_cannot_decide_their_own_proof_of_address(brossard, staff, media):
    verification = document_verification(staff, brossard)
    before = identity_snapshot(media)

    with pytest.raises(PermissionDenied):
        services.verification_decide_document(
            actor=staff, verification=verification, approve=True, reason=""
        )

    assert identity_snapshot(media) == before


def test_a_decided_document_cannot_be_decided_again(brossard, staff, citizen):
    verification = document_verification(citizen, brossard)
    services.verification_decide_document(
        actor=staff, verification=verification, approve=False, reason="Blurry"
    )

    with pytest.raises(Conflict):
        services.verification_decide_document(
            actor=staff, verification=verification, approve=True, reason=""
        )


def test_staff_of_another_municipality_cannot_decide(brossard, citizen, media):
    verification = document_verification(citizen, brossard)
    other_staff = with_role(MunicipalityFactory(), Role.STAFF)
    before = identity_snapshot(media)

    with pytest.raises(PermissionDenied):
        services.verification_decide_document(
            actor=other_staff, verification=verification, approve=True, reason=""
        )

    assert identity_snapshot(media) == before


def test_withdrawing_a_pending_document_deletes_it(
    brossard, citizen, media, django_capture_on_commit_callbacks
):
    services.verification_submit_document(actor=citizen, municipality=brossard, file=pdf_file())

    with django_capture_on_commit_callbacks(execute=True):
        withdrawn = services.verification_withdraw(actor=citizen, municipality=brossard)

    assert withdrawn.status == Verification.Status.REFUSED
    assert withdrawn.note == "Withdrawn by the citizen."
    assert media_files(media) == []
    with pytest.raises(NotFound):
        services.verification_withdraw(actor=citizen, municipality=brossard)


# --- At the counter -----------------------------------------------------------------------------


def test_counter_verification_issues_the_citizen_id(brossard, staff, citizen):
    verification = services.verification_at_counter(
        actor=staff, municipality=brossard, user=citizen, note="Lease seen"
    )

    assert (verification.method, verification.status, verification.decided_by) == (
        "counter",
        Verification.Status.APPROVED,
        staff,
    )
    assert verification.note == "Lease seen"
    assert CitizenId.objects.filter(user=citizen, verification=verification).exists()


def test_counter_verification_replaces_a_pending_document_and_deletes_it(
    brossard, staff, citizen, media, django_capture_on_commit_callbacks
):
    pending = document_verification(citizen, brossard)

    with django_capture_on_commit_callbacks(execute=True):
        services.verification_at_counter(actor=staff, municipality=brossard, user=citizen)

    pending.refresh_from_db()
    assert pending.status == Verification.Status.REFUSED
    assert pending.note == "Replaced by a verification at the counter."
    assert media_files(media) == []


def test_staff_cannot_verify_themselves_at_the_counter(brossard, staff, media):
    before = identity_snapshot(media)
    with pytest.raises(PermissionDenied):
        services.verification_at_counter(actor=staff, municipality=brossard, user=staff)
    assert identity_snapshot(media) == before


def test_an_assisted_account_without_email_is_verified_and_cannot_log_in(brossard, staff):
    user = services.assisted_account_create(
        actor=staff,
        municipality=brossard,
        display_name="  Jeanne   Tremblay ",
        consent=True,
        note="Hydro bill seen",
    )

    assert user.display_name == "Jeanne Tremblay"
    assert is_placeholder_email(user.email)
    assert not user.has_usable_password()
    assert not EmailAddress.objects.filter(user=user).exists()
    assert user.preferred_language == "fr"
    verification = Verification.objects.get(user=user)
    assert (verification.method, verification.status, verification.decided_by) == (
        "counter",
        Verification.Status.APPROVED,
        staff,
    )
    assert verification.consent_recorded_at is not None
    assert CitizenId.objects.filter(user=user, municipality=brossard).exists()
    assert Membership.objects.get(user=user).is_home
    assert authenticate(email=user.email, password="") is None
    assert authenticate(email=user.email, password="!") is None


def test_an_assisted_account_with_email_waits_for_its_owner_to_confirm_it(brossard, staff):
    user = services.assisted_account_create(
        actor=staff,
        municipality=brossard,
        display_name="Jeanne",
        consent=True,
        email="Jeanne@Example.org",
        preferred_language="en",
    )

    assert user.email == "jeanne@example.org"
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified")) == [
        ("jeanne@example.org", False)
    ]
    assert user.preferred_language == "en"


def test_an_assisted_account_without_consent_is_refused_and_nothing_is_created(
    brossard, staff, media
):
    before = identity_snapshot(media)

    with pytest.raises(ApplicationError) as caught:
        services.assisted_account_create(
            actor=staff, municipality=brossard, display_name="Jeanne", consent=False
        )

    assert list(caught.value.extra["fields"]) == ["consent"]
    assert identity_snapshot(media) == before


def test_an_assisted_account_with_an_email_already_used_is_refused(brossard, staff, citizen, media):
    before = identity_snapshot(media)

    with pytest.raises(ApplicationError) as caught:
        services.assisted_account_create(
            actor=staff,
            municipality=brossard,
            display_name="Jeanne",
            consent=True,
            email="CAMILLE@example.org",
        )

    assert list(caught.value.extra["fields"]) == ["email"]
    assert identity_snapshot(media) == before


def test_staff_manage_an_assisted_account_until_its_owner_takes_it_over(brossard, staff):
    user = services.assisted_account_create(
        actor=staff, municipality=brossard, display_name="Jeanne", consent=True
    )

    services.assisted_account_update(
        actor=staff,
        municipality=brossard,
        user=user,
        display_name="Jeanne T.",
        email="jeanne@example.org",
    )

    user.refresh_from_db()
    assert (user.display_name, user.email) == ("Jeanne T.", "jeanne@example.org")
    assert EmailAddress.objects.get(user=user).email == "jeanne@example.org"
    assert list(selectors.assisted_account_list(visible_to=staff, municipality=brossard)) == [user]

    # The resident chooses a password ("Forgot your password?"): from now on only they manage it.
    user.set_password("a-password-of-her-own")
    user.save()
    with pytest.raises(PermissionDenied):
        services.assisted_account_update(
            actor=staff, municipality=brossard, user=user, email="attacker@example.org"
        )
    user.refresh_from_db()
    assert user.email == "jeanne@example.org"
    assert list(selectors.assisted_account_list(visible_to=staff, municipality=brossard)) == []


def test_removing_the_email_of_an_assisted_account_stops_its_login(brossard, staff):
    user = services.assisted_account_create(
        actor=staff,
        municipality=brossard,
        display_name="Jeanne",
        consent=True,
        email="jeanne@example.org",
    )

    services.assisted_account_update(actor=staff, municipality=brossard, user=user, email="")

    user.refresh_from_db()
    assert is_placeholder_email(user.email)
    assert not EmailAddress.objects.filter(user=user).exists()


def test_staff_cannot_change_an_ordinary_account_or_another_city_assisted_account(
    brossard, staff, citizen
):
    other = MunicipalityFactory()
    other_staff = with_role(other, Role.STAFF)
    assisted = services.assisted_account_create(
        actor=other_staff, municipality=other, display_name="Paul", consent=True
    )

    with pytest.raises(NotFound):
        services.assisted_account_update(
            actor=staff, municipality=brossard, user=citizen, email="x@example.org"
        )
    with pytest.raises(NotFound):
        services.assisted_account_update(
            actor=staff, municipality=brossard, user=assisted, display_name="Pirate"
        )
    with pytest.raises(PermissionDenied):
        services.assisted_account_update(
            actor=staff, municipality=other, user=assisted, display_name="Pirate"
        )
    assisted.refresh_from_db()
    assert assisted.display_name == "Paul"


# --- Staff reads --------------------------------------------------------------------------------


def test_the_decisions_log_says_who_when_how_and_filters(brossard, staff, citizen):
    counter_user = citizen_of(brossard)
    services.verification_at_counter(actor=staff, municipality=brossard, user=counter_user)
    refused = document_verification(citizen, brossard)
    services.verification_decide_document(
        actor=staff, verification=refused, approve=False, reason="Blurry"
    )
    document_verification(UserFactory(), brossard)  # pending: not a decision

    log = selectors.decision_log(visible_to=staff, municipality=brossard)

    assert [(v.user, v.method, v.status, v.decided_by) for v in log] == [
        (citizen, "document", "refused", staff),
        (counter_user, "counter", "approved", staff),
    ]
    assert [
        v.user
        for v in selectors.decision_log(visible_to=staff, municipality=brossard, method="counter")
    ] == [counter_user]
    assert [
        v.user
        for v in selectors.decision_log(visible_to=staff, municipality=brossard, status="refused")
    ] == [citizen]
    with pytest.raises(PermissionDenied):
        selectors.decision_log(visible_to=citizen, municipality=brossard)


def test_the_document_queue_is_oldest_first_and_of_this_municipality(brossard, staff):
    first = document_verification(UserFactory(), brossard)
    second = document_verification(UserFactory(), brossard)
    document_verification(UserFactory(), MunicipalityFactory())

    assert list(selectors.document_queue(visible_to=staff, municipality=brossard)) == [
        first,
        second,
    ]


def test_assisted_users_get_no_real_address():
    assert is_placeholder_email("0a1b@assisted.invalid")
    assert not is_placeholder_email("someone@example.org")
    assert not User.objects.exists()
