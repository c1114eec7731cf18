"""Who may do what with events and attractions, as `rules` predicates.

Published events and attractions are public: a visitor without an account browses the agenda of
every city that has the module on. An event is published by the city (its staff, with MFA), by
a verified organisation of the volunteering module whose home municipality is the event's or
that serves it (any member of its team), or by a verified merchant of the municipality (its
owner). Whoever may publish an event manages it: edits it, sees its registrations and checks
people in at the door; the city's staff also manage every event in their municipality. Anyone
with an active account registers for a published event's future date, whichever city they live
in: culture and tourism cross municipal borders. Attractions are the city staff's.
"""

from __future__ import annotations

import rules

from milieu.accounts.permissions import has_mfa, is_municipal_staff
from milieu.core import modules

MODULE = "events"


@rules.predicate
def module_enabled(user, municipality) -> bool:
    return municipality is not None and modules.is_enabled(municipality, MODULE)


@rules.predicate
def is_city_staff(user, municipality) -> bool:
    return bool(is_municipal_staff(user, municipality)) and bool(has_mfa(user))


def _organisation_roles(user) -> dict[int, str]:
    from milieu.volunteering.permissions import organisation_roles

    return organisation_roles(user)


def publishing_organisations(user, municipality) -> list:
    """The verified organisations the user belongs to that may publish in `municipality`."""
    if not user.is_authenticated or municipality is None:
        return []
    roles = _organisation_roles(user)
    if not roles:
        return []
    from django.db.models import Q

    from milieu.volunteering.models import Organisation

    return list(
        Organisation.objects.filter(pk__in=roles, status="verified")
        .filter(Q(municipality=municipality) | Q(serves=municipality))
        .distinct()
        .order_by("name")
    )


def publishing_merchants(user, municipality) -> list:
    """The user's verified merchants in `municipality`."""
    if not user.is_authenticated or municipality is None:
        return []
    from milieu.rewards.models import Merchant

    return list(
        Merchant.objects.filter(
            owner=user, municipality=municipality, verified_at__isnull=False
        ).order_by("name")
    )


@rules.predicate
def can_publish_in(user, municipality) -> bool:
    if not (user.is_authenticated and user.is_active and module_enabled(user, municipality)):
        return False
    return bool(
        is_city_staff(user, municipality)
        or publishing_organisations(user, municipality)
        or publishing_merchants(user, municipality)
    )


@rules.predicate
def is_event_publisher(user, event) -> bool:
    """A member of the team that published it (the city's staff for the city's events)."""
    if not user.is_authenticated:
        return False
    if event.publisher == "organisation":
        organisation = event.organisation
        return organisation.status == "verified" and organisation.pk in _organisation_roles(user)
    if event.publisher == "merchant":
        return event.merchant.owner_id == user.pk and event.merchant.verified_at is not None
    return bool(is_city_staff(user, event.municipality))


@rules.predicate
def can_manage_event(user, event) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (is_event_publisher(user, event) or is_city_staff(user, event.municipality))
    )


@rules.predicate
def can_see_event(user, event) -> bool:
    if event.status in {"published", "cancelled"} and event.published_at is not None:
        return bool(module_enabled(user, event.municipality))
    return bool(can_manage_event(user, event))


@rules.predicate
def can_register(user, occurrence) -> bool:
    from django.utils import timezone

    event = occurrence.event
    return bool(
        user.is_authenticated
        and user.is_active
        and event.status == "published"
        and event.registration_required
        and occurrence.status == "scheduled"
        and occurrence.ends_at > timezone.now()
        and module_enabled(user, event.municipality)
    )


@rules.predicate
def can_see_registration(user, registration) -> bool:
    return registration.user_id == user.pk or bool(
        can_manage_event(user, registration.occurrence.event)
    )


@rules.predicate
def can_see_attraction(user, attraction) -> bool:
    if attraction.published:
        return bool(module_enabled(user, attraction.municipality))
    return bool(is_city_staff(user, attraction.municipality))


rules.add_perm("events.publish_in", can_publish_in)
rules.add_perm("events.view_event", can_see_event)
rules.add_perm("events.manage_event", can_manage_event)
rules.add_perm("events.register", can_register)
rules.add_perm("events.view_registration", can_see_registration)
rules.add_perm("events.cancel_registration", can_see_registration)
rules.add_perm("events.view_attraction", can_see_attraction)
rules.add_perm("events.manage_attractions", is_city_staff & module_enabled)
