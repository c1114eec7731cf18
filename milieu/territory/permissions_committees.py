"""Who may do what with inter-municipal committees, as `rules` predicates.

Committees, their seats, motions and results are public: they are the votes of municipalities,
published for accountability. The region's consortium administrator (a `consortium_admin` role
on the region, with MFA) creates committees and assigns or ends seats. A delegate is a person
holding an open seat on the committee who still holds a staff or administrator role in the
municipality of that seat, with MFA: they propose motions, vote for their municipality and may
ask for the weighted vote. A round of votes is closed by the consortium administrator or the
motion's proposer (it also closes by itself once every seated municipality has voted).
"""

from __future__ import annotations

import rules

from milieu.accounts.models import Role
from milieu.accounts.permissions import has_mfa, is_municipal_staff


def _is_consortium_admin(user, region_id: int | None) -> bool:
    from milieu.accounts.access import access_facts

    if not user.is_authenticated or region_id is None:
        return False
    return (Role.CONSORTIUM_ADMIN, None, region_id) in access_facts(user).roles and bool(
        has_mfa(user)
    )


@rules.predicate
def is_region_admin(user, region) -> bool:
    """The consortium administrator of `region` (a Region), with MFA."""
    return region is not None and _is_consortium_admin(user, region.pk)


@rules.predicate
def is_committee_admin(user, committee) -> bool:
    """The consortium administrator of the committee's region, with MFA."""
    return committee is not None and _is_consortium_admin(user, committee.region_id)


def active_seat(user, committee):
    """The user's open seat on `committee` if they may act on it (still staff or administrator
    of the seat's municipality, with MFA), else None."""
    from .models_committees import CommitteeSeat

    if not user.is_authenticated or committee is None or not user.is_active:
        return None
    seat = (
        CommitteeSeat.objects.select_related("municipality")
        .filter(committee=committee, delegate=user, until__isnull=True)
        .first()
    )
    if seat is None or not is_municipal_staff(user, seat.municipality) or not has_mfa(user):
        return None
    return seat


@rules.predicate
def is_delegate(user, committee) -> bool:
    return active_seat(user, committee) is not None


@rules.predicate
def is_motion_delegate(user, motion) -> bool:
    return active_seat(user, motion.committee) is not None


@rules.predicate
def is_motion_open(user, motion) -> bool:
    return motion.is_open


@rules.predicate
def is_motion_admin(user, motion) -> bool:
    return bool(is_committee_admin(user, motion.committee))


@rules.predicate
def is_proposer(user, motion) -> bool:
    """The delegate who proposed the motion, still seated."""
    seat = active_seat(user, motion.committee)
    return seat is not None and motion.proposed_by_id == user.pk


@rules.predicate
def in_equal_round(user, motion) -> bool:
    from .models_committees import RoundKind

    return motion.stage == RoundKind.EQUAL


rules.add_perm("territory.view_committee", rules.always_allow)
rules.add_perm("territory.create_committee", is_region_admin)
rules.add_perm("territory.manage_seats", is_committee_admin)
rules.add_perm("territory.propose_motion", is_delegate)
rules.add_perm("territory.vote_motion", is_motion_open & is_motion_delegate)
rules.add_perm("territory.close_motion_round", is_motion_open & (is_motion_admin | is_proposer))
rules.add_perm(
    "territory.withdraw_motion", is_motion_open & in_equal_round & (is_motion_admin | is_proposer)
)
# Whether the weighted vote may be asked for now (the equal round closed and contested, no
# weighted round yet) is the service's to say, with its reason.
rules.add_perm("territory.call_weighted_vote", is_motion_delegate)
