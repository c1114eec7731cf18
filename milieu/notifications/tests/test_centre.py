"""The notification centre, its unread badge in the header, and marking read."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import UserFactory, citizen_of, with_role
from milieu.notifications import selectors
from milieu.notifications.models import Notification
from milieu.territory.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db
START = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)


def make_notifications(user, count: int, *, read: bool = False, body: str = "") -> list:
    return Notification.objects.bulk_create(
        Notification(
            user=user,
            topic="municipal_news",
            key=f"n{n}",
            title=f"Avis {n}",
            body=body or f"Texte {n}",
            url=f"/fr/brossard/avis/{n}/",
            created_at=START + timedelta(minutes=n),
            read_at=START if read else None,
        )
        for n in range(count)
    )


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def titles(html: str) -> list[str]:
    return re.findall(r'<a href="/fr/brossard/avis/\d+/">(Avis \d+)</a>', html)


def badge(html: str) -> str:
    match = re.search(r'<span id="notification-count"[^>]*>([^<]*)</span>', html)
    assert match, "no badge"
    return match.group(1)


def test_the_centre_lists_my_notifications_newest_first_20_a_page():
    user = UserFactory()
    make_notifications(user, 45)
    client = logged_in(user)

    first = client.get("/fr/notifications/")
    assert first.status_code == 200
    assert titles(first.content.decode()) == [f"Avis {n}" for n in range(44, 24, -1)]
    cursor = first.context["next_cursor"]
    assert f"?cursor={cursor}" in first.content.decode()

    second = client.get("/fr/notifications/", {"cursor": cursor})
    assert titles(second.content.decode()) == [f"Avis {n}" for n in range(24, 4, -1)]
    third = client.get("/fr/notifications/", {"cursor": second.context["next_cursor"]})
    assert titles(third.content.decode()) == [f"Avis {n}" for n in range(4, -1, -1)]
    assert third.context["next_cursor"] is None
    assert 'rel="next"' not in third.content.decode()


def test_notifications_created_at_the_same_instant_are_neither_lost_nor_repeated():
    user = UserFactory()
    Notification.objects.bulk_create(
        Notification(
            user=user, topic="municipal_news", key=f"k{n}", title=f"T{n}", created_at=START
        )
        for n in range(45)
    )
    seen: list[int] = []
    cursor = None
    while True:
        page = selectors.notification_page(user=user, cursor=cursor)
        seen += [n.pk for n in page.items]
        if not (cursor := page.next_cursor):
            break
    assert sorted(seen) == sorted(Notification.objects.values_list("pk", flat=True))
    assert len(seen) == len(set(seen)) == 45


def test_the_centre_runs_the_same_number_of_queries_for_5_or_65_notifications():
    few, many = UserFactory(), UserFactory()
    make_notifications(few, 5)
    make_notifications(many, 65)
    counts = []
    for user in (few, many):
        client = logged_in(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/fr/notifications/").status_code == 200
        counts.append(len(queries))
    # session, user, one page of notifications, the unread count (shared by the header badge)
    assert counts == [4, 4]


def test_unread_notifications_are_marked_and_counted():
    user = UserFactory()
    make_notifications(user, 2, read=True)
    Notification.objects.create(user=user, topic="account", key="new", title="Nouveau")
    html = logged_in(user).get("/en/notifications/").content.decode()
    assert html.count('<li class="unread">') == 1
    assert html.count('<span class="unread-mark">Unread</span>') == 1
    assert "1 unread notification" in html
    assert badge(html) == "1"


def test_each_item_links_to_its_url_and_unsafe_urls_are_not_links():
    user = UserFactory()
    Notification.objects.create(user=user, topic="account", key="a", title="Ok", url="/fr/card/")
    Notification.objects.create(
        user=user, topic="account", key="b", title="Piège", url="javascript:alert(1)"
    )
    html = logged_in(user).get("/fr/notifications/").content.decode()
    assert '<a href="/fr/card/">Ok</a>' in html
    assert "javascript:" not in html


def test_titles_and_messages_are_escaped_and_line_breaks_kept():
    user = UserFactory()
    Notification.objects.create(
        user=user,
        topic="account",
        key="a",
        title='<script>alert("t")</script>',
        body='<img src=x onerror="b">\nligne deux',
        url='/fr/card/"><b>',
    )
    html = logged_in(user).get("/fr/notifications/").content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&quot;b&quot;&gt;<br>ligne deux" in html
    assert 'href="/fr/card/&quot;&gt;&lt;b&gt;"' in html


def test_a_long_message_is_shortened_and_readable_in_full_on_its_own_page():
    user = UserFactory()
    notification = Notification.objects.create(
        user=user, topic="urgent", key="a", title="Avis", body="mot " * 200
    )
    client = logged_in(user)
    html = client.get("/fr/notifications/").content.decode()
    assert f'href="/fr/notifications/{notification.pk}/"' in html
    assert ("mot " * 200).strip() not in html

    detail = client.get(f"/fr/notifications/{notification.pk}/")
    assert detail.status_code == 200
    assert ("mot " * 200).strip() in detail.content.decode()
    notification.refresh_from_db()
    assert notification.read_at is not None  # reading it in full marks it read


def test_mark_all_as_read_without_javascript():
    user = UserFactory()
    make_notifications(user, 3)
    other = UserFactory()
    make_notifications(other, 2)
    client = logged_in(user)

    response = client.post("/fr/notifications/read/")

    assert response.status_code == 302
    assert response["Location"] == "/fr/notifications/"
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=other, read_at__isnull=True).count() == 2
    assert badge(client.get("/fr/notifications/").content.decode()) == "0"


def test_mark_all_as_read_with_htmx_swaps_the_list_and_the_badge():
    user = UserFactory()
    make_notifications(user, 3)
    response = logged_in(user).post("/en/notifications/read/", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="notification-list"')
    assert "<header" not in html
    assert 'hx-swap-oob="outerHTML"' in html and badge(html) == "0"
    assert "0 unread notifications" in html


def test_mark_one_as_read():
    user = UserFactory()
    first, second = make_notifications(user, 2)
    response = logged_in(user).post("/fr/notifications/read/", {"id": first.pk})
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None


@pytest.mark.parametrize("kind", ["citizen", "other_city", "staff", "other_staff", "operator"])
def test_nobody_reads_or_marks_another_persons_notification(kind):
    brossard, magog = MunicipalityFactory(slug="brossard"), MunicipalityFactory(slug="magog")
    owner = citizen_of(brossard)
    (notification,) = make_notifications(owner, 1)
    actor = {
        "citizen": lambda: citizen_of(brossard),
        "other_city": lambda: citizen_of(magog),
        "staff": lambda: with_role(brossard, Role.STAFF),
        "other_staff": lambda: with_role(magog, Role.ADMIN),
        "operator": lambda: UserFactory(is_staff=True, is_superuser=True),
    }[kind]()
    client = logged_in(actor)

    assert client.get(f"/fr/notifications/{notification.pk}/").status_code == 404
    assert client.post("/fr/notifications/read/", {"id": notification.pk}).status_code == 404
    assert client.post("/fr/notifications/read/").status_code == 302  # marks only their own
    page = client.get("/fr/notifications/").content.decode()
    assert "Avis 0" not in page

    notification.refresh_from_db()
    assert notification.read_at is None


def test_anonymous_visitors_are_sent_to_log_in_and_change_nothing():
    owner = UserFactory()
    (notification,) = make_notifications(owner, 1)
    client = Client()
    assert client.get("/fr/notifications/")["Location"].startswith("/fr/accounts/login/")
    assert client.post("/fr/notifications/read/", {"id": notification.pk}).status_code == 302
    assert client.get(f"/fr/notifications/{notification.pk}/").status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is None


def test_the_header_shows_the_unread_badge_on_every_page_for_logged_in_people():
    municipality = MunicipalityFactory(slug="brossard")
    user = citizen_of(municipality)
    make_notifications(user, 3)
    make_notifications(UserFactory(), 4)
    client = logged_in(user)
    for url in ("/en/", "/en/brossard/", "/en/profile/"):
        html = client.get(url).content.decode()
        match = re.search(r'<a href="/en/notifications/"[^>]*>.*?</a>', html, re.S)
        assert match, url
        link = match.group(0)
        assert badge(link) == "3"
        assert 'aria-label="3 unread notifications"' in link
        assert 'hx-get="/en/notifications/count/"' in link
        assert 'hx-trigger="every 60s"' in link and 'hx-swap="outerHTML"' in link
    assert 'id="notification-count"' not in Client().get("/en/brossard/").content.decode()


def test_the_badge_counts_in_one_query_and_caps_its_display():
    user = UserFactory()
    make_notifications(user, 120)
    client = logged_in(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/notifications/count/")
    assert [q["sql"] for q in queries if "notifications_notification" in q["sql"]] == [
        queries[-1]["sql"]
    ]
    assert badge(response.content.decode()) == "99+"
    assert 'aria-label="120 unread notifications"' in response.content.decode()


def test_the_count_endpoint_returns_only_the_badge():
    user = UserFactory()
    make_notifications(user, 2)
    response = logged_in(user).get("/es/notifications/count/", headers={"HX-Request": "true"})
    html = response.content.decode().strip()
    assert response.status_code == 200
    assert html.startswith('<span id="notification-count"') and html.endswith("</span>")
    assert badge(html) == "2"
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert Client().get("/es/notifications/count/").status_code == 204


def test_the_unread_count_uses_the_partial_index():
    user = UserFactory()
    make_notifications(user, 2000, read=True)  # what a centre looks like after a while
    Notification.objects.create(user=user, topic="account", key="new", title="Nouveau")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    plan = Notification.objects.filter(user=user, read_at__isnull=True).explain()
    assert "notification_unread" in plan


def page_weight(html: bytes) -> int:
    total = len(html)
    for asset in re.findall(rb'(?:src|href)="/static/([^"]+)"', html):
        path = finders.find(asset.decode())
        assert path, asset
        total += Path(path).stat().st_size
    return total


def test_a_full_page_of_long_notifications_stays_under_100_kb():
    user = UserFactory()
    Notification.objects.bulk_create(
        Notification(
            user=user,
            topic="municipal_news",
            key=f"n{n}",
            title=(f"{n} " + "Très long titre d’un avis municipal " * 6)[:200],  # the longest
            body="Un message municipal assez long. " * 60,
            url=f"/fr/brossard/consultations/budget-participatif-2026/propositions/{n}/",
        )
        for n in range(40)
    )
    client = logged_in(user)
    for url in ("/fr/notifications/", "/fr/notifications/preferences/"):
        response = client.get(url)
        assert response.status_code == 200
        assert page_weight(response.content) < 100 * 1024, url
    assert settings.STATIC_URL == "/static/"


def test_the_centre_is_served_from_the_cache_until_my_notifications_change():
    from milieu.notifications import services

    user = UserFactory()
    make_notifications(user, 3)
    client = logged_in(user)
    assert titles(client.get("/en/notifications/").content.decode())[0] == "Avis 2"

    with CaptureQueriesContext(connection) as queries:
        html = client.get("/en/notifications/").content.decode()
    assert not [q for q in queries if "notifications_notification" in q["sql"]]
    assert html.count('<li class="unread">') == 3

    services.notify(user=user, topic="account", key="new", title="Tout nouveau")
    assert "Tout nouveau" in client.get("/en/notifications/").content.decode()

    services.notification_mark_read(actor=user, notification_ids=None)
    html = client.get("/en/notifications/").content.decode()
    assert '<li class="unread">' not in html
    assert "Mark as read" not in html

    french = client.get("/fr/notifications/").content.decode()
    assert "Marquer" not in french and "Unread" not in french  # its own language, not a copy


def test_the_compiled_first_page_is_the_page_the_orm_reads():
    from milieu.notifications.selectors import FIELDS, PAGE_SIZE, notification_page

    user = UserFactory()
    make_notifications(user, PAGE_SIZE + 3)
    Notification.objects.filter(user=user, key="n0").update(urgent=True, read_at=START)
    make_notifications(UserFactory(), 2)

    compiled = notification_page(user=user)  # the first page: the compiled query
    reference = notification_page(user=user, page_size=PAGE_SIZE + 1)  # the ORM

    def fields(items):
        return [tuple(getattr(n, f) for f in FIELDS) for n in items]

    assert fields(compiled.items) == fields(reference.items[:PAGE_SIZE])
    assert compiled.next_cursor == selectors._encode_cursor(reference.items[PAGE_SIZE - 1])
    last = notification_page(user=user, cursor=compiled.next_cursor)
    assert [n.title for n in last.items] == ["Avis 2", "Avis 1", "Avis 0"]
    assert last.items[-1].urgent is True and last.items[-1].read_at == START
