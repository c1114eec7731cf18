"""Writes of the accounts app, one module per area; import them from here."""

from .card import CitizenCard, card_key_rotate, citizen_card_issue
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
from .oidc import oidc_authorization_revoke
from .profile import (
    home_set,
    membership_join,
    membership_leave,
    profile_update,
    role_grant,
    role_revoke,
    user_set_language,
)
from .verification import (
    assisted_account_create,
    assisted_account_update,
    civic_registry_import,
    letters_print_batch,
    verification_at_counter,
    verification_claim_address,
    verification_decide_document,
    verification_enter_code,
    verification_submit_document,
    verification_withdraw,
)

__all__ = [
    "CitizenCard",
    "assisted_account_create",
    "assisted_account_update",
    "background_check_record",
    "background_check_revoke",
    "card_key_rotate",
    "citizen_card_issue",
    "citizen_id_confirm",
    "citizen_id_issue",
    "citizen_id_send_reminders",
    "citizen_id_surrender",
    "civic_registry_import",
    "home_set",
    "letters_print_batch",
    "membership_join",
    "membership_leave",
    "oidc_authorization_revoke",
    "profile_update",
    "residency_share_grant",
    "residency_share_withdraw",
    "role_grant",
    "role_revoke",
    "user_set_language",
    "verification_at_counter",
    "verification_claim_address",
    "verification_decide_document",
    "verification_enter_code",
    "verification_revoke",
    "verification_submit_document",
    "verification_withdraw",
]
