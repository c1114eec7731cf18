"""Test helpers shared by every app's tests.

The query budget (issue 6): at most 12 SQL queries per page, whatever the length of its lists.
`assert_constant_queries` builds a list with a few items, then with many more, requests the page
(or API operation) each time and asserts that both runs make the same number of queries, within
the budget, and that the page really shows the items (so that an empty list cannot pass).
"""

import io
import json
import re
from collections.abc import Callable, Iterable

from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape
from PIL import ExifTags, Image


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 with the lowest cost, for the test suite only (same algorithm, same code path)."""

    time_cost = 1
    memory_cost = 256
    parallelism = 1


def sign_in(page, base_url: str, user) -> None:
    """Give a Playwright page's browser context the session of `user` (Django's `force_login`,
    which also stands for the TOTP step that staff pass at login)."""
    from django.conf import settings

    client = client_for(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url}]
    )


def client_for(user=None) -> Client:
    """A test client, logged in as `user` when one is given."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def fields_rendered(monkeypatch) -> list[str]:
    """The names of the form fields rendered (`as_field_group`) from now on, in order: a kept
    form (`{% keep %}`) renders none."""
    from django.forms.boundfield import BoundField

    names: list[str] = []
    original = BoundField.as_field_group

    def as_field_group(self):
        names.append(self.name)
        return original(self)

    monkeypatch.setattr(BoundField, "as_field_group", as_field_group)
    return names


# --- Query budget -------------------------------------------------------------------------------

BUDGET = 12  # SQL queries per page, independent of list length


def measure(client: Client, url: str, **extra) -> tuple[str, list[str]]:
    """GET `url`; the body (which must come with a 200) and the SQL it ran."""
    from milieu.core import pagecache

    cache.clear()  # measured cold: the visitor's access facts are read too,
    pagecache.clear()  # and the page is rendered, not served as kept
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **extra)
    assert response.status_code == 200, f"GET {url}: {response.status_code}"
    return response.content.decode(), [query["sql"] for query in captured.captured_queries]


def assert_constant_queries(
    client: Client,
    url: str,
    add: Callable[[int], Iterable[str]],
    *,
    few: int = 2,
    many: int = 25,
    **extra,
) -> int:
    """`add(n)` adds n items to the list and returns what each shows on the page (a name, an
    email…). The page is requested with `few` items and with `many`: it must show every item
    each time and run the same number of queries, at most BUDGET. Returns that number."""
    shown = list(add(few))
    client.get(url, **extra)  # warm-up: what a first request does once is not the list's cost
    body, few_sql = measure(client, url, **extra)
    _assert_shown(url, body, shown)
    shown += list(add(many - few))
    body, many_sql = measure(client, url, **extra)
    _assert_shown(url, body, shown)
    assert len(many_sql) == len(few_sql), (
        f"{url}: {len(few_sql)} queries for {few} items, {len(many_sql)} for {many}:\n"
        + _listing(many_sql)
    )
    assert len(few_sql) <= BUDGET, f"{url}: {len(few_sql)} queries:\n" + _listing(few_sql)
    return len(few_sql)


def showing(add: Callable[[int], object], *markers: str) -> Callable[[int], list[str]]:
    """`add`, for a page that shows the items' number rather than the items: it must show
    `markers` (checked separately, with the counts the test expects)."""

    def grow(n: int) -> list[str]:
        add(n)
        return list(markers)

    return grow


def assert_within_budget(client: Client, url: str, *markers: str, **extra) -> int:
    """For a page without a growing list: a 200 showing `markers`, in at most BUDGET queries."""
    client.get(url, **extra)
    body, sql = measure(client, url, **extra)
    _assert_shown(url, body, list(markers))
    assert len(sql) <= BUDGET, f"{url}: {len(sql)} queries:\n" + _listing(sql)
    return len(sql)


def _listing(sql: list[str]) -> str:
    return "\n".join(query[:200] for query in sql)


def _assert_shown(url: str, body: str, markers: list[str]) -> None:
    def found(marker: str) -> bool:
        # As typed, escaped in HTML or in JSON; a whole word ("Quartier 1" is not "Quartier 12").
        forms = {marker, escape(marker), json.dumps(marker)[1:-1]}
        return any(re.search(rf"(?<!\w){re.escape(form)}(?!\w)", body) for form in forms)

    missing = [m for m in markers if not found(m)]
    assert not missing, f"{url} does not show {missing[:5]} ({len(missing)} missing)"


# --- Pictures -------------------------------------------------------------------------------------


def jpeg_bytes(width: int = 64, height: int = 48, colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="JPEG")
    return out.getvalue()


def upload_file(data: bytes | None = None, name: str = "photo.jpg"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data or jpeg_bytes(), content_type="image/jpeg")


def camera_photo() -> bytes:
    """A 60 x 40 photo stored sideways (EXIF orientation 6: turn it a quarter clockwise to see
    it), its left half red and its right half blue, with the GPS position and the camera of
    the person who took it."""
    picture = Image.new("RGB", (60, 40), (220, 20, 20))
    picture.paste((20, 20, 220), (30, 0, 60, 40))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Serial 123456"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (46.0, 53.0, 30.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (79.0, 5.0, 12.0)
    out = io.BytesIO()
    picture.save(out, format="JPEG", exif=exif, quality=95)
    return out.getvalue()
