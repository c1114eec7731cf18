"""A listing's photos: re-encoded without EXIF or GPS data (a photo of a drill in a garage must
not tell where the garage is), four at most, refused with a clear error that loses nothing,
served only to those who may see the listing, in the pages and the API."""

import io
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from PIL import ExifTags, Image

from milieu.accounts.tests.factories import citizen_of
from milieu.community import handles
from milieu.community.services import people
from milieu.core import geo
from milieu.core.errors import ApplicationError, NotFound
from milieu.core.pictures import Upload, thumbnail_name
from milieu.core.testing import camera_photo, client_for, jpeg_bytes, upload_file
from milieu.exchange import services
from milieu.exchange.models import Listing, ListingPhoto

from .factories import CENTRE, category, listing, town

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def _limits_off(still_clock):
    """Rate limits are counted on a stopped clock; no test here fills them."""


def files(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def page(name: str, municipality, *args, language: str = "fr") -> str:
    with translation.override(language):
        return reverse(f"exchange:{name}", args=[municipality.slug, *args])


def form(municipality, **fields) -> dict:
    values = {
        "kind": "lend",
        "category": "power-tools",
        "title": "Perceuse à percussion",
        "description": "Avec un coffret de mèches.",
        "condition": "good",
        "terms": "free",
        "loan_max_days": "7",
    }
    values["place"] = f"district-{municipality.districts.first().pk}"
    values.update(fields)
    return values


def t(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


# --- The service ----------------------------------------------------------------------------------


def test_a_photo_is_kept_upright_without_exif_or_gps(here, owner, private_media):
    drill = listing(owner, here)
    [photo] = services.listing_photos_change(
        actor=owner,
        listing=drill,
        uploads=[Upload(file=upload_file(camera_photo()), alt_text="La perceuse")],
    )

    assert (photo.width, photo.height, photo.alt_text) == (40, 60, "La perceuse")
    assert photo.image.name.startswith("exchange/listings/")
    for name in (photo.image.name, thumbnail_name(photo.image.name)):
        raw = (private_media / name).read_bytes()
        assert b"PhoneMaker" not in raw and b"Serial 123456" not in raw
        with Image.open(io.BytesIO(raw)) as kept:
            assert kept.size == (40, 60)
            assert not kept.getexif().get_ifd(ExifTags.IFD.GPSInfo)
            assert len(kept.getexif()) == 0


def test_a_listing_has_at_most_four_photos_and_a_fifth_keeps_nothing(here, owner, private_media):
    drill = listing(owner, here, photos=4)
    before = files(private_media)
    with translation.override("en"), pytest.raises(ApplicationError) as refused:
        services.listing_photos_change(
            actor=owner, listing=drill, uploads=[Upload(file=upload_file())]
        )

    assert refused.value.extra["fields"] == {"images": ["A listing has at most 4 photos."]}
    assert drill.photos.count() == 4
    assert files(private_media) == before


def test_a_file_that_is_not_a_picture_refuses_the_whole_listing(here, owner, private_media):
    pdf = upload_file(b"%PDF-1.4 not a picture", name="plan.pdf")
    with pytest.raises(ApplicationError) as refused:
        services.listing_create(
            actor=owner,
            municipality=here,
            uploads=[Upload(file=upload_file()), Upload(file=pdf, field="image_2")],
            kind="lend",
            category=category("power-tools"),
            title="Avec un plan",
            condition="good",
            terms="free",
            loan_max_days=7,
            cell=geo.cell_at(*CENTRE),
        )

    assert "image_2" in refused.value.extra["fields"]
    assert not Listing.objects.exists()
    assert not ListingPhoto.objects.exists()
    assert files(private_media) == []


def test_only_the_owner_changes_the_photos(here, owner, reader):
    drill = listing(owner, here, photos=1)
    [photo] = drill.photos.all()
    with pytest.raises(ApplicationError):
        services.listing_photos_change(actor=reader, listing=drill, remove_ids=[photo.pk])
    with pytest.raises(ApplicationError):
        services.listing_photos_change(
            actor=reader, listing=drill, uploads=[Upload(file=upload_file())]
        )

    assert list(drill.photos.all()) == [photo]


def test_a_photo_of_another_listing_is_not_found(here, owner):
    drill = listing(owner, here, photos=1)
    saw = listing(owner, here, title="Scie", photos=1)
    [other] = saw.photos.all()
    with pytest.raises(NotFound):
        services.listing_photos_change(actor=owner, listing=drill, remove_ids=[other.pk])

    assert saw.photos.count() == 1


def test_removing_a_photo_removes_its_files_after_the_commit(
    here, owner, private_media, django_capture_on_commit_callbacks
):
    drill = listing(owner, here, photos=2)
    first, second = drill.photos.all()
    with django_capture_on_commit_callbacks(execute=True):
        added = services.listing_photos_change(
            actor=owner,
            listing=drill,
            remove_ids=[first.pk],
            alt_texts={second.pk: "Le coffret"},
            uploads=[Upload(file=upload_file(), alt_text="La batterie")],
        )

    assert [(p.pk, p.alt_text) for p in drill.photos.all()] == [
        (second.pk, "Le coffret"),
        (added[0].pk, "La batterie"),
    ]
    assert added[0].position == second.position + 1
    assert not (private_media / first.image.name).exists()
    assert not (private_media / thumbnail_name(first.image.name)).exists()
    assert (private_media / second.image.name).exists()


# --- The pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en", "es"])
def test_a_resident_lists_an_object_with_a_photo_and_a_neighbour_sees_it(
    here, owner, reader, language
):
    response = client_for(owner).post(
        page("listing_create", here, language=language),
        {**form(here), "image_1": upload_file(camera_photo()), "alt_1": "La perceuse"},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    drill = Listing.objects.get(title="Perceuse à percussion")
    [photo] = drill.photos.all()
    photo_url = page("listing_photo", here, drill.pk, photo.pk, language=language)
    detail = client_for(reader).get(page("listing", here, drill.pk, language=language))
    assert f'src="{photo_url}?size=small"' in detail.content.decode()
    assert 'alt="La perceuse"' in detail.content.decode()
    listed = client_for(reader).get(page("listings", here, language=language))
    assert f'src="{photo_url}?size=small"' in listed.content.decode()

    served = client_for(reader).get(photo_url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["Cache-Control"] == "private, max-age=3600"
    assert b"PhoneMaker" not in b"".join(served.streaming_content)
    small = client_for(reader).get(photo_url + "?size=small")
    with Image.open(io.BytesIO(b"".join(small.streaming_content))) as thumb:
        assert thumb.size == (40, 60)


def test_a_photo_is_served_only_to_those_who_may_see_the_listing(here, owner, reader):
    drill = listing(owner, here, photos=1)
    [photo] = drill.photos.all()
    photo_url = page("listing_photo", here, drill.pk, photo.pk)
    elsewhere = citizen_of(town())
    assert client_for(reader).get(photo_url).status_code == 200
    assert client_for(elsewhere).get(photo_url).status_code == 404
    assert client_for(None).get(photo_url).status_code == 302  # to the sign-in page
    wrong = page("listing_photo", here, listing(owner, here, title="Scie").pk, photo.pk)
    assert client_for(reader).get(wrong).status_code == 404

    handles.profile_ensure(owner)
    people.block(actor=owner, handle=handles.profile_ensure(reader).handle)
    assert client_for(reader).get(photo_url).status_code == 404


def test_a_paused_listing_hides_its_photos_from_neighbours(here, owner, reader):
    drill = listing(owner, here, photos=1)
    [photo] = drill.photos.all()
    services.listing_set_status(actor=owner, listing=drill, status="paused")
    photo_url = page("listing_photo", here, drill.pk, photo.pk)
    assert client_for(reader).get(photo_url).status_code == 404
    assert client_for(owner).get(photo_url).status_code == 200


@pytest.mark.parametrize("language", ["fr", "en", "es"])
def test_a_refused_photo_keeps_what_was_typed_and_says_to_choose_again(
    here, owner, private_media, language
):
    pdf = upload_file(b"%PDF-1.4 not a picture", name="plan.pdf")
    response = client_for(owner).post(
        page("listing_create", here, language=language), {**form(here), "image_1": pdf}
    )

    text = response.content.decode()
    assert response.status_code == 400
    assert 'value="Perceuse à percussion"' in text
    with translation.override(language):
        refusal = translation.gettext("This file is not a JPEG, PNG, WebP or GIF picture.")
    assert refusal in text
    assert t(
        language,
        "For your safety, browsers do not keep the photos you chose: choose them "
        "again before sending.",
    ).replace("’", "&#x27;") in text.replace("’", "&#x27;")
    assert not Listing.objects.exists()
    assert files(private_media) == []


def test_the_owner_describes_removes_and_adds_photos_on_the_edit_page(
    here, owner, django_capture_on_commit_callbacks
):
    drill = listing(owner, here, photos=2)
    first, second = drill.photos.all()
    edit = page("listing_edit", here, drill.pk)
    shown = client_for(owner).get(edit).content.decode()
    assert f'name="remove_{first.pk}"' in shown and 'name="image_2"' in shown
    assert 'name="image_3"' not in shown  # two kept, two free places

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(owner).post(
            edit,
            {
                **form(here, place="keep"),
                f"remove_{first.pk}": "on",
                f"alt_existing_{second.pk}": "Le coffret",
                "image_1": upload_file(jpeg_bytes(300, 200)),
                "alt_1": "De côté",
            },
        )

    assert response.status_code == 302
    assert [p.alt_text for p in drill.photos.all()] == ["Le coffret", "De côté"]


# --- The API --------------------------------------------------------------------------------------


def photos_of(municipality, item) -> str:
    return f"{API}/municipalities/{municipality.slug}/exchange/listings/{item.pk}/photos"


def test_the_api_adds_describes_and_removes_photos(here, owner, reader):
    drill = listing(owner, here)
    added = client_for(owner).post(
        photos_of(here, drill),
        {"file": upload_file(camera_photo()), "alt_text": "La perceuse"},
    )
    assert added.status_code == 201, added.content
    body = added.json()
    assert (body["width"], body["height"], body["alt_text"]) == (40, 60, "La perceuse")
    assert body["url"].endswith(page("listing_photo", here, drill.pk, body["id"]))
    assert body["thumbnail_url"] == body["url"] + "?size=small"

    shown = (
        client_for(reader)
        .get(f"{API}/municipalities/{here.slug}/exchange/listings/{drill.pk}")
        .json()
    )
    assert [p["id"] for p in shown["photos"]] == [body["id"]]
    listed = client_for(reader).get(f"{API}/municipalities/{here.slug}/exchange/listings").json()
    assert listed["items"][0]["photos"][0]["alt_text"] == "La perceuse"

    one = f"{photos_of(here, drill)}/{body['id']}"
    described = client_for(owner).patch(
        one, data={"alt_text": "Perceuse et coffret"}, content_type="application/json"
    )
    assert described.status_code == 200
    assert described.json()["alt_text"] == "Perceuse et coffret"
    assert client_for(owner).delete(one).status_code == 204
    assert not drill.photos.exists()


def test_the_api_refuses_a_neighbours_photo_changes_and_changes_nothing(here, owner, reader):
    drill = listing(owner, here, photos=1)
    [photo] = drill.photos.all()
    one = f"{photos_of(here, drill)}/{photo.pk}"

    assert client_for(reader).delete(one).status_code == 403
    assert (
        client_for(reader).post(photos_of(here, drill), {"file": upload_file()}).status_code == 403
    )
    patched = client_for(reader).patch(one, data={"alt_text": "x"}, content_type="application/json")
    assert patched.status_code == 403
    assert client_for(citizen_of(town())).delete(one).status_code == 404
    assert client_for(None).delete(one).status_code == 401
    assert [(p.pk, p.alt_text) for p in drill.photos.all()] == [(photo.pk, "Photo 1")]


def test_the_api_refuses_a_fifth_photo_and_a_file_that_is_not_a_picture(here, owner, private_media):
    drill = listing(owner, here, photos=4)
    before = files(private_media)
    fifth = client_for(owner).post(photos_of(here, drill), {"file": upload_file()})
    assert fifth.status_code == 400
    assert fifth.json()["error"]["code"] == "validation"
    assert "images" in fifth.json()["error"]["fields"]

    drill.photos.all().delete()
    pdf = client_for(owner).post(
        photos_of(here, drill), {"file": upload_file(b"%PDF-1.4", name="plan.pdf")}
    )
    assert pdf.status_code == 400
    assert "file" in pdf.json()["error"]["fields"]
    assert not drill.photos.exists()
    assert set(files(private_media)) <= set(before)
