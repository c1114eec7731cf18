"""Uploaded pictures (`core.images.prepare`): what is kept is upright, at most the size asked,
re-encoded, without EXIF, GPS or any other metadata; anything else is refused clearly."""

import io

import pytest
from django.utils import translation
from PIL import Image

from milieu.core import images

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F


def jpeg_with_metadata(width=400, height=200, orientation=6) -> io.BytesIO:
    """A photo as phones write it: EXIF with the camera, a GPS position and an orientation tag
    (6: turn 90° clockwise to display), plus a comment."""
    picture = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[MAKE] = "PhoneMaker"
    exif[ORIENTATION] = orientation
    exif[GPS_IFD] = {1: "N", 2: (45.0, 30.0, 12.0), 3: "W", 4: (73.0, 28.0, 5.0)}
    out = io.BytesIO()
    picture.save(out, format="JPEG", exif=exif, comment=b"at home, 12 rue des Lilas")
    out.seek(0)
    return out


def test_a_photo_loses_its_exif_and_gps_and_stands_upright():
    source = jpeg_with_metadata()
    assert Image.open(source).getexif()[GPS_IFD]  # the test file does carry a position
    source.seek(0)

    picture = images.prepare(source)

    kept = Image.open(io.BytesIO(picture.data))
    assert kept.format == "JPEG"
    assert not kept.getexif()
    assert "comment" not in kept.info and "exif" not in kept.info
    assert b"PhoneMaker" not in picture.data and b"Lilas" not in picture.data
    assert (kept.width, kept.height) == (200, 400)  # turned upright
    assert (picture.width, picture.height, picture.content_type) == (200, 400, "image/jpeg")


def test_large_pictures_are_resized_to_the_longest_side():
    out = io.BytesIO()
    Image.new("RGB", (4000, 1000), "white").save(out, format="PNG")
    out.seek(0)

    picture = images.prepare(out, max_side=1600)

    assert (picture.width, picture.height) == (1600, 400)
    assert picture.content_type == "image/jpeg"  # no transparency: a photo format


def test_transparency_is_kept_as_png():
    out = io.BytesIO()
    Image.new("RGBA", (50, 50), (0, 0, 0, 0)).save(out, format="PNG")
    out.seek(0)

    picture = images.prepare(out)

    assert picture.content_type == "image/png" and picture.extension == "png"
    assert Image.open(io.BytesIO(picture.data)).mode == "RGBA"


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"not a picture at all",
        b"%PDF-1.7\n%%EOF",
        b"\xff\xd8\xff\xe0" + b"\x00" * 64,  # a JPEG header and nothing else
    ],
)
def test_anything_but_a_picture_is_refused(payload):
    with pytest.raises(images.ImageRejected):
        images.prepare(io.BytesIO(payload))


def test_a_file_over_10_mb_is_refused_before_it_is_read():
    with translation.override("en"), pytest.raises(images.ImageRejected, match="10 MB"):
        images.prepare(io.BytesIO(b"\xff" * (images.MAX_UPLOAD_BYTES + 1)))


def test_an_unaccepted_format_is_refused():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="BMP")
    out.seek(0)

    with pytest.raises(images.ImageRejected):
        images.prepare(out)
