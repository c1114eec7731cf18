"""Query budget of the rewards pages and API (issue 6): the same number of queries, at most 12,
for a few wallets, entries, merchants, offers or redemptions as for many.

Measured elsewhere: the citizens' offer lists and vouchers (`test_offers_views.py`)."""

from itertools import count

import pytest

from milieu.accounts.models import Role, RoleAssignment
from milieu.accounts.tests.factories import citizen_of, with_role
from milieu.core.testing import (
    assert_constant_queries,
    assert_within_budget,
    client_for,
    showing,
)
from milieu.rewards import services_offers as offers
from milieu.rewards.models import Program
from milieu.rewards.tests.offers_helpers import (
    citizen_with_points,
    city_staff,
    give_points,
    make_merchant,
    make_offer,
    make_program,
)
from milieu.territory.tests.factories import MunicipalityFactory, RegionFactory

pytestmark = pytest.mark.django_db
_numbers = count()


@pytest.fixture
def brossard():
    return MunicipalityFactory(slug="brossard", name="Brossard")


@pytest.fixture
def program(brossard):
    return make_program(brossard)


def _name(prefix: str) -> str:
    return f"{prefix} {next(_numbers):04d}"


def _merchant(program, owner=None, *, verified: bool = True):
    merchant = make_merchant(program, owner, verified=verified)
    merchant.name = _name("Commerce")
    merchant.save(update_fields=["name"])
    return merchant


# --- Citizens -----------------------------------------------------------------------------------


def _wallets_and_history(user, *, signed: bool = True):
    """A wallet in one more program per item, credited once (one history entry each): the page
    shows each program and each movement (`+points`; the API gives the bare number)."""

    def add(n):
        shown = []
        for _ in range(n):
            program = make_program(MunicipalityFactory(name=_name("Ville")))
            points = 100 + next(_numbers)
            give_points(program, user, points)
            shown += [program.name, f"+{points}" if signed else str(points)]
        return shown

    return add


def test_my_points_are_constant_in_my_wallets_and_history(brossard):
    user = citizen_of(brossard)
    assert_constant_queries(client_for(user), "/fr/rewards/", _wallets_and_history(user))


def test_my_history_page_for_htmx_is_constant(brossard):
    user = citizen_of(brossard)
    assert_constant_queries(
        client_for(user), "/fr/rewards/", _wallets_and_history(user), HTTP_HX_REQUEST="true"
    )


def test_the_api_wallets_and_history_are_constant_in_their_length(brossard):
    user = citizen_of(brossard)
    add = _wallets_and_history(user, signed=False)
    assert_constant_queries(client_for(user), "/api/v1/rewards/wallets", add)
    assert_constant_queries(client_for(user), "/api/v1/rewards/history?limit=100", add)


def test_an_offer_and_a_voucher_are_within_budget(program):
    citizen = citizen_with_points(program, 100)
    offer = make_offer(program, _merchant(program), title="Croissant offert")
    client = client_for(citizen)
    assert_within_budget(client, f"/fr/rewards/offers/{offer.pk}/", "Croissant offert")
    voucher = offers.offer_redeem(actor=citizen, offer=offer, key="k")
    assert_within_budget(client, f"/fr/rewards/offers/vouchers/{voucher.pk}/", "Croissant offert")


# --- Merchants ----------------------------------------------------------------------------------


def test_the_till_is_constant_in_the_merchants_i_own(program):
    owner = citizen_of(program.municipality)

    def add(n):
        return [_merchant(program, owner).name for _ in range(n)]

    assert_constant_queries(client_for(owner), "/fr/rewards/till/", add)


def test_registering_a_business_is_constant_in_the_municipalities_of_my_role(brossard):
    person = citizen_of(brossard)

    def add(n):
        names = []
        for _ in range(n):
            municipality = MunicipalityFactory(name=_name("Ville"))
            RoleAssignment.objects.create(
                user=person, municipality=municipality, role=Role.MERCHANT
            )
            names.append(municipality.name)
        return names

    assert_constant_queries(client_for(person), "/fr/rewards/merchants/new/", add)


def test_managing_offers_is_constant_in_my_merchants_and_their_offers(program):
    owner = citizen_of(program.municipality)

    def add(n):
        shown = []
        for _ in range(n):
            merchant = _merchant(program, owner)
            offer = make_offer(program, merchant, title=_name("Offre"))
            shown += [merchant.name, offer.title]
        return shown

    assert_constant_queries(client_for(owner), "/fr/rewards/offers/manage/", add)


def test_the_api_offers_of_a_merchant_are_constant_in_their_number(program):
    merchant = _merchant(program)

    def add(n):
        return [make_offer(program, merchant, title=_name("Offre")).title for _ in range(n)]

    url = f"/api/v1/rewards/merchants/{merchant.pk}/offers"
    assert_constant_queries(client_for(merchant.owner), url, add)


def test_validating_vouchers_is_constant_in_the_programs_of_the_platform(program):
    """City staff validate municipal-service vouchers: the page must not look at every program
    of the platform one by one (regional programs included)."""
    staff = city_staff(program)
    region_member = MunicipalityFactory(region=program.municipality.region)
    RoleAssignment.objects.create(user=staff, municipality=region_member, role=Role.STAFF)

    def add(n):
        for _ in range(n):
            make_program(MunicipalityFactory())
            Program.objects.create(region=RegionFactory(), name=_name("Programme régional"))
            MunicipalityFactory.create_batch(2, region=Program.objects.latest("pk").region)
        return ["token"]

    assert_constant_queries(client_for(staff), "/fr/rewards/offers/validate/", add)


def test_settlement_is_constant_in_the_redemptions(program):
    merchant = _merchant(program)
    offer = make_offer(program, merchant, points_price=10, quantity=100, per_person_limit=100)
    citizen = citizen_with_points(program, 1000)

    def add(n):
        for _ in range(n):
            offers.offer_redeem(actor=citizen, offer=offer, key=_name("clé"))
        return [merchant.name]

    client = client_for(merchant.owner)
    url = f"/fr/rewards/offers/manage/merchants/{merchant.pk}/settlement/"
    assert_constant_queries(client, url, add)
    api = f"/api/v1/rewards/merchants/{merchant.pk}/settlement"
    assert_constant_queries(client, api, showing(add, "total"))
    assert client.get(api).json()["total"] == 500


# --- Staff --------------------------------------------------------------------------------------


def test_staff_manage_municipal_offers_in_constant_queries(program):
    staff = city_staff(program)

    def add(n):
        return [make_offer(program, None, title=_name("Service")).title for _ in range(n)]

    assert_constant_queries(client_for(staff), "/fr/rewards/offers/manage/", add)
    assert_constant_queries(client_for(staff), f"/api/v1/rewards/programs/{program.pk}/offers", add)


@pytest.mark.parametrize(
    "url",
    ["/fr/brossard/staff/rewards/merchants/", "/api/v1/municipalities/brossard/rewards/merchants"],
)
def test_the_merchants_of_a_municipality_are_constant_in_their_number(program, url):
    staff = city_staff(program)

    def add(n):
        return [_merchant(program, verified=bool(i % 2)).name for i in range(n)]

    assert_constant_queries(client_for(staff), url, add)


def test_the_earning_rules_are_within_budget(program):
    staff = city_staff(program)
    assert_within_budget(client_for(staff), "/fr/brossard/staff/rewards/", program.name)
    assert_within_budget(
        client_for(staff), "/api/v1/municipalities/brossard/rewards/rules", "local_purchase"
    )


def test_a_merchant_owner_without_staff_role_is_not_staff(program):
    """The lists above are each actor's own: a merchant's owner sees only their merchants."""
    mine = _merchant(program)
    _merchant(program)
    other_owner = with_role(program.municipality, Role.MERCHANT, mfa=False)
    _merchant(program, other_owner)
    html = client_for(mine.owner).get("/fr/rewards/till/").content.decode()
    assert html.count("Commerce ") == 1


def test_staff_of_a_region_member_manage_the_shared_program_and_no_other(program):
    """`staffed_programs` answers in one query what `is_program_staff` says program by program:
    the municipality's own program and its region's shared one, never another region's."""
    region = RegionFactory()
    member = MunicipalityFactory(region=region)
    shared = Program.objects.create(region=region, name="Points de la MRC")
    make_offer(shared, None, title="Service de la MRC")
    elsewhere = Program.objects.create(region=RegionFactory(), name="Points d'ailleurs")
    make_offer(elsewhere, None, title="Service d'ailleurs")
    staff = with_role(member, Role.STAFF)
    RoleAssignment.objects.create(user=staff, municipality=program.municipality, role=Role.ADMIN)
    merchant_role = with_role(MunicipalityFactory(region=region), Role.MERCHANT)

    assert offers.staffed_programs(staff) == sorted(
        [p for p in Program.objects.all() if offers.is_program_staff(staff, p)],
        key=lambda p: p.name,
    )
    assert {p.pk for p in offers.staffed_programs(staff)} == {shared.pk, program.pk}
    assert offers.staffed_programs(merchant_role) == []
    html = client_for(staff).get("/fr/rewards/offers/manage/").content.decode()
    assert "Service de la MRC" in html
    assert "ailleurs" not in html
