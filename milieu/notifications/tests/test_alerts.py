"""Municipal alerts: who receives them, in which language and on which channels; validation;
sending now or later; the fan-out in batches (idempotent, constant queries per batch)."""

from datetime import UTC, datetime, time, timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.tasks import default_task_backend

from milieu.accounts.models import Membership, Role
from milieu.accounts.tests.factories import with_role
from milieu.core.errors import ApplicationError, Conflict, PermissionDenied
from milieu.notifications import alerts, registry, services
from milieu.notifications.models import (
    Alert,
    Delivery,
    DeliverySettings,
    DistrictFollow,
    Notification,
)
from milieu.notifications.selectors_alerts import alert_delivery_counts
from milieu.territory.tests.factories import DistrictFactory, MunicipalityFactory

from .factories_alerts import draft, resident, visitor

pytestmark = pytest.mark.django_db
DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
NOON = datetime(2026, 1, 15, 17, 0, tzinfo=UTC)  # 12:00 in Quebec
NIGHT = datetime(2026, 1, 16, 4, 0, tzinfo=UTC)  # 23:00 in Quebec


@pytest.fixture
def city():
    brossard = MunicipalityFactory(slug="brossard", name="Brossard")
    chateauguay = MunicipalityFactory(slug="chateauguay", name="Châteauguay")
    return SimpleNamespace(
        brossard=brossard,
        chateauguay=chateauguay,
        nord=DistrictFactory(municipality=brossard, name="Secteur nord", slug="nord"),
        sud=DistrictFactory(municipality=brossard, name="Secteur sud", slug="sud"),
        elsewhere=DistrictFactory(municipality=chateauguay, name="Centre", slug="centre"),
        staff=with_role(brossard, Role.STAFF),
    )


@pytest.fixture
def dummy_tasks(settings):
    """Tasks are recorded, not run: what the fan-out queues can be inspected."""
    settings.TASKS = DUMMY_TASKS
    default_task_backend.clear()
    return default_task_backend


def recipients(alert: Alert) -> set[int]:
    return set(Notification.objects.filter(alert=alert).values_list("user_id", flat=True))


def channels_of(user, alert: Alert) -> dict[str, str]:
    return dict(
        Delivery.objects.filter(notification__user=user, notification__alert=alert).values_list(
            "channel", "status"
        )
    )


def fields_of(error: ApplicationError) -> set[str]:
    return set(error.extra["fields"])


# --- The audience -------------------------------------------------------------------------------


def test_a_district_alert_reaches_its_residents_and_the_people_who_follow_it(city):
    north = [resident(city.brossard, city.nord) for _ in range(2)]
    resident(city.brossard, city.sud)
    follower = resident(city.brossard, city.sud)
    DistrictFollow.objects.create(user=follower, district=city.nord)
    # Lives in Châteauguay, visits Brossard and follows its northern district.
    commuter = resident(city.chateauguay, city.elsewhere)
    Membership.objects.create(user=commuter, municipality=city.brossard, district=city.nord)
    DistrictFollow.objects.create(user=commuter, district=city.nord)
    visitor(city.brossard, city.nord)  # visits the district without following it
    resident(city.brossard, city.nord, is_active=False)
    alert = draft(city.brossard, districts=[city.nord])

    assert alerts.alert_audience(alert=alert) == 4
    sent = alerts.alert_send(actor=city.staff, alert=alert)

    assert (sent.status, sent.audience_size) == (Alert.Status.SENT, 4)
    assert sent.sent_at is not None
    assert recipients(alert) == {u.pk for u in [*north, follower, commuter]}


def test_an_alert_without_districts_reaches_everyone_whose_home_is_the_municipality(city):
    homes = [
        resident(city.brossard, city.nord),
        resident(city.brossard, city.sud),
        resident(city.brossard),  # no district given
        city.staff,
    ]
    follower = resident(city.chateauguay)
    Membership.objects.create(user=follower, municipality=city.brossard)
    DistrictFollow.objects.create(user=follower, district=city.sud)
    visitor(city.brossard)
    resident(city.chateauguay, city.elsewhere)
    alert = draft(city.brossard, topic="municipal_news")

    assert alerts.alert_audience(alert=alert) == 5
    alerts.alert_send(actor=city.staff, alert=alert)

    assert recipients(alert) == {u.pk for u in [*homes, follower]}


def test_the_notification_centre_gets_alerts_unless_the_topic_is_off_on_every_channel(city):
    default = resident(city.brossard, city.nord)
    with_email = resident(city.brossard, city.nord)
    services.preference_set(actor=with_email, topic="snow_removal", channel="email", enabled=True)
    email_only = resident(city.brossard, city.nord)
    services.preference_set(actor=email_only, topic="snow_removal", channel="in_app", enabled=False)
    services.preference_set(actor=email_only, topic="snow_removal", channel="email", enabled=True)
    silent = resident(city.brossard, city.nord)
    services.preference_set(actor=silent, topic="snow_removal", channel="in_app", enabled=False)
    # Turning off another topic changes nothing for snow removal.
    services.preference_set(
        actor=default, topic="waste_collection", channel="in_app", enabled=False
    )
    alert = draft(city.brossard, districts=[city.nord])

    assert alerts.alert_audience(alert=alert) == 3
    with time_machine.travel(NOON, tick=False):
        alerts.alert_send(actor=city.staff, alert=alert)

    assert recipients(alert) == {default.pk, with_email.pk, email_only.pk}
    assert channels_of(default, alert) == {"in_app": "sent"}
    assert channels_of(with_email, alert) == {"in_app": "sent", "email": "sent"}
    assert channels_of(email_only, alert) == {"email": "sent"}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([with_email.email, email_only.email])


def test_each_person_reads_the_alert_in_their_language_or_else_in_french(city):
    people = {
        language: resident(city.brossard, city.nord, preferred_language=language)
        for language in ("fr", "en", "es")
    }
    alert = draft(
        city.brossard,
        districts=[city.nord],
        title_fr="Déneigement ce soir",
        body_fr="Déplacez votre voiture.",
        title_en="Snow removal tonight",
        body_en="Move your car.",
    )

    alerts.alert_send(actor=city.staff, alert=alert)

    texts = {
        n.user.preferred_language: (n.title, n.body, n.topic, n.key, n.municipality_id)
        for n in Notification.objects.filter(alert=alert).select_related("user")
    }
    key = f"alert:{alert.pk}"
    assert texts == {
        "fr": (
            "Déneigement ce soir",
            "Déplacez votre voiture.",
            "snow_removal",
            key,
            city.brossard.pk,
        ),
        "en": ("Snow removal tonight", "Move your car.", "snow_removal", key, city.brossard.pk),
        "es": (
            "Déneigement ce soir",
            "Déplacez votre voiture.",
            "snow_removal",
            key,
            city.brossard.pk,
        ),
    }
    assert set(people) == set(texts)


# --- Composing ----------------------------------------------------------------------------------


def test_create_makes_a_draft_with_its_districts(city):
    alert = alerts.alert_create(
        actor=city.staff,
        municipality=city.brossard,
        topic="snow_removal",
        title_fr="  Déneigement  ",
        body_fr="Rue par rue.",
        title_es="Quitanieves",
        districts=[city.nord.pk],
    )

    alert.refresh_from_db()
    assert (alert.status, alert.title_fr, alert.title_es, alert.created_by) == (
        "draft",
        "Déneigement",
        "Quitanieves",
        city.staff,
    )
    assert list(alert.districts.all()) == [city.nord]
    assert recipients(alert) == set()


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"topic": "no_such_topic"}, {"topic"}),
        ({"topic": "account"}, {"topic"}),  # a topic staff cannot send
        ({"title_fr": "   ", "body_fr": ""}, {"title_fr", "body_fr"}),
        ({"title_fr": "x" * 141}, {"title_fr"}),
        ({"topic": "municipal_news", "districts": "nord"}, {"districts"}),
        ({"districts": "elsewhere"}, {"districts"}),
        ({"districts": [999_999]}, {"districts"}),
        ({"urgent": True}, {"urgent"}),
        ({"topic": "registrations", "urgent": True, "title_fr": ""}, {"urgent", "title_fr"}),
    ],
)
def test_create_refuses_bad_input_field_by_field_and_saves_nothing(city, changes, fields):
    values = {"topic": "snow_removal", "title_fr": "Titre", "body_fr": "Texte", **changes}
    if isinstance(values.get("districts"), str):
        values["districts"] = [getattr(city, values["districts"])]

    with pytest.raises(ApplicationError) as refused:
        alerts.alert_create(actor=city.staff, municipality=city.brossard, **values)

    assert refused.value.code == "validation"
    assert fields_of(refused.value) == fields
    assert Alert.objects.count() == 0


def test_an_urgent_advisory_may_be_urgent_and_target_districts(city):
    alert = alerts.alert_create(
        actor=city.staff,
        municipality=city.brossard,
        topic="urgent",
        urgent=True,
        title_fr="Avis d'ébullition",
        body_fr="Faites bouillir l'eau.",
        districts=[city.sud],
    )
    assert (alert.urgent, list(alert.districts.all())) == (True, [city.sud])


def test_only_staff_with_mfa_of_the_municipality_compose_and_send(city):
    other_staff = with_role(city.chateauguay, Role.STAFF)
    no_mfa = with_role(city.brossard, Role.STAFF, mfa=False)
    citizen = resident(city.brossard, city.nord)
    alert = draft(city.brossard)
    for actor in (other_staff, no_mfa, citizen):
        with pytest.raises(PermissionDenied):
            alerts.alert_create(
                actor=actor,
                municipality=city.brossard,
                topic="snow_removal",
                title_fr="x",
                body_fr="y",
            )
        with pytest.raises(PermissionDenied):
            alerts.alert_send(actor=actor, alert=alert)
        with pytest.raises(PermissionDenied):
            alerts.audience_preview(
                actor=actor, municipality=city.brossard, topic="snow_removal", district_ids=[]
            )
    assert Alert.objects.count() == 1
    assert Notification.objects.count() == 0


def test_update_changes_only_the_given_fields(city):
    alert = draft(city.brossard, districts=[city.nord])

    updated = alerts.alert_update(actor=city.staff, alert=alert, title_en="Snow removal")
    assert (updated.title_en, updated.title_fr) == ("Snow removal", "Opération de déneigement")
    assert list(updated.districts.all()) == [city.nord]

    updated = alerts.alert_update(actor=city.staff, alert=alert, districts=[])
    assert list(updated.districts.all()) == []


def test_update_refuses_bad_input_and_leaves_the_alert_as_it_was(city):
    alert = draft(city.brossard, districts=[city.nord])

    with pytest.raises(ApplicationError) as refused:
        alerts.alert_update(actor=city.staff, alert=alert, topic="registrations", title_fr="")
    assert fields_of(refused.value) == {"districts", "title_fr"}
    with pytest.raises(ApplicationError):
        alerts.alert_update(actor=city.staff, alert=alert, status="sent")

    alert.refresh_from_db()
    assert (alert.topic, alert.title_fr, alert.status) == (
        "snow_removal",
        "Opération de déneigement",
        "draft",
    )
    assert list(alert.districts.all()) == [city.nord]


def test_a_sent_alert_can_no_longer_be_changed_or_sent_again(city):
    resident(city.brossard, city.nord)
    alert = draft(city.brossard, districts=[city.nord])
    alerts.alert_send(actor=city.staff, alert=alert)

    with pytest.raises(Conflict):
        alerts.alert_update(actor=city.staff, alert=alert, title_fr="Autre")
    with pytest.raises(Conflict):
        alerts.alert_send(actor=city.staff, alert=alert)
    with pytest.raises(Conflict):
        alerts.alert_schedule(actor=city.staff, alert=alert, when=NOON + timedelta(days=3650))
    assert Notification.objects.filter(alert=alert).count() == 1


# --- The fan-out --------------------------------------------------------------------------------


def test_running_the_fan_out_twice_creates_nothing_twice_and_emails_once(city):
    people = [resident(city.brossard, city.sud) for _ in range(3)]
    alert = draft(city.brossard, topic="urgent", urgent=True, districts=[city.sud], title_fr="Avis")
    alerts.alert_send(actor=city.staff, alert=alert)
    assert len(mail.outbox) == 3
    before = (Notification.objects.count(), Delivery.objects.count())

    # A worker that died before marking the alert sent: the task runs again.
    Alert.objects.filter(pk=alert.pk).update(status=Alert.Status.SENDING)
    assert alerts.fan_out(alert_id=alert.pk) == 3
    # And a duplicate of the task once it is sent does nothing at all.
    assert alerts.fan_out(alert_id=alert.pk) == 0

    assert (Notification.objects.count(), Delivery.objects.count()) == before == (3, 6)
    assert len(mail.outbox) == 3
    assert recipients(alert) == {p.pk for p in people}
    assert Alert.objects.get(pk=alert.pk).status == Alert.Status.SENT


def test_a_fan_out_interrupted_after_a_batch_resumes_without_duplicates(city, dummy_tasks):
    people = [resident(city.brossard, city.nord) for _ in range(5)]
    for person in people:
        services.preference_set(actor=person, topic="snow_removal", channel="email", enabled=True)
    alert = draft(city.brossard, districts=[city.nord])
    Alert.objects.filter(pk=alert.pk).update(status=Alert.Status.SENDING)
    # The first batch went through, then the worker died.
    alerts._fan_out_batch(alert, registry.topic("snow_removal"), [p.pk for p in people[:2]])
    first_ids = set(Delivery.objects.values_list("pk", flat=True))

    assert alerts.fan_out(alert_id=alert.pk) == 5

    assert Notification.objects.filter(alert=alert).count() == 5
    assert Delivery.objects.filter(channel="email").count() == 5
    assert first_ids <= set(Delivery.objects.values_list("pk", flat=True))
    # Every email delivery is in a delivery task; those of the first batch twice (sent once:
    # `deliver_one` locks the row and leaves a sent delivery alone).
    queued = [
        pk
        for result in dummy_tasks.results
        if result.task.name == "deliver"
        for pk in result.kwargs["delivery_ids"]
    ]
    emails = set(Delivery.objects.filter(channel="email").values_list("pk", flat=True))
    assert set(queued) == emails


FIXED_QUERIES = 7  # the alert, its start, its districts, the audience, the count, the end
QUERIES_PER_BATCH = 8  # savepoint, people, choices, notifications (2), deliveries (2), release


def test_the_fan_out_runs_the_same_number_of_queries_for_each_batch(
    city, dummy_tasks, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(alerts, "FAN_OUT_BATCH", 4)

    def residents(district, count):
        for i in range(count):
            person = resident(city.brossard, district)
            if i % 2:
                services.preference_set(
                    actor=person, topic="snow_removal", channel="email", enabled=True
                )
            if i % 3 == 0:
                DeliverySettings.objects.create(
                    user=person, quiet_start=time(21, 0), quiet_end=time(7, 0)
                )

    residents(city.nord, 4)  # one batch
    residents(city.sud, 12)  # three batches
    one, three = (
        draft(city.brossard, districts=[city.nord]),
        draft(city.brossard, districts=[city.sud]),
    )
    Alert.objects.update(status=Alert.Status.SENDING)

    with django_assert_max_num_queries(FIXED_QUERIES + QUERIES_PER_BATCH) as first:
        assert alerts.fan_out(alert_id=one.pk) == 4
    with django_assert_max_num_queries(FIXED_QUERIES + 3 * QUERIES_PER_BATCH) as second:
        assert alerts.fan_out(alert_id=three.pk) == 12

    per_batch = (len(second.captured_queries) - len(first.captured_queries)) / 2
    assert per_batch == QUERIES_PER_BATCH
    assert len(first.captured_queries) == FIXED_QUERIES + QUERIES_PER_BATCH
    assert Delivery.objects.filter(notification__alert=three, channel="email").count() == 6


def test_held_deliveries_of_an_alert_share_one_deferred_task(city, dummy_tasks):
    people = [resident(city.brossard, city.nord) for _ in range(3)]
    for person in people:
        services.preference_set(actor=person, topic="snow_removal", channel="email", enabled=True)
        DeliverySettings.objects.create(user=person, quiet_start=time(21, 0), quiet_end=time(7, 0))
    alert = draft(city.brossard, districts=[city.nord])
    Alert.objects.filter(pk=alert.pk).update(status=Alert.Status.SENDING)

    with time_machine.travel(NIGHT, tick=False):
        alerts.fan_out(alert_id=alert.pk)

    deferred = [r for r in dummy_tasks.results if r.task.name == "deliver"]
    assert len(deferred) == 1
    assert deferred[0].task.run_after == datetime(2026, 1, 16, 12, 0, tzinfo=UTC)  # 07:00
    assert sorted(deferred[0].kwargs["delivery_ids"]) == sorted(
        Delivery.objects.filter(channel="email", status="held").values_list("pk", flat=True)
    )


def test_an_urgent_alert_emails_residents_through_a_real_smtp_server(city, smtp_server):
    night_owl = resident(city.brossard, city.sud, preferred_language="en")
    DeliverySettings.objects.create(user=night_owl, quiet_start=time(21, 0), quiet_end=time(7, 0))
    no_email = resident(city.brossard, city.sud)
    services.preference_set(actor=no_email, topic="urgent", channel="email", enabled=False)
    resident(city.brossard, city.nord)  # another district: nothing
    alert = alerts.alert_create(
        actor=city.staff,
        municipality=city.brossard,
        topic="urgent",
        urgent=True,
        title_fr="Avis d'ébullition",
        body_fr="Faites bouillir l'eau.",
        title_en="Boil-water advisory",
        body_en="Boil your water.",
        districts=[city.sud],
    )

    with time_machine.travel(NIGHT, tick=False):  # urgent: quiet hours do not hold it
        alerts.alert_send(actor=city.staff, alert=alert)

    assert [m["To"] for m in smtp_server.messages] == [night_owl.email]
    message = smtp_server.messages[0]
    assert message["Subject"] == "Boil-water advisory"
    assert message.get_body(preferencelist=("plain",)).get_content().startswith("Boil your water.")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert channels_of(night_owl, alert) == {"in_app": "sent", "email": "sent"}
    assert channels_of(no_email, alert) == {"in_app": "sent"}


def test_delivery_counts_by_channel_and_status_in_one_query(city, django_assert_num_queries):
    first, second = resident(city.brossard, city.sud), resident(city.brossard, city.sud)
    alert = draft(city.brossard, topic="urgent", urgent=True, districts=[city.sud])
    alerts.alert_send(actor=city.staff, alert=alert)
    Delivery.objects.filter(notification__user=second, channel="email").update(status="bounced")

    with django_assert_num_queries(1):
        counts = alert_delivery_counts(alert)

    assert counts == {"in_app": {"sent": 2}, "email": {"sent": 1, "bounced": 1}}
    assert first.pk != second.pk


# --- Scheduling ---------------------------------------------------------------------------------


def test_an_alert_is_scheduled_only_for_the_future(city):
    alert = draft(city.brossard)
    with time_machine.travel(NOON, tick=False):
        for when in (None, NOON - timedelta(minutes=1), NOON):
            with pytest.raises(ApplicationError) as refused:
                alerts.alert_schedule(actor=city.staff, alert=alert, when=when)
            assert fields_of(refused.value) == {"scheduled_for"}
        alert.refresh_from_db()
        assert (alert.status, alert.scheduled_for) == ("draft", None)

        scheduled = alerts.alert_schedule(
            actor=city.staff,
            alert=alert,
            when=datetime(2026, 1, 15, 18, 0),  # naive: Quebec
        )
    assert scheduled.status == "scheduled"
    assert scheduled.scheduled_for == datetime(2026, 1, 15, 23, 0, tzinfo=UTC)


def test_the_minute_sweep_sends_a_scheduled_alert_once_it_is_due(city):
    person = resident(city.brossard, city.nord)
    alert = draft(city.brossard, districts=[city.nord])
    with time_machine.travel(NOON, tick=False):
        alerts.alert_schedule(actor=city.staff, alert=alert, when=NOON + timedelta(hours=1))
    with time_machine.travel(NOON + timedelta(minutes=59), tick=False):
        assert alerts.alerts_send_due() == 0
    assert recipients(alert) == set()

    with time_machine.travel(NOON + timedelta(hours=1, seconds=5), tick=False):
        assert alerts.alerts_send_due() == 1
        assert alerts.alerts_send_due() == 0

    alert.refresh_from_db()
    assert (alert.status, alert.audience_size) == ("sent", 1)
    assert recipients(alert) == {person.pk}


def test_the_management_command_sends_due_alerts(city):
    resident(city.brossard, city.nord)
    alert = draft(city.brossard, districts=[city.nord])
    with time_machine.travel(NOON, tick=False):
        alerts.alert_schedule(actor=city.staff, alert=alert, when=NOON + timedelta(minutes=5))
    with time_machine.travel(NOON + timedelta(minutes=6), tick=False):
        call_command("send_scheduled_alerts", stdout=(out := __import__("io").StringIO()))
    assert out.getvalue().strip() == "1 alert(s) started."
    assert Alert.objects.get(pk=alert.pk).status == "sent"


def test_with_a_deferring_backend_the_fan_out_is_queued_for_the_scheduled_time(city, dummy_tasks):
    person = resident(city.brossard, city.nord)
    alert = draft(city.brossard, districts=[city.nord])
    when = NOON + timedelta(hours=2)
    with time_machine.travel(NOON, tick=False):
        alerts.alert_schedule(actor=city.staff, alert=alert, when=NOON + timedelta(hours=1))
        alerts.alert_schedule(actor=city.staff, alert=alert, when=when)  # moved later

    queued = [r for r in dummy_tasks.results if r.task.name == "alert_fan_out"]
    assert [(r.task.run_after, r.kwargs) for r in queued] == [
        (NOON + timedelta(hours=1), {"alert_id": alert.pk, "only_if_scheduled": True}),
        (when, {"alert_id": alert.pk, "only_if_scheduled": True}),
    ]
    with time_machine.travel(NOON + timedelta(hours=1), tick=False):  # the earlier task
        assert alerts.fan_out(**queued[0].kwargs) == 0
    assert Alert.objects.get(pk=alert.pk).status == "scheduled"
    with time_machine.travel(when, tick=False):
        assert alerts.fan_out(**queued[1].kwargs) == 1
        assert alerts.alerts_send_due() == 0  # the sweep finds nothing left to start
    assert recipients(alert) == {person.pk}


def test_the_deferred_task_leaves_an_alert_the_sweep_already_started(city, dummy_tasks):
    resident(city.brossard, city.nord)
    alert = draft(city.brossard, districts=[city.nord])
    with time_machine.travel(NOON, tick=False):
        alerts.alert_schedule(actor=city.staff, alert=alert, when=NOON + timedelta(minutes=1))
    with time_machine.travel(NOON + timedelta(minutes=2), tick=False):
        assert alerts.alerts_send_due() == 1  # queued its own fan-out (not run: dummy backend)
        assert alerts.fan_out(alert_id=alert.pk, only_if_scheduled=True) == 0
        assert recipients(alert) == set()
        assert alerts.fan_out(alert_id=alert.pk) == 1  # the sweep's task


def test_only_a_scheduled_alert_can_be_cancelled_and_then_it_is_never_sent(city):
    resident(city.brossard, city.nord)
    alert = draft(city.brossard, districts=[city.nord])
    with pytest.raises(Conflict):
        alerts.alert_cancel(actor=city.staff, alert=alert)

    with time_machine.travel(NOON, tick=False):
        alerts.alert_schedule(actor=city.staff, alert=alert, when=NOON + timedelta(hours=1))
        cancelled = alerts.alert_cancel(actor=city.staff, alert=alert)
    assert cancelled.status == "cancelled"

    with time_machine.travel(NOON + timedelta(hours=2), tick=False):
        assert alerts.alerts_send_due() == 0
        assert alerts.fan_out(alert_id=alert.pk, only_if_scheduled=True) == 0
        assert alerts.fan_out(alert_id=alert.pk) == 0
    with pytest.raises(Conflict):
        alerts.alert_send(actor=city.staff, alert=alert)
    assert recipients(alert) == set()


def test_a_scheduled_alert_can_be_sent_at_once(city):
    resident(city.brossard, city.nord)
    alert = draft(city.brossard, districts=[city.nord])
    alerts.alert_schedule(actor=city.staff, alert=alert, when=datetime.now(UTC) + timedelta(days=1))
    assert alerts.alert_send(actor=city.staff, alert=alert).status == "sent"
    assert alerts.alerts_send_due(now=datetime.now(UTC) + timedelta(days=2)) == 0
