"""Pictures of posts: re-encoded upright without EXIF or GPS data, refused with a clear error
when they are too large or not pictures, kept in private storage, served only to those who
may read the post, with `Cache-Control: private`."""

import io
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext
from PIL import ExifTags, Image

from milieu.community.models import Group, Post, PostImage
from milieu.community.services import social as services
from milieu.community.tests import factories_social as f
from milieu.core.errors import ApplicationError
from milieu.core.pictures import thumbnail_name
from milieu.core.testing import camera_photo, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def here():
    return f.town(slug="ville-photo", name="Ville photo")


@pytest.fixture
def district(here):
    return here.districts.order_by("slug")[0]


@pytest.fixture
def alice(here):
    return f.member(here, display_name="Alice")


def french(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


def stored(name: str, root: Path) -> Image.Image:
    return Image.open(root / name)


def test_the_test_photo_really_carries_gps_and_orientation():
    with Image.open(io.BytesIO(camera_photo())) as source:
        exif = source.getexif()
        assert exif[ExifTags.Base.Orientation] == 6
        assert exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"
        assert source.size == (60, 40)


def test_a_picture_is_kept_upright_without_exif_or_gps(alice, district, private_media):
    post = f.post(
        alice,
        district=district,
        uploads=[services.Upload(file=f.upload_file(camera_photo()), alt_text="Le lac au matin")],
    )

    [image] = post.images.all()
    assert (image.width, image.height, image.content_type, image.alt_text) == (
        40,
        60,
        "image/jpeg",
        "Le lac au matin",
    )
    assert image.image.name.startswith("community/posts/")
    for name in (image.image.name, thumbnail_name(image.image.name)):
        with stored(name, private_media) as kept:
            assert kept.size == (40, 60)
            assert len(kept.getexif()) == 0
            assert "exif" not in kept.info
            red, blue = kept.convert("RGB").getpixel((20, 10)), kept.getpixel((20, 50))
            assert red[0] > 150 and red[2] < 100  # the left (red) half is now on top
            assert blue[2] > 150 and blue[0] < 100
        raw = (private_media / name).read_bytes()
        assert b"PhoneMaker" not in raw and b"Serial 123456" not in raw


def test_the_list_copy_is_at_most_480_pixels(alice, district, private_media):
    post = f.post(
        alice,
        district=district,
        uploads=[services.Upload(file=f.upload_file(f.jpeg_bytes(2000, 1000)))],
    )

    [image] = post.images.all()
    assert (image.width, image.height) == (1600, 800)
    with stored(thumbnail_name(image.image.name), private_media) as small:
        assert small.size == (480, 240)


def test_a_picture_over_ten_megabytes_is_refused_and_nothing_is_kept(
    alice, district, private_media
):
    huge = f.upload_file(b"\xff\xd8" + b"\x00" * (10 * 1024 * 1024))

    with pytest.raises(ApplicationError) as error:
        f.post(alice, district=district, uploads=[services.Upload(file=huge, field="image_1")])

    assert error.value.code == "validation"
    assert error.value.extra["fields"] == {
        "image_1": [french("The picture is larger than 10 MB; send a lighter one.")]
    }
    assert not Post.objects.exists() and not PostImage.objects.exists()
    assert list(private_media.rglob("*.*")) == []


def test_a_file_that_is_not_a_picture_is_refused(alice, district, private_media):
    pdf = f.upload_file(b"%PDF-1.4\n1 0 obj <<>> endobj\n", name="photo.jpg")

    with pytest.raises(ApplicationError) as error:
        f.post(alice, district=district, uploads=[services.Upload(file=pdf, field="image_2")])

    assert error.value.extra["fields"] == {
        "image_2": [french("This file is not a JPEG, PNG, WebP or GIF picture.")]
    }
    assert not Post.objects.exists()
    assert list(private_media.rglob("*.*")) == []


def test_a_post_has_at_most_four_pictures(alice, district):
    uploads = [services.Upload(file=f.upload_file()) for _ in range(5)]
    with pytest.raises(ApplicationError) as error:
        f.post(alice, district=district, uploads=uploads)
    assert list(error.value.extra["fields"]) == ["images"]
    assert not Post.objects.exists()

    post = f.post(alice, district=district, uploads=uploads[:4])
    with pytest.raises(ApplicationError):
        services.post_image_add(
            actor=alice, post=post, upload=services.Upload(file=f.upload_file())
        )
    assert post.images.count() == 4


def test_editing_removes_and_adds_pictures_and_their_files(
    alice, district, private_media, django_capture_on_commit_callbacks
):
    post = f.post(
        alice,
        district=district,
        uploads=[
            services.Upload(file=f.upload_file(), alt_text="un"),
            services.Upload(file=f.upload_file(), alt_text="deux"),
        ],
    )
    first, second = post.images.all()

    with django_capture_on_commit_callbacks(execute=True):
        services.post_update(
            actor=alice,
            post=post,
            alt_texts={second.pk: "deux, mieux décrite"},
            remove_image_ids=[first.pk],
            uploads=[services.Upload(file=f.upload_file(), alt_text="trois")],
        )

    assert [(i.alt_text, i.position) for i in post.images.all()] == [
        ("deux, mieux décrite", 1),
        ("trois", 2),
    ]
    assert not (private_media / first.image.name).exists()
    assert not (private_media / thumbnail_name(first.image.name)).exists()
    assert (private_media / second.image.name).exists()


def test_deleting_a_post_deletes_its_files(
    alice, district, private_media, django_capture_on_commit_callbacks
):
    post = f.post(alice, district=district, uploads=[services.Upload(file=f.upload_file())])
    assert len(list(private_media.rglob("*.*"))) == 2  # the picture and its list copy

    with django_capture_on_commit_callbacks(execute=True):
        services.post_delete(actor=alice, post=post)

    assert not PostImage.objects.exists()
    assert list(private_media.rglob("*.*")) == []


# --- The picture view -----------------------------------------------------------------------------


def picture_url(post: Post, image: PostImage, small: bool = False) -> str:
    return f"/fr/{post.municipality.slug}/community/posts/{post.pk}/pictures/{image.pk}/" + (
        "?size=small" if small else ""
    )


def test_a_picture_is_served_privately_to_those_who_may_read_the_post(here, alice, private_media):
    member = f.member(here)
    outsider = f.member(f.town())
    group = f.group(here, alice, visibility=Group.Visibility.ON_REQUEST)
    post = f.post(
        alice, group=group, uploads=[services.Upload(file=f.upload_file(f.jpeg_bytes(900, 600)))]
    )
    image = post.images.get()

    response = client_for(alice).get(picture_url(post, image))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, max-age=3600"
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == (private_media / image.image.name).read_bytes()
    small = client_for(alice).get(picture_url(post, image, small=True))
    with Image.open(io.BytesIO(b"".join(small.streaming_content))) as thumb:
        assert thumb.size == (480, 320)

    for who in (member, outsider, None):
        assert client_for(who).get(picture_url(post, image)).status_code == 404


def test_a_picture_of_a_post_in_another_municipality_or_of_another_post_is_not_found(here, alice):
    district = here.districts.first()
    post = f.post(alice, district=district, uploads=[services.Upload(file=f.upload_file())])
    other = f.post(alice, district=district)
    image = post.images.get()
    client = client_for(alice)

    assert client.get(picture_url(post, image)).status_code == 200
    assert client.get(picture_url(other, image)).status_code == 404
    assert (
        client.get(
            f"/fr/{f.town().slug}/community/posts/{post.pk}/pictures/{image.pk}/"
        ).status_code
        == 404
    )
