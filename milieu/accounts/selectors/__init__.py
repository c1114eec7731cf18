"""Reads of the accounts app, one module per area; import them from here."""

from .card import (
    card_citizen_id,
    card_citizen_id_expired,
    card_jwks,
    card_revocations,
    card_verify,
)
from .identity import (
    background_check_list,
    citizen_id_active,
    citizen_id_list,
    residency_consent_list,
    trust_level,
)
from .oidc import Authorization, oidc_authorizations
from .profile import (
    home_membership,
    membership_get,
    membership_list,
    role_get,
    role_list,
    user_roles,
)
from .verification import (
    assisted_account_get,
    assisted_account_list,
    civic_address_match,
    civic_registry_summary,
    decision_log,
    document_queue,
    letters_awaiting_code,
    letters_to_print,
    user_for_counter,
    verification_counts,
    verification_current,
    verification_get,
    verification_list,
)

__all__ = [
    "Authorization",
    "assisted_account_get",
    "assisted_account_list",
    "background_check_list",
    "card_citizen_id",
    "card_citizen_id_expired",
    "card_jwks",
    "card_revocations",
    "card_verify",
    "citizen_id_active",
    "citizen_id_list",
    "civic_address_match",
    "civic_registry_summary",
    "decision_log",
    "document_queue",
    "home_membership",
    "letters_awaiting_code",
    "letters_to_print",
    "membership_get",
    "membership_list",
    "oidc_authorizations",
    "residency_consent_list",
    "role_get",
    "role_list",
    "trust_level",
    "user_for_counter",
    "user_roles",
    "verification_counts",
    "verification_current",
    "verification_get",
    "verification_list",
]
