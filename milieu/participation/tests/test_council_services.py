"""The council services: the question window and limit, who may ask, documents checked as PDF,
minutes that tell those who asked once, and the elected official's role (reads, manages
nothing)."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from milieu.core.errors import ApplicationError, Conflict, PermissionDenied
from milieu.notifications.models import Notification
from milieu.participation import services_council as services
from milieu.participation.models import (
    CitizenQuestion,
    Meeting,
    MeetingDocument,
    MeetingStatus,
    QuestionStatus,
)

from .test_council_factories import (
    elected,
    held,
    item,
    meeting,
    member,
    pdf,
    resident,
    staff,
    town,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    """Services speak the active language; these tests read their messages in English."""
    with translation.override("en"):
        yield


def _ask(person, meeting_, text="Quand ?", agenda_item=None):
    return services.question_submit(
        actor=person, meeting=meeting_, text=text, agenda_item=agenda_item
    )


def test_a_meeting_closes_questions_two_hours_before_it_starts_by_default():
    here = town()
    created = meeting(here, publish=False)
    assert created.status == MeetingStatus.DRAFT
    assert created.starts_at - created.questions_close_at == timedelta(hours=2)


def test_questions_cannot_close_after_the_start():
    here = town()
    starts = timezone.now() + timedelta(days=3)
    with pytest.raises(ApplicationError) as error:
        services.meeting_create(
            actor=staff(here),
            municipality=here,
            values={
                "title_fr": "Séance",
                "starts_at": starts,
                "questions_close_at": starts + timedelta(minutes=1),
            },
        )
    assert error.value.extra["fields"] == {
        "questions_close_at": ["Questions must close before the meeting starts."]
    }
    assert Meeting.objects.count() == 0


def test_a_resident_asks_on_an_agenda_item():
    here = town()
    sitting = meeting(here)
    point = item(sitting, "Parc")
    person = resident(here)
    question = _ask(person, sitting, "Le sentier sera-t-il déneigé ?", point.pk)
    assert (question.agenda_item, question.author, question.status) == (
        point,
        person,
        QuestionStatus.SUBMITTED,
    )


def test_questions_close_at_the_window(still_clock):
    here = town()
    sitting = meeting(here)
    Meeting.objects.filter(pk=sitting.pk).update(questions_close_at=timezone.now())
    sitting.refresh_from_db()
    with pytest.raises(PermissionDenied) as error:
        _ask(resident(here), sitting)
    assert error.value.code == "closed"
    assert CitizenQuestion.objects.count() == 0


def test_a_draft_takes_no_question():
    here = town()
    draft = meeting(here, publish=False)
    with pytest.raises(PermissionDenied):
        _ask(resident(here), draft)
    assert CitizenQuestion.objects.count() == 0


def test_three_questions_per_person_and_meeting_withdrawn_ones_aside():
    here = town()
    sitting = meeting(here)
    person = resident(here)
    first = _ask(person, sitting, "Un")
    _ask(person, sitting, "Deux")
    _ask(person, sitting, "Trois")
    with pytest.raises(Conflict) as error:
        _ask(person, sitting, "Quatre")
    assert error.value.code == "limit"
    assert CitizenQuestion.objects.filter(author=person).count() == 3
    services.question_withdraw(actor=person, question=first)
    _ask(person, sitting, "Quatre")
    assert CitizenQuestion.objects.filter(author=person).exclude(status="withdrawn").count() == 3
    # Another person has their own three.
    _ask(resident(here), sitting, "Autre")


def test_a_member_who_is_not_a_verified_resident_is_refused():
    here = town()
    sitting = meeting(here)
    with pytest.raises(PermissionDenied):
        _ask(member(here), sitting)
    assert CitizenQuestion.objects.count() == 0


def test_a_resident_of_another_city_is_refused():
    here, there = town(), town()
    sitting = meeting(here)
    with pytest.raises(PermissionDenied):
        _ask(resident(there), sitting)
    assert CitizenQuestion.objects.count() == 0


def test_an_agenda_item_of_another_meeting_is_refused():
    here = town()
    sitting, other = meeting(here), meeting(here)
    foreign = item(other, "Ailleurs")
    with pytest.raises(ApplicationError) as error:
        _ask(resident(here), sitting, "Quoi ?", foreign.pk)
    assert error.value.extra["fields"] == {
        "agenda_item": ["Choose an item of this meeting's agenda."]
    }
    assert CitizenQuestion.objects.count() == 0


def test_a_question_is_at_most_1000_characters():
    here = town()
    with pytest.raises(ApplicationError) as error:
        _ask(resident(here), meeting(here), "x" * 1001)
    assert list(error.value.extra["fields"]) == ["text"]
    assert CitizenQuestion.objects.count() == 0


def test_only_the_author_withdraws_and_only_before_the_close(still_clock):
    here = town()
    sitting = meeting(here)
    person = resident(here)
    question = _ask(person, sitting)
    with pytest.raises(ApplicationError):
        services.question_withdraw(actor=resident(here), question=question)
    Meeting.objects.filter(pk=sitting.pk).update(questions_close_at=timezone.now())
    with pytest.raises(PermissionDenied):
        services.question_withdraw(actor=person, question=question)
    question.refresh_from_db()
    assert question.status == QuestionStatus.SUBMITTED


def test_a_document_must_be_a_pdf_by_its_content():
    here = town()
    officer = staff(here)
    sitting = meeting(here, actor=officer)
    with pytest.raises(ApplicationError) as error:
        services.document_add(
            actor=officer,
            meeting=sitting,
            title="Faux",
            upload=pdf("faux.pdf", b"<html>not a pdf</html>"),
        )
    assert error.value.extra["fields"] == {"file": ["Only PDF documents are accepted."]}
    assert MeetingDocument.objects.count() == 0
    document = services.document_add(actor=officer, meeting=sitting, title="Rapport", upload=pdf())
    assert document.size > 0
    assert document.file.open("rb").read(5) == b"%PDF-"


def test_a_document_is_at_most_20_mb(monkeypatch):
    here = town()
    officer = staff(here)
    sitting = meeting(here, actor=officer)
    upload = pdf()
    monkeypatch.setattr(upload, "size", services.DOCUMENT_MAX_BYTES + 1)
    with pytest.raises(ApplicationError) as error:
        services.document_add(actor=officer, meeting=sitting, title="Gros", upload=upload)
    assert error.value.extra["fields"] == {"file": ["A document is at most 20 MB."]}
    assert MeetingDocument.objects.count() == 0


def test_minutes_tell_each_person_who_asked_once(django_capture_on_commit_callbacks):
    here = town()
    officer = staff(here)
    sitting = meeting(here, actor=officer)
    asker, twice, quitter = resident(here), resident(here), resident(here)
    _ask(asker, sitting)
    _ask(twice, sitting, "Un")
    _ask(twice, sitting, "Deux")
    services.question_withdraw(actor=quitter, question=_ask(quitter, sitting))
    held(sitting, officer)
    with django_capture_on_commit_callbacks(execute=True):
        services.minutes_publish(actor=officer, meeting=sitting, minutes="Un.\n\nDeux.")
    with django_capture_on_commit_callbacks(execute=True):
        services.minutes_publish(actor=officer, meeting=sitting, minutes="Un.\n\nDeux corrigé.")
    told = Notification.objects.filter(topic="participation").order_by("user_id")
    assert [n.user_id for n in told] == sorted([asker.pk, twice.pk])
    sitting.refresh_from_db()
    assert sitting.minutes_paragraphs() == ["Un.", "Deux corrigé."]


def test_minutes_wait_until_the_meeting_is_held():
    here = town()
    officer = staff(here)
    sitting = meeting(here, actor=officer)
    with pytest.raises(Conflict):
        services.minutes_publish(actor=officer, meeting=sitting, minutes="Trop tôt.")
    sitting.refresh_from_db()
    assert (sitting.minutes, sitting.minutes_published_at) == ("", None)


def test_staff_answer_and_reject_with_a_reason():
    here = town()
    officer = staff(here)
    sitting = meeting(here, actor=officer)
    one, two = _ask(resident(here), sitting, "Un"), _ask(resident(here), sitting, "Deux")
    services.question_answer(actor=officer, question=one, answer="Au printemps.")
    services.question_reject(actor=officer, question=two, reason="Hors sujet.")
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.status, one.answer) == (QuestionStatus.ANSWERED, "Au printemps.")
    assert (two.status, two.rejection_reason) == (QuestionStatus.REJECTED, "Hors sujet.")


def test_elected_officials_and_other_cities_staff_manage_nothing():
    here, there = town(), town()
    sitting = meeting(here)
    question = _ask(resident(here), sitting)
    for actor in (elected(here), staff(there), resident(here)):
        with pytest.raises(PermissionDenied):
            services.meeting_publish(actor=actor, meeting=meeting(here, publish=False))
        with pytest.raises(PermissionDenied):
            services.question_answer(actor=actor, question=question, answer="Non.")
        with pytest.raises(PermissionDenied):
            services.agenda_item_add(actor=actor, meeting=sitting, values={"title": "X"})
    question.refresh_from_db()
    assert (question.status, question.answer) == (QuestionStatus.SUBMITTED, "")
    assert sitting.items.count() == 0


def test_an_elected_official_reads_questions_but_gains_no_staff_power_elsewhere():
    from milieu.territory.models import District
    from milieu.territory.services import district_create

    here = town(modules=("council", "events"))
    official = elected(here)
    assert official.has_perm("participation.read_council_questions", here)
    assert not official.has_perm("participation.manage_council", here)
    assert not official.has_perm("territory.manage_districts", here)
    assert not official.has_perm("events.manage_attractions", here)
    assert not official.has_perm("accounts.view_staff_area", here)
    with pytest.raises(PermissionDenied):
        district_create(actor=official, municipality=here, name="Centre")
    assert District.objects.filter(municipality=here).count() == 0
    from milieu.events import services as events_services

    with pytest.raises(PermissionDenied):
        events_services.event_create(
            actor=official,
            municipality=here,
            values={
                "title_fr": "Fête",
                "category": "culture",
                "starts_at": timezone.now() + timedelta(days=2),
                "ends_at": timezone.now() + timedelta(days=2, hours=2),
            },
        )


def test_an_elected_official_without_mfa_reads_nothing():
    here = town()
    official = elected(here, mfa=False)
    assert not official.has_perm("participation.read_council_questions", here)


def test_administrators_may_grant_the_elected_role():
    from milieu.accounts.models import Role, RoleAssignment
    from milieu.accounts.services import role_grant
    from milieu.accounts.tests.factories import with_role

    here = town()
    admin = with_role(here, Role.ADMIN)
    person = member(here)
    role_grant(actor=admin, municipality=here, email=person.email, role=Role.ELECTED)
    assert RoleAssignment.objects.filter(user=person, role="elected", municipality=here).exists()
