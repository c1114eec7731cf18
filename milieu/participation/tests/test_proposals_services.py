"""The services of calls for proposals: submitting, supporting, the threshold, the answer."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from milieu.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from milieu.notifications.models import Notification

from .. import services_proposals as services
from ..models import Proposal, ProposalStatus, Support
from .factories_proposals import call, member, proposal, resident, set_phase, staff, supported, town

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    """Services speak the active language; these tests read their messages in English."""
    with translation.override("en"):
        yield


def _state(p: Proposal) -> tuple:
    p.refresh_from_db()
    return (
        p.title,
        p.body,
        p.status,
        p.support_count,
        p.threshold_reached_at,
        p.answer,
        p.answered_at,
        p.hidden_at,
        Support.objects.filter(proposal=p).count(),
    )


# --- Submitting ---------------------------------------------------------------------------------


def test_a_verified_resident_submits_an_idea_during_the_submission_phase():
    city = town()
    author = resident(city)
    consultation = call(city)
    p = services.proposal_submit(
        actor=author,
        consultation=consultation,
        values={
            "title": "Des bancs au bord de l'eau",
            "body": "Installer des bancs à l'ombre le long de la rivière.",
            "language": "fr",
            "place_name": "Parc riverain",
        },
    )
    assert (p.author, p.municipality, p.status, p.support_count, p.place_name) == (
        author,
        city,
        ProposalStatus.SUBMITTED,
        0,
        "Parc riverain",
    )


@pytest.mark.parametrize("phase", ["before", "after"])
def test_nobody_submits_outside_the_submission_phase(phase):
    city = town()
    consultation = call(city, phase=phase)
    with pytest.raises(PermissionDenied):
        proposal(consultation)
    assert Proposal.objects.count() == 0


def test_a_member_whose_residency_is_not_verified_does_not_submit():
    city = town()
    consultation = call(city)
    with pytest.raises(PermissionDenied) as refused:
        proposal(consultation, author=member(city))
    assert "verified residents" in str(refused.value.message)
    assert Proposal.objects.count() == 0


def test_a_resident_of_another_town_does_not_submit():
    city = town()
    consultation = call(city)
    with pytest.raises(PermissionDenied):
        proposal(consultation, author=resident(town()))
    assert Proposal.objects.count() == 0


def test_a_short_title_is_refused_on_its_field():
    city = town()
    with pytest.raises(ApplicationError) as refused:
        proposal(call(city), title="Oui")
    assert refused.value.code == "validation"
    assert list(refused.value.extra["fields"]) == ["title"]
    assert Proposal.objects.count() == 0


def test_a_district_of_another_town_is_refused():
    from milieu.territory.tests.factories import DistrictFactory

    city = town()
    elsewhere = DistrictFactory(municipality=town())
    with pytest.raises(ApplicationError) as refused:
        proposal(call(city), district=elsewhere.pk)
    assert list(refused.value.extra["fields"]) == ["district"]


def test_a_call_of_a_town_without_the_module_is_not_found():
    city = town(modules=())
    with pytest.raises(NotFound):
        proposal(call(city), author=resident(city))


# --- Editing and withdrawing --------------------------------------------------------------------


def test_the_author_edits_until_the_first_support():
    city = town()
    p = proposal(call(city))
    author = p.author
    services.proposal_update(actor=author, proposal=p, values={"title": "Des bancs partout"})
    p.refresh_from_db()
    assert p.title == "Des bancs partout"
    supported(p, 1)
    before = _state(p)
    with pytest.raises(Conflict) as refused:
        services.proposal_update(actor=author, proposal=p, values={"title": "Encore changé"})
    assert refused.value.code == "already_supported"
    assert _state(p) == before


def test_someone_else_does_not_edit_an_idea():
    city = town()
    p = proposal(call(city))
    before = _state(p)
    with pytest.raises(PermissionDenied):
        services.proposal_update(actor=resident(city), proposal=p, values={"title": "Piratée!"})
    assert _state(p) == before


def test_the_author_withdraws_an_idea_and_it_can_no_longer_be_supported():
    city = town()
    p = proposal(call(city))
    services.proposal_withdraw(actor=p.author, proposal=p)
    p.refresh_from_db()
    assert p.status == ProposalStatus.WITHDRAWN
    before = _state(p)
    with pytest.raises(Conflict):
        services.support_add(actor=resident(city), proposal=p)
    assert _state(p) == before


# --- Supports and the threshold -----------------------------------------------------------------


def test_the_support_that_reaches_the_threshold_tells_staff_and_author_once(
    django_capture_on_commit_callbacks,
):
    city = town()
    clerk, admin_elsewhere = staff(city), staff(town())
    p = proposal(call(city, threshold=3))
    people = [resident(city) for _ in range(4)]
    with django_capture_on_commit_callbacks(execute=True):
        for person in people[:2]:
            services.support_add(actor=person, proposal=p)
    p.refresh_from_db()
    assert (p.support_count, p.threshold_reached_at) == (2, None)
    assert Notification.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.support_add(actor=people[2], proposal=p)
    p.refresh_from_db()
    assert p.support_count == 3
    assert p.threshold_reached_at is not None
    reached_at = p.threshold_reached_at
    told = sorted(Notification.objects.values_list("user_id", "topic", "key"))
    assert told == sorted(
        [
            (clerk.pk, "participation", f"proposals:threshold:{p.pk}"),
            (p.author_id, "participation", f"proposals:threshold:{p.pk}"),
        ]
    )
    assert admin_elsewhere.pk not in [user_id for user_id, _t, _k in told]
    # The fourth support, and a support taken back and given again, tell nobody again.
    with django_capture_on_commit_callbacks(execute=True):
        services.support_add(actor=people[3], proposal=p)
        services.support_remove(actor=people[3], proposal=p)
        services.support_remove(actor=people[2], proposal=p)
        services.support_add(actor=people[2], proposal=p)
    p.refresh_from_db()
    assert (p.support_count, p.threshold_reached_at) == (3, reached_at)
    assert Notification.objects.count() == 2


def test_nobody_supports_their_own_idea():
    city = town()
    p = proposal(call(city))
    before = _state(p)
    with pytest.raises(PermissionDenied) as refused:
        services.support_add(actor=p.author, proposal=p)
    assert refused.value.code == "own_proposal"
    assert _state(p) == before


def test_a_second_support_by_the_same_person_is_a_conflict_and_counts_once():
    city = town()
    p = proposal(call(city))
    person = resident(city)
    services.support_add(actor=person, proposal=p)
    before = _state(p)
    with pytest.raises(Conflict) as refused:
        services.support_add(actor=person, proposal=p)
    assert refused.value.code == "already_supported"
    assert str(refused.value.message) == gettext("You already support this idea.")
    assert _state(p) == before
    assert before[3] == 1


@pytest.mark.parametrize("phase", ["before", "after"])
def test_nobody_supports_outside_the_submission_phase(phase):
    city = town()
    consultation = call(city)
    p = proposal(consultation)
    set_phase(consultation, phase)
    before = _state(p)
    with pytest.raises(PermissionDenied):
        services.support_add(actor=resident(city), proposal=p)
    assert _state(p) == before


def test_a_person_who_is_not_eligible_does_not_support():
    city = town()
    p = proposal(call(city))
    before = _state(p)
    for person in (member(city), resident(town()), staff(town())):
        with pytest.raises(PermissionDenied):
            services.support_add(actor=person, proposal=p)
    assert _state(p) == before


def test_a_support_is_taken_back_while_the_phase_is_open_only():
    city = town()
    consultation = call(city)
    p = proposal(consultation)
    first, second = supported(p, 2)
    services.support_remove(actor=first, proposal=p)
    p.refresh_from_db()
    assert p.support_count == 1
    with pytest.raises(Conflict):
        services.support_remove(actor=first, proposal=p)
    set_phase(consultation, "after")
    before = _state(p)
    with pytest.raises(PermissionDenied):
        services.support_remove(actor=second, proposal=p)
    assert _state(p) == before


def test_a_call_without_threshold_never_commits_the_city(django_capture_on_commit_callbacks):
    city = town()
    staff(city)
    p = proposal(call(city, threshold=None))
    with django_capture_on_commit_callbacks(execute=True):
        supported(p, 3)
    p.refresh_from_db()
    assert (p.support_count, p.threshold_reached_at) == (3, None)
    assert Notification.objects.count() == 0


# --- The city's answer and moderation -----------------------------------------------------------


def test_staff_answer_and_the_author_and_supporters_are_told(django_capture_on_commit_callbacks):
    city = town()
    clerk = staff(city)
    p = proposal(call(city, threshold=2))
    people = supported(p, 2)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_answer(
            actor=clerk,
            proposal=p,
            status=ProposalStatus.ACCEPTED,
            answer="Les bancs seront installés au printemps.",
            language="fr",
        )
    p.refresh_from_db()
    assert (p.status, p.answer, p.answer_language, p.answered_by) == (
        ProposalStatus.ACCEPTED,
        "Les bancs seront installés au printemps.",
        "fr",
        clerk,
    )
    assert p.answered_at is not None
    assert not p.awaits_answer
    assert sorted(Notification.objects.values_list("user_id", flat=True)) == sorted(
        [p.author_id, *(person.pk for person in people)]
    )


def test_only_the_towns_staff_answer():
    city = town()
    p = proposal(call(city))
    before = _state(p)
    for person in (resident(city), staff(town()), staff(city, mfa=False), p.author):
        with pytest.raises(PermissionDenied):
            services.proposal_answer(
                actor=person, proposal=p, status=ProposalStatus.REJECTED, answer="Non."
            )
    assert _state(p) == before


def test_an_answer_needs_a_text_and_an_official_status():
    city = town()
    clerk = staff(city)
    p = proposal(call(city))
    before = _state(p)
    with pytest.raises(ApplicationError) as refused:
        services.proposal_answer(actor=clerk, proposal=p, status="accepted", answer="  ")
    assert list(refused.value.extra["fields"]) == ["answer"]
    with pytest.raises(ApplicationError) as refused:
        services.proposal_answer(actor=clerk, proposal=p, status="withdrawn", answer="Oui.")
    assert list(refused.value.extra["fields"]) == ["status"]
    assert _state(p) == before


def test_staff_move_an_answered_idea_to_implemented():
    city = town()
    clerk = staff(city)
    p = proposal(call(city))
    with pytest.raises(ApplicationError):
        services.proposal_status_set(actor=clerk, proposal=p, status="implemented")
    services.proposal_answer(actor=clerk, proposal=p, status="accepted", answer="Oui.")
    services.proposal_status_set(actor=clerk, proposal=p, status="implemented")
    p.refresh_from_db()
    assert p.status == ProposalStatus.IMPLEMENTED


def test_staff_hide_an_idea_with_a_reason_and_show_it_again(django_capture_on_commit_callbacks):
    city = town()
    clerk = staff(city)
    p = proposal(call(city))
    before = _state(p)
    with pytest.raises(PermissionDenied):
        services.proposal_hide(actor=resident(city), proposal=p, reason="Spam")
    assert _state(p) == before
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_hide(actor=clerk, proposal=p, reason="Propos injurieux")
    p.refresh_from_db()
    assert (p.hidden_reason, p.hidden_by) == ("Propos injurieux", clerk)
    told = Notification.objects.get(user_id=p.author_id)
    assert "Propos injurieux" in told.title
    with pytest.raises(Conflict):
        services.support_add(actor=resident(city), proposal=p)
    services.proposal_unhide(actor=clerk, proposal=p)
    p.refresh_from_db()
    assert (p.hidden_at, p.hidden_reason) == (None, "")
