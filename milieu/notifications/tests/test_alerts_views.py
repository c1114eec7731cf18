"""The staff pages of municipal alerts: list, compose (live audience count, with and without
JavaScript), send, schedule, cancel, and an alert's delivery status."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import with_role
from milieu.notifications import alerts
from milieu.notifications.models import Alert, Delivery, Notification
from milieu.territory.tests.factories import DistrictFactory, MunicipalityFactory

from .factories_alerts import draft, resident

pytestmark = pytest.mark.django_db
BASE = "/fr/brossard/staff/alerts/"


@pytest.fixture
def brossard():
    return MunicipalityFactory(slug="brossard", name="Brossard")


@pytest.fixture
def nord(brossard):
    return DistrictFactory(municipality=brossard, name="Secteur nord", slug="nord")


@pytest.fixture
def sud(brossard):
    return DistrictFactory(municipality=brossard, name="Secteur sud", slug="sud")


@pytest.fixture
def staff(brossard):
    return with_role(brossard, Role.STAFF)


@pytest.fixture
def client(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


def compose(**changes) -> dict:
    return {
        "topic": "snow_removal",
        "title_fr": "Déneigement",
        "body_fr": "Déplacez votre voiture.",
        "title_en": "",
        "body_en": "",
        "title_es": "",
        "body_es": "",
        "action": "save",
        **changes,
    }


def test_the_list_shows_alerts_with_status_audience_and_counts_in_constant_queries(
    client, brossard, nord, staff, django_assert_max_num_queries
):
    resident(brossard, nord)
    sent = draft(brossard, topic="urgent", urgent=True, districts=[nord], title_fr="Avis")
    alerts.alert_send(actor=staff, alert=sent)
    draft(brossard, title_fr="Brouillon")
    client.get(BASE)  # warm the session and the role caches

    with django_assert_max_num_queries(12) as few:
        response = client.get(BASE)
    for i in range(8):
        draft(brossard, title_fr=f"Alerte {i}", districts=[nord])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(BASE)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Avis" in html and "Brouillon" in html
    rows = {a.title_fr: a for a in response.context["page"]}
    assert (rows["Avis"].audience_size, rows["Avis"].messages_sent, rows["Avis"].failed) == (
        1,
        1,
        0,
    )
    assert rows["Brouillon"].status == "draft"
    assert f'href="{BASE}"' in html  # the staff menu links to the alerts


def test_the_list_is_paginated(client, brossard):
    for i in range(25):
        draft(brossard, title_fr=f"Alerte {i}")
    first, second = client.get(BASE), client.get(BASE + "?page=2")
    assert (len(first.context["page"]), len(second.context["page"])) == (20, 5)


def test_the_form_has_three_languages_side_by_side_districts_and_the_audience(
    client, brossard, nord, sud
):
    resident(brossard, nord)
    response = client.get(BASE + "new/")

    assert response.status_code == 200
    html = response.content.decode()
    for code in ("fr", "en", "es"):
        assert f'name="title_{code}"' in html and f'lang="{code}"' in html
    assert html.count('type="checkbox" name="districts"') == 2
    assert 'type="datetime-local"' in html
    assert 'hx-get="/fr/brossard/staff/alerts/audience/"' in html
    # The first topic (urgent advisories) to the whole municipality: the resident and the staff.
    assert response.context["audience"] == 2


def test_saving_a_draft(client, brossard, nord, staff):
    response = client.post(BASE + "new/", compose(districts=[nord.pk], title_en="Snow removal"))

    alert = Alert.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}{alert.pk}/"
    assert (alert.status, alert.title_en, alert.created_by) == ("draft", "Snow removal", staff)
    assert list(alert.districts.all()) == [nord]


def test_a_refused_form_keeps_what_was_typed_and_saves_nothing(client, brossard, nord):
    response = client.post(
        BASE + "new/",
        compose(topic="municipal_news", districts=[nord.pk], title_fr="", body_en="Keep me"),
    )

    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"title_fr"}
    assert "Keep me" in response.content.decode()
    assert Alert.objects.count() == 0

    # The shape is right but the rules are not: the service's errors land on their fields.
    response = client.post(BASE + "new/", compose(topic="municipal_news", districts=[nord.pk]))
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"districts"}
    assert Alert.objects.count() == 0


def test_counting_the_audience_without_javascript_saves_nothing(client, brossard, nord, sud):
    resident(brossard, nord)
    resident(brossard, sud)
    response = client.post(
        BASE + "new/", compose(districts=[nord.pk], action="preview", title_fr="", body_en="Kept")
    )

    assert response.status_code == 200
    assert response.context["audience"] == 1
    assert response.context["form"].errors == {}  # an unfinished text is not an error yet
    html = response.content.decode()
    assert "Kept" in html
    assert f'value="{nord.pk}" id="id_districts_0" checked' in html
    assert "1" in response.content.decode().split('id="audience-preview"')[1][:200]
    assert Alert.objects.count() == 0


def test_the_live_count_is_a_fragment_for_htmx(client, brossard, nord, sud):
    resident(brossard, nord)
    resident(brossard, nord)
    response = client.get(
        BASE + "audience/",
        {"topic": "snow_removal", "districts": [nord.pk]},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith('<p id="audience-preview"')
    assert "<html" not in html
    assert response.context["audience"] == 2

    refused = client.get(BASE + "audience/", {"topic": "municipal_news", "districts": [nord.pk]})
    assert refused.context["audience"] is None
    assert refused.context["audience_problem"]


def test_send_now_from_the_form(client, brossard, nord):
    person = resident(brossard, nord)
    response = client.post(BASE + "new/", compose(districts=[nord.pk], action="send"), follow=True)

    alert = Alert.objects.get()
    assert (alert.status, alert.audience_size) == ("sent", 1)
    assert Notification.objects.get().user == person
    assert response.redirect_chain == [(f"{BASE}{alert.pk}/", 302)]
    # One row, the notification centre: queued, held, digest, sent, failed, bounced.
    assert [numbers for _name, numbers in response.context["rows"]] == [[0, 0, 0, 1, 0, 0]]


def test_a_schedule_refused_from_the_form_leaves_no_draft_behind(client, brossard):
    past = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(BASE + "new/", compose(action="schedule", scheduled_for=past))

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"scheduled_for"}
    assert Alert.objects.count() == 0


def test_schedule_from_the_form(client, brossard):
    later = timezone.localtime() + timedelta(days=1)
    response = client.post(
        BASE + "new/", compose(action="schedule", scheduled_for=later.strftime("%Y-%m-%dT%H:%M"))
    )
    alert = Alert.objects.get()
    assert response.status_code == 302
    assert alert.status == "scheduled"
    assert alert.scheduled_for == later.replace(second=0, microsecond=0)


def test_edit_a_draft_and_not_a_sent_alert(client, brossard, nord, staff):
    alert = draft(brossard, districts=[nord])
    page = client.get(f"{BASE}{alert.pk}/edit/")
    assert page.context["form"]["title_fr"].value() == "Opération de déneigement"

    response = client.post(f"{BASE}{alert.pk}/edit/", compose(title_fr="Nouveau titre"))
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.title_fr == "Nouveau titre"
    assert list(alert.districts.all()) == []  # every box unticked: the whole municipality

    alerts.alert_send(actor=staff, alert=alert)
    response = client.post(f"{BASE}{alert.pk}/edit/", compose(title_fr="Trop tard"))
    assert response.status_code == 302
    assert Alert.objects.get(pk=alert.pk).title_fr == "Nouveau titre"


def test_the_alert_page_shows_delivery_status_and_the_actions(client, brossard, sud, staff):
    resident(brossard, sud)
    resident(brossard, sud)
    alert = draft(brossard, topic="urgent", urgent=True, districts=[sud], title_fr="Avis")
    page = client.get(f"{BASE}{alert.pk}/")
    html = page.content.decode()
    assert page.context["audience"] == 2
    assert f'action="{BASE}{alert.pk}/send/"' in html
    assert f'action="{BASE}{alert.pk}/cancel/"' not in html

    client.post(f"{BASE}{alert.pk}/send/")
    first_email = Delivery.objects.filter(channel="email").order_by("pk").first()
    Delivery.objects.filter(pk=first_email.pk).update(status="failed")
    page = client.get(f"{BASE}{alert.pk}/")

    html = page.content.decode()
    assert page.context["audience"] == 2
    sent = Delivery.Status.choices.index(("sent", Delivery.Status.SENT.label))
    failed = Delivery.Status.choices.index(("failed", Delivery.Status.FAILED.label))
    numbers = dict(page.context["rows"])
    assert [n[sent] for n in numbers.values()] == [2, 1]
    assert [n[failed] for n in numbers.values()] == [0, 1]
    assert 'id="delivery-status"' in html
    assert f'action="{BASE}{alert.pk}/send/"' not in html


def test_schedule_and_cancel_from_the_alert_page(client, brossard):
    alert = draft(brossard)
    later = (timezone.localtime() + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")

    bad = client.post(f"{BASE}{alert.pk}/schedule/", {"scheduled_for": "2001-01-01T10:00"})
    assert bad.status_code == 400
    assert set(bad.context["schedule_form"].errors) == {"scheduled_for"}
    assert Alert.objects.get(pk=alert.pk).status == "draft"

    assert client.post(f"{BASE}{alert.pk}/schedule/", {"scheduled_for": later}).status_code == 302
    assert Alert.objects.get(pk=alert.pk).status == "scheduled"
    assert f'action="{BASE}{alert.pk}/cancel/"' in client.get(f"{BASE}{alert.pk}/").content.decode()

    assert client.post(f"{BASE}{alert.pk}/cancel/").status_code == 302
    assert Alert.objects.get(pk=alert.pk).status == "cancelled"
    again = client.post(f"{BASE}{alert.pk}/cancel/")
    assert again.status_code == 409
    assert again.context["error"]


def test_another_municipalitys_alert_is_not_found(client, brossard):
    other = draft(MunicipalityFactory(slug="chateauguay"))
    assert client.get(f"{BASE}{other.pk}/").status_code == 404
    assert client.post(f"{BASE}{other.pk}/send/").status_code == 404
    assert Alert.objects.get(pk=other.pk).status == "draft"
