"""The council pages: lists and pages in constant queries, the questions page grouped by agenda
item, the question form's refusals, the public page naming nobody, documents served by a
permission-checked view, and the live stream shown only during the meeting."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from milieu.core.testing import assert_constant_queries, client_for
from milieu.participation import demo_council
from milieu.participation import services_council as services
from milieu.participation.models import AgendaItem, CitizenQuestion, Meeting, MeetingDocument

from .test_council_factories import elected, item, meeting, pdf, resident, staff, town

pytestmark = pytest.mark.django_db


def test_the_meetings_list_runs_constant_queries():
    here = town()
    officer = staff(here)

    def add(n):
        return [meeting(here, actor=officer, title_fr=f"Séance liste {i}").title for i in range(n)]

    url = reverse("council:meetings", args=[here.slug])
    assert_constant_queries(client_for(), url, add, few=2, many=15)


def test_a_meeting_page_runs_constant_queries_with_its_agenda_and_documents():
    here = town()
    officer = staff(here)
    sitting = meeting(here, actor=officer)
    asker = resident(here)

    def add(n):
        shown = []
        for _ in range(n):
            point = item(sitting, f"Point {AgendaItem.objects.count() + 1}", actor=officer)
            services.document_add(
                actor=officer,
                meeting=sitting,
                title=f"Doc {point.pk}",
                upload=pdf(),
                agenda_item=point,
            )
            CitizenQuestion.objects.create(
                meeting=sitting, agenda_item=point, author=asker, text="?"
            )
            shown += [point.title, f"Doc {point.pk}"]
        return shown

    url = reverse("council:meeting", args=[here.slug, sitting.pk])
    assert_constant_queries(client_for(asker), url, add, few=2, many=12)


def test_the_questions_page_groups_questions_by_item_in_constant_queries():
    here = town()
    officer = staff(here)
    sitting = meeting(here, actor=officer)
    people = []

    def add(n):
        shown = []
        for _ in range(n):
            point = item(sitting, f"Sujet {AgendaItem.objects.count() + 1}", actor=officer)
            person = resident(here, display_name=f"Personne {point.pk}")
            people.append(person)
            CitizenQuestion.objects.create(
                meeting=sitting, agenda_item=point, author=person, text=f"Question {point.pk}"
            )
            shown += [point.title, person.display_name, f"Question {point.pk}"]
        return shown

    url = reverse("council:questions", args=[here.slug, sitting.pk])
    assert_constant_queries(client_for(elected(here)), url, add, few=2, many=12)


def test_the_questions_page_puts_each_question_under_its_item_and_other_business_last():
    here = town()
    officer = staff(here)
    sitting = meeting(here, actor=officer)
    parc = item(sitting, "Parc", actor=officer, number="5.1")
    budget = item(sitting, "Budget", actor=officer, number="5.2")
    alice, bruno = resident(here, display_name="Alice A"), resident(here, display_name="Bruno B")
    services.question_submit(
        actor=alice, meeting=sitting, text="Sur le budget", agenda_item=budget.pk
    )
    services.question_submit(actor=bruno, meeting=sitting, text="Sur le parc", agenda_item=parc.pk)
    services.question_submit(actor=alice, meeting=sitting, text="Autre chose", agenda_item=None)
    withdrawn = services.question_submit(
        actor=bruno, meeting=sitting, text="Retirée", agenda_item=parc.pk
    )
    services.question_withdraw(actor=bruno, question=withdrawn)
    body = (
        client_for(officer)
        .get(reverse("council:questions", args=[here.slug, sitting.pk]))
        .content.decode()
    )
    parc_at, budget_at, other_at = (
        body.index("5.1 Parc"),
        body.index("5.2 Budget"),
        body.index("Autre chose"),
    )
    assert parc_at < body.index("Sur le parc") < budget_at < body.index("Sur le budget") < other_at
    assert "Bruno B" in body and "Alice A" in body
    assert "Retirée" not in body


def test_the_public_page_counts_questions_and_names_nobody():
    here = town()
    sitting = meeting(here)
    point = item(sitting, "Parc")
    person = resident(here, display_name="Zoé Discrète")
    services.question_submit(
        actor=person, meeting=sitting, text="Texte privé", agenda_item=point.pk
    )
    url = reverse("council:meeting", args=[here.slug, sitting.pk])
    for viewer in (None, resident(here)):
        body = client_for(viewer).get(url).content.decode()
        assert "Zoé Discrète" not in body and "Texte privé" not in body and person.email not in body
        assert "1 question" in body or "1 question" in body.replace("\xa0", " ")
    mine = client_for(person).get(url).content.decode()
    assert "Texte privé" in mine


def test_asking_through_the_page_and_its_refusals():
    here = town()
    sitting = meeting(here)
    point = item(sitting, "Parc")
    person = resident(here)
    client = client_for(person)
    url = reverse("council:ask", args=[here.slug, sitting.pk])
    empty = client.post(url, {"agenda_item": str(point.pk), "text": ""})
    assert empty.status_code == 400
    assert CitizenQuestion.objects.count() == 0
    done = client.post(url, {"agenda_item": str(point.pk), "text": "Quand ?"})
    assert done.status_code == 302
    assert CitizenQuestion.objects.get().agenda_item == point
    other_city = client_for(resident(town())).post(
        url, {"agenda_item": "other", "text": "Et moi ?"}
    )
    assert other_city.status_code == 403
    assert CitizenQuestion.objects.count() == 1


def test_a_document_is_public_once_the_meeting_is_and_the_staffs_before():
    here = town()
    officer = staff(here)
    draft = meeting(here, actor=officer, publish=False)
    document = services.document_add(actor=officer, meeting=draft, title="Rapport", upload=pdf())
    url = reverse("council:document", args=[here.slug, draft.pk, document.pk])
    assert client_for().get(url).status_code == 404
    response = client_for(officer).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    services.meeting_publish(actor=officer, meeting=draft)
    public = client_for().get(url)
    assert public.status_code == 200
    assert b"".join(public.streaming_content)[:5] == b"%PDF-"
    elsewhere = reverse("council:document", args=[town().slug, draft.pk, document.pk])
    assert client_for().get(elsewhere).status_code == 404


def test_the_live_stream_link_shows_only_during_the_meeting():
    here = town()
    sitting = meeting(here, live_stream_url="https://video.example.org/conseil")
    url = reverse("council:meeting", args=[here.slug, sitting.pk])
    assert "https://video.example.org/conseil" not in client_for().get(url).content.decode()
    Meeting.objects.filter(pk=sitting.pk).update(
        starts_at=timezone.now() - timedelta(minutes=10),
        questions_close_at=timezone.now() - timedelta(hours=2),
    )
    assert "https://video.example.org/conseil" in client_for().get(url).content.decode()


def test_a_bad_upload_is_refused_on_the_field_and_keeps_nothing():
    here = town()
    officer = staff(here)
    sitting = meeting(here, actor=officer)
    url = reverse("council_staff:document_add", args=[here.slug, sitting.pk])
    response = client_for(officer).post(
        url, {"title": "Faux", "agenda_item": "", "file": pdf("faux.pdf", b"GIF89a....")}
    )
    assert response.status_code == 400
    assert MeetingDocument.objects.count() == 0


def test_the_demo_loads_twice_to_the_same_rows():
    from milieu.territory.tests.factories import MunicipalityFactory

    MunicipalityFactory(slug="brossard", name="Brossard")
    MunicipalityFactory(slug="ville-marie", name="Ville-Marie")
    demo_council.load()
    counts = (Meeting.objects.count(), AgendaItem.objects.count(), MeetingDocument.objects.count())
    assert demo_council.load()[-1] == "  already loaded"
    assert counts == (2, 9, 1)
    assert (
        Meeting.objects.count(),
        AgendaItem.objects.count(),
        MeetingDocument.objects.count(),
    ) == counts
    past = Meeting.objects.get(municipality__slug="ville-marie")
    assert past.status == "held" and len(past.minutes_paragraphs()) == 5


def test_the_calendar_feed_has_the_public_meetings_only():
    here = town()
    officer = staff(here)
    sitting = meeting(here, actor=officer, title_fr="Séance publique")
    meeting(here, actor=officer, publish=False, title_fr="Séance brouillon")
    response = client_for().get(reverse("council:calendar", args=[here.slug]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert body.count("BEGIN:VEVENT") == 1
    assert f"UID:council-meeting-{sitting.pk}@" in body
    assert "Séance publique" in body and "brouillon" not in body
