"""Residency verification: the civic registry, letters with one-time codes, proofs of address,
verification at the counter and assisted accounts — one module per method.

The evidence is not kept, only the decision:

- A letter's one-time code exists in clear only in the printed batch. It is drawn when staff
  print the batch (not when the citizen claims the address, since nothing clear may wait in the
  database until then) and only its HMAC is stored. Printing a letter again draws a new code, and
  the old one stops working.
- A proof of address is deleted from storage as soon as staff decide (once the decision commits).

Every method ends in `citizen_id_issue`, which approves the verification and issues the id.
"""

from .counter import (
    ASSISTED_EMAIL_DOMAIN,
    assisted_account_create,
    assisted_account_update,
    is_placeholder_email,
    verification_at_counter,
)
from .document import (
    DOCUMENT_KINDS,
    MAX_DOCUMENT_BYTES,
    verification_decide_document,
    verification_submit_document,
    verification_withdraw,
)
from .letter import (
    _CODE_SALT,
    CODE_ALPHABET,
    CODE_LENGTH,
    MAX_CODE_ATTEMPTS,
    Letter,
    _code_hash,
    format_code,
    letters_print_batch,
    normalise_code,
    verification_claim_address,
    verification_enter_code,
)
from .registry import RegistryImportReport, RowError, civic_registry_import

__all__ = [
    "ASSISTED_EMAIL_DOMAIN",
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "DOCUMENT_KINDS",
    "MAX_CODE_ATTEMPTS",
    "MAX_DOCUMENT_BYTES",
    "_CODE_SALT",
    "Letter",
    "RegistryImportReport",
    "RowError",
    "_code_hash",
    "assisted_account_create",
    "assisted_account_update",
    "civic_registry_import",
    "format_code",
    "is_placeholder_email",
    "letters_print_batch",
    "normalise_code",
    "verification_at_counter",
    "verification_claim_address",
    "verification_decide_document",
    "verification_enter_code",
    "verification_submit_document",
    "verification_withdraw",
]
