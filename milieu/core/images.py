"""Pictures people upload: checked by their content, turned upright, resized and re-encoded, so
that what is kept carries no metadata (EXIF, GPS position, camera serial, XMP, comments) and no
payload hidden behind valid image bytes.

    picture = images.prepare(upload, max_side=1600)   # or raises images.ImageRejected
    storage.save(f"{uuid4().hex}.{picture.extension}", ContentFile(picture.data))
"""

import io
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40-megapixel photo; beyond, Pillow's decompression-bomb guard
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


class ImageRejected(ValueError):
    """The upload is not a picture we keep; the message says why, in the person's language."""


@dataclass(frozen=True)
class Picture:
    data: bytes
    width: int
    height: int
    content_type: str
    extension: str


def _size(file: IO[bytes]) -> int:
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, io.SEEK_END)
        size = file.tell()
    file.seek(0)
    return int(size)


def prepare(file: IO[bytes], *, max_side: int = 1600, quality: int = 82) -> Picture:
    """The upload as a clean picture: JPEG for photos, PNG for pictures with transparency,
    at most `max_side` pixels on its longest side. Raises `ImageRejected` for anything that is
    not a JPEG, PNG, WebP or GIF image, or is larger than 10 MB."""
    if file is None or _size(file) == 0:
        raise ImageRejected(_("Choose a picture."))
    if _size(file) > MAX_UPLOAD_BYTES:
        raise ImageRejected(_("The picture is larger than 10 MB; send a lighter one."))
    try:
        with Image.open(file) as probe:
            probe.verify()  # a truncated or forged file fails here
            if probe.format not in ACCEPTED_FORMATS:
                raise ImageRejected(_("This file is not a JPEG, PNG, WebP or GIF picture."))
        file.seek(0)
        with Image.open(file) as source:
            if source.width * source.height > MAX_PIXELS:
                raise ImageRejected(_("The picture has too many pixels; send a smaller one."))
            source.seek(0)  # the first frame of an animation
            upright = ImageOps.exif_transpose(source)  # applies the orientation tag, then drops it
            transparent = upright.mode in ("RGBA", "LA", "PA") or (
                upright.mode == "P" and "transparency" in upright.info
            )
            picture = upright.convert("RGBA" if transparent else "RGB")
            picture.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    except ImageRejected:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise ImageRejected(_("This file is not a JPEG, PNG, WebP or GIF picture.")) from None
    finally:
        file.seek(0)
    out = io.BytesIO()
    # Pillow writes some of `info` back (a JPEG comment, an ICC profile): nothing but pixels.
    picture.info = {}
    if transparent:
        picture.save(out, format="PNG", optimize=True)
        return Picture(out.getvalue(), picture.width, picture.height, "image/png", "png")
    picture.save(out, format="JPEG", quality=quality, optimize=True, progressive=True)
    return Picture(out.getvalue(), picture.width, picture.height, "image/jpeg", "jpg")
