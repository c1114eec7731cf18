"""The citizen project incubator: every write on project ideas.

A member proposes an idea (a draft, or published at once), edits it while it is a draft or open,
and publishes it (`published_at`). Other members support it (once each: a UNIQUE constraint, and
`supporters_count` kept with `F()` updates) and offer their help (skills from the taxonomy and a
message, once each). The team of a verified organisation offers to partner (once per
organisation); the author accepts (the idea becomes *partnered*) or declines. The author moves the
idea along: partnered → in progress → done, and any active state → closed; any other step is a
409 `wrong_state`. The municipality's staff (with MFA) adopt an idea for the city, with a note,
and can take the adoption back.

Every refusal is raised before anything is written, or rolls the transaction back: the database
is as it was. Notifications (topic `volunteering`) go out once the transaction commits: to the
author for help and partner offers and for an adoption, to the organisation's team for the
author's decision on its offer.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from milieu.core import ratelimit
from milieu.core.errors import Conflict, NotFound, PermissionDenied
from milieu.core.permissions import require
from milieu.core.ratelimit import Limit
from milieu.territory.models import District, Municipality

from ..models import (
    IdeaHelpOffer,
    IdeaPartnerOffer,
    IdeaState,
    IdeaSupport,
    Organisation,
    PartnerOfferStatus,
    ProjectIdea,
    Skill,
)
from ..permissions import ACTIVE_IDEA_STATES
from .common import invalid, tell, text

MAX_SKILLS = 20
LIMITS = {"idea": [Limit(5, 3600), Limit(20, 86_400)]}
# The author's steps (`idea_set_state`): from a state, the states it may go to.
TRANSITIONS: dict[str, frozenset[str]] = {
    IdeaState.OPEN: frozenset({IdeaState.IN_PROGRESS, IdeaState.CLOSED}),
    IdeaState.PARTNERED: frozenset({IdeaState.IN_PROGRESS, IdeaState.CLOSED}),
    IdeaState.IN_PROGRESS: frozenset({IdeaState.DONE, IdeaState.CLOSED}),
}


def _wrong_state(idea: ProjectIdea) -> Conflict:
    return Conflict(
        _("This idea is %(state)s: this step is not possible now.")
        % {"state": IdeaState(idea.state).label.lower()},
        code="wrong_state",
    )


def _idea_kwargs(idea: ProjectIdea) -> dict[str, Any]:
    return {"municipality_slug": idea.municipality.slug, "idea_id": idea.pk}


def _locked(idea: ProjectIdea) -> ProjectIdea:
    return (
        ProjectIdea.objects.select_for_update(of=("self",))
        .select_related("municipality", "district")
        .get(pk=idea.pk)
    )


# --- Validation ---------------------------------------------------------------------------------


def _skills(values: dict[str, Any], field: str) -> list[Skill] | None:
    chosen = values.get(field)
    if chosen is None:
        return None
    if isinstance(chosen, str):
        chosen = [chosen]
    slugs = {getattr(skill, "slug", skill) for skill in chosen}
    if len(slugs) > MAX_SKILLS:
        raise invalid(field, _("Choose at most %(count)s skills.") % {"count": MAX_SKILLS})
    skills = list(Skill.objects.filter(slug__in=slugs))
    if len(skills) != len(slugs):
        raise invalid(field, _("Unknown skill."))
    return skills


def _district(value: Any, municipality: Municipality) -> District | None:
    if value in (None, ""):
        return None
    if isinstance(value, District):
        if value.municipality_id != municipality.pk:
            raise invalid("district", _("Unknown district."))
        return value
    found = District.objects.filter(municipality=municipality, slug=str(value)).first()
    if found is None:
        raise invalid("district", _("Unknown district."))
    return found


def _validate(values: dict[str, Any], municipality: Municipality) -> dict[str, Any]:
    return {
        "title": text(values, "title", 150, required=True),
        "need": text(values, "need", 3000, required=True),
        "description": text(values, "description", 5000, required=True),
        "help_wanted": text(values, "help_wanted", 2000),
        "district": _district(values.get("district"), municipality),
        "skills_wanted": _skills(values, "skills_wanted"),
    }


def _apply(idea: ProjectIdea, clean: dict[str, Any]) -> ProjectIdea:
    skills = clean.pop("skills_wanted")
    for field, value in clean.items():
        setattr(idea, field, value)
    idea.updated_at = timezone.now()
    idea.save()
    if skills is not None:
        idea.skills_wanted.set(skills)
    return idea


# --- The idea -----------------------------------------------------------------------------------


@transaction.atomic
def idea_create(
    *, actor, municipality: Municipality, values: dict[str, Any], publish: bool = False
) -> ProjectIdea:
    """Propose an idea in `municipality` (its members): a draft that only its author sees, or
    published at once (`publish`). `values`: title, need, description, help_wanted, district
    (a slug), skills_wanted (slugs). 429 `rate_limited` after too many in a short time."""
    require(
        actor,
        "volunteering.propose_idea",
        municipality,
        _("Only the members of this municipality can propose an idea."),
    )
    clean = _validate(values, municipality)
    ratelimit.hit("volunteering.idea", actor.pk, limits=LIMITS["idea"])
    now = timezone.now()
    idea = ProjectIdea(municipality=municipality, author=actor, created_at=now)
    if publish:
        idea.state = IdeaState.OPEN
        idea.published_at = now
    return _apply(idea, clean)


@transaction.atomic
def idea_update(*, actor, idea: ProjectIdea, values: dict[str, Any]) -> ProjectIdea:
    """The author changes their idea while it is a draft or open; fields left out keep their
    value."""
    if not actor.has_perm("volunteering.lead_idea", idea):
        raise PermissionDenied(_("Only the author can change this idea."))
    idea = _locked(idea)
    if not actor.has_perm("volunteering.edit_idea", idea):
        raise _wrong_state(idea)
    merged = {
        "title": idea.title,
        "need": idea.need,
        "description": idea.description,
        "help_wanted": idea.help_wanted,
        "district": idea.district,
        **values,
    }
    return _apply(idea, _validate(merged, idea.municipality))


@transaction.atomic
def idea_publish(*, actor, idea: ProjectIdea) -> ProjectIdea:
    """The author publishes a draft: it becomes open, and the members see it."""
    if not actor.has_perm("volunteering.lead_idea", idea):
        raise PermissionDenied(_("Only the author can publish this idea."))
    idea = _locked(idea)
    if idea.state != IdeaState.DRAFT:
        raise _wrong_state(idea)
    require(
        actor,
        "volunteering.propose_idea",
        idea.municipality,
        _("Only the members of this municipality can publish an idea."),
    )
    idea.state = IdeaState.OPEN
    idea.published_at = idea.updated_at = timezone.now()
    idea.save(update_fields=["state", "published_at", "updated_at"])
    return idea


@transaction.atomic
def idea_set_state(*, actor, idea: ProjectIdea, state: str) -> ProjectIdea:
    """The author moves the idea along: partnered → in progress → done, or any active state →
    closed. Any other step: 409 `wrong_state`."""
    if state not in IdeaState.values:
        raise invalid("state", _("Unknown state."))
    if not actor.has_perm("volunteering.lead_idea", idea):
        raise PermissionDenied(_("Only the author can move this idea along."))
    idea = _locked(idea)
    if state not in TRANSITIONS.get(idea.state, frozenset()):
        raise _wrong_state(idea)
    idea.state = state
    idea.updated_at = timezone.now()
    idea.save(update_fields=["state", "updated_at"])
    return idea


# --- Support ------------------------------------------------------------------------------------


def _require_join(actor, idea: ProjectIdea) -> ProjectIdea:
    """The idea as it is now (locked), once `actor` may support it or offer help."""
    idea = _locked(idea)
    if not actor.has_perm("volunteering.view_idea", idea):
        raise NotFound(_("This idea does not exist."))
    if actor.has_perm("volunteering.lead_idea", idea):
        raise PermissionDenied(_("This is your own idea."), code="own_idea")
    if idea.state not in ACTIVE_IDEA_STATES:
        raise _wrong_state(idea)
    require(actor, "volunteering.join_idea", idea)
    return idea


@transaction.atomic
def idea_support(*, actor, idea: ProjectIdea) -> ProjectIdea:
    """Support an active idea, once (409 `already_supported`); its author cannot."""
    idea = _require_join(actor, idea)
    try:
        with transaction.atomic():
            IdeaSupport.objects.create(idea=idea, user=actor)
    except IntegrityError:
        raise Conflict(_("You already support this idea."), code="already_supported") from None
    ProjectIdea.objects.filter(pk=idea.pk).update(supporters_count=F("supporters_count") + 1)
    idea.refresh_from_db(fields=["supporters_count"])
    return idea


@transaction.atomic
def idea_unsupport(*, actor, idea: ProjectIdea) -> ProjectIdea:
    """Take one's support back (409 `not_supported` when there was none)."""
    if not actor.has_perm("volunteering.view_idea", idea):
        raise NotFound(_("This idea does not exist."))
    deleted, _rows = IdeaSupport.objects.filter(idea=idea, user=actor).delete()
    if not deleted:
        raise Conflict(_("You do not support this idea."), code="not_supported")
    ProjectIdea.objects.filter(pk=idea.pk, supporters_count__gt=0).update(
        supporters_count=F("supporters_count") - 1
    )
    idea.refresh_from_db(fields=["supporters_count"])
    return idea


# --- Help offers --------------------------------------------------------------------------------


@transaction.atomic
def help_offer_create(
    *, actor, idea: ProjectIdea, skills: list[Any] | None = None, message: str = ""
) -> IdeaHelpOffer:
    """Offer one's help to an active idea: skills from the taxonomy and/or a message (at least
    one), once (409 `already_offered`). The author is told."""
    idea = _require_join(actor, idea)
    chosen = _skills({"skills": skills or []}, "skills") or []
    message = text({"message": message}, "message", 1000)
    if not chosen and not message:
        raise invalid("skills", _("Choose a skill or write a message."))
    try:
        with transaction.atomic():
            offer = IdeaHelpOffer.objects.create(idea=idea, user=actor, message=message)
    except IntegrityError:
        raise Conflict(
            _("You already offered your help to this idea."), code="already_offered"
        ) from None
    offer.skills.set(chosen)
    title = idea.title
    tell(
        user_id=idea.author_id,
        key=f"idea:{idea.pk}:help:{offer.pk}",
        title=lambda: _("Someone offers their help to “%(title)s”.") % {"title": title},
        url_name="volunteering:idea",
        url_kwargs=_idea_kwargs(idea),
        municipality=idea.municipality,
    )
    return offer


@transaction.atomic
def help_offer_withdraw(*, actor, idea: ProjectIdea) -> None:
    """Withdraw one's help offer (404 when there is none)."""
    if not actor.has_perm("volunteering.view_idea", idea):
        raise NotFound(_("This idea does not exist."))
    deleted, _rows = IdeaHelpOffer.objects.filter(idea=idea, user=actor).delete()
    if not deleted:
        raise NotFound(_("You have not offered your help to this idea."))


# --- Partner offers -----------------------------------------------------------------------------


def _serves(organisation: Organisation, municipality: Municipality) -> bool:
    return (
        organisation.municipality_id == municipality.pk
        or organisation.serves.filter(pk=municipality.pk).exists()
    )


@transaction.atomic
def partner_offer_create(
    *, actor, idea: ProjectIdea, organisation: Organisation, message: str = ""
) -> IdeaPartnerOffer:
    """A verified organisation's team member offers to partner an active idea of a municipality
    the organisation serves; once per organisation (409 `already_offered`). The author is
    told."""
    idea = _locked(idea)
    if not actor.has_perm("volunteering.view_idea", idea):
        raise NotFound(_("This idea does not exist."))
    require(
        actor,
        "volunteering.recruit",
        organisation,
        _("Only the team of a verified organisation can offer to partner."),
    )
    if actor.has_perm("volunteering.lead_idea", idea):
        raise PermissionDenied(_("This is your own idea."), code="own_idea")
    if idea.state not in ACTIVE_IDEA_STATES:
        raise _wrong_state(idea)
    if not _serves(organisation, idea.municipality):
        raise invalid("organisation", _("This organisation does not serve this municipality."))
    message = text({"message": message}, "message", 1000)
    try:
        with transaction.atomic():
            offer = IdeaPartnerOffer.objects.create(
                idea=idea, organisation=organisation, message=message, offered_by=actor
            )
    except IntegrityError:
        raise Conflict(
            _("This organisation already offered to partner this idea."), code="already_offered"
        ) from None
    title, name = idea.title, organisation.name
    tell(
        user_id=idea.author_id,
        key=f"idea:{idea.pk}:partner:{offer.pk}",
        title=lambda: _("%(name)s offers to partner “%(title)s”.") % {"name": name, "title": title},
        url_name="volunteering:idea",
        url_kwargs=_idea_kwargs(idea),
        municipality=idea.municipality,
    )
    return offer


@transaction.atomic
def partner_offer_decide(*, actor, offer: IdeaPartnerOffer, accept: bool) -> IdeaPartnerOffer:
    """The author accepts a pending offer (an open idea becomes partnered) or declines it.
    409 `wrong_state` when the offer was already decided or the idea is no longer active. The
    organisation's team is told."""
    idea = offer.idea
    if not actor.has_perm("volunteering.lead_idea", idea):
        raise PermissionDenied(_("Only the author decides on partners."))
    idea = _locked(idea)
    offer = (
        IdeaPartnerOffer.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=offer.pk)
    )
    if offer.status != PartnerOfferStatus.PENDING:
        raise Conflict(_("This offer was already answered."), code="wrong_state")
    if idea.state not in ACTIVE_IDEA_STATES:
        raise _wrong_state(idea)
    now = timezone.now()
    offer.status = PartnerOfferStatus.ACCEPTED if accept else PartnerOfferStatus.DECLINED
    offer.decided_at = now
    offer.save(update_fields=["status", "decided_at"])
    offer.idea = idea
    if accept and idea.state == IdeaState.OPEN:
        idea.state = IdeaState.PARTNERED
        idea.updated_at = now
        idea.save(update_fields=["state", "updated_at"])
    title = idea.title
    for user_id in offer.organisation.members.values_list("user_id", flat=True):
        tell(
            user_id=user_id,
            key=f"idea:{idea.pk}:partner:{offer.pk}:{offer.status}",
            title=(
                (lambda: _("Your offer to partner “%(title)s” is accepted.") % {"title": title})
                if accept
                else (
                    lambda: _("Your offer to partner “%(title)s” was declined.") % {"title": title}
                )
            ),
            url_name="volunteering:idea",
            url_kwargs=_idea_kwargs(idea),
            municipality=idea.municipality,
        )
    return offer


# --- Adoption by the city -----------------------------------------------------------------------


@transaction.atomic
def idea_adopt(*, actor, idea: ProjectIdea, note: str = "") -> ProjectIdea:
    """The municipality's staff (with MFA) adopt a published idea for the city, with a note
    (adopting it again changes the note). A closed idea cannot be adopted (409 `wrong_state`).
    The author is told."""
    require(actor, "volunteering.staff_idea", idea)
    note = text({"note": note}, "note", 500)
    idea = _locked(idea)
    if not idea.is_published or idea.state == IdeaState.CLOSED:
        raise _wrong_state(idea)
    first = idea.adopted_at is None
    now = timezone.now()
    if first:
        idea.adopted_at = now
        idea.adopted_by = actor
    idea.adoption_note = note
    idea.updated_at = now
    idea.save(update_fields=["adopted_at", "adopted_by", "adoption_note", "updated_at"])
    if first:
        title = idea.title
        tell(
            user_id=idea.author_id,
            key=f"idea:{idea.pk}:adopted:{now.timestamp()}",
            title=lambda: _("The municipality adopts your idea “%(title)s”.") % {"title": title},
            url_name="volunteering:idea",
            url_kwargs=_idea_kwargs(idea),
            municipality=idea.municipality,
        )
    return idea


@transaction.atomic
def idea_unadopt(*, actor, idea: ProjectIdea) -> ProjectIdea:
    """The staff take an adoption back (409 `not_adopted` when the idea is not adopted)."""
    require(actor, "volunteering.staff_idea", idea)
    idea = _locked(idea)
    if idea.adopted_at is None:
        raise Conflict(_("This idea is not adopted."), code="not_adopted")
    idea.adopted_at = None
    idea.adopted_by = None
    idea.adoption_note = ""
    idea.updated_at = timezone.now()
    idea.save(update_fields=["adopted_at", "adopted_by", "adoption_note", "updated_at"])
    return idea
