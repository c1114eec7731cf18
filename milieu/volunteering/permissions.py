"""Who may do what in the volunteering module, as `rules` predicates.

Open opportunities of verified organisations are public: they name no resident, and a newcomer
should find them before having an account. An organisation's members (manager, coordinator)
recruit only once the organisation is verified (`can_recruit`); its manager edits it and its
team. The staff of its home municipality, with MFA, verify or suspend it. A volunteer applies
only with the opportunity's required trust level in its municipality (`screened` for work with
youth); hours are confirmed by the organisation, never by the volunteer who logged them.

Project ideas are seen by the members of their municipality once published (a draft by its
author only); members support them and offer help; verified organisations offer to partner; the
author accepts partners and moves the idea along; staff adopt an idea for the city.
"""

from __future__ import annotations

import rules

from milieu.accounts.permissions import has_mfa, is_member, is_municipal_staff
from milieu.core import modules

MODULE = "volunteering"
ACTIVE_IDEA_STATES = frozenset({"open", "partnered", "in_progress"})


@rules.predicate
def module_enabled(user, municipality) -> bool:
    return municipality is not None and modules.is_enabled(municipality, MODULE)


@rules.predicate
def may_take_part(user, municipality) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and module_enabled(user, municipality)
        and is_member(user, municipality)
    )


def organisation_roles(user) -> dict[int, str]:
    """The user's organisation roles, by organisation pk (one query per request)."""
    if not user.is_authenticated:
        return {}
    cached = user.__dict__.get("_milieu_org_roles")
    if cached is None:
        from .models import OrganisationMember

        cached = dict(
            OrganisationMember.objects.filter(user=user).values_list("organisation_id", "role")
        )
        user.__dict__["_milieu_org_roles"] = cached
    return cached


def forget_roles(user) -> None:
    """Drop the per-request cache of `organisation_roles` after a change of team."""
    user.__dict__.pop("_milieu_org_roles", None)


@rules.predicate
def is_org_member(user, organisation) -> bool:
    return organisation is not None and organisation.pk in organisation_roles(user)


@rules.predicate
def is_org_manager(user, organisation) -> bool:
    return organisation is not None and organisation_roles(user).get(organisation.pk) == "manager"


@rules.predicate
def is_verified(user, organisation) -> bool:
    return organisation is not None and organisation.status == "verified"


@rules.predicate
def is_home_staff(user, organisation) -> bool:
    return bool(is_municipal_staff(user, organisation.municipality)) and bool(has_mfa(user))


can_recruit = is_org_member & is_verified


@rules.predicate
def can_see_organisation(user, organisation) -> bool:
    if organisation.status == "verified":
        return module_enabled(user, organisation.municipality)
    return bool(is_org_member(user, organisation) or is_home_staff(user, organisation))


@rules.predicate
def can_see_opportunity(user, opportunity) -> bool:
    organisation = opportunity.organisation
    if is_org_member(user, organisation):
        return True
    return bool(
        opportunity.status == "open"
        and organisation.status == "verified"
        and module_enabled(user, opportunity.municipality)
    )


def may_serve(user, opportunity) -> bool:
    """A member of the opportunity's municipality, or of one its organisation serves when the
    work is remote."""
    if may_take_part(user, opportunity.municipality):
        return True
    return bool(
        opportunity.remote
        and user.is_authenticated
        and any(
            is_member(user, municipality) for municipality in opportunity.organisation.serves.all()
        )
    )


def has_required_trust(user, opportunity) -> bool:
    from milieu.accounts.permissions import _trust

    return _trust(user, opportunity.municipality) >= opportunity.required_trust


@rules.predicate
def can_apply(user, opportunity) -> bool:
    return bool(
        user.is_authenticated
        and can_see_opportunity(user, opportunity)
        and opportunity.status == "open"
        and opportunity.organisation.status == "verified"
        and not is_org_member(user, opportunity.organisation)
        and may_serve(user, opportunity)
        and has_required_trust(user, opportunity)
    )


@rules.predicate
def can_recruit_for(user, opportunity) -> bool:
    return bool(can_recruit(user, opportunity.organisation))


@rules.predicate
def can_see_application(user, application) -> bool:
    return application.volunteer_id == user.pk or bool(
        is_org_member(user, application.opportunity.organisation)
    )


@rules.predicate
def can_decide_application(user, application) -> bool:
    return application.volunteer_id != user.pk and bool(
        can_recruit(user, application.opportunity.organisation)
    )


@rules.predicate
def can_log_hours(user, application) -> bool:
    return application.volunteer_id == user.pk and application.status == "accepted"


@rules.predicate
def can_confirm_hours(user, hours) -> bool:
    return hours.volunteer_id != user.pk and bool(can_recruit(user, hours.organisation))


# --- Project incubator -------------------------------------------------------------------------


@rules.predicate
def is_idea_author(user, idea) -> bool:
    return user.is_authenticated and idea.author_id == user.pk


@rules.predicate
def can_see_idea(user, idea) -> bool:
    if is_idea_author(user, idea):
        return True
    if idea.published_at is None or idea.state == "draft":
        return False
    return bool(
        may_take_part(user, idea.municipality)
        or (is_municipal_staff(user, idea.municipality) and has_mfa(user))
    )


@rules.predicate
def can_edit_idea(user, idea) -> bool:
    return bool(is_idea_author(user, idea)) and idea.state in {"draft", "open"}


@rules.predicate
def can_join_idea(user, idea) -> bool:
    """Support it or offer help: a member who is not its author, while it is active."""
    return bool(
        idea.state in ACTIVE_IDEA_STATES
        and not is_idea_author(user, idea)
        and can_see_idea(user, idea)
        and may_take_part(user, idea.municipality)
    )


@rules.predicate
def can_staff_idea(user, idea) -> bool:
    return bool(is_municipal_staff(user, idea.municipality)) and bool(has_mfa(user))


rules.add_perm("volunteering.register_organisation", may_take_part)
rules.add_perm("volunteering.view_organisation", can_see_organisation)
rules.add_perm("volunteering.manage_organisation", is_org_manager)
rules.add_perm("volunteering.recruit", can_recruit)
rules.add_perm("volunteering.verify_organisation", is_home_staff)
rules.add_perm("volunteering.view_team", is_org_member | is_home_staff)
rules.add_perm("volunteering.view_applications", is_org_member)
rules.add_perm("volunteering.moderate_organisations", is_municipal_staff & has_mfa)
rules.add_perm("volunteering.view_opportunity", can_see_opportunity)
rules.add_perm("volunteering.apply", can_apply)
rules.add_perm("volunteering.recruit_for", can_recruit_for)
rules.add_perm("volunteering.view_application", can_see_application)
rules.add_perm("volunteering.decide_application", can_decide_application)
rules.add_perm("volunteering.log_hours", can_log_hours)
rules.add_perm("volunteering.confirm_hours", can_confirm_hours)
rules.add_perm("volunteering.keep_profile", may_take_part)
rules.add_perm("volunteering.propose_idea", may_take_part)
rules.add_perm("volunteering.view_idea", can_see_idea)
rules.add_perm("volunteering.edit_idea", can_edit_idea)
rules.add_perm("volunteering.join_idea", can_join_idea)
rules.add_perm("volunteering.lead_idea", is_idea_author)
rules.add_perm("volunteering.staff_idea", can_staff_idea)
