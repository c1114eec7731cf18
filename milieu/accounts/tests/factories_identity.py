"""Factories and helpers for the residency-verification tests."""

import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from milieu.accounts.models import CivicAddress, Verification
from milieu.accounts.selectors.verification import street_key
from milieu.accounts.services.verification import _code_hash
from milieu.accounts.verification import DOCUMENT, REGISTRY_LETTER
from milieu.territory.tests.factories import MunicipalityFactory


class CivicAddressFactory(factory.django.DjangoModelFactory[CivicAddress]):
    class Meta:
        model = CivicAddress

    municipality = factory.SubFactory(MunicipalityFactory)
    civic_number = factory.Sequence(lambda n: str(100 + n))
    street = "rue Principale"
    street_key = factory.LazyAttribute(lambda o: street_key(o.street))
    postal_code = "J4W2T5"


def letter_verification(user, municipality, *, address=None, code: str | None = None, **extra):
    """A pending letter verification; with `code`, its letter is printed with that code."""
    address = address or CivicAddressFactory(municipality=municipality)
    verification = Verification.objects.create(
        user=user, municipality=municipality, method=REGISTRY_LETTER, address=address, **extra
    )
    if code is not None:
        from django.utils import timezone

        verification.letter_code_hash = _code_hash(verification.pk, code)
        verification.letter_printed_at = timezone.now()
        verification.save(update_fields=["letter_code_hash", "letter_printed_at"])
    return verification


def document_verification(user, municipality, **extra) -> Verification:
    """A pending proof-of-address verification with a stored PDF."""
    verification = Verification.objects.create(
        user=user, municipality=municipality, method=DOCUMENT, **extra
    )
    verification.document.save("proof.pdf", pdf_file(), save=True)
    return verification


def csv_file(text: str, name: str = "registry.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def pdf_file(size: int = 0, name: str = "proof.pdf") -> SimpleUploadedFile:
    """A minimal PDF (header and trailer), padded to `size` bytes when given."""
    body = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
    trailer = b"\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    padding = max(0, size - len(body) - len(trailer))
    return SimpleUploadedFile(name, body + b"%" * padding + trailer, content_type="application/pdf")


def image_file(kind: str = "PNG", name: str = "proof.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(buffer, kind)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{kind.lower()}")


def text_renamed_pdf() -> SimpleUploadedFile:
    """A text file that claims to be a PDF by its name and declared type."""
    return SimpleUploadedFile(
        "proof.pdf", b"I really live here, trust me.\n", content_type="application/pdf"
    )


def media_files(root) -> list[str]:
    """Every file under the media folders (public and private), relative, sorted."""
    from pathlib import Path

    base = Path(root)
    return sorted(str(p.relative_to(base)) for p in base.rglob("*") if p.is_file())


def identity_snapshot(media_root=None) -> tuple:
    """Everything residency verification can change, to prove a refusal changed nothing."""
    from allauth.account.models import EmailAddress

    from milieu.accounts.models import CitizenId, Membership, User

    return (
        list(
            CivicAddress.objects.order_by("pk").values_list(
                "pk", "municipality_id", "civic_number", "street", "postal_code", "district_id"
            )
        ),
        list(Verification.objects.order_by("pk").values()),
        list(CitizenId.objects.order_by("pk").values()),
        list(
            User.objects.order_by("pk").values_list(
                "pk", "email", "display_name", "password", "is_active"
            )
        ),
        list(EmailAddress.objects.order_by("pk").values_list("pk", "user_id", "email", "verified")),
        list(Membership.objects.order_by("pk").values_list("pk", "user_id", "municipality_id")),
        media_files(media_root) if media_root is not None else [],
    )
