"""Page weight budget (issue 6): the first load of any page is under 100 KB transferred, and its
JavaScript under 30 KB compressed.

Each page is fetched with the test client on the demo data, its same-origin stylesheets, scripts,
images, icons and manifest are read (static files through the staticfiles finders, anything else
through the test client), and everything is gzip-compressed at level 6, as WhiteNoise or a
reverse proxy serves it. A page that references an asset that does not exist fails.
"""

import gzip
from dataclasses import dataclass, field
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client

from milieu.accounts.models import User
from milieu.notifications.models import Notification
from milieu.rewards.services import program_for
from milieu.rewards.tests.offers_helpers import (
    city_staff,
    give_points,
    make_merchant,
    make_offer,
)
from milieu.territory.models import Municipality

PAGE_BUDGET = 100 * 1024  # bytes transferred on a first load: the HTML and what it references
JS_BUDGET = 30 * 1024  # bytes of JavaScript, compressed
HOST = "testserver"

CITIZEN = "citoyenne@demo.milieu.test"
MERCHANT = "commerce@demo.milieu.test"
STAFF = "employe.brossard@demo.milieu.test"
ADMIN = "admin.brossard@demo.milieu.test"
NEWCOMER = "newcomer@demo.milieu.test"

# (who, url): a representative page of every app, public and logged in, citizen and staff.
PAGES = [
    (None, "/fr/"),
    (None, "/fr/brossard/"),
    (None, "/fr/brossard/districts/"),
    (None, "/fr/regions/temiscamingue/"),
    (None, "/fr/regions/idees-collectives/"),
    (None, "/fr/accounts/login/"),
    (None, "/fr/accounts/signup/"),
    (None, "/fr/card/verify/"),
    (CITIZEN, "/fr/"),
    (CITIZEN, "/fr/brossard/"),
    (CITIZEN, "/fr/profile/"),
    (CITIZEN, "/fr/profile/identity/"),
    (CITIZEN, "/fr/card/"),
    (CITIZEN, "/fr/brossard/identity/"),
    (CITIZEN, "/fr/notifications/"),
    (CITIZEN, "/fr/notifications/preferences/"),
    (CITIZEN, "/fr/rewards/"),
    (CITIZEN, "/fr/rewards/offers/"),
    (CITIZEN, "/fr/rewards/offers/vouchers/"),
    (MERCHANT, "/fr/rewards/till/"),
    (MERCHANT, "/fr/rewards/offers/manage/"),
    (MERCHANT, "/fr/rewards/offers/validate/"),
    (STAFF, "/fr/brossard/staff/"),
    (STAFF, "/fr/brossard/staff/districts/"),
    (STAFF, "/fr/brossard/staff/identity/"),
    (STAFF, "/fr/brossard/staff/identity/counter/"),
    (STAFF, "/fr/brossard/staff/identity/decisions/"),
    (STAFF, "/fr/brossard/staff/checks/"),
    (STAFF, "/fr/brossard/staff/alerts/"),
    (STAFF, "/fr/brossard/staff/alerts/new/"),
    (STAFF, "/fr/brossard/staff/rewards/"),
    (STAFF, "/fr/brossard/staff/rewards/merchants/"),
    (ADMIN, "/fr/brossard/staff/roles/"),
    (None, "/fr/brossard/community/"),
    (None, "/en/brossard/newcomers/"),
    (CITIZEN, "/fr/brossard/community/"),
    (CITIZEN, "/fr/brossard/community/districts/centre/"),
    (CITIZEN, "/fr/brossard/community/groups/"),
    (CITIZEN, "/fr/brossard/community/groups/jardins-communautaires/"),
    (CITIZEN, "/fr/community/"),
    (CITIZEN, "/fr/community/search/?q=quartier"),
    (CITIZEN, "/fr/community/profile/"),
    (CITIZEN, "/fr/messages/"),
    (CITIZEN, "/fr/brossard/community/netiquette/"),
    (NEWCOMER, "/en/brossard/newcomers/"),
    (NEWCOMER, "/en/brossard/newcomers/me/"),
    (STAFF, "/fr/brossard/staff/moderation/"),
    (STAFF, "/fr/brossard/staff/newcomers/"),
    (STAFF, "/fr/brossard/staff/sharing/problems/"),
    (CITIZEN, "/fr/brossard/sharing/"),
    (CITIZEN, "/fr/brossard/sharing/?km=5&category=tools"),
    (CITIZEN, "/fr/brossard/sharing/new/"),
    (CITIZEN, "/fr/brossard/sharing/exchanges/"),
    (CITIZEN, "/fr/brossard/sharing/mine/"),
    (NEWCOMER, "/en/brossard/sharing/"),
    (None, "/fr/brossard/volunteering/"),
    (CITIZEN, "/fr/brossard/volunteering/suggestions/"),
    (CITIZEN, "/fr/brossard/volunteering/profile/"),
    (CITIZEN, "/fr/brossard/volunteering/applications/"),
    (CITIZEN, "/fr/brossard/volunteering/ideas/"),
    (STAFF, "/fr/brossard/staff/volunteering/organisations/"),
    (NEWCOMER, "/en/brossard/volunteering/"),
    (None, "/fr/regions/idees-collectives/events/"),
    (
        None,
        "/fr/regions/idees-collectives/events/?when=weekend&category=family&near=brossard&km=20",
    ),
    (None, "/es/brossard/events/"),
    (None, "/fr/brossard/events/attractions/"),
    (CITIZEN, "/fr/brossard/events/"),
    (CITIZEN, "/fr/events/registrations/"),
    (STAFF, "/fr/brossard/events/new/"),
    (STAFF, "/fr/brossard/events/mine/"),
    (STAFF, "/fr/brossard/events/check-in/"),
]


# --- What a page references ---------------------------------------------------------------------


class _Assets(HTMLParser):
    """The URLs a browser fetches on a first load: stylesheets, scripts, images, icons and the
    web app manifest (`data:` URLs are part of the page already)."""

    LINKS = {"stylesheet", "icon", "apple-touch-icon", "manifest", "preload", "modulepreload"}

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []  # (kind, url)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "script" and attributes.get("src"):
            self.urls.append(("script", attributes["src"]))
        elif tag == "link" and self.LINKS & set(attributes.get("rel", "").lower().split()):
            kind = "script" if "modulepreload" in attributes["rel"] else "link"
            self.urls.append((kind, attributes.get("href", "").strip()))
        elif tag in ("img", "source") and attributes.get("src"):
            self.urls.append(("image", attributes["src"]))


@dataclass
class Weight:
    url: str
    html: int  # compressed bytes of the page itself
    assets: dict[str, int] = field(default_factory=dict)  # compressed bytes per asset URL
    scripts: dict[str, int] = field(default_factory=dict)  # the JavaScript among them

    @property
    def total(self) -> int:
        return self.html + sum(self.assets.values())

    @property
    def javascript(self) -> int:
        return sum(self.scripts.values())

    def __str__(self) -> str:
        lines = [f"{self.url}: {self.total} B (HTML {self.html} B, JavaScript {self.javascript} B)"]
        lines += [f"  {size:>7} B  {url}" for url, size in sorted(self.assets.items())]
        return "\n".join(lines)


def compressed(content: bytes) -> int:
    return len(gzip.compress(content, compresslevel=6, mtime=0))


def _same_origin(url: str) -> str | None:
    """The path of a same-origin URL (None for another origin or a `data:` URL)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about") or url.startswith("#"):
        return None
    if parts.netloc and parts.netloc != HOST:
        return None
    return parts.path


def asset_content(client: Client, path: str) -> bytes:
    """An asset's bytes: a static file through the finders (as collectstatic would gather it),
    anything else as the site serves it. A missing asset fails the test."""
    if path.startswith(settings.STATIC_URL):
        found = finders.find(path.removeprefix(settings.STATIC_URL))
        assert found, f"missing static file: {path}"
        return Path(found if isinstance(found, str) else found[0]).read_bytes()
    response = client.get(path)
    assert response.status_code == 200, f"missing asset: {path} ({response.status_code})"
    return b"".join(response.streaming_content) if response.streaming else response.content


def weigh(client: Client, url: str) -> Weight:
    response = client.get(url)
    assert response.status_code == 200, f"GET {url}: {response.status_code}"
    return weigh_html(client, url, response.content)


def weigh_html(client: Client, url: str, html: bytes) -> Weight:
    weight = Weight(url=url, html=compressed(html))
    parser = _Assets()
    parser.feed(html.decode())
    for kind, reference in parser.urls:
        assert reference, f"{url}: a {kind} without a URL"  # e.g. <link rel=stylesheet href="">
        path = _same_origin(reference)
        if path is None or path in weight.assets:
            continue
        size = compressed(asset_content(client, path))
        weight.assets[path] = size
        if kind == "script" or path.endswith((".js", ".mjs")):
            weight.scripts[path] = size
    return weight


# --- The demo, with a little of everything on the pages -----------------------------------------


@pytest.fixture
def demo(db):
    call_command("load_demo", force=True, stdout=StringIO())
    brossard = Municipality.objects.get(slug="brossard")
    for email in (STAFF, ADMIN):
        TOTP.activate(User.objects.get(email=email), generate_totp_secret())
    program = program_for(brossard)  # the demo's (the events demo sets its attendance rule)
    merchant = make_merchant(program, User.objects.get(email=MERCHANT))
    citizen = User.objects.get(email=CITIZEN)
    give_points(program, citizen, 500)
    for n in range(10):
        make_offer(program, merchant, title=f"Offre {n}")
        make_offer(program, None, title=f"Service municipal {n}")
    city_staff(program)  # another staff member on the merchants and roles pages
    for n in range(40):
        Notification.objects.create(
            user=citizen,
            topic="account",
            key=f"demo-{n}",
            title=f"Avis {n}",
            body="Une collecte de feuilles aura lieu samedi dans votre secteur. " * 4,
        )
    return brossard


def _client(email: str | None) -> Client:
    client = Client()
    if email is not None:
        client.force_login(User.objects.get(email=email))
    return client


@pytest.mark.parametrize(("who", "url"), PAGES)
def test_a_first_load_stays_under_100_kb_and_its_javascript_under_30_kb(demo, who, url):
    weight = weigh(_client(who), url)
    assert weight.total < PAGE_BUDGET, str(weight)
    assert weight.javascript < JS_BUDGET, str(weight)


def test_an_event_page_and_a_place_stay_light_too(demo):
    """The demo's event and place pages (their ids depend on the demo, hence not in PAGES)."""
    from milieu.events.demo import STORY_TIME
    from milieu.events.models import Attraction, Event

    story = Event.objects.get(title_fr=STORY_TIME)
    museum = Attraction.objects.filter(kind="museum").first()
    assert museum is not None
    for who, url in [
        (None, f"/fr/brossard/events/{story.pk}/"),
        (CITIZEN, f"/en/brossard/events/{story.pk}/"),
        (None, f"/fr/{museum.municipality.slug}/events/attractions/{museum.pk}/"),
    ]:
        weight = weigh(_client(who), url)
        assert weight.total < PAGE_BUDGET, str(weight)
        assert weight.javascript < JS_BUDGET, str(weight)


def test_the_pages_do_load_their_stylesheet_and_scripts(demo):
    """The measure counts what pages reference: the layout's stylesheet and htmx everywhere, the
    verifier's scripts on the verifier."""
    home = weigh(_client(None), "/fr/")
    assert any(path.endswith(".css") for path in home.assets), str(home)
    assert any("htmx" in path for path in home.scripts), str(home)
    verifier = weigh(_client(None), "/fr/card/verify/")
    assert {"card-verifier.js", "card-offline.js"} <= {
        p.rsplit("/", 1)[-1] for p in verifier.scripts
    }


@pytest.mark.parametrize(
    ("reference", "error"),
    [
        ('<script src="/static/js/does-not-exist.js"></script>', "missing static file"),
        ('<link rel="stylesheet" href="/static/css/gone.css">', "missing static file"),
        ('<img src="/media/logos/gone.png" alt="">', "missing asset"),
        ('<link rel="stylesheet" href="">', "without a URL"),
    ],
)
def test_a_page_referencing_a_missing_asset_fails(db, reference, error):
    page = f"<!DOCTYPE html><html><head></head><body>{reference}</body></html>".encode()
    with pytest.raises(AssertionError, match=error):
        weigh_html(Client(), "/fr/", page)


def test_other_origins_and_inline_data_are_not_fetched(db):
    page = (
        b'<link rel="icon" href="data:,"><script src="https://cdn.example.org/x.js"></script>'
        b'<img src="//cdn.example.org/y.png" alt=""><link rel="stylesheet" href="/static/css/milieu.css">'
    )
    weight = weigh_html(Client(), "/fr/", page)
    assert list(weight.assets) == ["/static/css/milieu.css"]
