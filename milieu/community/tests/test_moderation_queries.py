"""Query budget of the moderators' lists: the queue, the log and the suspensions, as pages and
through the API, run the same number of queries (at most 12) for a few items as for many."""

from itertools import count

import pytest

from milieu.community.models import ModerationAction, Report, Suspension
from milieu.core.testing import assert_constant_queries, client_for

from .factories_moderation import moderator, person, report, town

pytestmark = pytest.mark.django_db
_numbers = count(1)


@pytest.fixture
def here():
    return town("lac-vert", "Lac-Vert")


@pytest.fixture
def staff(here):
    return moderator(here, "Modératrice")


def _reports(here):
    """One more report per item, by someone new about someone new."""

    def add(n):
        shown = []
        for _ in range(n):
            number = next(_numbers)
            subject = person(here, f"Visé {number:04d}")
            report(
                here,
                person(here),
                f"post:{number}",
                subject=subject,
                snapshot=f"Texte signalé {number:04d}",
                reason=Report.Reason.values[number % len(Report.Reason.values)],
            )
            shown += [f"Texte signalé {number:04d}", f"Visé {number:04d}"]
        return shown

    return add


def _actions(here, staff):
    def add(n):
        shown = []
        for _ in range(n):
            number = next(_numbers)
            ModerationAction.objects.create(
                municipality=here,
                moderator=staff,
                action=ModerationAction.Action.WARN,
                target=f"person:{number}",
                subject=person(here, f"Averti {number:04d}"),
                reason=f"Raison {number:04d}",
                report=report(here, person(here), f"post:{number}", status="actioned"),
            )
            shown += [f"Raison {number:04d}", f"Averti {number:04d}"]
        return shown

    return add


def _suspensions(here, staff):
    def add(n):
        shown = []
        for _ in range(n):
            number = next(_numbers)
            Suspension.objects.create(
                municipality=here,
                user=person(here, f"Suspendu {number:04d}"),
                reason=f"Motif {number:04d}",
                created_by=staff,
            )
            shown += [f"Motif {number:04d}", f"Suspendu {number:04d}"]
        return shown

    return add


def test_the_queue_page_is_constant(here, staff):
    assert_constant_queries(
        client_for(staff), "/fr/lac-vert/staff/moderation/", _reports(here), many=18
    )


def test_the_filtered_queue_page_for_htmx_is_constant(here, staff):
    assert_constant_queries(
        client_for(staff),
        "/fr/lac-vert/staff/moderation/?status=open",
        _reports(here),
        many=18,
        HTTP_HX_REQUEST="true",
    )


def test_the_queue_api_is_constant(here, staff):
    assert_constant_queries(
        client_for(staff),
        "/api/v1/municipalities/lac-vert/moderation/reports",
        _reports(here),
        many=18,
    )


def test_the_log_page_is_constant(here, staff):
    assert_constant_queries(
        client_for(staff), "/fr/lac-vert/staff/moderation/log/", _actions(here, staff), many=18
    )


def test_the_log_api_is_constant(here, staff):
    assert_constant_queries(
        client_for(staff),
        "/api/v1/municipalities/lac-vert/moderation/actions",
        _actions(here, staff),
        many=18,
    )


def test_the_suspensions_page_is_constant(here, staff):
    assert_constant_queries(
        client_for(staff),
        "/fr/lac-vert/staff/moderation/suspensions/",
        _suspensions(here, staff),
        many=18,
    )


def test_the_suspensions_api_is_constant(here, staff):
    assert_constant_queries(
        client_for(staff),
        "/api/v1/municipalities/lac-vert/moderation/suspensions",
        _suspensions(here, staff),
        many=18,
    )


def test_a_report_page_stays_within_the_budget(here, staff):
    from milieu.core.testing import assert_within_budget

    subject = person(here, "Visé")
    first = report(here, person(here), f"person:{subject.pk}", subject=subject, snapshot="Profil")
    for number in range(5):
        report(here, person(here), f"person:{subject.pk}", subject=subject)
        ModerationAction.objects.create(
            municipality=here,
            moderator=staff,
            action="warn",
            target=f"post:{number}",
            subject=subject,
            reason=f"Avertissement {number}",
        )

    assert_within_budget(
        client_for(staff),
        f"/fr/lac-vert/staff/moderation/reports/{first.pk}/",
        "Profil",
        "Avertissement 4",
    )
