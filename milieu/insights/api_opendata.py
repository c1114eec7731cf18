"""The opendata API (tag `opendata`): the catalogue and the downloads, public and read-only.

- `GET /api/v1/opendata/catalog` — the DCAT-AP-style catalogue, JSON-LD
  (`application/ld+json`); `?municipality=<slug>` gives the same catalogue whose download URLs
  are filtered to that municipality.
- `GET /api/v1/opendata/datasets/{key}.{format}` — a dataset as CSV, JSON or GeoJSON, streamed
  (the memory it takes does not grow with the dataset); `?municipality=<slug>` for one town.

A town's file is kept in the cache for `DOWNLOAD_SECONDS` once sent (when under
`CACHED_BYTES`), so that the next downloads of it read no table; the whole platform's files are
always streamed from the database. An unknown dataset, format or municipality is a 404 with the
shared error body. Both answers may
be read from any origin (`Access-Control-Allow-Origin: *`): they are public and need no session.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Router

from milieu.core.errors import NotFound
from milieu.core.schemas import ErrorOut

from . import datasets

router = Router(tags=["opendata"])
JSON_LD = "application/ld+json"
CATALOGUE_SECONDS = 3600
DOWNLOAD_SECONDS = 300
CACHED_BYTES = 4_000_000  # a town's file bigger than this is streamed every time


def municipality_of(slug: str | None):
    """The municipality of the `municipality` filter (None without one; unknown: not found)."""
    if not slug:
        return None
    from milieu.territory.selectors import municipality_get

    return municipality_get(slug=slug)


def _kept(key: str, chunks: Iterator[bytes]) -> Iterator[bytes]:
    """`chunks`, passed on as they come and kept in the cache at the end when small enough."""
    seen: list[bytes] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size <= CACHED_BYTES:
            seen.append(chunk)
        yield chunk
    if size <= CACHED_BYTES:
        cache.set(key, b"".join(seen), DOWNLOAD_SECONDS)


def _public(response: HttpResponse | StreamingHttpResponse, seconds: int):
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = f"public, max-age={seconds}"
    return response


@router.get(
    "/opendata/catalog",
    auth=None,
    response={200: dict, 404: ErrorOut},
    url_name="opendata_catalog",
    openapi_extra={"responses": {200: {"content": {JSON_LD: {"schema": {"type": "object"}}}}}},
)
def opendata_catalog(request: HttpRequest, municipality: str | None = None):
    """The catalogue of the open datasets (DCAT-AP, JSON-LD): for each dataset its title and
    description in French, English and Spanish, licence, update frequency, keywords and
    distributions (download URL, media type, format)."""
    document = datasets.catalogue(
        absolute=request.build_absolute_uri, municipality=municipality_of(municipality)
    )
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False), content_type=f"{JSON_LD}; charset=utf-8"
    )
    return _public(response, CATALOGUE_SECONDS)


@router.get(
    "/opendata/datasets/{key}.{fmt}",
    auth=None,
    response={200: str, 404: ErrorOut},
    url_name="opendata_dataset",
    openapi_extra={
        "responses": {
            200: {
                "content": {
                    fmt.media_type: {"schema": {"type": "string"}}
                    for fmt in datasets.FORMATS.values()
                }
            }
        }
    },
)
def opendata_dataset(request: HttpRequest, key: str, fmt: str, municipality: str | None = None):
    """One dataset in one of its formats (see the catalogue), streamed; figures under 5 are
    suppressed ("<5" in CSV; `null` with `"suppressed": true` in JSON)."""
    dataset = datasets.get(key)
    if dataset is None or fmt not in dataset.formats:
        raise NotFound(_("No such dataset."))
    town = municipality_of(municipality)
    content_type = f"{datasets.FORMATS[fmt].media_type}; charset=utf-8"
    response: HttpResponse | StreamingHttpResponse
    if town is None:
        response = StreamingHttpResponse(
            datasets.stream(dataset, fmt, None), content_type=content_type
        )
    else:
        cache_key = f"opendata:v1:{dataset.key}:{fmt}:{town.pk}:{(get_language() or 'fr')[:2]}"
        kept = cache.get(cache_key)
        if kept is not None:
            response = HttpResponse(kept, content_type=content_type)
        else:
            response = StreamingHttpResponse(
                _kept(cache_key, datasets.stream(dataset, fmt, town)), content_type=content_type
            )
    name = dataset.key if town is None else f"{dataset.key}-{town.slug}"
    disposition = "attachment" if fmt == "csv" else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{name}.{fmt}"'
    return _public(response, DOWNLOAD_SECONDS)
