"""Writes of the accounts app, one module per area; import them from here."""

from .identity import (
    background_check_record,
    background_check_revoke,
    citizen_id_confirm,
    citizen_id_issue,
    citizen_id_send_reminders,
    citizen_id_surrender,
    residency_share_grant,
    residency_share_withdraw,
    verification_revoke,
)
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
    "background_check_record",
    "background_check_revoke",
    "citizen_id_confirm",
    "citizen_id_issue",
    "citizen_id_send_reminders",
    "citizen_id_surrender",
    "home_set",
    "membership_join",
    "membership_leave",
    "profile_update",
    "residency_share_grant",
    "residency_share_withdraw",
    "role_grant",
    "role_revoke",
    "user_set_language",
    "verification_revoke",
]
