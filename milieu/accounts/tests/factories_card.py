"""Citizen ids made directly (with the approved verification they require), for the card tests."""

from datetime import timedelta

import factory
from django.utils import timezone

from milieu.accounts.models import CitizenId, Verification
from milieu.accounts.services.identity import citizen_id_number
from milieu.accounts.tests.factories import UserFactory, citizen_of
from milieu.territory.tests.factories import MunicipalityFactory


def approved_verification(user, municipality) -> Verification:
    return Verification.objects.create(
        user=user,
        municipality=municipality,
        method="counter",
        status=Verification.Status.APPROVED,
        decided_at=timezone.now(),
    )


class CitizenIdFactory(factory.django.DjangoModelFactory[CitizenId]):
    class Meta:
        model = CitizenId

    user = factory.SubFactory(UserFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    verification = factory.LazyAttribute(lambda o: approved_verification(o.user, o.municipality))
    issued_at = factory.LazyFunction(timezone.now)
    confirmed_at = factory.SelfAttribute("issued_at")
    expires_at = factory.LazyAttribute(lambda o: o.issued_at + timedelta(days=365))
    year = factory.LazyAttribute(lambda o: o.issued_at.year)
    serial = factory.Sequence(lambda n: n + 1)
    number = factory.LazyAttribute(
        lambda o: citizen_id_number(o.municipality.id_code, o.year, o.serial)
    )


def resident_of(municipality, **user_kwargs) -> CitizenId:
    """A person whose home is `municipality`, with a valid citizen id there."""
    return CitizenIdFactory(user=citizen_of(municipality, **user_kwargs), municipality=municipality)
