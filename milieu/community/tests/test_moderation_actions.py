"""The moderators' decisions: hide, restore, warn, suspend, lift, dismiss. Each is one audit row,
closes the reports on its target and tells the person why; hiding keeps the search index and the
count of comments true."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from milieu.community import search
from milieu.community.models import ModerationAction, Post, Report, SearchEntry, Suspension
from milieu.community.services import moderation as services
from milieu.community.services.common import Suspended, require_can_speak
from milieu.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from milieu.core.testing import client_for
from milieu.notifications.models import Notification

from .factories_moderation import (
    comment,
    conversation,
    message,
    moderator,
    page_text,
    person,
    post,
    private_group,
    report,
    town,
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
def staff(here):
    return moderator(here, "Modératrice Lac-Vert")


@pytest.fixture
def author(here):
    return person(here, "Auteur Fâcheux", preferred_language="en")


@pytest.fixture
def reader(here):
    return person(here, "Lectrice", preferred_language="en")


def _act(staff, municipality, action, target="", **kwargs):
    kwargs.setdefault("reason", "Propos insultants")
    return services.moderation_act(
        actor=staff, municipality=municipality, action=action, target=target, **kwargs
    )


def _state():
    return (
        list(Post.objects.order_by("pk").values_list("pk", "hidden_at", "comment_count")),
        list(Report.objects.order_by("pk").values_list("pk", "status")),
        ModerationAction.objects.count(),
        Suspension.objects.count(),
        Notification.objects.count(),
    )


# --- Hide and restore ---------------------------------------------------------------------------


def test_hiding_a_post_closes_its_reports_unindexes_it_and_tells_the_author_why(
    here, staff, author, reader, django_capture_on_commit_callbacks
):
    reported = post(here, author, "Texte insultant")
    search.index_post(reported)
    first = services.report_create(actor=reader, target=f"post:{reported.pk}", reason="hate")
    second = services.report_create(
        actor=person(here), target=f"post:{reported.pk}", reason="harassment"
    )

    with django_capture_on_commit_callbacks(execute=True):
        record = _act(staff, here, "hide", report=first, reason="Propos haineux")

    reported.refresh_from_db()
    assert reported.hidden_at is not None
    assert (reported.hidden_by, reported.hidden_reason) == (staff, "Propos haineux")
    assert not SearchEntry.objects.filter(kind="post", object_id=reported.pk).exists()
    assert (record.action, record.target, record.subject, record.moderator, record.report) == (
        "hide",
        f"post:{reported.pk}",
        author,
        staff,
        first,
    )
    assert set(Report.objects.values_list("pk", "status", "closed_by")) == {
        (first.pk, "actioned", staff.pk),
        (second.pk, "actioned", staff.pk),
    }
    notice = Notification.objects.get(user=author)
    assert notice.topic == "moderation"
    assert notice.title == "Your post was hidden by the moderators of Lac-Vert"
    assert notice.body == "The moderators' reason: Propos haineux"
    assert notice.url == f"/en/lac-vert/community/posts/{reported.pk}/"  # shown hidden, with why
    # The people who reported learn that it was handled (not the details).
    assert Notification.objects.filter(user=reader, topic="moderation").get().body == (
        "Thank you: the moderators took action."
    )


def test_restoring_a_post_indexes_it_again(here, staff, author):
    reported = post(here, author, "Fête de quartier")
    _act(staff, here, "hide", f"post:{reported.pk}")

    _act(staff, here, "restore", f"post:{reported.pk}", reason="Erreur de notre part")

    reported.refresh_from_db()
    assert (reported.hidden_at, reported.hidden_by, reported.hidden_reason) == (None, None, "")
    assert set(search.matching("fete").values_list("object_id", flat=True)) == {reported.pk}
    assert list(ModerationAction.objects.order_by("pk").values_list("action", flat=True)) == [
        "hide",
        "restore",
    ]


def test_hiding_and_restoring_a_comment_keeps_the_posts_count_of_visible_comments(
    here, staff, author, reader
):
    parent = post(here, reader)
    reported = comment(parent, author, "Commentaire")
    comment(parent, reader, "Autre")
    assert Post.objects.get(pk=parent.pk).comment_count == 2

    _act(staff, here, "hide", f"comment:{reported.pk}")
    assert Post.objects.get(pk=parent.pk).comment_count == 1
    _act(staff, here, "restore", f"comment:{reported.pk}", reason="Finalement correct")
    assert Post.objects.get(pk=parent.pk).comment_count == 2


def test_hiding_what_is_hidden_or_restoring_what_is_visible_is_a_conflict(here, staff, author):
    reported = post(here, author)
    with pytest.raises(Conflict):
        _act(staff, here, "restore", f"post:{reported.pk}")
    _act(staff, here, "hide", f"post:{reported.pk}")
    before = _state()

    with pytest.raises(Conflict):
        _act(staff, here, "hide", f"post:{reported.pk}")

    assert _state() == before


def test_a_private_groups_post_and_a_message_can_be_hidden(here, staff, author, reader):
    secret = post(here, author, group=private_group(here, author))
    said = message(conversation(here, author, reader), author, "Menace")

    _act(staff, here, "hide", f"post:{secret.pk}")
    _act(staff, here, "hide", f"message:{said.pk}")

    said.refresh_from_db()
    assert said.hidden_at is not None
    assert Post.objects.get(pk=secret.pk).hidden_at is not None


def test_a_group_can_be_hidden_and_leaves_the_index(here, staff, author):
    club = private_group(here, author, name="Club de vente")
    club.created_by = author
    club.save()
    search.index_group(club)

    _act(staff, here, "hide", f"group:{club.pk}")

    club.refresh_from_db()
    assert club.hidden_at is not None
    assert not SearchEntry.objects.filter(kind="group", object_id=club.pk).exists()


def test_a_person_cannot_be_hidden(here, staff, author):
    with pytest.raises(ApplicationError) as refused:
        _act(staff, here, "hide", f"person:{author.pk}")
    assert "action" in refused.value.extra["fields"]
    assert ModerationAction.objects.count() == 0


# --- Warn, suspend, lift ------------------------------------------------------------------------


def test_warning_the_author_of_a_comment(
    here, staff, author, reader, django_capture_on_commit_callbacks
):
    reported = comment(post(here, reader), author)

    with django_capture_on_commit_callbacks(execute=True):
        record = _act(staff, here, "warn", f"comment:{reported.pk}", reason="Restez courtois")

    assert (record.action, record.subject) == ("warn", author)
    notice = Notification.objects.get(user=author)
    assert notice.title == "A warning from the moderators of Lac-Vert"
    assert notice.body == "The moderators' reason: Restez courtois"


def test_a_suspension_with_an_end_stops_the_person_from_speaking_until_then(
    here, staff, author, django_capture_on_commit_callbacks
):
    until = timezone.now() + timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        _act(staff, here, "suspend", f"person:{author.pk}", until=until, reason="Insultes")

    suspension = Suspension.objects.get()
    assert (suspension.user, suspension.ends_at, suspension.reason, suspension.created_by) == (
        author,
        until,
        "Insultes",
        staff,
    )
    with pytest.raises(Suspended) as refused:
        require_can_speak(author, here, action="post")
    assert "Insultes" in str(refused.value.message)
    assert Notification.objects.get(user=author).title.startswith(
        "You are suspended from the community of Lac-Vert until "
    )


def test_a_suspension_without_end_lasts_until_lifted(here, staff, author):
    _act(staff, here, "suspend", f"person:{author.pk}")
    with pytest.raises(Suspended):
        require_can_speak(author, here, action="post")

    _act(staff, here, "lift", f"person:{author.pk}", reason="Excuses reçues")

    require_can_speak(author, here, action="post")
    suspension = Suspension.objects.get()
    assert suspension.lifted_by == staff
    assert suspension.lifted_at is not None


def test_a_suspension_is_only_in_its_town(here, there, staff, author):
    from .factories_moderation import accept, visitor_of

    visitor_of(author, there)
    accept(author, there)
    _act(staff, here, "suspend", f"person:{author.pk}")

    require_can_speak(author, there, action="post")


def test_a_new_suspension_replaces_the_one_in_force(here, staff, author):
    _act(staff, here, "suspend", f"person:{author.pk}")
    until = timezone.now() + timedelta(days=3)

    _act(staff, here, "suspend", f"person:{author.pk}", until=until)

    assert Suspension.objects.filter(lifted_at__isnull=True).get().ends_at == until
    assert Suspension.objects.count() == 2


def test_a_suspension_must_end_in_the_future(here, staff, author):
    with pytest.raises(ApplicationError) as refused:
        _act(
            staff, here, "suspend", f"person:{author.pk}", until=timezone.now() - timedelta(hours=1)
        )

    assert "until" in refused.value.extra["fields"]
    assert Suspension.objects.count() == 0
    assert ModerationAction.objects.count() == 0


def test_lifting_when_nobody_is_suspended_is_a_conflict(here, staff, author):
    with pytest.raises(Conflict):
        _act(staff, here, "lift", f"person:{author.pk}")
    assert ModerationAction.objects.count() == 0


def test_suspending_the_author_of_a_message(here, staff, author, reader):
    said = message(conversation(here, author, reader), author)

    _act(staff, here, "suspend", f"message:{said.pk}")

    assert Suspension.objects.get().user == author


# --- Dismiss ------------------------------------------------------------------------------------


def test_dismissing_closes_every_open_report_on_the_target_and_tells_the_reporters(
    here, staff, author, reader, django_capture_on_commit_callbacks
):
    reported = post(here, author)
    other = person(here, preferred_language="es")
    first = services.report_create(actor=reader, target=f"post:{reported.pk}", reason="spam")
    services.report_create(actor=other, target=f"post:{reported.pk}", reason="spam")

    with django_capture_on_commit_callbacks(execute=True):
        record = _act(staff, here, "dismiss", report=first, reason="C'est une annonce permise")

    assert record.target == f"post:{reported.pk}"
    assert set(Report.objects.values_list("status", flat=True)) == {"dismissed"}
    assert Post.objects.get(pk=reported.pk).hidden_at is None
    assert not Notification.objects.filter(user=author).exists()
    assert Notification.objects.filter(user__in=[reader, other]).count() == 2
    assert Notification.objects.get(user=reader).body == (
        "Thank you: the moderators found that no action was needed."
    )


def test_dismissing_without_open_reports_is_a_conflict(here, staff, author):
    with pytest.raises(Conflict):
        _act(staff, here, "dismiss", f"post:{post(here, author).pk}")
    assert ModerationAction.objects.count() == 0


def test_a_closed_report_cannot_be_decided_again(here, staff, author, reader):
    reported = post(here, author)
    first = services.report_create(actor=reader, target=f"post:{reported.pk}", reason="spam")
    _act(staff, here, "dismiss", report=first)
    first.refresh_from_db()
    before = _state()

    with pytest.raises(Conflict):
        _act(staff, here, "hide", report=first)

    assert _state() == before


def test_a_report_about_something_else_is_refused(here, staff, author, reader):
    first = services.report_create(
        actor=reader, target=f"post:{post(here, author).pk}", reason="spam"
    )

    with pytest.raises(ApplicationError) as refused:
        _act(staff, here, "hide", f"post:{post(here, author).pk}", report=first)

    assert "target" in refused.value.extra["fields"]
    assert Report.objects.get().status == "open"


# --- Who may decide -----------------------------------------------------------------------------


def test_a_reason_is_required(here, staff, author):
    with pytest.raises(ApplicationError) as refused:
        _act(staff, here, "warn", f"person:{author.pk}", reason="   ")
    assert refused.value.extra["fields"] == {
        "reason": ["Give the reason; the person will read it."]
    }
    assert ModerationAction.objects.count() == 0


def test_nobody_moderates_their_own_content(here, staff):
    own = post(here, staff)

    with pytest.raises(PermissionDenied):
        _act(staff, here, "hide", f"post:{own.pk}")
    with pytest.raises(PermissionDenied):
        _act(staff, here, "suspend", f"person:{staff.pk}")
    assert Post.objects.get(pk=own.pk).hidden_at is None


def test_another_towns_content_is_not_found_by_its_moderators(here, there, author):
    elsewhere_staff = moderator(there)
    reported = post(here, author)
    before = _state()

    with pytest.raises(NotFound):
        _act(elsewhere_staff, there, "hide", f"post:{reported.pk}")
    with pytest.raises(PermissionDenied):
        _act(elsewhere_staff, here, "hide", f"post:{reported.pk}")

    assert _state() == before


@pytest.mark.parametrize("who", ["citizen", "staff_no_mfa"])
def test_citizens_and_staff_without_mfa_cannot_decide(here, author, who):
    actor = person(here) if who == "citizen" else moderator(here, mfa=False)
    reported = post(here, author)
    before = _state()

    for action in ("hide", "warn", "suspend", "dismiss"):
        with pytest.raises(PermissionDenied):
            _act(actor, here, action, f"post:{reported.pk}")

    assert _state() == before


def test_a_person_from_elsewhere_never_reported_here_is_not_found(here, there, staff):
    stranger = person(there)

    with pytest.raises(NotFound):
        _act(staff, here, "warn", f"person:{stranger.pk}")


# --- Pages --------------------------------------------------------------------------------------


def test_the_report_page_shows_the_snapshot_the_live_post_history_and_other_reports(
    here, staff, author, reader
):
    reported = post(here, author, "Version originale")
    old = post(here, author, "Ancien")
    _act(staff, here, "warn", f"post:{old.pk}", reason="Premier avertissement")
    first = services.report_create(actor=reader, target=f"post:{reported.pk}", reason="spam")
    second = services.report_create(
        actor=person(here), target=f"post:{reported.pk}", reason="hate", details="Vraiment"
    )
    Post.objects.filter(pk=reported.pk).update(body="Version corrigée")

    response = client_for(staff).get(f"/en/lac-vert/staff/moderation/reports/{first.pk}/")

    assert response.status_code == 200
    text = page_text(response)
    assert "As it was reported Version originale" in text
    assert "As it is now Version corrigée" in text
    assert "Premier avertissement" in text
    assert f'href="/en/lac-vert/staff/moderation/reports/{second.pk}/"' in response.content.decode()
    assert "Vraiment" in text
    for kind in ("hide", "warn", "suspend", "dismiss"):
        assert f'name="kind" value="{kind}"' in response.content.decode()
    assert f'href="/en/lac-vert/community/posts/{reported.pk}/"' in response.content.decode()


def test_a_decision_from_the_report_page(
    here, staff, author, reader, django_capture_on_commit_callbacks
):
    reported = post(here, author)
    first = services.report_create(actor=reader, target=f"post:{reported.pk}", reason="spam")
    client = client_for(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/lac-vert/staff/moderation/actions/",
            {
                "kind": "hide",
                "shown_report": first.pk,
                "hide-action": "hide",
                "hide-target": f"post:{reported.pk}",
                "hide-report_id": first.pk,
                "hide-reason": "Publicité",
            },
        )

    assert response.status_code == 302
    assert response["Location"] == f"/en/lac-vert/staff/moderation/reports/{first.pk}/"
    assert Post.objects.get(pk=reported.pk).hidden_reason == "Publicité"
    assert Report.objects.get().status == "actioned"
    after = client.get(response["Location"])
    assert "Hidden since" in page_text(after)
    assert 'name="kind" value="restore"' in after.content.decode()


def test_a_refused_decision_shows_the_report_again_with_the_error_and_the_text(
    here, staff, author, reader
):
    reported = post(here, author)
    first = services.report_create(actor=reader, target=f"post:{reported.pk}", reason="spam")
    before = _state()

    response = client_for(staff).post(
        "/en/lac-vert/staff/moderation/actions/",
        {
            "kind": "suspend",
            "shown_report": first.pk,
            "suspend-action": "suspend",
            "suspend-target": f"post:{reported.pk}",
            "suspend-report_id": first.pk,
            "suspend-reason": "Mon texte tapé",
            "suspend-until": "2001-01-01",
        },
    )

    assert response.status_code == 400
    assert "The end of a suspension must be in the future." in page_text(response)
    assert "Mon texte tapé" in response.content.decode()
    assert _state() == before


def test_a_suspension_from_the_page_ends_at_the_end_of_the_chosen_day(here, staff, author):
    day = timezone.localdate() + timedelta(days=2)

    client_for(staff).post(
        "/en/lac-vert/staff/moderation/actions/",
        {
            "kind": "suspend",
            "suspend-action": "suspend",
            "suspend-target": f"person:{author.pk}",
            "suspend-reason": "Trois jours",
            "suspend-until": day.isoformat(),
        },
    )

    ends = timezone.localtime(Suspension.objects.get().ends_at)
    assert (ends.date(), ends.hour, ends.minute) == (day + timedelta(days=1), 0, 0)


def test_reading_a_reported_message_is_logged_and_shows_only_that_message(
    here, staff, author, reader, caplog
):
    talk = conversation(here, author, reader)
    message(talk, reader, "Message précédent, privé")
    said = message(talk, author, "Message menaçant")
    first = services.report_create(actor=reader, target=f"message:{said.pk}", reason="danger")
    caplog.set_level("INFO", logger="milieu.audit")
    client = client_for(staff)

    queue = client.get("/en/lac-vert/staff/moderation/")
    assert "Message menaçant" not in page_text(queue)
    assert not [r for r in caplog.records if r.getMessage() == "personal_data_access"]
    response = client.get(f"/en/lac-vert/staff/moderation/reports/{first.pk}/")

    assert "Message menaçant" in page_text(response)
    assert "Message précédent, privé" not in page_text(response)
    access = [r for r in caplog.records if r.getMessage() == "personal_data_access"]
    assert [(r.actor, r.subject, r.what) for r in access] == [
        (staff.pk, author.pk, "reported_private_message")
    ]


@pytest.mark.parametrize("language", ["fr", "en", "es"])
def test_the_queue_lists_open_reports_first_then_the_oldest(here, staff, author, reader, language):
    old = report(here, reader, "post:1", snapshot="Le plus ancien")
    old.status = "dismissed"
    old.save()
    first = report(here, reader, "post:2", snapshot="Premier ouvert")
    second = report(here, person(here), "post:3", snapshot="Second ouvert", reason="hate")

    response = client_for(staff).get(f"/{language}/lac-vert/staff/moderation/")

    text = page_text(response)
    assert f'<html lang="{language}">' in response.content.decode()
    assert text.index("Premier ouvert") < text.index("Second ouvert") < text.index("Le plus ancien")
    filtered = client_for(staff).get(f"/{language}/lac-vert/staff/moderation/?reason=hate")
    assert "Second ouvert" in page_text(filtered)
    assert "Premier ouvert" not in page_text(filtered)
    closed = client_for(staff).get(f"/{language}/lac-vert/staff/moderation/?status=dismissed")
    assert "Le plus ancien" in page_text(closed)
    assert "Premier ouvert" not in page_text(closed)
    assert first.pk and second.pk


def test_the_log_and_the_suspensions_pages(here, staff, author):
    _act(staff, here, "warn", f"person:{author.pk}", reason="Attention")
    _act(staff, here, "suspend", f"person:{author.pk}", reason="Suspendu")
    client = client_for(staff)

    log = client.get("/en/lac-vert/staff/moderation/log/")
    suspensions = client.get("/en/lac-vert/staff/moderation/suspensions/")

    assert "Attention" in page_text(log)
    assert "Suspendu" in page_text(log)
    assert "Auteur Fâcheux" in page_text(suspensions)
    assert 'name="kind" value="lift"' in suspensions.content.decode()
    lifted = client.post(
        "/en/lac-vert/staff/moderation/actions/",
        {
            "kind": "lift",
            "next": "/en/lac-vert/staff/moderation/suspensions/",
            "lift-action": "lift",
            "lift-target": f"person:{author.pk}",
            "lift-reason": "Fin",
        },
    )
    assert lifted["Location"] == "/en/lac-vert/staff/moderation/suspensions/"
    assert "No suspension to show." in page_text(
        client.get("/en/lac-vert/staff/moderation/suspensions/")
    )
    ended = client.get("/en/lac-vert/staff/moderation/suspensions/?ended=1")
    assert "Auteur Fâcheux" in page_text(ended)


# --- API ----------------------------------------------------------------------------------------


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_api_queue_report_and_decision(here, staff, author, reader):
    reported = post(here, author, "Pub")
    first = services.report_create(actor=reader, target=f"post:{reported.pk}", reason="spam")
    client = client_for(staff)

    queue = client.get("/api/v1/municipalities/lac-vert/moderation/reports?status=open")
    detail = client.get(f"/api/v1/municipalities/lac-vert/moderation/reports/{first.pk}")
    decided = _post(
        client,
        "/api/v1/municipalities/lac-vert/moderation/actions",
        {"action": "hide", "report_id": first.pk, "reason": "Publicité"},
    )
    log = client.get("/api/v1/municipalities/lac-vert/moderation/actions")

    assert queue.json()["count"] == 1
    assert queue.json()["items"][0]["snapshot"] == "Pub"
    assert detail.json()["live"] == {
        "kind": "post",
        "text": "Pub",
        "hidden": False,
        "hidden_reason": "",
    }
    assert decided.status_code == 201
    assert decided.json()["action"] == "hide"
    assert decided.json()["target"] == f"post:{reported.pk}"
    assert log.json()["items"][0]["reason"] == "Publicité"
    assert Report.objects.get().status == "actioned"


def test_api_suspends_and_lists_suspensions(here, staff, author):
    until = (timezone.now() + timedelta(days=2)).isoformat()
    client = client_for(staff)

    created = _post(
        client,
        "/api/v1/municipalities/lac-vert/moderation/actions",
        {
            "action": "suspend",
            "target": f"person:{author.pk}",
            "reason": "Deux jours",
            "until": until,
        },
    )
    listed = client.get("/api/v1/municipalities/lac-vert/moderation/suspensions")

    assert created.status_code == 201
    assert listed.json()["count"] == 1
    assert listed.json()["items"][0]["person"]["id"] == author.pk


def test_api_hides_a_private_messages_text_in_the_queue(here, staff, author, reader, caplog):
    said = message(conversation(here, author, reader), author, "Privé")
    first = services.report_create(actor=reader, target=f"message:{said.pk}", reason="danger")
    caplog.set_level("INFO", logger="milieu.audit")
    client = client_for(staff)

    queue = client.get("/api/v1/municipalities/lac-vert/moderation/reports")
    detail = client.get(f"/api/v1/municipalities/lac-vert/moderation/reports/{first.pk}")

    assert queue.json()["items"][0]["snapshot"] is None
    assert detail.json()["snapshot"] == "Privé"
    assert len([r for r in caplog.records if r.getMessage() == "personal_data_access"]) == 1


def test_api_refusals(here, there, staff, author):
    reported = post(here, author)
    before = _state()
    body = {"action": "hide", "target": f"post:{reported.pk}", "reason": "x"}

    own_other = _post(
        client_for(moderator(there)), "/api/v1/municipalities/mont-gris/moderation/actions", body
    )
    cross = _post(
        client_for(moderator(there)), "/api/v1/municipalities/lac-vert/moderation/actions", body
    )
    bad = _post(
        client_for(staff),
        "/api/v1/municipalities/lac-vert/moderation/actions",
        {**body, "action": "ban"},
    )

    assert [own_other.status_code, cross.status_code, bad.status_code] == [404, 403, 422]
    assert _state() == before
