"""The preferences page: topic-by-channel grid, districts, quiet hours, digest, mobile number."""

import re
from datetime import UTC, datetime, time

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils.html import escape

from milieu.accounts.models import Membership
from milieu.accounts.tests.factories import UserFactory, citizen_of
from milieu.notifications import registry, services
from milieu.notifications.models import Delivery, DeliverySettings, DistrictFollow, Preference
from milieu.territory.tests.factories import DistrictFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db
URL = "/en/notifications/preferences/"
NIGHT = datetime(2026, 1, 16, 4, 0, tzinfo=UTC)  # 23:00 in Quebec


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def current_form(client) -> dict:
    """What the page shows, as a browser would submit it untouched."""
    response = client.get(URL)
    form = response.context["form"]
    data: dict = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if name.startswith("pref__"):
            if value and not field.disabled:
                data[name] = "on"
        elif name == "districts":
            data[name] = [str(v) for v in value or []]
        elif value is not None:
            data[name] = value.strftime("%H:%M") if isinstance(value, time) else value
    return data


def snapshot(user) -> tuple:
    settings_row = DeliverySettings.objects.filter(user=user).values_list(
        "quiet_start", "quiet_end", "digest", "sms_number"
    )
    return (
        sorted(Preference.objects.filter(user=user).values_list("topic", "channel", "enabled")),
        list(settings_row),
        sorted(DistrictFollow.objects.filter(user=user).values_list("district_id", flat=True)),
    )


@pytest.fixture
def brossard():
    return MunicipalityFactory(slug="brossard", name="Brossard")


@pytest.fixture
def resident(brossard):
    home = DistrictFactory(municipality=brossard, name="Secteur A")
    user = citizen_of(brossard)
    Membership.objects.filter(user=user).update(district=home)
    return user


def test_the_grid_lists_every_topic_with_its_description_and_the_defaults(resident):
    response = logged_in(resident).get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    for topic in registry.topics():
        assert escape(str(topic.name)) in html and escape(str(topic.description)) in html
    assert 'name="pref__snow_removal__in_app" id="id_pref__snow_removal__in_app" checked' in html
    assert re.search(
        r'name="pref__snow_removal__email" [^>]*id="id_pref__snow_removal__email">', html
    )
    assert 'name="pref__account__email" id="id_pref__account__email" checked' in html
    assert (
        '<label for="id_pref__urgent__email" class="visually-hidden">Urgent advisories: Email</label>'
        in html
    )


def test_no_sms_column_unless_sms_is_configured(resident, settings):
    settings.SMS_API_URL = ""
    html = logged_in(resident).get(URL).content.decode()
    assert "pref__urgent__sms" not in html and 'name="sms_number"' not in html

    settings.SMS_API_URL = "http://127.0.0.1:9"
    html = logged_in(resident).get(URL).content.decode()
    assert 'name="pref__urgent__sms"' in html and 'name="sms_number"' in html
    assert "You have not given a mobile number yet" in html
    assert 'aria-describedby="channel-sms-reason"' in html


def test_an_account_without_email_sees_why_the_email_column_is_unavailable(brossard):
    user = citizen_of(brossard, email="x1@assisted.invalid")
    client = logged_in(user)
    html = client.get(URL).content.decode()
    assert "Your account has no email address we can write to." in html
    assert re.search(r'name="pref__account__email"[^>]*disabled', html)

    data = current_form(client)
    data.pop("pref__account__email", None)
    assert client.post(URL, data).status_code == 302
    assert not Preference.objects.filter(user=user, channel="email").exists()


def test_saving_writes_only_what_changed_and_the_settings(resident, brossard):
    other = DistrictFactory(municipality=brossard, name="Secteur B")
    client = logged_in(resident)
    data = current_form(client)
    data["pref__snow_removal__email"] = "on"
    del data["pref__rewards__in_app"]
    data.update(quiet_start="21:30", quiet_end="07:00", digest="daily", districts=[other.pk])

    response = client.post(URL, data)

    assert response.status_code == 302
    assert response["Location"] == URL
    assert sorted(
        Preference.objects.filter(user=resident).values_list("topic", "channel", "enabled")
    ) == [
        ("rewards", "in_app", False),
        ("snow_removal", "email", True),
    ]
    settings_row = DeliverySettings.objects.get(user=resident)
    assert (settings_row.quiet_start, settings_row.quiet_end, settings_row.digest) == (
        time(21, 30),
        time(7, 0),
        "daily",
    )
    assert list(
        DistrictFollow.objects.filter(user=resident).values_list("district", flat=True)
    ) == [other.pk]
    page = client.get(URL).content.decode()
    assert 'name="pref__snow_removal__email" id="id_pref__snow_removal__email" checked' in page
    assert "Your notification preferences were saved." in page


def test_the_saved_choices_are_what_notify_follows(resident):
    client = logged_in(resident)
    data = current_form(client)
    data["pref__snow_removal__email"] = "on"
    del data["pref__account__email"]
    assert client.post(URL, data).status_code == 302

    snow = services.notify(user=resident, topic="snow_removal", key="a", title="Déneigement")
    account = services.notify(user=resident, topic="account", key="b", title="Compte")

    assert dict(snow.deliveries.values_list("channel", "status")) == {
        "in_app": "sent",
        "email": "sent",
    }
    assert dict(account.deliveries.values_list("channel", "status")) == {"in_app": "sent"}
    assert [m.subject for m in mail.outbox] == ["Déneigement"]


def test_quiet_hours_chosen_on_the_page_hold_emails_at_night(resident):
    client = logged_in(resident)
    data = current_form(client)
    data.update(quiet_start="21:00", quiet_end="07:00")
    assert client.post(URL, data).status_code == 302

    with time_machine.travel(NIGHT, tick=False):
        notification = services.notify(user=resident, topic="account", key="a", title="Plus tard")
    delivery = notification.deliveries.get(channel="email")
    assert delivery.status == Delivery.Status.HELD
    assert mail.outbox == []


def test_the_home_district_is_shown_and_always_followed(resident, brossard):
    other = DistrictFactory(municipality=brossard, name="Secteur B")
    client = logged_in(resident)
    html = client.get(URL).content.decode()
    assert "Alerts for your home district, Secteur A (Brossard), always reach you." in html
    assert "Secteur B (Brossard)" in html
    home_id = Membership.objects.get(user=resident).district_id
    assert f'value="{home_id}"' not in html

    data = current_form(client)
    data["districts"] = [other.pk]
    assert client.post(URL, data).status_code == 302
    assert list(
        DistrictFollow.objects.filter(user=resident).values_list("district", flat=True)
    ) == [other.pk]


def test_without_a_home_district_the_page_says_where_to_choose_it():
    user = UserFactory()
    html = logged_in(user).get(URL).content.decode()
    assert "You have not chosen your home district yet." in html
    assert 'href="/en/profile/"' in html


def invalid_cases(other_city_district):
    return {
        "bad mobile number": ({"sms_number": "514-555"}, "sms_number"),
        "one quiet time only": ({"quiet_start": "22:00", "quiet_end": ""}, "quiet_end"),
        "unknown digest": ({"digest": "hourly"}, "digest"),
        "district of another city": ({"districts": [other_city_district.pk]}, "districts"),
        "sms without a number": ({"pref__urgent__sms": "on", "sms_number": ""}, "sms_number"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "bad mobile number",
        "one quiet time only",
        "unknown digest",
        "district of another city",
        "sms without a number",
    ],
)
def test_bad_input_gets_field_errors_keeps_what_was_typed_and_changes_nothing(
    case, resident, settings
):
    settings.SMS_API_URL = "http://127.0.0.1:9"
    foreign = DistrictFactory(municipality=MunicipalityFactory(slug="magog"))
    services.preference_set(actor=resident, topic="rewards", channel="email", enabled=True)
    services.delivery_settings_update(actor=resident, digest="weekly")
    before = snapshot(resident)
    client = logged_in(resident)
    data = current_form(client)
    data["pref__snow_removal__email"] = "on"  # a change that must not be saved either
    data["quiet_start"], data["quiet_end"] = "23:15", "06:45"
    changes, field = invalid_cases(foreign)[case]
    data.update(changes)

    response = client.post(URL, data)

    html = response.content.decode()
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert f'id="id_{field}_error"' in html
    assert 'name="pref__snow_removal__email" id="id_pref__snow_removal__email" checked' in html
    if case == "bad mobile number":
        assert 'value="514-555"' in html
        assert "Enter the number in international form, e.g. +15145551234." in html
    if case != "one quiet time only":
        assert 'value="23:15"' in html
    assert snapshot(resident) == before


def test_a_mobile_number_is_accepted_with_spaces_and_saved_in_e164(resident, settings):
    settings.SMS_API_URL = "http://127.0.0.1:9"
    client = logged_in(resident)
    data = current_form(client)
    data.update({"sms_number": "+1 (514) 555-1234", "pref__urgent__sms": "on"})
    assert client.post(URL, data).status_code == 302
    assert DeliverySettings.objects.get(user=resident).sms_number == "+15145551234"
    assert Preference.objects.get(user=resident, topic="urgent", channel="sms").enabled


def test_the_preferences_need_a_login():
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


def test_the_profile_links_to_the_preferences(resident):
    html = logged_in(resident).get("/en/profile/").content.decode()
    security = html[html.index('id="security-title"') :]
    assert '<a href="/en/notifications/preferences/">Notification preferences</a>' in security
