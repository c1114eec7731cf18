"""HTML views of the accounts app, one module per area."""

from .profile import (
    membership_join,
    membership_leave,
    profile,
    set_language,
    staff_role_revoke,
    staff_roles,
)

__all__ = [
    "membership_join",
    "membership_leave",
    "profile",
    "set_language",
    "staff_role_revoke",
    "staff_roles",
]
