"""Problems reported on an exchange: either side reports one to the municipality's staff, who
resolve or dismiss it with a note that the reporter reads — pages, API, rules, the database's
one-open-report constraint, the notification, the audit log of the staff's readings."""

import json
from itertools import count

import pytest
from django.db import IntegrityError, transaction

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import with_role
from milieu.core.errors import Conflict, PermissionDenied
from milieu.core.testing import assert_constant_queries, client_for
from milieu.exchange import services
from milieu.exchange.models import Exchange, ExchangeEvent, ExchangeProblem
from milieu.notifications.models import Notification

from .factories import days, listing, neighbour, town

pytestmark = pytest.mark.django_db
_numbers = count(1)


@pytest.fixture(autouse=True)
def _limits_off(still_clock):
    """Rate limits are counted on a stopped clock; no test here fills them."""


def _accepted(here, owner=None, borrower=None, title="Perceuse sans fil") -> Exchange:
    owner = owner or neighbour(here)
    borrower = borrower or neighbour(here)
    start, end = days(1, 2)
    asked = services.exchange_request(
        actor=borrower, listing=listing(owner, here, title=title), starts_on=start, due_on=end
    )
    return services.exchange_accept(actor=owner, exchange=asked, meeting_place="Parc")


def _rows() -> tuple:
    return (
        list(ExchangeProblem.objects.order_by("pk").values()),
        list(Exchange.objects.order_by("pk").values()),
        list(ExchangeEvent.objects.order_by("pk").values()),
    )


def _staff_url(here, problem=None) -> str:
    base = f"/fr/{here.slug}/staff/sharing/problems/"
    return f"{base}{problem.pk}/" if problem is not None else base


# --- Reporting ------------------------------------------------------------------------------------


def test_a_party_reports_a_problem_on_the_exchange_page_and_reads_the_staffs_answer():
    here = town()
    exchange = _accepted(here)
    client = client_for(exchange.requester)
    page = f"/fr/{here.slug}/sharing/exchanges/{exchange.pk}/"
    assert "Signaler un problème à la municipalité" in client.get(page).content.decode()

    response = client.post(
        f"{page}problem/", {"reason": "no_show", "details": "Personne au parc à 10 h."}
    )

    assert response.status_code == 302 and response["Location"] == page
    problem = ExchangeProblem.objects.get()
    assert (problem.reporter, problem.reason, problem.status) == (
        exchange.requester,
        "no_show",
        "open",
    )
    assert (problem.municipality, problem.details) == (here, "Personne au parc à 10 h.")
    event = ExchangeEvent.objects.filter(action="report_problem").get()
    assert (event.actor, event.from_state, event.to_state) == (
        exchange.requester,
        "accepted",
        "accepted",
    )
    assert Exchange.objects.get().state == "accepted"
    shown = client.get(page).content.decode()
    assert "La personne n’est pas venue" in shown and "Ouvert" in shown
    assert "Signaler un problème à la municipalité" not in shown  # one open report at a time
    # The other side is not told: neither a report nor its row in the timeline.
    theirs = client_for(exchange.owner).get(page).content.decode()
    assert "Votre signalement" not in theirs and "Personne au parc" not in theirs
    assert "a signalé un problème" not in theirs

    services.exchange_problem_resolve(
        actor=with_role(here, Role.STAFF),
        problem=problem,
        status="resolved",
        note="Nous avons parlé à l’autre personne.",
    )
    shown = client.get(page).content.decode()
    assert "Nous avons parlé à l’autre personne." in shown and "Résolu" in shown
    assert "Signaler un problème à la municipalité" in shown  # a new one may follow


def test_a_report_with_htmx_swaps_the_panel_and_a_bad_reason_keeps_what_was_typed():
    here = town()
    exchange = _accepted(here)
    client = client_for(exchange.owner)
    url = f"/en/{here.slug}/sharing/exchanges/{exchange.pk}/problem/"

    refused = client.post(url, {"reason": "bored", "details": "Mes notes"})
    assert refused.status_code == 400
    assert "Mes notes" in refused.content.decode()
    assert not ExchangeProblem.objects.exists()
    done = client.post(url, {"reason": "damaged"}, headers={"HX-Request": "true"})
    assert done.status_code == 200
    body = done.content.decode()
    assert body.lstrip().startswith('<div id="exchange-panel">')
    assert "Your report is sent to the municipality" in body
    assert "Damaged or not as described" in body


def test_a_request_not_yet_accepted_cannot_be_reported_and_nothing_changes():
    here = town()
    owner, borrower = neighbour(here), neighbour(here)
    start, end = days(1, 2)
    asked = services.exchange_request(
        actor=borrower, listing=listing(owner, here), starts_on=start, due_on=end
    )
    page = f"/fr/{here.slug}/sharing/exchanges/{asked.pk}/"
    assert "Signaler un problème" not in client_for(borrower).get(page).content.decode()
    before = _rows()

    response = client_for(borrower).post(f"{page}problem/", {"reason": "no_show"})

    assert response.status_code == 400
    assert "une fois la demande acceptée" in response.content.decode()
    assert _rows() == before
    services.exchange_cancel(actor=borrower, exchange=asked)
    with pytest.raises(Conflict):  # cancelled before anyone accepted: still nothing to report
        services.exchange_report_problem(actor=borrower, exchange=asked, reason="no_show")


def test_an_exchange_cancelled_after_its_acceptance_can_be_reported():
    here = town()
    exchange = _accepted(here)
    services.exchange_cancel(actor=exchange.owner, exchange=exchange)
    problem = services.exchange_report_problem(
        actor=exchange.requester, exchange=exchange, reason="other", details="Annulé à la porte"
    )
    assert problem.exchange.state == "cancelled"


@pytest.mark.parametrize("who", ["stranger", "other_city", "staff", "anonymous"])
def test_nobody_but_the_two_sides_can_report_and_nothing_changes(who):
    here, there = town(), town()
    exchange = _accepted(here)
    people = {
        "stranger": neighbour(here),
        "other_city": neighbour(there),
        "staff": with_role(here, Role.STAFF),
        "anonymous": None,
    }
    before = _rows()

    page = client_for(people[who]).post(
        f"/fr/{here.slug}/sharing/exchanges/{exchange.pk}/problem/", {"reason": "unsafe"}
    )
    api = client_for(people[who]).post(
        f"/api/v1/exchange/exchanges/{exchange.pk}/problems",
        json.dumps({"reason": "unsafe"}),
        content_type="application/json",
    )

    assert page.status_code == (302 if who == "anonymous" else 404)
    assert api.status_code == (401 if who == "anonymous" else 404)
    assert _rows() == before
    if people[who] is not None:
        with pytest.raises(PermissionDenied):
            services.exchange_report_problem(actor=people[who], exchange=exchange, reason="other")


def test_one_open_report_per_person_and_exchange_the_database_says_so():
    here = town()
    exchange = _accepted(here)
    first = services.exchange_report_problem(
        actor=exchange.requester, exchange=exchange, reason="no_show"
    )
    with pytest.raises(Conflict) as refused:
        services.exchange_report_problem(
            actor=exchange.requester, exchange=exchange, reason="damaged"
        )
    assert refused.value.code == "already_reported"
    with pytest.raises(IntegrityError), transaction.atomic():
        ExchangeProblem.objects.create(
            exchange=exchange, municipality=here, reporter=exchange.requester, reason="other"
        )
    # The other side may report too, and the reporter again once the first is closed.
    services.exchange_report_problem(actor=exchange.owner, exchange=exchange, reason="no_show")
    services.exchange_problem_resolve(
        actor=with_role(here, Role.STAFF), problem=first, status="dismissed", note=""
    )
    services.exchange_report_problem(actor=exchange.requester, exchange=exchange, reason="other")
    assert ExchangeProblem.objects.filter(status="open").count() == 2


def test_a_party_reports_through_the_api_and_sees_only_their_own_reports():
    here = town()
    exchange = _accepted(here)
    url = f"/api/v1/exchange/exchanges/{exchange.pk}/problems"
    client = client_for(exchange.owner)

    response = client.post(
        url, json.dumps({"reason": "damaged", "details": "Rayé"}), content_type="application/json"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert [
        (p["reason"], p["details"], p["status"], p["staff_note"]) for p in body["my_problems"]
    ] == [("damaged", "Rayé", "open", "")]
    assert [e["action"] for e in body["events"]] == ["request", "accept"]
    theirs = client_for(exchange.requester).get(f"/api/v1/exchange/exchanges/{exchange.pk}")
    assert theirs.json()["my_problems"] == []
    again = client.post(url, json.dumps({"reason": "other"}), content_type="application/json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_reported"
    bad = client_for(exchange.requester).post(
        url, json.dumps({"reason": "bored"}), content_type="application/json"
    )
    assert bad.status_code == 400 and list(bad.json()["error"]["fields"]) == ["reason"]
    assert ExchangeProblem.objects.count() == 1


# --- The staff ------------------------------------------------------------------------------------


def test_staff_with_mfa_see_the_queue_and_resolve_with_a_note_and_the_reporter_is_told(
    django_capture_on_commit_callbacks, caplog
):
    here = town()
    exchange = _accepted(here, owner=neighbour(here, display_name="Odile"))
    reporter = exchange.requester
    problem = services.exchange_report_problem(
        actor=reporter, exchange=exchange, reason="unsafe", details="Propos déplacés"
    )
    staff = with_role(here, Role.STAFF)
    client = client_for(staff)

    queue = client.get(_staff_url(here))
    assert queue.status_code == 200
    assert "Perceuse sans fil" in queue.content.decode()
    assert "Comportement dangereux ou inapproprié" in queue.content.decode()
    caplog.set_level("INFO", logger="milieu.audit")
    page = client.get(_staff_url(here, problem))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Propos déplacés" in text and "Odile" in text
    assert "a signalé un problème" in text  # the staff's timeline has the audit rows
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _staff_url(here, problem), {"status": "resolved", "note": "Avertissement envoyé."}
        )

    assert response.status_code == 302 and response["Location"] == _staff_url(here)
    problem.refresh_from_db()
    assert (problem.status, problem.staff_note, problem.resolved_by) == (
        "resolved",
        "Avertissement envoyé.",
        staff,
    )
    assert problem.resolved_at is not None
    assert ExchangeEvent.objects.filter(action="resolve_problem", actor=staff).count() == 1
    told = Notification.objects.get(user=reporter)
    assert told.topic == "exchanges"
    assert told.url == f"/fr/{here.slug}/sharing/exchanges/{exchange.pk}/"
    assert "Perceuse sans fil" in told.title
    assert not Notification.objects.filter(user=exchange.owner).exists()
    assert "Aucun problème" in client.get(_staff_url(here)).content.decode()  # no longer open
    closed = client.get(_staff_url(here) + "?status=resolved").content.decode()
    assert "Perceuse sans fil" in closed
    again = client.post(_staff_url(here, problem), {"status": "dismissed"})
    assert again.status_code == 400 and "Ce problème est déjà fermé." in again.content.decode()
    problem.refresh_from_db()
    assert problem.status == "resolved"


def test_every_staff_reading_of_a_problem_is_logged_as_personal_data_access(caplog):
    here = town()
    exchange = _accepted(here)
    problem = services.exchange_report_problem(
        actor=exchange.requester, exchange=exchange, reason="no_show"
    )
    staff = with_role(here, Role.STAFF)
    client = client_for(staff)
    caplog.set_level("INFO", logger="milieu.audit")

    client.get(_staff_url(here))
    assert not [r for r in caplog.records if r.getMessage() == "personal_data_access"]
    client.get(_staff_url(here, problem))
    client.get(_staff_url(here, problem).replace("/fr/", "/en/"))

    access = [r for r in caplog.records if r.getMessage() == "personal_data_access"]
    subjects = sorted([exchange.owner.pk, exchange.requester.pk])
    assert sorted((r.actor, r.subject, r.what, r.exchange_problem) for r in access) == sorted(
        [(staff.pk, subject, "exchange_problem", problem.pk) for subject in subjects] * 2
    )


@pytest.mark.parametrize("who", ["staff_other", "staff_without_mfa", "citizen", "reporter"])
def test_staff_of_another_city_staff_without_mfa_and_citizens_are_refused(who, caplog):
    here, there = town(), town()
    exchange = _accepted(here)
    problem = services.exchange_report_problem(
        actor=exchange.requester, exchange=exchange, reason="no_show"
    )
    people = {
        "staff_other": with_role(there, Role.STAFF),
        "staff_without_mfa": with_role(here, Role.STAFF, mfa=False),
        "citizen": neighbour(here),
        "reporter": exchange.requester,
    }
    actor = people[who]
    client = client_for(actor)
    caplog.set_level("INFO", logger="milieu.audit")
    before = _rows()

    queue = client.get(_staff_url(here))
    page = client.get(_staff_url(here, problem))
    post = client.post(_staff_url(here, problem), {"status": "dismissed", "note": "Non"})
    api = client.post(
        f"/api/v1/municipalities/{here.slug}/exchange/problems/{problem.pk}/resolve",
        json.dumps({"status": "dismissed"}),
        content_type="application/json",
    )
    listed = client.get(f"/api/v1/municipalities/{here.slug}/exchange/problems")

    if who == "staff_without_mfa":  # sent to enrol an authenticator first
        assert [r.status_code for r in (queue, page, post)] == [302, 302, 302]
        assert "mfa" in queue["Location"] or "totp" in queue["Location"]
    else:
        assert [r.status_code for r in (queue, page, post)] == [403, 403, 403]
    assert (api.status_code, listed.status_code) == (403, 403)
    assert _rows() == before
    assert not [r for r in caplog.records if r.getMessage() == "personal_data_access"]
    with pytest.raises(PermissionDenied):
        services.exchange_problem_resolve(actor=actor, problem=problem, status="resolved")


def test_a_problem_of_another_municipality_is_not_found_by_its_staff_address():
    here, there = town(), town()
    exchange = _accepted(here)
    problem = services.exchange_report_problem(
        actor=exchange.requester, exchange=exchange, reason="no_show"
    )
    staff_there = with_role(there, Role.STAFF)
    assert client_for(staff_there).get(_staff_url(there, problem)).status_code == 404
    response = client_for(staff_there).post(
        f"/api/v1/municipalities/{there.slug}/exchange/problems/{problem.pk}/resolve",
        json.dumps({"status": "dismissed"}),
        content_type="application/json",
    )
    assert response.status_code == 404
    assert ExchangeProblem.objects.get().status == "open"


def test_staff_list_and_resolve_through_the_api(django_capture_on_commit_callbacks):
    here = town()
    staff = with_role(here, Role.STAFF)
    problems = []
    for number in range(3):
        exchange = _accepted(here, title=f"Objet {number}")
        problems.append(
            services.exchange_report_problem(
                actor=exchange.requester, exchange=exchange, reason="damaged"
            )
        )
    client = client_for(staff)
    base = f"/api/v1/municipalities/{here.slug}/exchange/problems"

    first = client.get(f"{base}?limit=2").json()
    second = client.get(f"{base}?limit=2&cursor={first['next_cursor']}").json()
    assert [p["listing"]["title"] for p in first["items"] + second["items"]] == [
        "Objet 2",
        "Objet 1",
        "Objet 0",
    ]
    assert second["next_cursor"] is None
    item = first["items"][0]
    assert (item["reported_by"], item["reason"], item["status"]) == ("requester", "damaged", "open")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{base}/{problems[2].pk}/resolve",
            json.dumps({"status": "dismissed", "note": "Usure normale."}),
            content_type="application/json",
        )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["staff_note"]) == (
        "dismissed",
        "Usure normale.",
    )
    assert Notification.objects.filter(user=problems[2].reporter, topic="exchanges").count() == 1
    again = client.post(
        f"{base}/{problems[2].pk}/resolve",
        json.dumps({"status": "resolved"}),
        content_type="application/json",
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_closed"
    bad = client.post(
        f"{base}/{problems[1].pk}/resolve",
        json.dumps({"status": "open"}),
        content_type="application/json",
    )
    assert bad.status_code == 400 and list(bad.json()["error"]["fields"]) == ["status"]
    assert [p["id"] for p in client.get(base).json()["items"]] == [
        problems[1].pk,
        problems[0].pk,
    ]
    dismissed = client.get(f"{base}?status=dismissed").json()["items"]
    assert [p["id"] for p in dismissed] == [problems[2].pk]
    assert len(client.get(f"{base}?status=all").json()["items"]) == 3
    assert client.get(f"{base}?status=lost").status_code == 422


def test_the_staff_queue_reads_as_many_queries_for_one_problem_as_for_many():
    here = town()
    staff = with_role(here, Role.STAFF)

    def add(n: int) -> list[str]:
        shown = []
        for _ in range(n):
            number = next(_numbers)
            borrower = neighbour(here, display_name=f"Emprunteur {number:04d}")
            exchange = _accepted(here, borrower=borrower, title=f"Objet {number:04d}")
            services.exchange_report_problem(actor=borrower, exchange=exchange, reason="no_show")
            shown += [f"Objet {number:04d}", f"Emprunteur {number:04d}"]
        return shown

    assert_constant_queries(client_for(staff), _staff_url(here), add, few=1, many=15)


def test_the_api_queue_reads_as_many_queries_for_one_problem_as_for_many():
    here = town()
    staff = with_role(here, Role.STAFF)

    def add(n: int) -> list[str]:
        shown = []
        for _ in range(n):
            number = next(_numbers)
            owner = neighbour(here, display_name=f"Prêteuse {number:04d}")
            exchange = _accepted(here, owner=owner, title=f"Objet {number:04d}")
            services.exchange_report_problem(
                actor=exchange.requester, exchange=exchange, reason="no_show"
            )
            shown += [f"Objet {number:04d}", f"Prêteuse {number:04d}"]
        return shown

    url = f"/api/v1/municipalities/{here.slug}/exchange/problems?limit=50"
    assert_constant_queries(client_for(staff), url, add, few=1, many=25)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", ("Problèmes signalés sur des échanges", "Fermer le problème", "Signaler")),
        ("en", ("Problems reported on exchanges", "Close the problem", "Report a problem")),
        ("es", ("Problemas señalados en intercambios", "Cerrar el problema", "Señalar")),
    ],
)
def test_the_pages_speak_french_english_and_spanish(language, words):
    here = town()
    exchange = _accepted(here)
    problem = services.exchange_report_problem(
        actor=exchange.requester, exchange=exchange, reason="no_show"
    )
    staff = client_for(with_role(here, Role.STAFF))
    queue = staff.get(f"/{language}/{here.slug}/staff/sharing/problems/")
    detail = staff.get(f"/{language}/{here.slug}/staff/sharing/problems/{problem.pk}/")
    party = client_for(exchange.owner).get(
        f"/{language}/{here.slug}/sharing/exchanges/{exchange.pk}/"
    )
    assert (queue.status_code, detail.status_code, party.status_code) == (200, 200, 200)
    assert words[0] in queue.content.decode()
    assert words[1] in detail.content.decode()
    assert words[2] in party.content.decode()
