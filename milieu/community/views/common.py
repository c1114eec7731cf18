"""What several parts' pages share.

`accept_netiquette_if_asked`: a form refused with `netiquette_required` shows the netiquette's
checkbox (`community/_netiquette_accept.html`) inside the same form, so the person accepts and
sends what they typed in one step: the text and the choices stay in the form, nothing is lost.
"""

from contextlib import suppress

from milieu.core.errors import ApplicationError
from milieu.territory.models import Municipality

FIELD = "accept_netiquette"


def accept_netiquette_if_asked(request, municipality: Municipality | None) -> None:
    """Record the acceptance when the form's netiquette box was ticked (the service checks who
    may take part, and refuses like any other service)."""
    if municipality is None or request.POST.get(FIELD) != "1":
        return
    from ..services.moderation import netiquette_accept

    # When it is refused, the publishing service refuses next with its own, clearer, message.
    with suppress(ApplicationError):
        netiquette_accept(actor=request.user, municipality=municipality)
