"""Who may manage a rewards program, register and verify merchants, and use the till.

Every back-office operation, as a page and as an API call, is tried by every kind of actor
against two municipalities; each refusal is proven to have changed nothing.
"""

import json
from decimal import Decimal

import pytest
from django.test import Client

from milieu.accounts.models import Role
from milieu.accounts.services.card import citizen_card_issue
from milieu.accounts.tests.factories import citizen_of, with_role
from milieu.accounts.tests.factories_card import resident_of
from milieu.core.errors import PermissionDenied
from milieu.rewards import ledger, services
from milieu.rewards.models import Account, EarningRule, Merchant, Posting
from milieu.rewards.tests.factories import merchant_of, rule
from milieu.territory.tests.factories import MunicipalityFactory, RegionFactory

ACTORS = ["anonymous", "citizen", "merchant_other", "staff_no_mfa", "staff", "staff_other"]


@pytest.fixture
def world(db):
    region = RegionFactory(slug="idees-collectives")
    brossard = MunicipalityFactory(slug="brossard", name="Brossard", region=region)
    chateauguay = MunicipalityFactory(slug="chateauguay", name="Châteauguay", region=region)
    programs = {"brossard": services.program_for(brossard)}
    programs["chateauguay"] = services.program_for(chateauguay)
    merchants = {
        city: merchant_of(municipality, programs[city], verified=False)
        for city, municipality in (("brossard", brossard), ("chateauguay", chateauguay))
    }
    actors = {
        "anonymous": None,
        "citizen": citizen_of(brossard),
        "merchant_other": with_role(chateauguay, Role.MERCHANT, mfa=False),
        "staff_no_mfa": with_role(brossard, Role.STAFF, mfa=False),
        "staff": with_role(brossard, Role.STAFF),
        "staff_other": with_role(chateauguay, Role.STAFF),
    }
    return {"merchants": merchants, "actors": actors, "programs": programs}


def snapshot() -> tuple:
    return (
        list(
            EarningRule.objects.order_by("pk").values_list(
                "pk", "points", "daily_cap", "monthly_cap", "active"
            )
        ),
        list(Merchant.objects.order_by("pk").values_list("pk", "verified_at", "verified_by")),
        Account.objects.count(),
        Posting.objects.count(),
    )


def operations(world, city: str) -> dict[str, tuple[str, str, dict]]:
    m = world["merchants"][city].pk
    base = f"/api/v1/municipalities/{city}/rewards"
    rule_form = {"action": "volunteer_hour", "points": "5", "daily_cap": "", "monthly_cap": ""}
    return {
        "rules_page": ("GET", f"/fr/{city}/staff/rewards/", {}),
        "rule_save": ("POST", f"/fr/{city}/staff/rewards/", rule_form),
        "merchants_page": ("GET", f"/fr/{city}/staff/rewards/merchants/", {}),
        "merchant_verify": ("POST", f"/fr/{city}/staff/rewards/merchants/{m}/verify/", {}),
        "api_rules_list": ("GET", f"{base}/rules", {}),
        "api_rule_set": ("PUT", f"{base}/rules/volunteer_hour", {"points": 5}),
        "api_merchants_list": ("GET", f"{base}/merchants", {}),
        "api_merchant_verify": ("POST", f"{base}/merchants/{m}/verify", {}),
    }


OPERATIONS = [
    "rules_page",
    "rule_save",
    "merchants_page",
    "merchant_verify",
    "api_rules_list",
    "api_rule_set",
    "api_merchants_list",
    "api_merchant_verify",
]


@pytest.mark.parametrize("city", ["brossard", "chateauguay"])
@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("actor", ACTORS)
def test_rewards_back_office_matrix(world, actor, operation, city):
    client = Client()
    user = world["actors"][actor]
    if user is not None:
        client.force_login(user)
    api = operation.startswith("api_")
    method, url, data = operations(world, city)[operation]
    before = snapshot()

    if method == "GET":
        response = client.get(url)
    elif api:
        response = client.generic(method, url, json.dumps(data), content_type="application/json")
    else:
        response = client.post(url, data)

    if (actor, city) in {("staff", "brossard"), ("staff_other", "chateauguay")}:
        assert response.status_code in {200, 302}, response.content[:500]
        if method != "GET":
            assert snapshot() != before
        return
    if user is None:
        expected = 401 if api else 302
    elif actor == "staff_no_mfa" and not api:
        expected = 302  # sent to enrol a TOTP authenticator first
    else:
        expected = 403
    assert response.status_code == expected, (response.status_code, response.content[:300])
    if response.status_code == 302:
        location = response["Location"]
        assert "/accounts/login/" in location or "/accounts/2fa/totp/activate/" in location
    assert snapshot() == before


def test_verifying_a_merchant_opens_its_ledger_account(world):
    merchant = world["merchants"]["brossard"]
    services.merchant_verify(actor=world["actors"]["staff"], merchant=merchant)
    merchant.refresh_from_db()
    assert merchant.verified_by == world["actors"]["staff"]
    assert Account.objects.filter(kind=Account.Kind.MERCHANT, merchant=merchant).count() == 1


def test_only_a_merchant_of_the_municipality_registers_a_business(world, django_user_model):
    brossard = world["merchants"]["brossard"].municipality
    fields = {
        "name": "Café",
        "category": "café",
        "address": "2 rue",
        "hours": "",
        "description": "",
    }
    for actor in ("citizen", "merchant_other", "staff"):
        with pytest.raises(PermissionDenied):
            services.merchant_register(
                actor=world["actors"][actor], municipality=brossard, **fields
            )
    owner = with_role(brossard, Role.MERCHANT, mfa=False)
    merchant = services.merchant_register(actor=owner, municipality=brossard, **fields)
    assert merchant.program == world["programs"]["brossard"]
    assert merchant.verified_at is None


def test_the_api_registers_a_business_for_a_merchant(world):
    brossard = world["merchants"]["brossard"].municipality
    client = Client()
    client.force_login(with_role(brossard, Role.MERCHANT, mfa=False))
    payload = {"name": "Café", "category": "café", "address": "2 rue"}
    response = client.post(
        "/api/v1/municipalities/brossard/rewards/merchants",
        json.dumps(payload),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["verified_at"] is None


# --- The till and my points -----------------------------------------------------------------------


@pytest.fixture
def till_world(world):
    merchant = world["merchants"]["brossard"]
    services.merchant_verify(actor=world["actors"]["staff"], merchant=merchant)
    merchant.refresh_from_db()
    rule(world["programs"]["brossard"], EarningRule.Action.LOCAL_PURCHASE, 1)
    citizen = resident_of(merchant.municipality).user
    return merchant, citizen, citizen_card_issue(actor=citizen).token


TILL_ACTORS = ["anonymous", "citizen", "unverified_owner", "staff", "owner"]


def till_actor(world, merchant, name):
    if name == "owner":
        return merchant.owner
    if name == "unverified_owner":
        return world["merchants"]["chateauguay"].owner
    return world["actors"][name]


@pytest.mark.parametrize("api", [False, True])
@pytest.mark.parametrize("actor", TILL_ACTORS)
def test_only_the_owner_of_a_verified_merchant_uses_the_till(world, till_world, actor, api):
    merchant, citizen, token = till_world
    user = till_actor(world, merchant, actor)
    client = Client()
    if user is not None:
        client.force_login(user)
    before = snapshot()
    if api:
        body = {"merchant_id": merchant.pk, "card_token": token, "amount": "40.00", "key": "s1"}
        response = client.post(
            "/api/v1/rewards/till/purchase", json.dumps(body), content_type="application/json"
        )
    else:
        data = {"merchant": merchant.pk, "card_token": token, "amount": "40.00", "key": "s1"}
        response = client.post("/fr/rewards/till/", data)
    if actor == "owner":
        assert response.status_code in {200, 302}, response.content[:500]
        assert ledger.wallet(merchant.program, citizen).balance == 40
        return
    # The API hides the merchants the actor does not own (404); the page refuses (403).
    expected = (401 if api else 302) if user is None else (404 if api else 403)
    assert response.status_code == expected, (response.status_code, response.content[:300])
    assert snapshot() == before


def test_the_till_page_shows_a_refused_card_and_awards_nothing(world, till_world):
    merchant, _citizen, token = till_world
    client = Client()
    client.force_login(merchant.owner)
    data = {"merchant": merchant.pk, "card_token": token[:-6], "amount": "40", "key": "s1"}
    before = snapshot()
    response = client.post("/fr/rewards/till/", data)
    assert response.status_code == 400
    assert snapshot() == before


def test_my_points_page_and_api_show_the_balance_and_the_history(world, till_world):
    merchant, citizen, token = till_world
    services.purchase_award(
        actor=merchant.owner,
        merchant=merchant,
        card_token=token,
        amount_dollars=Decimal("12.50"),
        key="s1",
    )
    client = Client()
    client.force_login(citizen)
    page = client.get("/en/rewards/")
    assert page.status_code == 200
    assert b"+12" in page.content
    assert client.get("/api/v1/rewards/wallets").json()[0]["balance"] == 12
    history = client.get("/api/v1/rewards/history").json()
    assert [item["amount"] for item in history["items"]] == [12]


def test_my_points_page_asks_anonymous_people_to_log_in(db):
    response = Client().get("/fr/rewards/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_history_page_does_not_grow_in_queries_with_the_history(
    world, till_world, django_assert_max_num_queries
):
    merchant, citizen, token = till_world
    for n in range(30):
        services.purchase_award(
            actor=merchant.owner,
            merchant=merchant,
            card_token=token,
            amount_dollars=Decimal("1"),
            key=f"s{n}",
        )
    client = Client()
    client.force_login(citizen)
    with django_assert_max_num_queries(12):
        response = client.get("/en/rewards/?page=2")
    assert response.status_code == 200


def test_the_merchants_page_does_not_grow_in_queries_with_the_merchants(
    world, django_assert_max_num_queries
):
    brossard = world["merchants"]["brossard"].municipality
    for _n in range(10):
        merchant_of(brossard, world["programs"]["brossard"], verified=False)
    client = Client()
    client.force_login(world["actors"]["staff"])
    with django_assert_max_num_queries(15):
        response = client.get("/fr/brossard/staff/rewards/merchants/")
    assert response.status_code == 200
    assert response.content.count(b"/verify/") == 2 * 11  # action and hx-post of each form
