"""Who may do what in the sharing module, as `rules` predicates.

Listings are seen by the members of their municipality (never by visitors: a listing names a
neighbour); people who blocked each other (`community.permissions.blocked_either_way`) do not see
each other's listings. An exchange is its two parties' business. Providing in a category that
requires a trust level (`Category.provider_trust`: `screened` for babysitting, respite, tutoring
minors) needs that level in the listing's municipality: `may_provide`. Either side of an
exchange may report a problem with it; the municipality's staff with MFA read and resolve them
(`exchange.moderate_exchanges`, on the municipality).
"""

from __future__ import annotations

import rules

from milieu.accounts.permissions import has_mfa, is_member, is_municipal_staff
from milieu.community.permissions import blocked_either_way
from milieu.core import modules

MODULE = "exchange"


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


def required_trust(category) -> int:
    """A category's requirement, raised by its parent's."""
    level = category.provider_trust
    if category.parent_id is not None:
        level = max(level, category.parent.provider_trust)
    return level


def may_provide(user, category, municipality) -> bool:
    """Whether `user` may be the provider in `category` in `municipality`."""
    from milieu.accounts.selectors.identity import trust_level

    if not user.is_authenticated:
        return False
    return trust_level(user=user, municipality=municipality) >= required_trust(category)


@rules.predicate
def is_listing_owner(user, listing) -> bool:
    return user.is_authenticated and listing.owner_id == user.pk


@rules.predicate
def can_see_listing(user, listing) -> bool:
    if not may_take_part(user, listing.municipality):
        return False
    if listing.owner_id == user.pk:
        return True
    return listing.status == "active" and listing.owner_id not in blocked_either_way(user)


@rules.predicate
def can_request_listing(user, listing) -> bool:
    return (
        listing.status == "active"
        and listing.owner_id != user.pk
        and bool(can_see_listing(user, listing))
    )


@rules.predicate
def is_exchange_party(user, exchange) -> bool:
    return user.is_authenticated and user.pk in (exchange.owner_id, exchange.requester_id)


@rules.predicate
def is_exchange_owner(user, exchange) -> bool:
    return user.is_authenticated and user.pk == exchange.owner_id


@rules.predicate
def is_exchange_requester(user, exchange) -> bool:
    return user.is_authenticated and user.pk == exchange.requester_id


@rules.predicate
def staff_of_exchange(user, exchange) -> bool:
    return bool(is_municipal_staff(user, exchange.municipality))


rules.add_perm("exchange.take_part", may_take_part)
rules.add_perm("exchange.view_listing", can_see_listing)
rules.add_perm("exchange.change_listing", is_listing_owner & can_see_listing)
rules.add_perm("exchange.request_listing", can_request_listing)
rules.add_perm("exchange.view_exchange", is_exchange_party)
rules.add_perm("exchange.answer_exchange", is_exchange_owner)
rules.add_perm("exchange.act_on_exchange", is_exchange_party)
rules.add_perm("exchange.report_problem", is_exchange_party)
rules.add_perm("exchange.moderate_exchanges", is_municipal_staff & has_mfa)
