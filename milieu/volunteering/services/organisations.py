"""Organisations: registration by a resident (who becomes its manager), editing, the team, and
verification by the staff of the home municipality."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from milieu.core import ratelimit
from milieu.core.errors import ApplicationError, Conflict, NotFound
from milieu.core.permissions import require
from milieu.core.ratelimit import Limit
from milieu.territory.models import Municipality

from ..models import MemberRole, Organisation, OrganisationMember, OrganisationStatus
from ..permissions import forget_roles
from .common import invalid, languages, tell, text

LIMITS = [Limit(5, 86_400)]


def _validate(values: dict[str, Any], *, home: Municipality) -> dict[str, Any]:
    clean: dict[str, Any] = {
        "name": text(values, "name", 150, required=True),
        "mission": text(values, "mission", 3000, required=True),
        "services": text(values, "services", 3000),
        "email": text(values, "email", 254, required=True),
        "phone": text(values, "phone", 30),
        "website": text(values, "website", 200),
        "languages": languages(values),
    }
    try:
        validate_email(clean["email"])
    except ValidationError:
        raise invalid("email", _("Enter a valid email address.")) from None
    if clean["website"]:
        try:
            URLValidator(schemes=["http", "https"])(clean["website"])
        except ValidationError:
            raise invalid("website", _("Enter a valid web address.")) from None
    serves = values.get("serves")
    if serves is not None:
        slugs = [getattr(m, "slug", m) for m in serves]
        found = list(Municipality.objects.filter(slug__in=slugs).exclude(pk=home.pk))
        if len({m.slug for m in found} | {home.slug}) < len(set(slugs) | {home.slug}):
            raise invalid("serves", _("Unknown municipality."))
        clean["serves"] = found
    return clean


def _save(organisation: Organisation, clean: dict[str, Any]) -> Organisation:
    serves = clean.pop("serves", None)
    for field, value in clean.items():
        setattr(organisation, field, value)
    organisation.updated_at = timezone.now()
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError:
        raise invalid(
            "name", _("An organisation of this name is already registered here.")
        ) from None
    if serves is not None:
        organisation.serves.set(serves)
    return organisation


@transaction.atomic
def organisation_register(
    *, actor, municipality: Municipality, values: dict[str, Any]
) -> Organisation:
    """Register an organisation in `municipality`; `actor` becomes its manager. It waits for the
    municipality's staff to verify it before it can recruit."""
    require(actor, "volunteering.register_organisation", municipality)
    clean = _validate(values, home=municipality)
    ratelimit.hit("volunteering.organisation", actor.pk, limits=LIMITS)
    organisation = _save(Organisation(municipality=municipality, created_by=actor), clean)
    OrganisationMember.objects.create(
        organisation=organisation, user=actor, role=MemberRole.MANAGER
    )
    forget_roles(actor)
    return organisation


@transaction.atomic
def organisation_update(
    *, actor, organisation: Organisation, values: dict[str, Any]
) -> Organisation:
    require(actor, "volunteering.manage_organisation", organisation)
    merged = {
        "name": organisation.name,
        "mission": organisation.mission,
        "services": organisation.services,
        "email": organisation.email,
        "phone": organisation.phone,
        "website": organisation.website,
        "languages": organisation.languages,
        **values,
    }
    return _save(organisation, _validate(merged, home=organisation.municipality))


@transaction.atomic
def organisation_set_status(
    *, actor, organisation: Organisation, status: str, note: str = ""
) -> Organisation:
    """Verify or suspend an organisation (the home municipality's staff, with MFA). Its
    managers are told."""
    require(actor, "volunteering.verify_organisation", organisation)
    if status not in (OrganisationStatus.VERIFIED, OrganisationStatus.SUSPENDED):
        raise invalid("status", _("Unknown status."))
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.status == status:
        return organisation
    organisation.status = status
    organisation.status_note = note.strip()[:500]
    organisation.updated_at = timezone.now()
    if status == OrganisationStatus.VERIFIED:
        organisation.verified_at = organisation.updated_at
        organisation.verified_by = actor
    organisation.save()
    name = organisation.name
    for member in organisation.members.filter(role=MemberRole.MANAGER):
        tell(
            user_id=member.user_id,
            key=f"organisation:{organisation.pk}:{status}:{organisation.updated_at.timestamp()}",
            title=(
                (lambda: _("%(name)s is verified: it can now recruit volunteers.") % {"name": name})
                if status == OrganisationStatus.VERIFIED
                else (lambda: _("%(name)s is suspended by the municipality.") % {"name": name})
            ),
            url_name="volunteering:organisation",
            url_kwargs={
                "municipality_slug": organisation.municipality.slug,
                "organisation_id": organisation.pk,
            },
            municipality=organisation.municipality,
        )
    return organisation


@transaction.atomic
def organisation_member_add(
    *, actor, organisation: Organisation, email: str, role: str
) -> OrganisationMember:
    """Add a person, by the email of their account, to the team (the manager only). The answer
    is the same for an unknown address and one that is not verified."""
    from allauth.account.models import EmailAddress

    require(actor, "volunteering.manage_organisation", organisation)
    if role not in MemberRole.values:
        raise invalid("role", _("Unknown role."))
    ratelimit.hit("volunteering.member", actor.pk, limits=[Limit(30, 3600)])
    address = (
        EmailAddress.objects.filter(email__iexact=(email or "").strip(), verified=True)
        .select_related("user")
        .first()
    )
    if address is None or not address.user.is_active:
        raise NotFound(_("No account with a verified address matches this email."))
    try:
        with transaction.atomic():
            member = OrganisationMember.objects.create(
                organisation=organisation, user=address.user, role=role
            )
    except IntegrityError:
        raise Conflict(_("This person is already on the team."), code="already_member") from None
    forget_roles(address.user)
    return member


@transaction.atomic
def organisation_member_remove(*, actor, member: OrganisationMember) -> None:
    organisation = member.organisation
    require(actor, "volunteering.manage_organisation", organisation)
    if (
        member.role == MemberRole.MANAGER
        and not organisation.members.filter(role=MemberRole.MANAGER).exclude(pk=member.pk).exists()
    ):
        raise ApplicationError(
            _("An organisation keeps at least one manager."), code="last_manager"
        )
    member.delete()
    forget_roles(member.user)
