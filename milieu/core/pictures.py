"""Pictures kept with a row of an app (a post's pictures, a listing's photos).

Each picture is checked and re-encoded by `core.images.prepare` (upright, without EXIF, GPS or
any metadata, at most 1600 px), with a list-sized copy of at most 480 px kept next to it
(`thumbnail_name`), both in private storage: a picture has no public address and is served by
a view that checks who may see its row (`serve`).

An app's picture model extends `PictureBase` with its row's foreign key and an `image` FileField
in `PrivateStorage` (its own folder). Its services use:

    prepared = pictures.prepare(uploads, limit=4, already=0, too_many=_("At most 4."))
    rows = pictures.store(lambda picture, position: Photo(listing=l, ...), prepared, start=0)
    transaction.on_commit(lambda: pictures.delete_files(storage, pictures.files_of(rows)))

Every picture is checked before anything is written, and files written for a write that fails
are removed, so a refused upload leaves neither a row nor a file behind.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django import forms
from django.core.files.base import ContentFile
from django.db import models
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import images
from .errors import ApplicationError

logger = logging.getLogger("milieu.pictures")

MAX_SIDE = 1600
THUMB_SIDE = 480  # a picture in a list: at most this many pixels on a side
THUMB_QUALITY = 75
MAX_ALT_CHARS = 300
ACCEPT = "image/jpeg,image/png,image/webp,image/gif"


@dataclass(frozen=True)
class Upload:
    """A picture sent with a write: the file, its description for people who cannot see it,
    and the form fields it came from (where an error is shown)."""

    file: IO[bytes]
    alt_text: str = ""
    field: str = "images"
    alt_field: str = "alt_text"


@dataclass(frozen=True)
class Prepared:
    full: images.Picture
    thumb: images.Picture
    alt_text: str


def invalid(field: str, message: str) -> ApplicationError:
    """A refusal naming the field to correct, as the forms and the API render it."""
    return ApplicationError(message, code="validation", extra={"fields": {field: [message]}})


def clean_alt(alt_text: str | None, *, field: str) -> str:
    alt_text = (alt_text or "").strip()
    if len(alt_text) > MAX_ALT_CHARS:
        raise invalid(
            field,
            _("Keep the description under %(limit)d characters.") % {"limit": MAX_ALT_CHARS},
        )
    return alt_text


def prepare(
    uploads: Sequence[Upload], *, limit: int, too_many: str, already: int = 0
) -> list[Prepared]:
    """Check and re-encode every picture before anything is written: refuses (`too_many`, on
    the `images` field) more than `limit` pictures in all, and any file that is not a picture."""
    if already + len(uploads) > limit:
        raise invalid("images", too_many)
    prepared = []
    for upload in uploads:
        alt_text = clean_alt(upload.alt_text, field=upload.alt_field)
        try:
            full = images.prepare(upload.file, max_side=MAX_SIDE)
            thumb = images.prepare(upload.file, max_side=THUMB_SIDE, quality=THUMB_QUALITY)
        except images.ImageRejected as error:
            raise invalid(upload.field, str(error)) from None
        prepared.append(Prepared(full=full, thumb=thumb, alt_text=alt_text))
    return prepared


def store(
    build: Callable[[Prepared, int], models.Model], prepared: Sequence[Prepared], *, start: int
) -> list[Any]:
    """Write each prepared picture and its row. `build(picture, position)` returns the unsaved
    row, its file not yet set; positions follow on from `start`. On any failure the files
    already written are removed."""
    written: list[str] = []
    stored = []
    storage = None
    try:
        for offset, picture in enumerate(prepared):
            row: Any = build(picture, start + offset)
            row.content_type = picture.full.content_type
            row.width, row.height = picture.full.width, picture.full.height
            row.alt_text = picture.alt_text
            row.position = start + offset
            row.image.save(
                f"{uuid.uuid4().hex}.{picture.full.extension}",
                ContentFile(picture.full.data),
                save=False,
            )
            storage = row.image.storage
            name = row.image.name or ""
            written.append(name)
            written.append(storage.save(thumbnail_name(name), ContentFile(picture.thumb.data)))
            row.save()
            stored.append(row)
    except Exception:
        if storage is not None:
            delete_files(storage, written)
        raise
    return stored


def files_of(rows: Iterable[Any]) -> list[str]:
    """The files of picture rows (each picture and its list-sized copy), to delete after the
    rows are gone."""
    names = []
    for row in rows:
        if row.image.name:
            names += [row.image.name, thumbnail_name(row.image.name)]
    return names


def delete_files(storage, names: Iterable[str]) -> None:
    for name in names:
        try:
            storage.delete(name)
        except OSError:  # pragma: no cover - already gone
            logger.warning("picture_delete_failed", extra={"file": name})


def thumbnail_name(name: str) -> str:
    """Where the list-sized copy of a picture is kept, next to the picture."""
    stem, dot, extension = name.rpartition(".")
    return f"{stem}.thumb.{extension}" if dot else f"{name}.thumb"


def thumbnail_size(width: int, height: int) -> tuple[int, int]:
    """The size of the list-sized copy of a picture of `width` x `height` pixels."""
    longest = max(width, height, 1)
    if longest <= THUMB_SIDE:
        return width, height
    scale = THUMB_SIDE / longest
    return max(1, round(width * scale)), max(1, round(height * scale))


def as_dict(row: Any, url: str) -> dict[str, Any]:
    """A picture row as the API shows it (`core.schemas.PictureOut`); `url` is the absolute
    address of the view that serves it."""
    thumb_width, thumb_height = thumbnail_size(row.width, row.height)
    return {
        "id": row.pk,
        "url": url,
        "thumbnail_url": f"{url}?size=small",
        "width": row.width,
        "height": row.height,
        "thumbnail_width": thumb_width,
        "thumbnail_height": thumb_height,
        "alt_text": row.alt_text,
    }


def serve(row: Any, *, small: bool) -> FileResponse:
    """The picture of `row` (`small`: its list-sized copy), for a view that has checked who may
    see it; kept only in private caches."""
    name = row.image.name or ""
    if small:
        name = thumbnail_name(name)
    try:
        handle = row.image.storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=row.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class PictureBase(models.Model):
    """What every kept picture has besides its file and what it belongs to."""

    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    alt_text = models.CharField(
        gettext_lazy("description of the picture"), max_length=MAX_ALT_CHARS, blank=True
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.image.name or ""  # type: ignore[attr-defined]


class PictureFields:
    """For a form (mixed in before `forms.Form`): a file and a description field per free
    picture slot (`image_N`, `alt_N`), and for each picture already kept a description and a
    "remove" box (`alt_existing_ID`, `remove_ID`)."""

    picture_slots = 0
    kept: Sequence[Any] = ()

    def add_picture_fields(self, slots: int, *, kept: Sequence[Any] = ()) -> None:
        fields = self.fields  # type: ignore[attr-defined]
        self.picture_slots = slots
        self.kept = list(kept)
        for number in range(1, slots + 1):
            fields[f"image_{number}"] = forms.FileField(
                label=gettext_lazy("Picture %(number)d") % {"number": number},
                required=False,
                widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
            )
            fields[f"alt_{number}"] = forms.CharField(
                label=gettext_lazy("Description of picture %(number)d") % {"number": number},
                help_text=gettext_lazy("What the picture shows, for people who cannot see it."),
                max_length=MAX_ALT_CHARS,
                required=False,
            )
        for row in self.kept:
            fields[f"alt_existing_{row.pk}"] = forms.CharField(
                label=gettext_lazy("Description of this picture"),
                max_length=MAX_ALT_CHARS,
                required=False,
                initial=row.alt_text,
            )
            fields[f"remove_{row.pk}"] = forms.BooleanField(
                label=gettext_lazy("Remove this picture"), required=False
            )

    def picture_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"image_{number}"], self[f"alt_{number}"])  # type: ignore[index]
            for number in range(1, self.picture_slots + 1)
        ]

    def uploads(self) -> list[Upload]:
        data = self.cleaned_data  # type: ignore[attr-defined]
        return [
            Upload(
                file=data[f"image_{number}"],
                alt_text=data.get(f"alt_{number}", ""),
                field=f"image_{number}",
                alt_field=f"alt_{number}",
            )
            for number in range(1, self.picture_slots + 1)
            if data.get(f"image_{number}")
        ]

    def had_files(self) -> bool:
        """Whether pictures were sent: a refused form cannot give them back, so the page says
        to choose them again."""
        return bool(self.files)  # type: ignore[attr-defined]

    def existing_fields(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        return [
            (row, self[f"alt_existing_{row.pk}"], self[f"remove_{row.pk}"])  # type: ignore[index]
            for row in self.kept
        ]

    def alt_texts(self) -> dict[int, str]:
        data = self.cleaned_data  # type: ignore[attr-defined]
        return {row.pk: data.get(f"alt_existing_{row.pk}", "") for row in self.kept}

    def removed(self) -> list[int]:
        data = self.cleaned_data  # type: ignore[attr-defined]
        return [row.pk for row in self.kept if data.get(f"remove_{row.pk}")]
