"""Writes for accounts: profile, memberships, roles."""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from milieu.accounts.access import access_forget
from milieu.accounts.backends import user_forget
from milieu.accounts.models import MUNICIPAL_ROLES, Membership, RoleAssignment, User
from milieu.core.errors import ApplicationError, NotFound
from milieu.core.permissions import require
from milieu.territory.models import District, Municipality

logger = logging.getLogger("milieu.audit")
LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


@transaction.atomic
def profile_update(
    *,
    actor: User,
    display_name: str | None = None,
    preferred_language: str | None = None,
    profile_visibility: str | None = None,
) -> User:
    errors: dict[str, list[str]] = {}
    if display_name is not None and len(display_name.strip()) > 80:
        errors["display_name"] = [_("Use at most 80 characters.")]
    if preferred_language is not None and preferred_language not in LANGUAGE_CODES:
        errors["preferred_language"] = [_("Choose French, English or Spanish.")]
    if profile_visibility is not None and profile_visibility not in User.Visibility.values:
        errors["profile_visibility"] = [_("Choose one of the proposed options.")]
    if errors:
        raise ApplicationError(
            _("Some fields need correcting."), code="validation", extra={"fields": errors}
        )
    user = User.objects.select_for_update().get(pk=actor.pk)
    if display_name is not None:
        user.display_name = display_name.strip()
    if preferred_language is not None:
        user.preferred_language = preferred_language
    if profile_visibility is not None:
        user.profile_visibility = profile_visibility
    user.save(update_fields=["display_name", "preferred_language", "profile_visibility"])
    return user


@transaction.atomic
def user_set_language(*, actor: User, language: str) -> None:
    if language not in LANGUAGE_CODES:
        raise ApplicationError(_("Choose French, English or Spanish."))
    User.objects.filter(pk=actor.pk).update(preferred_language=language)
    user_forget(actor.pk)
    actor.preferred_language = language


@transaction.atomic
def home_set(
    *, actor: User, municipality: Municipality, district: District | None = None
) -> Membership:
    """Make `municipality` the actor's home (the previous home stays as a visited municipality)."""
    if district is not None and district.municipality_id != municipality.pk:
        raise ApplicationError(
            _("This district is not in the chosen municipality."),
            code="validation",
            extra={"fields": {"district": [_("Choose a district of your municipality.")]}},
        )
    Membership.objects.filter(user=actor, is_home=True).exclude(municipality=municipality).update(
        is_home=False, district=None
    )
    access_forget(actor.pk)
    membership, _created = Membership.objects.update_or_create(
        user=actor,
        municipality=municipality,
        defaults={"is_home": True, "district": district},
    )
    return membership


@transaction.atomic
def membership_join(*, actor: User, municipality: Municipality) -> Membership:
    """Add a municipality the actor visits or takes part in (not their home)."""
    membership, _created = Membership.objects.get_or_create(user=actor, municipality=municipality)
    return membership


@transaction.atomic
def membership_leave(*, actor: User, municipality: Municipality) -> None:
    membership = Membership.objects.filter(user=actor, municipality=municipality).first()
    if membership is None:
        raise NotFound(_("You are not a member of this municipality."))
    if membership.is_home:
        raise ApplicationError(
            _("This is your home municipality; choose another home before leaving it."),
            code="home_required",
        )
    membership.delete()


def _require_role_manager(actor: User, municipality: Municipality) -> None:
    require(
        actor,
        "accounts.manage_roles",
        municipality,
        _("You are not allowed to manage this municipality's roles."),
    )


@transaction.atomic
def role_grant(*, actor: User, municipality: Municipality, email: str, role: str) -> RoleAssignment:
    _require_role_manager(actor, municipality)
    if role not in MUNICIPAL_ROLES:
        raise ApplicationError(
            _("This role cannot be granted by a municipality."),
            code="validation",
            extra={"fields": {"role": [_("Choose one of the proposed roles.")]}},
        )
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise ApplicationError(
            _("No account uses this email address. Ask the person to sign up first."),
            code="validation",
            extra={"fields": {"email": [_("No account with this address.")]}},
        )
    try:
        with transaction.atomic():
            assignment = RoleAssignment.objects.create(
                user=user, role=role, municipality=municipality, granted_by=actor
            )
    except IntegrityError:
        raise ApplicationError(
            _("This person already holds this role here."), code="duplicate"
        ) from None
    logger.info(
        "role_granted",
        extra={"actor": actor.pk, "user": user.pk, "role": role, "municipality": municipality.pk},
    )
    return assignment


@transaction.atomic
def role_revoke(
    *, actor: User, municipality: Municipality, assignment: RoleAssignment
) -> RoleAssignment:
    _require_role_manager(actor, municipality)
    if assignment.municipality_id != municipality.pk or assignment.revoked_at is not None:
        raise NotFound(_("This role does not exist."))
    if assignment.user_id == actor.pk and assignment.role == "admin":
        raise ApplicationError(
            _("You cannot remove your own administrator role."), code="self_revoke"
        )
    assignment.revoked_at = timezone.now()
    assignment.revoked_by = actor
    assignment.save(update_fields=["revoked_at", "revoked_by"])
    logger.info(
        "role_revoked",
        extra={"actor": actor.pk, "assignment": assignment.pk, "municipality": municipality.pk},
    )
    return assignment
