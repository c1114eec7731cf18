"""Test data for municipal alerts: a municipality with districts and its residents."""

from milieu.accounts.models import Membership
from milieu.accounts.tests.factories import UserFactory
from milieu.notifications.models import Alert


def resident(municipality, district=None, **kwargs):
    """A person whose home is `municipality` (in `district`, if given)."""
    user = UserFactory(**kwargs)
    Membership.objects.create(user=user, municipality=municipality, district=district, is_home=True)
    return user


def visitor(municipality, district=None, **kwargs):
    """A member of `municipality` whose home is elsewhere (or nowhere)."""
    user = UserFactory(**kwargs)
    Membership.objects.create(
        user=user, municipality=municipality, district=district, is_home=False
    )
    return user


def draft(municipality, *, districts=(), **fields) -> Alert:
    """A draft alert, written straight to the database (no permission check)."""
    values = {
        "topic": "snow_removal",
        "title_fr": "Opération de déneigement",
        "body_fr": "Déplacez votre voiture ce soir.",
        **fields,
    }
    alert = Alert.objects.create(municipality=municipality, **values)
    alert.districts.set(districts)
    return alert
