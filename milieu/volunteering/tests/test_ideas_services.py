"""The incubator's services: ideas, supports, offers of help, partner offers, the author's steps
and the city's adoption; every refusal leaves the database as it was."""

import pytest
from django.utils import timezone

from milieu.core.errors import (
    ApplicationError,
    Conflict,
    NotFound,
    PermissionDenied,
    RateLimited,
)
from milieu.notifications.models import Notification
from milieu.volunteering.models import (
    IdeaHelpOffer,
    IdeaState,
    IdeaSupport,
    OrganisationMember,
    PartnerOfferStatus,
    ProjectIdea,
)
from milieu.volunteering.services import incubator

from .factories import organisation, resident, staff, town
from .ideas import IDEA, idea, rows

pytestmark = pytest.mark.django_db


def _refused(error_type, call, **kwargs):
    """`call(**kwargs)` raises `error_type` and changes none of the incubator's rows."""
    before = rows()
    with pytest.raises(error_type) as raised:
        call(**kwargs)
    assert rows() == before
    return raised.value


# --- Creating and editing -----------------------------------------------------------------------


def test_a_member_saves_a_draft_that_is_not_published(here, citizen):
    draft = idea(citizen, here, publish=False)
    assert draft.state == IdeaState.DRAFT and draft.published_at is None
    assert not draft.is_published
    assert sorted(s.slug for s in draft.skills_wanted.all()) == ["cooking", "driving"]
    assert draft.district.slug == "centre"


def test_a_member_publishes_at_once(here, citizen):
    published = idea(citizen, here)
    assert published.state == IdeaState.OPEN and published.published_at is not None


def test_publishing_a_draft_opens_it(here, citizen):
    draft = idea(citizen, here, publish=False)
    incubator.idea_publish(actor=citizen, idea=draft)
    draft.refresh_from_db()
    assert draft.state == IdeaState.OPEN and draft.published_at is not None


def test_only_the_author_publishes_and_only_a_draft(here, citizen):
    draft = idea(citizen, here, publish=False)
    _refused(PermissionDenied, incubator.idea_publish, actor=resident(here), idea=draft)
    incubator.idea_publish(actor=citizen, idea=draft)
    error = _refused(Conflict, incubator.idea_publish, actor=citizen, idea=draft)
    assert error.code == "wrong_state"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": ""}, "title"),
        ({"need": "   "}, "need"),
        ({"description": ""}, "description"),
        ({"title": "x" * 151}, "title"),
        ({"help_wanted": "x" * 2001}, "help_wanted"),
        ({"skills_wanted": ["juggling"]}, "skills_wanted"),
        ({"district": "nowhere"}, "district"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(here, citizen, values, field):
    error = _refused(
        ApplicationError,
        incubator.idea_create,
        actor=citizen,
        municipality=here,
        values={**IDEA, **values},
        publish=True,
    )
    assert error.code == "validation" and field in error.extra["fields"]


def test_another_municipalitys_district_is_unknown(here, citizen):
    there = town()
    error = _refused(
        ApplicationError,
        incubator.idea_create,
        actor=citizen,
        municipality=here,
        values={**IDEA, "district": there.districts.get()},
    )
    assert "district" in error.extra["fields"]


def test_only_members_propose(here):
    outsider = resident(town())
    _refused(
        PermissionDenied,
        incubator.idea_create,
        actor=outsider,
        municipality=here,
        values=IDEA,
    )


def test_creation_is_rate_limited(here, citizen, still_clock):
    for number in range(5):
        idea(citizen, here, title=f"Idée {number}")
    _refused(
        RateLimited,
        incubator.idea_create,
        actor=citizen,
        municipality=here,
        values=IDEA,
    )
    assert ProjectIdea.objects.count() == 5


def test_the_author_edits_a_draft_or_open_idea_only(here, citizen, org, manager):
    open_idea = idea(citizen, here)
    incubator.idea_update(actor=citizen, idea=open_idea, values={"title": "Frigo solidaire"})
    open_idea.refresh_from_db()
    assert open_idea.title == "Frigo solidaire" and open_idea.need == IDEA["need"]
    assert open_idea.skills_wanted.count() == 2  # left out: kept
    _refused(
        PermissionDenied,
        incubator.idea_update,
        actor=resident(here),
        idea=open_idea,
        values={"title": "Autre"},
    )
    _refused(
        ApplicationError,
        incubator.idea_update,
        actor=citizen,
        idea=open_idea,
        values={"title": ""},
    )
    incubator.idea_set_state(actor=citizen, idea=open_idea, state=IdeaState.CLOSED)
    error = _refused(
        Conflict, incubator.idea_update, actor=citizen, idea=open_idea, values={"title": "X"}
    )
    assert error.code == "wrong_state"


# --- Support ------------------------------------------------------------------------------------


def test_support_once_and_withdraw(here, citizen):
    shared = idea(citizen, here)
    neighbour, other = resident(here), resident(here)
    incubator.idea_support(actor=neighbour, idea=shared)
    incubator.idea_support(actor=other, idea=shared)
    shared.refresh_from_db()
    assert shared.supporters_count == 2
    error = _refused(Conflict, incubator.idea_support, actor=neighbour, idea=shared)
    assert error.code == "already_supported"
    incubator.idea_unsupport(actor=neighbour, idea=shared)
    shared.refresh_from_db()
    assert shared.supporters_count == 1
    assert not IdeaSupport.objects.filter(user=neighbour).exists()
    error = _refused(Conflict, incubator.idea_unsupport, actor=neighbour, idea=shared)
    assert error.code == "not_supported"


def test_the_author_cannot_support_their_own_idea(here, citizen):
    mine = idea(citizen, here)
    error = _refused(PermissionDenied, incubator.idea_support, actor=citizen, idea=mine)
    assert error.code == "own_idea"


def test_nobody_supports_a_draft_nor_a_closed_idea(here, citizen):
    draft = idea(citizen, here, publish=False)
    _refused(NotFound, incubator.idea_support, actor=resident(here), idea=draft)
    closed = idea(citizen, here, title="Fermée")
    incubator.idea_set_state(actor=citizen, idea=closed, state=IdeaState.CLOSED)
    error = _refused(Conflict, incubator.idea_support, actor=resident(here), idea=closed)
    assert error.code == "wrong_state"


def test_outsiders_cannot_support(here, citizen):
    shared = idea(citizen, here)
    _refused(NotFound, incubator.idea_support, actor=resident(town()), idea=shared)


# --- Help offers --------------------------------------------------------------------------------


def test_offer_help_once_tells_the_author_and_withdraw(
    here, citizen, django_capture_on_commit_callbacks
):
    shared = idea(citizen, here)
    helper = resident(here)
    with django_capture_on_commit_callbacks(execute=True):
        offer = incubator.help_offer_create(
            actor=helper, idea=shared, skills=["cooking"], message="Je cuisine le samedi."
        )
    assert [s.slug for s in offer.skills.all()] == ["cooking"]
    told = Notification.objects.get(user=citizen)
    assert told.topic == "volunteering" and f"/ideas/{shared.pk}/" in told.url
    error = _refused(
        Conflict, incubator.help_offer_create, actor=helper, idea=shared, message="Encore"
    )
    assert error.code == "already_offered"
    incubator.help_offer_withdraw(actor=helper, idea=shared)
    assert not IdeaHelpOffer.objects.exists()
    _refused(NotFound, incubator.help_offer_withdraw, actor=helper, idea=shared)


@pytest.mark.parametrize(
    ("skills", "message", "field"),
    [([], "", "skills"), (["juggling"], "", "skills"), ([], "x" * 1001, "message")],
)
def test_a_bad_offer_of_help_stores_nothing(here, citizen, skills, message, field):
    shared = idea(citizen, here)
    error = _refused(
        ApplicationError,
        incubator.help_offer_create,
        actor=resident(here),
        idea=shared,
        skills=skills,
        message=message,
    )
    assert field in error.extra["fields"]


def test_the_author_does_not_offer_help_to_their_own_idea(here, citizen):
    mine = idea(citizen, here)
    _refused(PermissionDenied, incubator.help_offer_create, actor=citizen, idea=mine, message="Moi")


# --- Partner offers -----------------------------------------------------------------------------


def test_partner_offer_accepted_makes_the_idea_partnered_and_tells_the_team(
    here, citizen, org, manager, django_capture_on_commit_callbacks
):
    shared = idea(citizen, here)
    with django_capture_on_commit_callbacks(execute=True):
        offer = incubator.partner_offer_create(
            actor=manager, idea=shared, organisation=org, message="Nous avons un local."
        )
    assert Notification.objects.filter(user=citizen).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        incubator.partner_offer_decide(actor=citizen, offer=offer, accept=True)
    offer.refresh_from_db()
    shared.refresh_from_db()
    assert offer.status == PartnerOfferStatus.ACCEPTED and offer.decided_at is not None
    assert shared.state == IdeaState.PARTNERED
    assert Notification.objects.filter(user=manager).count() == 1
    error = _refused(
        Conflict, incubator.partner_offer_decide, actor=citizen, offer=offer, accept=False
    )
    assert error.code == "wrong_state"
    error = _refused(
        Conflict, incubator.partner_offer_create, actor=manager, idea=shared, organisation=org
    )
    assert error.code == "already_offered"


def test_a_declined_offer_leaves_the_idea_open(here, citizen, org, manager):
    shared = idea(citizen, here)
    offer = incubator.partner_offer_create(actor=manager, idea=shared, organisation=org)
    incubator.partner_offer_decide(actor=citizen, offer=offer, accept=False)
    shared.refresh_from_db()
    offer.refresh_from_db()
    assert offer.status == PartnerOfferStatus.DECLINED and shared.state == IdeaState.OPEN


def test_only_a_verified_organisations_team_offers_to_partner(here, citizen, org):
    shared = idea(citizen, here)
    _refused(
        PermissionDenied,
        incubator.partner_offer_create,
        actor=resident(here),
        idea=shared,
        organisation=org,
    )
    pending_manager = resident(here)
    pending = organisation(here, manager=pending_manager, verified=False)
    _refused(
        PermissionDenied,
        incubator.partner_offer_create,
        actor=pending_manager,
        idea=shared,
        organisation=pending,
    )


def test_an_organisation_serving_elsewhere_cannot_partner(here, citizen):
    elsewhere = organisation(town())
    manager = resident(here)  # on the team of an organisation that does not serve `here`
    OrganisationMember.objects.create(organisation=elsewhere, user=manager, role="coordinator")
    shared = idea(citizen, here)
    error = _refused(
        ApplicationError,
        incubator.partner_offer_create,
        actor=manager,
        idea=shared,
        organisation=elsewhere,
    )
    assert "organisation" in error.extra["fields"]


def test_only_the_author_decides_on_partners(here, citizen, org, manager):
    shared = idea(citizen, here)
    offer = incubator.partner_offer_create(actor=manager, idea=shared, organisation=org)
    for actor in (manager, resident(here), staff(here)):
        _refused(
            PermissionDenied, incubator.partner_offer_decide, actor=actor, offer=offer, accept=True
        )


# --- The author's steps -------------------------------------------------------------------------


def _partnered(here, citizen, org, manager):
    shared = idea(citizen, here)
    offer = incubator.partner_offer_create(actor=manager, idea=shared, organisation=org)
    incubator.partner_offer_decide(actor=citizen, offer=offer, accept=True)
    shared.refresh_from_db()
    return shared


def test_the_author_moves_a_partnered_idea_to_in_progress_then_done(here, citizen, org, manager):
    shared = _partnered(here, citizen, org, manager)
    incubator.idea_set_state(actor=citizen, idea=shared, state=IdeaState.IN_PROGRESS)
    incubator.idea_set_state(actor=citizen, idea=shared, state=IdeaState.DONE)
    shared.refresh_from_db()
    assert shared.state == IdeaState.DONE
    error = _refused(
        Conflict, incubator.idea_set_state, actor=citizen, idea=shared, state=IdeaState.CLOSED
    )
    assert error.code == "wrong_state"


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("open", "done"),
        ("open", "partnered"),
        ("open", "draft"),
        ("draft", "closed"),
        ("draft", "open"),
        ("closed", "open"),
    ],
)
def test_steps_that_the_state_does_not_allow_are_409(here, citizen, start, target):
    shared = idea(citizen, here, publish=start != "draft")
    if start == "closed":
        incubator.idea_set_state(actor=citizen, idea=shared, state="closed")
    error = _refused(Conflict, incubator.idea_set_state, actor=citizen, idea=shared, state=target)
    assert error.code == "wrong_state"


def test_any_active_idea_can_be_closed_by_its_author_only(here, citizen, org, manager):
    shared = _partnered(here, citizen, org, manager)
    _refused(PermissionDenied, incubator.idea_set_state, actor=manager, idea=shared, state="closed")
    _refused(
        PermissionDenied, incubator.idea_set_state, actor=staff(here), idea=shared, state="closed"
    )
    incubator.idea_set_state(actor=citizen, idea=shared, state="closed")
    shared.refresh_from_db()
    assert shared.state == IdeaState.CLOSED


def test_an_unknown_state_is_a_field_error(here, citizen):
    shared = idea(citizen, here)
    error = _refused(
        ApplicationError, incubator.idea_set_state, actor=citizen, idea=shared, state="famous"
    )
    assert "state" in error.extra["fields"]


# --- Adoption -----------------------------------------------------------------------------------


def test_staff_adopt_and_withdraw_the_adoption(here, citizen, django_capture_on_commit_callbacks):
    shared = idea(citizen, here)
    officer = staff(here)
    with django_capture_on_commit_callbacks(execute=True):
        incubator.idea_adopt(actor=officer, idea=shared, note="Le service des loisirs s'en charge.")
    shared.refresh_from_db()
    assert shared.is_adopted and shared.adopted_by == officer
    assert shared.adoption_note.startswith("Le service")
    assert Notification.objects.filter(user=citizen).count() == 1
    incubator.idea_adopt(actor=officer, idea=shared, note="Budget 2027.")
    shared.refresh_from_db()
    assert shared.adoption_note == "Budget 2027."
    incubator.idea_unadopt(actor=officer, idea=shared)
    shared.refresh_from_db()
    assert shared.adopted_at is None and shared.adopted_by is None and not shared.adoption_note
    error = _refused(Conflict, incubator.idea_unadopt, actor=officer, idea=shared)
    assert error.code == "not_adopted"


def test_only_staff_with_mfa_adopt(here, citizen, manager):
    from milieu.accounts.models import Role
    from milieu.accounts.tests.factories import with_role

    shared = idea(citizen, here)
    for actor in (citizen, manager, with_role(here, Role.STAFF, mfa=False), staff(town())):
        _refused(PermissionDenied, incubator.idea_adopt, actor=actor, idea=shared, note="")


def test_drafts_and_closed_ideas_are_not_adopted(here, citizen):
    officer = staff(here)
    draft = idea(citizen, here, publish=False)
    _refused(Conflict, incubator.idea_adopt, actor=officer, idea=draft)
    closed = idea(citizen, here, title="Fermée")
    incubator.idea_set_state(actor=citizen, idea=closed, state="closed")
    _refused(Conflict, incubator.idea_adopt, actor=officer, idea=closed)
    _refused(
        ApplicationError,
        incubator.idea_adopt,
        actor=officer,
        idea=idea(citizen, here),
        note="x" * 501,
    )


def test_citizens_can_start_their_project_without_a_partner(here, citizen):
    from milieu.volunteering.models import ProjectIdea

    idea = ProjectIdea.objects.create(
        municipality=here,
        author=citizen,
        title="Frigo partagé",
        need="Gaspillage",
        description="Un frigo communautaire",
        state=IdeaState.OPEN,
        published_at=timezone.now(),
    )
    incubator.idea_set_state(actor=citizen, idea=idea, state=IdeaState.IN_PROGRESS)
    idea.refresh_from_db()
    assert idea.state == IdeaState.IN_PROGRESS
