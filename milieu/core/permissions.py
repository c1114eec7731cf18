from django.utils.translation import gettext as _

from .errors import PermissionDenied


def require(actor, perm: str, obj=None, message: str | None = None) -> None:
    """Raise PermissionDenied unless `actor` has `perm` on `obj` (a `rules` permission)."""
    if not actor.has_perm(perm, obj):
        raise PermissionDenied(message or _("You are not allowed to do this."))
