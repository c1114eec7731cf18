"""Who may do what with best practices, as `rules` predicates.

Published practices, their adoptions and their shown comments are public. A municipality's staff
or administrators (with MFA) write, edit, publish and withdraw their town's practices and hide
comments on them (`network.manage_practices`, object: the municipality). Staff or administrators
of a municipality (with MFA) say that their town adopted another town's practice
(`network.adopt_practice`, object: the adopting municipality). Staff, administrators and elected
officials of a municipality (with MFA) comment in its name (`network.comment_practice`, object:
the commenter's municipality); residents do not comment: the exchange is between municipalities.
"""

from __future__ import annotations

import rules

from milieu.accounts.models import STAFF_ROLES, Role
from milieu.accounts.permissions import has_mfa, is_elected_official, is_municipal_staff

COMMENTER_ROLES = {*STAFF_ROLES, Role.ELECTED}


def acting_municipality_ids(user, roles=STAFF_ROLES) -> list[int]:
    """The municipalities in whose name `user` may act (holds one of `roles` there, with MFA),
    from the cached access facts: no query once they are read."""
    from milieu.accounts.access import access_facts

    if not user.is_authenticated or not has_mfa(user):
        return []
    return sorted(
        {m for role, m, _r in access_facts(user).roles if role in roles and m is not None}
    )


can_manage = is_municipal_staff & has_mfa

rules.add_perm("network.manage_practices", can_manage)
rules.add_perm("network.adopt_practice", can_manage)
rules.add_perm("network.comment_practice", (is_municipal_staff | is_elected_official) & has_mfa)
