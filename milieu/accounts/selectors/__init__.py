"""Reads of the accounts app, one module per area; import them from here."""

from .identity import (
    background_check_list,
    citizen_id_active,
    citizen_id_list,
    residency_consent_list,
    trust_level,
)
from .profile import (
    home_membership,
    membership_get,
    membership_list,
    role_get,
    role_list,
    user_roles,
)

__all__ = [
    "background_check_list",
    "citizen_id_active",
    "citizen_id_list",
    "home_membership",
    "membership_get",
    "membership_list",
    "residency_consent_list",
    "role_get",
    "role_list",
    "trust_level",
    "user_roles",
]
