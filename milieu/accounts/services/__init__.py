"""Writes of the accounts app, one module per area; import them from here."""

from .profile import (
    home_set,
    membership_join,
    membership_leave,
    profile_update,
    role_grant,
    role_revoke,
    user_set_language,
)

__all__ = [
    "home_set",
    "membership_join",
    "membership_leave",
    "profile_update",
    "role_grant",
    "role_revoke",
    "user_set_language",
]
