"""Reporting a post, comment, message or person: only what one can see, never one's own, once
while open, rate-limited, without needing the netiquette; the report keeps a snapshot and goes
to the right municipality's queue."""

import json

import pytest
from django.utils import translation

from milieu.community.models import Report, Suspension
from milieu.community.services import moderation as services
from milieu.community.services.common import LIMITS
from milieu.core import ratelimit
from milieu.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied, RateLimited
from milieu.core.testing import client_for

from .factories_moderation import (
    comment,
    conversation,
    message,
    moderator,
    page_text,
    person,
    post,
    private_group,
    town,
    visitor_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the source language), whatever the catalogues say."""
    with translation.override("en"):
        yield


@pytest.fixture
def here():
    return town("lac-vert", "Lac-Vert")


@pytest.fixture
def there():
    return town("mont-gris", "Mont-Gris")


@pytest.fixture
def author(here):
    return person(here, "Auteur Fâcheux")


@pytest.fixture
def reader(here):
    # Reporting does not need the netiquette: this reader never accepted it.
    return person(here, "Lectrice Attentive", accepted=False)


def _report(actor, target, **kwargs):
    kwargs.setdefault("reason", Report.Reason.HARASSMENT)
    return services.report_create(actor=actor, target=target, **kwargs)


# --- What is reported, and where ----------------------------------------------------------------


def test_a_post_report_keeps_a_snapshot_and_its_author_and_goes_to_its_town(here, author, reader):
    reported = post(here, author, "Texte insultant")

    report = _report(reader, f"post:{reported.pk}", details="Depuis hier")
    reported.body = "Texte modifié après coup"
    reported.save()

    report.refresh_from_db()
    assert (report.municipality, report.reporter, report.subject, report.post) == (
        here,
        reader,
        author,
        reported,
    )
    assert (report.target, report.snapshot, report.details, report.status) == (
        f"post:{reported.pk}",
        "Texte insultant",
        "Depuis hier",
        Report.Status.OPEN,
    )


def test_a_comment_report_goes_to_the_municipality_of_its_post(here, there, author):
    # A visitor from elsewhere comments in Lac-Vert; a resident of Mont-Gris who visits reports.
    visitor = person(there, "Visiteuse")
    visitor_of(visitor, here)
    reported = comment(post(here, author), visitor, "Commentaire haineux")

    report = _report(author, f"comment:{reported.pk}", reason=Report.Reason.HATE)

    assert (report.municipality, report.subject, report.comment, report.snapshot) == (
        here,
        visitor,
        reported,
        "Commentaire haineux",
    )


def test_a_message_report_goes_to_the_conversations_town(here, author, reader):
    talk = conversation(here, author, reader)
    reported = message(talk, author, "Message menaçant")

    report = _report(reader, f"message:{reported.pk}", reason=Report.Reason.DANGER)

    assert (report.municipality, report.subject, report.message, report.snapshot) == (
        here,
        author,
        reported,
        "Message menaçant",
    )


def test_a_person_report_goes_to_the_town_they_share(here, author, reader):
    report = _report(reader, f"person:{author.pk}")

    assert (report.municipality, report.subject, report.target) == (
        here,
        author,
        f"person:{author.pk}",
    )
    assert report.snapshot.startswith("Auteur Fâcheux (@auteur-facheux)")


def test_a_person_shared_in_two_towns_is_reported_where_the_reporter_chooses(
    here, there, author, reader
):
    visitor_of(author, there)
    visitor_of(reader, there)

    with pytest.raises(ApplicationError) as refused:
        _report(reader, f"person:{author.pk}")
    assert "municipality" in refused.value.extra["fields"]
    report = _report(reader, f"person:{author.pk}", municipality=there)

    assert report.municipality == there
    assert Report.objects.count() == 1


def test_a_person_is_not_reported_to_a_town_they_do_not_share(here, there, author, reader):
    visitor_of(reader, there)

    with pytest.raises(ApplicationError):
        _report(reader, f"person:{author.pk}", municipality=there)
    assert Report.objects.count() == 0


# --- Refusals -----------------------------------------------------------------------------------


def test_a_second_open_report_on_the_same_thing_is_refused_clearly(here, author, reader):
    target = f"post:{post(here, author).pk}"
    _report(reader, target)

    with pytest.raises(Conflict) as refused:
        _report(reader, target, reason=Report.Reason.SPAM)

    assert refused.value.code == "already_reported"
    assert "You have already reported this." in str(refused.value.message)
    assert Report.objects.count() == 1


def test_the_database_allows_one_open_report_per_person_and_target(here, author, reader):
    from django.db import IntegrityError, transaction

    Report.objects.create(municipality=here, reporter=reader, target="post:1", reason="spam")
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(municipality=here, reporter=reader, target="post:1", reason="hate")


def test_once_closed_the_same_thing_can_be_reported_again(here, author, reader):
    target = f"post:{post(here, author).pk}"
    first = _report(reader, target)
    first.status = Report.Status.DISMISSED
    first.save()

    second = _report(reader, target)

    assert second.pk != first.pk
    assert Report.objects.filter(status=Report.Status.OPEN).count() == 1


def test_nobody_reports_their_own_content_or_themselves(here, author):
    talk = conversation(here, author, person(here))
    for target in (
        f"post:{post(here, author).pk}",
        f"comment:{comment(post(here, author), author).pk}",
        f"message:{message(talk, author).pk}",
        f"person:{author.pk}",
    ):
        with pytest.raises(PermissionDenied):
            _report(author, target)
    assert Report.objects.count() == 0


def test_a_message_is_reported_only_by_a_member_of_its_conversation(here, author, reader):
    other = person(here)
    reported = message(conversation(here, author, other), author)

    with pytest.raises(NotFound):
        _report(reader, f"message:{reported.pk}")
    assert Report.objects.count() == 0


def test_a_member_who_left_the_conversation_cannot_report_its_messages(here, author, reader):
    talk = conversation(here, author, reader, person(here), title="Groupe")
    reported = message(talk, author)
    talk.members.filter(user=reader).update(left_at=reported.created_at)

    with pytest.raises(NotFound):
        _report(reader, f"message:{reported.pk}")


def test_what_one_cannot_see_cannot_be_reported(here, there, author, reader):
    secret = post(here, author, "Dans le club", group=private_group(here, author))
    hidden = post(here, author, hidden_at=secret.created_at)
    stranger = person(there)
    elsewhere = post(here, author)

    for actor, target in (
        (reader, f"post:{secret.pk}"),  # a private group's post, not a member
        (reader, f"post:{hidden.pk}"),  # hidden by the moderators
        (reader, "post:999999"),  # absent
        (stranger, f"post:{elsewhere.pk}"),  # another town's community
        (stranger, f"person:{author.pk}"),  # no town in common
        (reader, f"comment:{comment(secret, author).pk}"),
    ):
        with pytest.raises(NotFound):
            _report(actor, target)
    assert Report.objects.count() == 0


def test_a_target_of_the_wrong_shape_is_a_validation_error(here, reader):
    for target in ("", "post", "post:abc", "group:1", "post:-1", "user:1"):
        with pytest.raises(ApplicationError) as refused:
            _report(reader, target)
        assert refused.value.extra["fields"] == {"target": ["Unknown target."]}


def test_a_suspended_person_cannot_report(here, author, reader):
    Suspension.objects.create(municipality=here, user=reader, reason="Insultes")

    with pytest.raises(ApplicationError) as refused:
        _report(reader, f"post:{post(here, author).pk}")

    assert refused.value.code == "suspended"
    assert Report.objects.count() == 0


def test_reports_are_rate_limited_and_a_refused_one_is_not_counted(
    here, author, reader, still_clock
):
    posts = [post(here, author, f"Post {n}") for n in range(LIMITS["report"][0].count + 1)]
    for reported in posts[:-1]:
        _report(reader, f"post:{reported.pk}")

    with pytest.raises(RateLimited):
        _report(reader, f"post:{posts[-1].pk}")

    assert Report.objects.count() == LIMITS["report"][0].count
    ratelimit.reset("community:report", reader.pk, limits=LIMITS["report"])
    _report(reader, f"post:{posts[-1].pk}")


# --- The page -----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en", "es"])
def test_the_report_form_shows_what_is_reported_and_the_reasons(here, author, reader, language):
    reported = post(here, author, "Achetez mes montres")

    response = client_for(reader).get(
        f"/{language}/lac-vert/community/report/?target=post:{reported.pk}"
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert f'<html lang="{language}">' in body
    assert "Achetez mes montres" in page_text(response)
    for value in Report.Reason.values:
        assert f'value="{value}"' in body


def test_sending_the_form_reports_and_returns_to_next(here, author, reader):
    reported = post(here, author)

    response = client_for(reader).post(
        f"/en/lac-vert/community/report/?target=post:{reported.pk}",
        {"target": f"post:{reported.pk}", "reason": "spam", "details": "", "next": "/en/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/en/"
    assert Report.objects.get().reason == "spam"


def test_without_next_the_form_shows_a_confirmation(here, author, reader):
    reported = post(here, author)
    client = client_for(reader)

    response = client.post(
        "/en/lac-vert/community/report/",
        {"target": f"post:{reported.pk}", "reason": "spam"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/en/lac-vert/community/report/sent/"
    assert "Your report was sent to the moderators of Lac-Vert." in page_text(response)


def test_a_second_report_from_the_page_says_so_and_keeps_the_details(here, author, reader):
    reported = post(here, author)
    client = client_for(reader)
    data = {"target": f"post:{reported.pk}", "reason": "spam", "details": "Encore lui"}
    client.post("/en/lac-vert/community/report/", data)

    response = client.post("/en/lac-vert/community/report/", data)

    assert response.status_code == 409
    assert "You have already reported this." in page_text(response)
    assert "Encore lui" in page_text(response)
    assert Report.objects.count() == 1


def test_the_page_refuses_ones_own_content(here, author):
    reported = post(here, author)

    response = client_for(author).get(f"/en/lac-vert/community/report/?target=post:{reported.pk}")

    assert response.status_code == 403
    assert "You cannot report what you wrote yourself." in page_text(response)
    assert '<form method="post" action="/en/lac-vert/community/report/' not in (
        response.content.decode()
    )


def test_the_page_asks_which_town_when_a_person_is_shared_in_several(here, there, author, reader):
    visitor_of(author, there)
    visitor_of(reader, there)
    client = client_for(reader)

    form = client.get(f"/en/mont-gris/community/report/?target=person:{author.pk}")
    assert 'name="municipality"' in form.content.decode()
    assert '<option value="mont-gris" selected>' in form.content.decode()
    client.post(
        "/en/mont-gris/community/report/",
        {"target": f"person:{author.pk}", "reason": "harassment", "municipality": "mont-gris"},
    )

    assert Report.objects.get().municipality == there


def test_anonymous_visitors_are_sent_to_log_in(client, here, author):
    reported = post(here, author)

    response = client.get(f"/en/lac-vert/community/report/?target=post:{reported.pk}")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_page_hides_what_one_cannot_see(here, there, author):
    reported = post(here, author)
    stranger = person(there)

    response = client_for(stranger).post(
        "/en/lac-vert/community/report/", {"target": f"post:{reported.pk}", "reason": "spam"}
    )

    assert response.status_code == 404
    assert Report.objects.count() == 0


# --- The API ------------------------------------------------------------------------------------


def _api(client, slug, body):
    return client.post(
        f"/api/v1/municipalities/{slug}/community/reports",
        json.dumps(body),
        content_type="application/json",
    )


def test_api_reports_and_refuses_a_second_time(here, author, reader):
    reported = post(here, author)
    client = client_for(reader)

    created = _api(client, "lac-vert", {"target": f"post:{reported.pk}", "reason": "spam"})
    again = _api(client, "lac-vert", {"target": f"post:{reported.pk}", "reason": "spam"})

    assert created.status_code == 201
    assert created.json()["municipality"] == "lac-vert"
    assert created.json()["status"] == "open"
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_reported"
    assert Report.objects.count() == 1


def test_api_refusals_change_nothing(client, here, there, author, reader):
    reported = post(here, author)
    stranger = person(there)

    anonymous = _api(client, "lac-vert", {"target": f"post:{reported.pk}", "reason": "spam"})
    hidden = _api(
        client_for(stranger), "lac-vert", {"target": f"post:{reported.pk}", "reason": "spam"}
    )
    own = _api(client_for(author), "lac-vert", {"target": f"post:{reported.pk}", "reason": "spam"})
    bad_reason = _api(
        client_for(reader), "lac-vert", {"target": f"post:{reported.pk}", "reason": "boring"}
    )

    assert [r.status_code for r in (anonymous, hidden, own, bad_reason)] == [401, 404, 403, 422]
    assert Report.objects.count() == 0


def test_api_a_person_is_reported_to_the_town_of_the_url(here, there, author, reader):
    visitor_of(author, there)
    visitor_of(reader, there)

    response = _api(
        client_for(reader), "mont-gris", {"target": f"person:{author.pk}", "reason": "spam"}
    )

    assert response.status_code == 201
    assert Report.objects.get().municipality == there


def test_staff_may_report_like_anyone(here, author):
    staff = moderator(here)

    report = _report(staff, f"post:{post(here, author).pk}")

    assert report.reporter == staff
