"""The recognition pages: badges with their holders and evidence, a badge's holders, a town's
badges current and past, small-number suppression in the evidence, and constant query counts."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from milieu.core.testing import assert_constant_queries, client_for
from milieu.network import services_recognition as services
from milieu.network.models import Criterion
from milieu.territory.tests.committees_factories import small_region
from milieu.territory.tests.factories import MunicipalityFactory

from .recognition_factories import TODAY, criterion, diagnostic, indicator

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


def _get(url):
    return client_for().get(url, HTTP_ACCEPT_LANGUAGE="en")


def test_the_recognition_page_shows_badges_holders_and_evidence():
    region, (town, other) = small_region(2)
    town.name = "Ville-Marie"
    town.save()
    diagnostic(town, 3.8, on=date(2026, 11, 2))
    criterion(name_en="Digital starter", description_en="Overall maturity of 2.5 or more.")
    criterion(region, name_en="Regional badge", kind="maturity_overall", threshold=4.5)
    services.recognition_evaluate(today=TODAY)
    response = _get(reverse("recognition:index"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Digital starter" in body
    assert "Overall maturity of 2.5 or more." in body
    assert "Ville-Marie" in body
    assert "Overall maturity 3.8/5 on Nov. 2, 2026" in body
    assert "Regional badge" in body
    assert "No municipality holds this badge yet." in body
    assert other.name not in body


def test_a_share_with_a_small_basis_shows_fewer_than_5_on_every_page():
    _region, (tiny, big) = small_region(2)
    indicator(tiny, "verified_share", date(2026, 12, 1), 75.0, basis=3)
    indicator(big, "verified_share", date(2026, 12, 1), 72.0, basis=720)
    badge = criterion(kind="verified_share", threshold=50, name_en="Verified town")
    services.recognition_evaluate(today=TODAY)
    for url in (
        reverse("recognition:index"),
        reverse("recognition:badge", args=[badge.pk]),
        reverse("recognition:municipality", args=[tiny.slug]),
    ):
        body = _get(url).content.decode()
        assert "Residents verified: fewer than 5 verified residents (December 2026)" in body, url
        assert "75 %" not in body and "75.0" not in body, url
    body = _get(reverse("recognition:index")).content.decode()
    assert "72 % of residents verified (December 2026)" in body


def test_the_reports_evidence_names_the_count_and_the_months():
    _region, (town,) = small_region(1)
    indicator(town, "reports_closed", date(2026, 12, 1), 10)
    indicator(town, "reports_closed_within_7_days", date(2026, 12, 1), 8)
    criterion(kind="reports_closed_within_7_days", threshold=75)
    services.recognition_evaluate(today=TODAY)
    body = _get(reverse("recognition:municipality", args=[town.slug])).content.decode()
    assert "80 % of 10 problem reports closed within 7 days, January 2026 to December 2026" in body


def test_a_towns_page_shows_current_and_past_badges():
    _region, (town,) = small_region(1)
    diagnostic(town, 3.0, on=date(2026, 10, 1))
    kept = criterion(name_en="Kept")
    lost = criterion(name_en="Lost", threshold=2.9)
    services.recognition_evaluate(today=date(2026, 10, 2))
    Criterion.objects.filter(pk=lost.pk).update(threshold=3.5)
    services.recognition_evaluate(today=TODAY)
    response = _get(reverse("recognition:municipality", args=[town.slug]))
    body = response.content.decode()
    current, past = body.split("Past badges")
    assert kept.name_en in current and lost.name_en not in current
    assert lost.name_en in past
    assert "from Oct. 2, 2026 to" in past


def test_a_town_without_badges_and_an_unknown_town():
    town = MunicipalityFactory()
    body = _get(reverse("recognition:municipality", args=[town.slug])).content.decode()
    assert "This municipality holds no badge at the moment." in body
    assert _get(reverse("recognition:municipality", args=["nowhere"])).status_code == 404


def test_a_turned_off_badge_has_no_page():
    badge = criterion(active=False)
    assert _get(reverse("recognition:badge", args=[badge.pk])).status_code == 404
    assert "Digital starter" not in _get(reverse("recognition:index")).content.decode()


def test_the_region_criteria_page_is_public():
    region, _towns = small_region(1)
    criterion(region, name_en="Regional badge", threshold=3)
    response = _get(reverse("region_recognition:criteria", args=[region.slug]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Regional badge" in body
    assert "at least 3.0/5" in body
    assert "New criterion" not in body


def _holders(count_prefix: str):
    badge = criterion(name_en=f"Badge {count_prefix}")

    def add(n: int) -> list[str]:
        names = []
        _region, towns = small_region(n)
        for index, town in enumerate(towns):
            town.name = f"{count_prefix} {index:03d} {town.slug}"
            town.save()
            diagnostic(town, 3.0 + index % 2)
            names.append(town.name)
        services.recognition_evaluate(today=TODAY, criteria=Criterion.objects.filter(pk=badge.pk))
        return names

    return badge, add


def test_the_badges_page_holders_cost_constant_queries():
    badge, add = _holders("Holder")
    assert_constant_queries(client_for(), reverse("recognition:badge", args=[badge.pk]), add)


def test_the_recognition_page_costs_constant_queries_whatever_the_badges():
    def add(n: int) -> list[str]:
        names = []
        for index in range(n):
            _region, (town,) = small_region(1)
            diagnostic(town, 4.0)
            made = criterion(name_en=f"Badge {Criterion.objects.count()}-{index}")
            names.append(made.name_en)
        services.recognition_evaluate(today=TODAY)
        return names

    assert_constant_queries(client_for(), reverse("recognition:index"), add, few=2, many=8)


def test_the_towns_page_costs_constant_queries():
    _region, (town,) = small_region(1)
    diagnostic(town, 4.0)

    def add(n: int) -> list[str]:
        names = [criterion(name_en=f"Badge {Criterion.objects.count()}").name_en for _ in range(n)]
        services.recognition_evaluate(today=TODAY)
        return names

    url = reverse("recognition:municipality", args=[town.slug])
    assert_constant_queries(client_for(), url, add, few=2, many=8)


def test_the_recognition_page_shows_at_most_a_dozen_holders_and_links_to_the_rest():
    badge, add = _holders("Town")
    add(14)
    body = _get(reverse("recognition:index")).content.decode()
    assert body.count("Town 0") == 12
    assert "See all 14 municipalities holding it" in body
    assert reverse("recognition:badge", args=[badge.pk]) in body


def test_figures_are_rounded_not_cut():
    _region, (town, shared) = small_region(2)
    diagnostic(town, 2.86, on=date(2026, 11, 2))
    indicator(shared, "verified_share", date(2026, 12, 1), 72.6, basis=726)
    criterion()
    criterion(kind="verified_share", threshold=50)
    services.recognition_evaluate(today=TODAY)
    body = _get(reverse("recognition:index")).content.decode()
    assert "Overall maturity 2.9/5 on Nov. 2, 2026" in body
    assert "73 % of residents verified (December 2026)" in body


def test_the_kept_recognition_pages_show_a_new_badge_after_the_evaluation():
    """The public pages are kept rendered (`core.pagecache`) until the next evaluation or
    criterion change renews them."""
    _region, (town, _other) = small_region(2)
    town.name = "Ville-Marie"
    town.save()
    diagnostic(town, 3.8, on=date(2026, 11, 2))
    criterion(name_en="Fresh badge", description_en="Overall maturity of 2.5 or more.")
    index = reverse("recognition:index")
    mine = reverse("recognition:municipality", args=[town.slug])
    assert "Ville-Marie" not in _get(index).content.decode()
    assert "Fresh badge" not in _get(mine).content.decode()
    services.recognition_evaluate(today=TODAY)
    assert "Ville-Marie" in _get(index).content.decode()
    assert "Fresh badge" in _get(mine).content.decode()
