"""Pages and parts of pages kept rendered (`core.pagecache`): each person still gets their own
token, nonce, badge and path; nothing of one person reaches another; a change shows at once."""

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import constants
from django.contrib.messages.api import add_message
from django.core.cache import cache
from django.middleware.csrf import _unmask_cipher_token
from django.template import Context, Template
from django.test import Client

from milieu.accounts.access import access_forget
from milieu.accounts.models import Role, RoleAssignment
from milieu.accounts.tests.factories import citizen_of, with_role
from milieu.core import pagecache
from milieu.notifications import services as notifications
from milieu.territory.models import Municipality, Region
from milieu.territory.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


class Renderings:
    """How many times pages are rendered to be kept (shared or personal)."""

    def __init__(self, monkeypatch):
        self.templates: list[str] = []
        real = pagecache.render_to_string

        def counted(template_name, context=None, request=None, **kwargs):
            if context and context.get(pagecache.CONTEXT_FLAG):
                self.templates.append(template_name)
            return real(template_name, context, request, **kwargs)

        monkeypatch.setattr(pagecache, "render_to_string", counted)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "no CSRF field"
    return match.group(1)


def fragment_renders(monkeypatch) -> list[int]:
    """One item per kept part rendered (`pagecache.fragment` calling its `render`)."""
    renders: list[int] = []
    original = pagecache.fragment

    def fragment(request, name, render, **kwargs):
        def counting():
            renders.append(1)
            return render()

        return original(request, name, counting, **kwargs)

    monkeypatch.setattr(pagecache, "fragment", fragment)
    return renders


def badge(html: str) -> str:
    match = re.search(r'<span id="notification-count"[^>]*>([^<]*)</span>', html)
    assert match, "no badge"
    return match.group(1)


def test_a_shared_page_is_rendered_once_and_each_person_gets_their_own_token_and_badge(
    monkeypatch,
):
    brossard = MunicipalityFactory()
    first, second = citizen_of(brossard), citizen_of(brossard)
    notifications.notify(user=second, topic="account", key="k", title="Bonjour")
    renderings = Renderings(monkeypatch)
    one, two = logged_in(first), logged_in(second)

    html_one = one.get(f"/en/{brossard.slug}/").content.decode()
    html_two = two.get(f"/en/{brossard.slug}/").content.decode()

    assert renderings.templates == ["territory/municipality_home.html"]
    assert (badge(html_one), badge(html_two)) == ("0", "1")
    for client, html in ((one, html_one), (two, html_two)):
        secret = client.cookies["csrftoken"].value
        assert _unmask_cipher_token(form_token(html)) == secret
    assert "\ue000" not in html_one + html_two  # every hole filled
    # The kept token works: leaving the municipality with it is accepted.
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(first)
    page = strict.get(f"/en/{brossard.slug}/").content.decode()
    answer = strict.post(f"/en/{brossard.slug}/leave/", {"csrfmiddlewaretoken": form_token(page)})
    assert answer.status_code != 403


def test_what_a_person_may_do_makes_another_variant_of_the_page(monkeypatch):
    brossard = MunicipalityFactory()
    resident, admin = citizen_of(brossard), with_role(brossard, Role.ADMIN)
    renderings = Renderings(monkeypatch)

    as_resident = logged_in(resident).get(f"/en/{brossard.slug}/").content.decode()
    as_admin = logged_in(admin).get(f"/en/{brossard.slug}/").content.decode()
    anonymous = Client().get(f"/en/{brossard.slug}/").content.decode()

    assert len(renderings.templates) == 3
    assert "Staff area" in as_admin
    assert "Staff area" not in as_resident and "Staff area" not in anonymous
    assert "Log out" not in anonymous


def test_a_role_granted_shows_on_the_next_page():
    brossard = MunicipalityFactory()
    person = citizen_of(brossard)
    client = logged_in(person)
    assert "Staff area" not in client.get(f"/en/{brossard.slug}/").content.decode()

    RoleAssignment.objects.create(user=person, role=Role.ADMIN, municipality=brossard)
    TOTP.activate(person, generate_totp_secret())  # staff rights need a second factor
    access_forget(person.pk)

    assert "Staff area" in client.get(f"/en/{brossard.slug}/").content.decode()


def test_a_renamed_municipality_or_region_shows_at_once():
    brossard = MunicipalityFactory(name="Brossard")
    client = logged_in(citizen_of(brossard))
    assert "<h1>Brossard</h1>" in client.get(f"/en/{brossard.slug}/").content.decode()

    brossard.name = "Ville de Brossard"
    brossard.save()
    region = Region.objects.get(pk=brossard.region_id)
    region.name = "Rive-Sud"
    region.save()

    html = client.get(f"/en/{brossard.slug}/").content.decode()
    assert "<h1>Ville de Brossard</h1>" in html
    assert "Rive-Sud" in html
    assert Municipality.objects.get(pk=brossard.pk).name == "Ville de Brossard"


def test_a_page_with_a_message_to_show_is_rendered_for_that_request(monkeypatch):
    brossard = MunicipalityFactory()
    client = logged_in(citizen_of(brossard))
    client.get(f"/en/{brossard.slug}/")  # kept
    renderings = Renderings(monkeypatch)
    seen: list[str] = []

    from milieu.territory import views

    real = views.pagecache.render_page

    def with_message(request, *args, **kwargs):
        if not seen:
            add_message(request, constants.SUCCESS, "Saved, thank you.")
        seen.append(request.path)
        return real(request, *args, **kwargs)

    monkeypatch.setattr(views.pagecache, "render_page", with_message)
    first = client.get(f"/en/{brossard.slug}/").content.decode()
    second = client.get(f"/en/{brossard.slug}/").content.decode()

    assert "Saved, thank you." in first
    assert "Saved, thank you." not in second
    assert renderings.templates == []  # the message page was not kept, the next one came kept


def test_the_language_switcher_returns_to_each_requests_own_path():
    brossard = MunicipalityFactory()
    client = Client()
    plain = client.get(f"/en/{brossard.slug}/").content.decode()
    odd = client.get(f"/en/{brossard.slug}/?from=<b>x</b>").content.decode()

    assert f'name="next" value="/en/{brossard.slug}/"' in plain
    assert f'name="next" value="/en/{brossard.slug}/?from=%3Cb%3Ex%3C/b%3E"' in odd
    assert "<b>x</b>" not in odd


def test_text_written_by_a_person_cannot_open_a_hole():
    person = citizen_of(MunicipalityFactory())
    forged = "\ue000csrf\ue001 \ue000000000000000csrf\ue001"
    notifications.notify(user=person, topic="account", key="k", title=f"Hello {forged}")
    client = logged_in(person)

    html = client.get("/en/notifications/").content.decode()

    assert f"Hello {forged}" in html  # shown as written, nothing put in its place
    assert html.count(client.cookies["csrftoken"].value) == 0  # the secret itself never shows


def test_the_notification_centre_is_kept_until_my_notifications_change(monkeypatch):
    person = citizen_of(MunicipalityFactory())
    notifications.notify(user=person, topic="account", key="a", title="First notice")
    client = logged_in(person)
    assert "First notice" in client.get("/en/notifications/").content.decode()
    renderings = Renderings(monkeypatch)

    assert "First notice" in client.get("/en/notifications/").content.decode()
    assert renderings.templates == []

    notifications.notify(user=person, topic="account", key="b", title="Second notice")
    html = client.get("/en/notifications/").content.decode()
    assert "Second notice" in html and badge(html) == "2"
    assert renderings.templates == ["notifications/centre.html"]


def test_a_personal_page_is_never_served_to_someone_else():
    brossard = MunicipalityFactory()
    first, second = citizen_of(brossard), citizen_of(brossard)
    notifications.notify(user=first, topic="account", key="a", title="For the first only")
    assert "For the first only" in logged_in(first).get("/en/notifications/").content.decode()

    assert "For the first only" not in logged_in(second).get("/en/notifications/").content.decode()


def test_a_shared_page_cannot_read_the_person():
    viewer = pagecache.SharedViewer(is_authenticated=True)
    assert viewer.is_authenticated and not viewer.is_anonymous
    with pytest.raises(pagecache.PersonalDataRead):
        Template("{{ user.email }}").render(Context({"user": viewer}))


def test_the_layout_is_kept_per_language_and_login_and_filled_per_request(monkeypatch):
    brossard = MunicipalityFactory()
    person = citizen_of(brossard)
    notifications.notify(user=person, topic="account", key="a", title="Hello")
    client = logged_in(person)
    kept: list[str] = []
    real = pagecache._Shared.set

    def recorded(self, key, html, seconds):
        if key.startswith("fragments:"):
            kept.append(key)
        return real(self, key, html, seconds)

    monkeypatch.setattr(pagecache._Shared, "set", recorded)

    for path in ("/en/profile/", "/en/notifications/preferences/", "/fr/profile/"):
        html = client.get(path).content.decode()
        assert badge(html) == "1"
        assert "\ue000" not in html
    # head, header and footer once per language (the other pages reuse them)
    assert len(kept) == 6
    # and in the shared cache, where the other workers find them
    assert all(cache.get(key) for key in kept)


def test_the_region_page_is_kept_until_its_members_change(monkeypatch):
    brossard = MunicipalityFactory(name="Brossard")
    region = Region.objects.get(pk=brossard.region_id)
    client = Client()
    assert "Brossard" in client.get(f"/en/regions/{region.slug}/").content.decode()
    renderings = Renderings(monkeypatch)
    client.get(f"/en/regions/{region.slug}/")
    assert renderings.templates == []

    MunicipalityFactory(name="La Prairie", region=region)

    assert "La Prairie" in client.get(f"/en/regions/{region.slug}/").content.decode()
    assert renderings.templates == ["territory/region_detail.html"]


def test_a_kept_part_is_kept_once_per_value_of_what_it_varies_on(rf, monkeypatch):
    template = Template(
        '{% load pagecache %}{% keep "card" number %}n={{ number }} {% csrf_token %}{% endkeep %}'
    )
    renders = fragment_renders(monkeypatch)

    def page(number: int) -> str:
        request = rf.get("/")
        request.user = AnonymousUser()
        return template.render(Context({"request": request, "number": number}))

    one, two, one_again = page(1), page(2), page(1)

    assert one.startswith("n=1 ") and two.startswith("n=2 ") and one_again.startswith("n=1 ")
    assert len(renders) == 2  # 1, then 2; the second 1 came from what was kept
    # The CSRF token is a hole, filled for each request: never the kept one.
    assert "csrfmiddlewaretoken" in one and pagecache.hole("csrf") not in one


def test_a_part_rendered_by_one_worker_is_not_rendered_again_by_another(rf, monkeypatch):
    template = Template('{% load pagecache %}{% keep "card" number %}n={{ number }}{% endkeep %}')
    renders = fragment_renders(monkeypatch)
    request = rf.get("/")
    request.user = AnonymousUser()

    first = template.render(Context({"request": request, "number": 7}))
    pagecache.clear()  # another worker: its own memory is empty, the shared cache is not
    second = template.render(Context({"request": request, "number": 7}))

    assert first == second == "n=7"
    assert len(renders) == 1


def test_the_workers_memory_holds_at_most_so_many_characters():
    kept = pagecache._Shared(100)
    for number in range(5):
        kept.set(f"k{number}", "x" * 30, 60)

    assert [kept.get(f"k{number}") is not None for number in range(5)] == [
        False,
        False,
        True,
        True,
        True,
    ]
    assert kept.held == 90
    kept.set("k4", "y" * 10, 60)  # replaced: its old text no longer counts
    assert kept.held == 70


class Item:
    """A value whose rendering is counted."""

    shown: list[int] = []

    def __init__(self, number: int) -> None:
        self.number = number

    def __repr__(self) -> str:  # what the part's key varies on
        return f"Item({self.number})"

    @property
    def label(self) -> str:
        Item.shown.append(self.number)
        return f"item {self.number}"


def test_a_kept_pages_parts_are_looked_up_together_each_with_its_own_values(rf, monkeypatch):
    template = Template(
        '{% load pagecache %}{% for item in items %}{% keep "item" item %}'
        "<li>{{ item.label }} of {{ forloop.counter }} {% csrf_token %}</li>{% endkeep %}"
        "{% endfor %}"
    )

    def render_to_string(name, context, request):
        return template.render(Context({**context, "request": request}))

    monkeypatch.setattr(pagecache, "render_to_string", render_to_string)
    lookups: list[list[str]] = []
    real_get_many = cache.get_many

    def get_many(keys, *args, **kwargs):
        lookups.append(list(keys))
        return real_get_many(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", get_many)
    monkeypatch.setattr(pagecache, "fragment", lambda *a, **k: pytest.fail("looked up alone"))

    def page(numbers: list[int]) -> str:
        request = rf.get("/")
        request.user = AnonymousUser()
        response = pagecache.render_page(
            request, "items.html", {"items": [Item(n) for n in numbers]}, vary=(tuple(numbers),)
        )
        return response.content.decode()

    Item.shown = []
    html = page([1, 2, 3])
    assert re.findall(r"<li>(item \d of \d)", html) == ["item 1 of 1", "item 2 of 2", "item 3 of 3"]
    assert len(lookups) == 1 and len(lookups[0]) == 3  # the three parts, in one round trip
    assert Item.shown == [1, 2, 3]
    assert "csrfmiddlewaretoken" in html and "\ue002" not in html and "\ue000" not in html

    pagecache.clear()  # another worker: items 2 and 3 come from the shared cache, 4 is new
    Item.shown, lookups[:] = [], []
    html = page([2, 3, 4])
    assert Item.shown == [4]
    assert len(lookups) == 1 and len(lookups[0]) == 3
    # Each part as first rendered: item 2 was the second of its first page.
    assert re.findall(r"<li>(item \d of \d)", html) == ["item 2 of 2", "item 3 of 3", "item 4 of 3"]


class Deferred(pagecache.ReadWhenRendered):
    """A value read only when a part showing it is rendered; it says when it was told."""

    def __init__(self, number: int, log: list[str]) -> None:
        self.number, self.log = number, log

    def __repr__(self) -> str:
        return f"Deferred({self.number})"

    def needed(self) -> None:
        self.log.append(f"needed {self.number}")

    @property
    def label(self) -> str:
        self.log.append(f"read {self.number}")
        return f"item {self.number}"


def test_values_of_the_parts_to_render_are_told_before_any_is_rendered(rf, monkeypatch):
    template = Template(
        '{% load pagecache %}{% for item in items %}{% keep "item" item %}'
        "<li>{{ item.label }}</li>{% endkeep %}{% endfor %}"
    )
    monkeypatch.setattr(
        pagecache,
        "render_to_string",
        lambda name, context, request: template.render(Context({**context, "request": request})),
    )

    def page(numbers: list[int], log: list[str]) -> str:
        request = rf.get("/")
        request.user = AnonymousUser()
        items = [Deferred(n, log) for n in numbers]
        return pagecache.render_page(
            request, "items.html", {"items": items}, vary=(tuple(numbers),)
        ).content.decode()

    first: list[str] = []
    assert re.findall(r"<li>(item \d)", page([1, 2], first)) == ["item 1", "item 2"]
    assert first == ["needed 1", "needed 2", "read 1", "read 2"]

    pagecache.clear()  # another worker: 2 is in the shared cache, 3 is not
    second: list[str] = []
    assert re.findall(r"<li>(item \d)", page([2, 3], second)) == ["item 2", "item 3"]
    assert second == ["needed 3", "read 3"]
