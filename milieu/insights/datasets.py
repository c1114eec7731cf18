"""Open data: the registry of datasets, the files they are written as, and their catalogue.

A `Dataset` says what it is (title, description and keywords, translated; licence; how often it
changes, as a `dct:accrualPeriodicity` URI), the formats it is distributed in, and its
`producer`: a function that yields its records, one dict each, for the whole platform or for one
municipality, reading rows in chunks so that the memory a download takes does not grow with the
dataset. The datasets themselves are registered by `datasets_sources` (from `setup_opendata`).

The writers (`stream`) turn records into CSV, JSON or GeoJSON chunks for a
`StreamingHttpResponse`. A figure that may be small travels as a `core.smallnumbers.Figure`
(built with `Figure.of`): the CSV cell says "<5", JSON carries `null` with `"suppressed": true`.
A record of a dataset with a geometry has `longitude` and `latitude`, which GeoJSON makes its
point.

`catalogue()` describes every dataset in DCAT-AP-style JSON-LD, with its distributions' download
URLs (filtered to one municipality when asked).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode

from milieu.core.smallnumbers import THRESHOLD, Figure

if TYPE_CHECKING:
    from milieu.territory.models import Municipality

Record = dict[str, Any]

CC_BY = "https://creativecommons.org/licenses/by/4.0/"
_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
DAILY = _FREQUENCY + "DAILY"
CONTINUOUS = _FREQUENCY + "UPDATE_CONT"
IRREGULAR = _FREQUENCY + "IRREG"
_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
SUPPRESSED_CELL = f"<{THRESHOLD}"
CHUNK_ROWS = 500  # records per chunk sent to the client


@dataclass(frozen=True)
class Format:
    key: str  # the file's extension in the download URL
    label: str
    media_type: str
    file_type: str  # the EU file-type authority URI (`dct:format`)


FORMATS: dict[str, Format] = {
    "csv": Format("csv", "CSV", "text/csv", _FILE_TYPE + "CSV"),
    "json": Format("json", "JSON", "application/json", _FILE_TYPE + "JSON"),
    "geojson": Format("geojson", "GeoJSON", "application/geo+json", _FILE_TYPE + "GEOJSON"),
}


@dataclass(frozen=True)
class Dataset:
    key: str
    title: Any  # lazily translated
    description: Any
    frequency: str  # a dct:accrualPeriodicity URI
    keywords: tuple[Any, ...]
    formats: tuple[str, ...]  # keys of FORMATS
    columns: tuple[str, ...]  # the CSV header, in order (and the keys of each record)
    producer: Callable[[Municipality | None], Iterable[Record]]
    licence: str = CC_BY
    order: int = 100

    def frequency_label(self) -> Any:
        return FREQUENCY_LABELS.get(self.frequency, self.frequency)


def _frequency_labels() -> dict[str, Any]:
    from django.utils.translation import gettext_lazy as _

    return {
        DAILY: _("Daily"),
        CONTINUOUS: _("Continuously"),
        IRREGULAR: _("When it changes"),
    }


FREQUENCY_LABELS = _frequency_labels()

_registry: dict[str, Dataset] = {}


def register(dataset: Dataset) -> Dataset:
    unknown = set(dataset.formats) - FORMATS.keys()
    if unknown:
        raise ValueError(f"Dataset {dataset.key!r}: unknown formats {sorted(unknown)}")
    if "geojson" in dataset.formats and not {"longitude", "latitude"} <= set(dataset.columns):
        raise ValueError(f"Dataset {dataset.key!r}: GeoJSON needs longitude and latitude")
    if dataset.key in _registry and _registry[dataset.key] != dataset:
        raise ValueError(f"Dataset {dataset.key!r} is already registered differently")
    _registry[dataset.key] = dataset
    return dataset


def all_datasets() -> list[Dataset]:
    return sorted(_registry.values(), key=lambda d: (d.order, d.key))


def get(key: str) -> Dataset | None:
    return _registry.get(key)


# --- Writers ------------------------------------------------------------------------------------


def stream(dataset: Dataset, fmt: str, municipality: Municipality | None) -> Iterator[bytes]:
    """The dataset as a file of format `fmt`, in chunks."""
    records = dataset.producer(municipality)
    if fmt == "csv":
        return _csv(dataset, records)
    if fmt == "geojson":
        return _geojson(dataset, records)
    return _json(dataset, records)


def _chunks(records: Iterable[Record]) -> Iterator[list[Record]]:
    batch: list[Record] = []
    for record in records:
        batch.append(record)
        if len(batch) >= CHUNK_ROWS:
            yield batch
            batch = []
    if batch:
        yield batch


def _number(value: float | None, *, decimals: int | None = None) -> str:
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return str(value if decimals is None else round(value, decimals))


def csv_cell(value: Any) -> str:
    """A CSV cell: a figure ("<5" when suppressed), a date, or text that a spreadsheet will not
    run as a formula."""
    if isinstance(value, Figure):
        return SUPPRESSED_CELL if value.suppressed else _number(value.value, decimals=2)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _number(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(dataset: Dataset, records: Iterable[Record]) -> Iterator[bytes]:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(dataset.columns)
    yield out.getvalue().encode()
    for batch in _chunks(records):
        out = io.StringIO()
        writer = csv.writer(out)
        for record in batch:
            writer.writerow([csv_cell(record.get(column)) for column in dataset.columns])
        yield out.getvalue().encode()


_PLAIN = frozenset({str, int, float, bool})


def json_fields(record: Record, columns: Iterable[str]) -> Record:
    """A record for JSON: a figure is its value (`null` when suppressed) and a `suppressed` flag
    (`<name>_suppressed` for a figure not named `value`); dates in ISO 8601."""
    out: Record = {}
    for column in columns:
        value = record.get(column)
        if value is None or type(value) in _PLAIN:
            out[column] = value
        elif isinstance(value, Figure):
            out[column] = value.value
            out["suppressed" if column == "value" else f"{column}_suppressed"] = value.suppressed
        elif isinstance(value, date | datetime):
            out[column] = value.isoformat()
        else:
            out[column] = value
    return out


def _json(dataset: Dataset, records: Iterable[Record]) -> Iterator[bytes]:
    head = {"dataset": dataset.key, "license": dataset.licence}
    yield (json.dumps(head, ensure_ascii=False)[:-1] + ', "records": [').encode()
    first = True
    for batch in _chunks(records):
        text = ",".join(
            json.dumps(json_fields(record, dataset.columns), ensure_ascii=False) for record in batch
        )
        yield (text if first else "," + text).encode()
        first = False
    yield b"]}"


def _geojson(dataset: Dataset, records: Iterable[Record]) -> Iterator[bytes]:
    properties = [c for c in dataset.columns if c not in ("longitude", "latitude")]
    yield b'{"type": "FeatureCollection", "features": ['
    first = True
    for batch in _chunks(records):
        features = []
        for record in batch:
            feature = {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [record["longitude"], record["latitude"]],
                },
                "properties": json_fields(record, properties),
            }
            features.append(json.dumps(feature, ensure_ascii=False))
        text = ",".join(features)
        yield (text if first else "," + text).encode()
        first = False
    yield b"]}"


# --- Catalogue ----------------------------------------------------------------------------------

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
}
PUBLISHER_NAME = "Milieu"


def in_every_language(text: Any) -> list[dict[str, str]]:
    """A translatable text (lazy, or a function giving it in the active language) as JSON-LD
    language-tagged values, one per language of the site."""
    values = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            values.append({"@language": code, "@value": str(text() if callable(text) else text)})
    return values


def download_path(dataset: Dataset, fmt: str, municipality: Municipality | None = None) -> str:
    path = reverse("api:opendata_dataset", kwargs={"key": dataset.key, "fmt": fmt})
    if municipality is not None:
        path += "?" + urlencode({"municipality": municipality.slug})
    return path


def catalogue(*, absolute: Callable[[str], str], municipality: Municipality | None = None) -> dict:
    """The catalogue as JSON-LD (`absolute` makes a path a full URL)."""
    from django.utils.translation import gettext as _

    page = absolute(reverse("opendata:catalogue"))
    publisher = {"@type": "foaf:Organization", "foaf:name": PUBLISHER_NAME, "foaf:homepage": page}
    datasets = []
    for dataset in all_datasets():
        datasets.append(
            {
                "@id": f"{page}#{dataset.key}",
                "@type": "dcat:Dataset",
                "dct:identifier": dataset.key,
                "dct:title": in_every_language(dataset.title),
                "dct:description": in_every_language(dataset.description),
                "dct:license": {"@id": dataset.licence},
                "dct:accrualPeriodicity": {"@id": dataset.frequency},
                "dct:publisher": publisher,
                "dcat:keyword": [
                    value for keyword in dataset.keywords for value in in_every_language(keyword)
                ],
                "dcat:landingPage": {"@id": f"{page}#{dataset.key}"},
                "dcat:distribution": [
                    {
                        "@type": "dcat:Distribution",
                        "dct:title": f"{dataset.key}.{fmt}",
                        "dcat:downloadURL": {
                            "@id": absolute(download_path(dataset, fmt, municipality))
                        },
                        "dcat:accessURL": {
                            "@id": absolute(download_path(dataset, fmt, municipality))
                        },
                        "dcat:mediaType": FORMATS[fmt].media_type,
                        "dct:format": {"@id": FORMATS[fmt].file_type},
                        "dct:license": {"@id": dataset.licence},
                    }
                    for fmt in dataset.formats
                ],
            }
        )

    def title() -> str:
        if municipality is None:
            return _("Open data of Milieu")
        return _("Open data of %(municipality)s") % {"municipality": municipality.name}

    def description() -> str:
        return _(
            "Aggregated figures, problem reports without personal data, municipalities, best "
            "practices and events of the municipalities on Milieu. Figures under "
            "%(threshold)s are suppressed."
        ) % {"threshold": THRESHOLD}

    here = page
    if municipality is not None:
        here += "?" + urlencode({"municipality": municipality.slug})
    return {
        "@context": CONTEXT,
        "@id": here,
        "@type": "dcat:Catalog",
        "dct:title": in_every_language(title),
        "dct:description": in_every_language(description),
        "dct:publisher": publisher,
        "dct:license": {"@id": CC_BY},
        "foaf:homepage": {"@id": page},
        "dcat:dataset": datasets,
    }
