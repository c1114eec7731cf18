"""Territory permissions. The object is always a Municipality."""

import rules

from milieu.accounts.permissions import has_mfa, is_municipal_staff

# Settings, enabled modules, branding and districts: the municipality's own staff, with MFA.
can_manage_municipality = is_municipal_staff & has_mfa

rules.add_perm("territory.view_municipality", rules.always_allow)
rules.add_perm("territory.change_municipality", can_manage_municipality)
rules.add_perm("territory.manage_districts", can_manage_municipality)
