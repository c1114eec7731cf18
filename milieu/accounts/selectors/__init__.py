"""Reads of the accounts app, one module per area; import them from here."""

from .profile import (
    home_membership,
    membership_get,
    membership_list,
    role_get,
    role_list,
    user_roles,
)

__all__ = [
    "home_membership",
    "membership_get",
    "membership_list",
    "role_get",
    "role_list",
    "user_roles",
]
