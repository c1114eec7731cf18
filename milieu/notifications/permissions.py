import rules

from milieu.accounts.permissions import has_mfa, is_municipal_staff

# Composing and sending alerts to residents: the municipality's staff, with MFA.
rules.add_perm("notifications.send_alert", is_municipal_staff & has_mfa)
