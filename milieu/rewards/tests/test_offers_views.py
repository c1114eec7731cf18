"""The offers pages and the offers API, end to end through the test client."""

import json
from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from milieu.accounts.tests.factories import citizen_of
from milieu.rewards import ledger
from milieu.rewards import services_offers as offers
from milieu.rewards.models import Offer, Voucher

from .offers_helpers import (
    balance,
    citizen_with_points,
    city_staff,
    make_merchant,
    make_offer,
    make_program,
)


@pytest.fixture
def program(db):
    return make_program()


@pytest.fixture
def merchant(program):
    return make_merchant(program)


def test_a_citizen_redeems_from_the_offer_page_and_sees_the_qr(client, program, merchant):
    offer = make_offer(program, merchant, points_price=30)
    citizen = citizen_with_points(program, 100)
    client.force_login(citizen)
    listing = client.get(reverse("rewards_offers:list"))
    assert listing.status_code == 200
    assert offer.title in listing.content.decode()
    page = client.get(reverse("rewards_offers:detail", args=[offer.pk]))
    assert page.status_code == 200
    key = page.context["key"]
    response = client.post(reverse("rewards_offers:redeem", args=[offer.pk]), {"key": key})
    voucher = Voucher.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("rewards_offers:voucher", args=[voucher.pk])
    # A double submission of the same form charges once.
    client.post(reverse("rewards_offers:redeem", args=[offer.pk]), {"key": key})
    assert Voucher.objects.count() == 1
    assert balance(ledger.wallet(program, citizen)) == 70
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    assert "<svg" in detail.content.decode()
    # The token is signed with a timestamp: compare what it carries, not its bytes.
    assert signing.loads(detail.context["token"], salt=offers.VOUCHER_SALT) == {"v": voucher.code}


def test_not_enough_points_is_explained_on_the_page(client, program, merchant):
    offer = make_offer(program, merchant, points_price=30)
    client.force_login(citizen_with_points(program, 10))
    response = client.post(reverse("rewards_offers:redeem", args=[offer.pk]), {"key": "k"})
    assert response.status_code == 409
    assert 'role="alert"' in response.content.decode()
    assert not Voucher.objects.exists()


def test_pages_need_a_login_and_hide_other_cities_offers(client, program, merchant):
    offer = make_offer(program, merchant)
    url = reverse("rewards_offers:detail", args=[offer.pk])
    assert client.get(url).status_code == 302
    client.force_login(citizen_of(make_program().municipality))
    assert client.get(url).status_code == 404
    assert (
        client.post(reverse("rewards_offers:redeem", args=[offer.pk]), {"key": "k"}).status_code
        == 404
    )
    assert client.get(reverse("rewards_offers:validate")).status_code == 404
    assert client.get(reverse("rewards_offers:manage")).status_code == 404


def test_the_merchant_validates_once_on_the_validation_page(client, program, merchant):
    offer = make_offer(program, merchant)
    voucher = offers.offer_redeem(actor=citizen_with_points(program, 100), offer=offer, key="k")
    token = offers.voucher_token(voucher)
    client.force_login(merchant.owner)
    url = reverse("rewards_offers:validate")
    assert client.get(url).status_code == 200
    first = client.post(url, {"token": token})
    assert first.status_code == 200
    assert first.context["outcome"] == "validated"
    assert 'role="status"' in first.content.decode()
    second = client.post(url, {"token": token}, headers={"HX-Request": "true"})
    assert second.status_code == 400  # what htmx swaps (a plain post answers 409)
    assert second.context["code"] == "already_validated"
    assert 'data-code="already_validated"' in second.content.decode()
    assert "<html" not in second.content.decode()
    assert client.post(url, {"token": token}).status_code == 409
    forged = client.post(url, {"token": token[:-3]})
    assert forged.status_code == 400
    assert forged.context["code"] == "invalid_token"


def test_the_merchant_manages_offers_and_reads_the_settlement(client, program, merchant):
    client.force_login(merchant.owner)
    now = timezone.localtime()
    response = client.post(
        reverse("rewards_offers:merchant_new", args=[merchant.pk]),
        {
            "kind": "product",
            "title": "Pain de campagne",
            "points_price": "40",
            "quantity": "5",
            "per_person_limit": "1",
            "valid_from": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "valid_until": (now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            "active": "on",
        },
    )
    assert response.status_code == 302
    offer = Offer.objects.get(merchant=merchant)
    bad = client.post(
        reverse("rewards_offers:edit", args=[offer.pk]),
        {
            "kind": "product",
            "title": "Pain",
            "points_price": "40",
            "quantity": "5",
            "per_person_limit": "1",
            "valid_from": now.strftime("%Y-%m-%dT%H:%M"),
            "valid_until": (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert bad.status_code == 400
    assert "valid_until" in bad.context["form"].errors
    offers.offer_redeem(actor=citizen_with_points(program, 100), offer=offer, key="k")
    manage = client.get(reverse("rewards_offers:manage"))
    assert manage.status_code == 200
    assert "Pain de campagne" in manage.content.decode()
    page = client.get(reverse("rewards_offers:settlement", args=[merchant.pk]))
    assert page.status_code == 200
    assert page.context["report"].total == 40
    csv_response = client.get(
        reverse("rewards_offers:settlement", args=[merchant.pk]) + "?" + page.context["csv_query"]
    )
    assert csv_response["Content-Type"].startswith("text/csv")
    assert csv_response.content.decode().splitlines()[-1] == "total,40,1"
    # Another merchant sees nothing of it.
    client.force_login(make_merchant(program).owner)
    assert client.get(reverse("rewards_offers:settlement", args=[merchant.pk])).status_code == 404
    assert client.get(reverse("rewards_offers:edit", args=[offer.pk])).status_code == 404


# --- API -------------------------------------------------------------------------------------------


def test_api_redeem_with_an_idempotency_key_header(client, program, merchant):
    offer = make_offer(program, merchant, points_price=40)
    citizen = citizen_with_points(program, 100)
    client.force_login(citizen)
    assert [o["id"] for o in client.get("/api/v1/rewards/offers").json()["items"]] == [offer.pk]
    url = f"/api/v1/rewards/offers/{offer.pk}/redeem"
    first = client.post(url, content_type="application/json", headers={"Idempotency-Key": "abc"})
    assert first.status_code == 201
    again = client.post(url, content_type="application/json", headers={"Idempotency-Key": "abc"})
    assert again.json()["id"] == first.json()["id"]
    by_body = client.post(url, json.dumps({"key": "def"}), content_type="application/json")
    assert by_body.status_code == 201
    missing = client.post(url, content_type="application/json")
    assert missing.status_code == 400
    assert balance(ledger.wallet(program, citizen)) == 20
    poor = client.post(url, json.dumps({"key": "ghi"}), content_type="application/json")
    assert poor.status_code == 409
    assert poor.json()["error"]["code"] == "insufficient_points"
    mine = client.get("/api/v1/rewards/vouchers").json()
    assert len(mine) == 2


def test_api_validate_and_settlement(client, program, merchant):
    offer = make_offer(program, merchant, points_price=30)
    voucher = offers.offer_redeem(actor=citizen_with_points(program, 100), offer=offer, key="k")
    token = offers.voucher_token(voucher)
    client.force_login(make_merchant(program).owner)
    url = "/api/v1/rewards/vouchers/validate"
    other = client.post(url, json.dumps({"token": token}), content_type="application/json")
    assert other.status_code == 403
    client.force_login(merchant.owner)
    ok = client.post(url, json.dumps({"token": token}), content_type="application/json")
    assert ok.status_code == 200
    assert ok.json()["id"] == voucher.pk
    twice = client.post(url, json.dumps({"token": token}), content_type="application/json")
    assert twice.status_code == 409
    assert twice.json()["error"]["code"] == "already_validated"
    report = client.get(f"/api/v1/rewards/merchants/{merchant.pk}/settlement").json()
    assert report["total"] == 30
    csv_text = client.get(f"/api/v1/rewards/merchants/{merchant.pk}/settlement.csv")
    assert csv_text["Content-Type"].startswith("text/csv")
    assert csv_text.content.decode().splitlines()[-1] == "total,30,1"


def test_api_offer_crud_for_merchants_and_the_city(client, program, merchant):
    until = (timezone.now() + timedelta(days=5)).isoformat()
    body = {
        "kind": "discount",
        "title": "Rabais",
        "points_price": 20,
        "quantity": 3,
        "valid_until": until,
    }
    client.force_login(merchant.owner)
    created = client.post(
        f"/api/v1/rewards/merchants/{merchant.pk}/offers", body, content_type="application/json"
    )
    assert created.status_code == 201
    offer_id = created.json()["id"]
    patched = client.patch(
        f"/api/v1/rewards/managed-offers/{offer_id}",
        {"quantity": 0},
        content_type="application/json",
    )
    assert patched.status_code == 400
    assert patched.json()["error"]["fields"].keys() == {"quantity"}
    listed = client.get(f"/api/v1/rewards/merchants/{merchant.pk}/offers").json()
    assert [(o["id"], o["issued"]) for o in listed] == [(offer_id, 0)]
    # The city's staff manage municipal offers; a merchant cannot.
    url = f"/api/v1/rewards/programs/{program.pk}/offers"
    assert client.post(url, body, content_type="application/json").status_code == 404
    client.force_login(city_staff(program))
    municipal = client.post(url, body, content_type="application/json")
    assert municipal.status_code == 201
    assert municipal.json()["kind"] == "municipal_service"
    assert municipal.json()["merchant_id"] is None
    assert Offer.objects.count() == 2


def _queries(client, url: str) -> int:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()  # measured cold: the visitor's access facts are read too
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ["/en/rewards/offers/", "/api/v1/rewards/offers"])
def test_the_offer_lists_run_a_constant_number_of_queries(client, program, url):
    citizen = citizen_with_points(program, 100)
    client.force_login(citizen)
    make_offer(program, make_merchant(program))
    one = _queries(client, url)
    for _ in range(3):
        make_offer(program, make_merchant(program))
    make_offer(program, None)
    assert _queries(client, url) == one


def test_my_vouchers_run_a_constant_number_of_queries(client, program, merchant):
    citizen = citizen_with_points(program, 1000)
    client.force_login(citizen)
    offers.offer_redeem(actor=citizen, offer=make_offer(program, merchant), key="a")
    one = _queries(client, "/api/v1/rewards/vouchers")
    one_page = _queries(client, reverse("rewards_offers:vouchers"))
    for key in "bcd":
        offers.offer_redeem(
            actor=citizen, offer=make_offer(program, make_merchant(program)), key=key
        )
    assert _queries(client, "/api/v1/rewards/vouchers") == one
    assert _queries(client, reverse("rewards_offers:vouchers")) == one_page


def test_the_offer_page_is_paginated_and_keeps_its_filters(client, program, merchant):
    from milieu.rewards.views_offers import PER_PAGE

    other = make_merchant(program)
    for _ in range(PER_PAGE + 1):
        make_offer(program, merchant)
    make_offer(program, other)
    client.force_login(citizen_with_points(program, 10))

    first = client.get(f"/en/rewards/offers/?merchant={merchant.pk}")
    html = first.content.decode()
    assert len(first.context["offers"]) == PER_PAGE
    assert f'href="?merchant={merchant.pk}&amp;page=2"' in html
    assert f'<option value="{other.pk}"' in html  # every merchant stays in the filter
    second = client.get(f"/en/rewards/offers/?merchant={merchant.pk}&page=2")
    assert [o.merchant_id for o in second.context["offers"]] == [merchant.pk]
    assert "Page 2 of 2" in second.content.decode()


def test_the_offers_api_is_paginated(client, program, merchant):
    for _ in range(3):
        make_offer(program, merchant)
    client.force_login(citizen_with_points(program, 10))

    body = client.get("/api/v1/rewards/offers?limit=2").json()

    assert body["count"] == 3 and len(body["items"]) == 2
    rest = client.get("/api/v1/rewards/offers?limit=2&offset=2").json()["items"]
    assert {o["id"] for o in body["items"] + rest} == set(
        Offer.objects.values_list("pk", flat=True)
    )


def test_residents_of_one_town_share_the_cached_offer_list_until_an_offer_changes(
    client, program, merchant
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = make_offer(program, merchant)
    client.force_login(citizen_with_points(program, 10))
    assert client.get("/api/v1/rewards/offers").json()["count"] == 1

    client.force_login(citizen_with_points(program, 10))  # a neighbour
    client.get("/api/v1/me")  # their own facts are read here, not by the list
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/api/v1/rewards/offers").json()
    assert [q["sql"] for q in queries if "rewards_offer" in q["sql"]] == []
    assert [o["id"] for o in body["items"]] == [first.pk]

    second = make_offer(program, merchant)
    assert {o["id"] for o in client.get("/api/v1/rewards/offers").json()["items"]} == {
        first.pk,
        second.pk,
    }
    first.active = False
    first.save()
    assert [o["id"] for o in client.get("/api/v1/rewards/offers").json()["items"]] == [second.pk]

    unverified = make_merchant(program, verified=False)
    hidden = make_offer(program, unverified)
    assert hidden.pk not in {o["id"] for o in client.get("/api/v1/rewards/offers").json()["items"]}
    unverified.verified_at = timezone.now()
    unverified.save()
    assert hidden.pk in {o["id"] for o in client.get("/api/v1/rewards/offers").json()["items"]}


def test_my_wallets_and_history_come_from_the_cache_until_a_posting(client, program, merchant):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .offers_helpers import give_points

    citizen = citizen_with_points(program, 100)
    client.force_login(citizen)
    assert client.get("/api/v1/rewards/wallets").json()[0]["balance"] == 100
    assert client.get("/api/v1/rewards/history").json()["count"] == 1

    with CaptureQueriesContext(connection) as queries:
        client.get("/api/v1/rewards/wallets")
        client.get("/api/v1/rewards/history")
    assert [q["sql"] for q in queries if "rewards_" in q["sql"]] == []

    give_points(program, citizen, 25)
    assert client.get("/api/v1/rewards/wallets").json()[0]["balance"] == 125
    from milieu.rewards.selectors import MY_WALLETS

    assert MY_WALLETS.rows(citizen.pk) == [tuple(r) for r in MY_WALLETS.reference(citizen.pk)]
    assert client.get("/api/v1/rewards/history").json()["count"] == 2

    offers.offer_redeem(
        actor=citizen, offer=make_offer(program, merchant, points_price=30), key="r"
    )
    assert client.get("/api/v1/rewards/wallets").json()[0]["balance"] == 95
    history = client.get("/api/v1/rewards/history?limit=1").json()
    assert (history["count"], [e["amount"] for e in history["items"]]) == (3, [-30])
    first_page = client.get("/api/v1/rewards/history").json()  # the compiled queries
    assert first_page == client.get("/api/v1/rewards/history?limit=21").json()  # the ORM
    client.force_login(citizen_with_points(program, 0))
    assert client.get("/api/v1/rewards/history").json() == {"items": [], "count": 0}
