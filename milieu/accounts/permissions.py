"""Who may do what, as `rules` predicates. Objects are municipalities (or regions) unless noted.

Staff roles only count once the person has multi-factor authentication: a staff account without
a TOTP authenticator is treated as a citizen until it enrols.
"""

import rules

from .access import access_facts
from .models import Role


def _active_roles(user) -> frozenset[tuple[str, int | None, int | None]]:
    """All of a user's active roles (from the cached access facts)."""
    return access_facts(user).roles


def has_role(user, role: str, municipality) -> bool:
    if not user.is_authenticated or municipality is None:
        return False
    return (role, municipality.pk, None) in _active_roles(user)


@rules.predicate
def has_mfa(user) -> bool:
    if not user.is_authenticated:
        return False
    return access_facts(user).has_mfa


@rules.predicate
def is_municipal_staff(user, municipality) -> bool:
    return has_role(user, Role.STAFF, municipality) or has_role(user, Role.ADMIN, municipality)


@rules.predicate
def is_municipal_admin(user, municipality) -> bool:
    return has_role(user, Role.ADMIN, municipality)


@rules.predicate
def is_consortium_admin_of(user, municipality) -> bool:
    if not user.is_authenticated or municipality is None:
        return False
    return (Role.CONSORTIUM_ADMIN, None, municipality.region_id) in _active_roles(user)


@rules.predicate
def is_member(user, municipality) -> bool:
    if not user.is_authenticated or municipality is None:
        return False
    return municipality.pk in access_facts(user).memberships


def holds_any_staff_role(user) -> bool:
    """Staff anywhere (municipal staff, admin, consortium admin) or an elected official (who
    reads what residents write to the council): MFA is mandatory for them. Being one grants no
    power by itself: each permission names the roles it accepts."""
    if not user.is_authenticated:
        return False
    return any(
        role in {Role.STAFF, Role.ADMIN, Role.CONSORTIUM_ADMIN, Role.ELECTED}
        for role, _m, _r in _active_roles(user)
    )


@rules.predicate
def is_elected_official(user, municipality) -> bool:
    return has_role(user, Role.ELECTED, municipality)


can_manage_roles = (is_municipal_admin | is_consortium_admin_of) & has_mfa

rules.add_perm("accounts.manage_roles", can_manage_roles)
rules.add_perm("accounts.view_staff_area", is_municipal_staff & has_mfa)


# --- Trust levels -------------------------------------------------------------------------------
# member (email verified) < resident (verified, citizen id valid) < screened (background check).
# Other apps ask for a level in their own rules, e.g. `has_trust_level(TrustLevel.SCREENED)`.


def _trust(user, municipality) -> int:
    from .models import TrustLevel
    from .selectors.identity import trust_level

    if not user.is_authenticated or municipality is None:
        return TrustLevel.VISITOR
    cache = user.__dict__.setdefault("_milieu_trust", {})
    if municipality.pk not in cache:
        cache[municipality.pk] = trust_level(user=user, municipality=municipality)
    return cache[municipality.pk]


def has_trust_level(level: int) -> rules.Predicate:
    """A predicate `(user, municipality)` true when the user's trust there is at least `level`."""

    @rules.predicate(name=f"has_trust_level_{int(level)}")
    def predicate(user, municipality) -> bool:
        return _trust(user, municipality) >= level

    return predicate


is_resident = has_trust_level(2)
is_screened = has_trust_level(3)

rules.add_perm("accounts.record_background_check", is_municipal_staff & has_mfa)
rules.add_perm("accounts.revoke_verification", is_municipal_staff & has_mfa)


# --- Residency verification ---------------------------------------------------------------------
# Citizens start a verification in any municipality (a person who moves is not a member yet);
# the registry, the letters, the documents, the counter and the decisions log belong to the
# municipality's own staff or administrators, with MFA.

can_manage_verification = is_municipal_staff & has_mfa

rules.add_perm("accounts.start_verification", rules.is_authenticated & rules.is_active)
rules.add_perm("accounts.manage_civic_registry", can_manage_verification)
rules.add_perm("accounts.decide_verification", can_manage_verification)


# --- Citizen card ---------------------------------------------------------------------------------
# Rotating a municipality's card-signing key: its administrators (or its consortium's), with MFA.
rules.add_perm("accounts.rotate_card_key", (is_municipal_admin | is_consortium_admin_of) & has_mfa)
