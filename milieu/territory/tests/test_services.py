from decimal import Decimal

import pytest

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import UserFactory, with_role
from milieu.core.errors import ApplicationError, PermissionDenied
from milieu.territory import services
from milieu.territory.models import District, Municipality, Region
from milieu.territory.tests.factories import DistrictFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db


def test_territories_load_creates_every_row_of_the_reference_file_once():
    first = services.territories_load(default_modules=["districts"])
    second = services.territories_load(default_modules=["districts"])

    assert (first.regions, first.municipalities) == (2, 17)
    assert (second.regions, second.municipalities) == (2, 17)
    assert Region.objects.count() == 2
    assert Municipality.objects.count() == 17
    wendake = Municipality.objects.get(slug="wendake")
    assert wendake.indigenous is True
    assert wendake.kind == Municipality.Kind.INDIGENOUS_NATION
    assert wendake.region.slug == "idees-collectives"
    assert (
        sum(m.population for m in Municipality.objects.filter(region__slug="idees-collectives"))
        == 296647
    )


def test_territories_load_keeps_what_a_municipality_changed_itself():
    services.territories_load(default_modules=["districts"])
    Municipality.objects.filter(slug="brossard").update(enabled_modules=[], brand_colour="#000000")

    services.territories_load(default_modules=["districts"])

    brossard = Municipality.objects.get(slug="brossard")
    assert brossard.enabled_modules == []
    assert brossard.brand_colour == "#000000"


def test_update_settings_saves_valid_changes():
    municipality = MunicipalityFactory()
    staff = with_role(municipality, Role.STAFF)

    services.municipality_update_settings(
        actor=staff,
        municipality=municipality,
        name="Ville renommée",
        privacy_officer_email="vie.privee@example.org",
        languages=["fr", "en", "fr"],
    )

    municipality.refresh_from_db()
    assert municipality.name == "Ville renommée"
    assert municipality.privacy_officer_email == "vie.privee@example.org"
    assert municipality.languages == ["fr", "en"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"brand_colour": "#ffff00"}, "brand_colour"),  # too light for white text
        ({"brand_colour": "blue"}, "brand_colour"),
        ({"privacy_officer_email": "not-an-email"}, "privacy_officer_email"),
        ({"name": ""}, "name"),
    ],
)
def test_update_settings_refuses_bad_values_and_changes_nothing(changes, field):
    municipality = MunicipalityFactory(name="Avant")
    staff = with_role(municipality, Role.STAFF)

    with pytest.raises(ApplicationError) as refused:
        services.municipality_update_settings(actor=staff, municipality=municipality, **changes)

    assert field in refused.value.extra["fields"]
    municipality.refresh_from_db()
    assert municipality.name == "Avant"
    assert municipality.brand_colour == "#1d4f91"


def test_update_settings_refuses_an_unsupported_language():
    municipality = MunicipalityFactory()
    staff = with_role(municipality, Role.STAFF)

    with pytest.raises(ApplicationError):
        services.municipality_update_settings(
            actor=staff, municipality=municipality, languages=["de"]
        )
    municipality.refresh_from_db()
    assert municipality.languages == ["fr", "en", "es"]


def test_staff_without_mfa_cannot_change_settings():
    municipality = MunicipalityFactory(name="Avant")
    staff = with_role(municipality, Role.STAFF, mfa=False)

    with pytest.raises(PermissionDenied):
        services.municipality_update_settings(actor=staff, municipality=municipality, name="X")
    municipality.refresh_from_db()
    assert municipality.name == "Avant"


def test_set_modules_keeps_registry_order_and_refuses_unknown_keys():
    municipality = MunicipalityFactory(enabled_modules=[])
    staff = with_role(municipality, Role.STAFF)

    services.municipality_set_modules(actor=staff, municipality=municipality, enabled=["districts"])
    municipality.refresh_from_db()
    assert municipality.enabled_modules == ["districts"]

    with pytest.raises(ApplicationError) as refused:
        services.municipality_set_modules(
            actor=staff, municipality=municipality, enabled=["districts", "casino"]
        )
    assert refused.value.code == "unknown_module"
    municipality.refresh_from_db()
    assert municipality.enabled_modules == ["districts"]


def test_district_create_update_delete():
    municipality = MunicipalityFactory()
    staff = with_role(municipality, Role.STAFF)

    district = services.district_create(
        actor=staff, municipality=municipality, name="Vieux-Brossard", area_km2=Decimal("3.25")
    )
    assert district.slug == "vieux-brossard"
    services.district_update(
        actor=staff, municipality=municipality, district=district, name="Vieux Brossard"
    )
    district.refresh_from_db()
    assert district.name == "Vieux Brossard"
    services.district_delete(actor=staff, municipality=municipality, district=district)
    assert not District.objects.filter(pk=district.pk).exists()


def test_district_with_a_duplicate_name_is_refused_clearly():
    municipality = MunicipalityFactory()
    staff = with_role(municipality, Role.STAFF)
    DistrictFactory(municipality=municipality, name="Centre", slug="centre")

    with pytest.raises(ApplicationError) as refused:
        services.district_create(actor=staff, municipality=municipality, name="Centre")

    assert refused.value.code in {"duplicate", "validation"}
    assert municipality.districts.count() == 1


def test_staff_cannot_touch_a_district_of_another_municipality_through_their_own():
    brossard = MunicipalityFactory(slug="brossard")
    chateauguay = MunicipalityFactory(slug="chateauguay")
    staff = with_role(brossard, Role.STAFF)
    foreign = DistrictFactory(municipality=chateauguay, name="Centre")

    with pytest.raises(PermissionDenied):
        services.district_update(actor=staff, municipality=brossard, district=foreign, name="X")
    with pytest.raises(PermissionDenied):
        services.district_delete(actor=staff, municipality=brossard, district=foreign)
    foreign.refresh_from_db()
    assert foreign.name == "Centre"


def test_a_citizen_cannot_create_a_district():
    municipality = MunicipalityFactory()
    with pytest.raises(PermissionDenied):
        services.district_create(actor=UserFactory(), municipality=municipality, name="X")
    assert municipality.districts.count() == 0
