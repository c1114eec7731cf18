"""The computation of the summary table: what each metric counts, by month and municipality;
regions as sums and as shares and medians recomputed over the members' raw data; a run
replaces its months; one query per metric whatever the number of towns."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from milieu.accounts.models import Membership, Verification
from milieu.accounts.tests.factories import UserFactory, citizen_of
from milieu.community.models import Post
from milieu.reports.models import Report
from milieu.reports.tests import factories as reports
from milieu.territory.tests.factories import DistrictFactory

from .. import metrics
from ..models import ActiveResidentsCount, IndicatorValue
from ..services_indicators import indicators_compute
from .factories_indicators import TODAY, at, region, town

pytestmark = pytest.mark.django_db
APRIL, MAY, JUNE = date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1)


def _values(scope: str, scope_id: int, metric: str) -> dict[date, tuple[float, int]]:
    return {
        month: (value, basis)
        for month, value, basis in IndicatorValue.objects.filter(
            **{f"{scope}_id": scope_id}, metric=metric
        ).values_list("month", "value", "basis")
    }


def _resident(municipality, joined):
    user = UserFactory()
    Membership.objects.create(user=user, municipality=municipality, is_home=True, joined_at=joined)
    return user


def _verify(user, municipality, decided, revoked=None):
    Verification.objects.create(
        user=user,
        municipality=municipality,
        method="letter",
        status=Verification.Status.REVOKED if revoked else Verification.Status.APPROVED,
        decided_at=decided,
        revoked_at=revoked,
    )


def test_accounts_count_the_home_residents_at_the_end_of_each_month():
    town_ = town()
    elsewhere = town()
    for joined in (at(2026, 3, 10), at(2026, 4, 2), at(2026, 5, 31, 23), at(2026, 6, 1)):
        _resident(town_, joined)
    visitor = UserFactory()
    Membership.objects.create(user=visitor, municipality=town_, is_home=False)
    _resident(elsewhere, at(2026, 4, 2))

    indicators_compute(months=3, today=TODAY)

    assert _values("municipality", town_.pk, "accounts") == {
        APRIL: (2.0, 2),
        MAY: (3.0, 3),
        JUNE: (4.0, 4),
    }
    assert _values("municipality", elsewhere.pk, "accounts") == {
        APRIL: (1.0, 1),
        MAY: (1.0, 1),
        JUNE: (1.0, 1),
    }


def test_verified_residents_count_those_verified_by_then_and_not_yet_revoked():
    town_ = town(population=400)
    people = [_resident(town_, at(2026, 1, 1)) for _ in range(6)]
    for person in people[:4]:
        _verify(person, town_, at(2026, 4, 20))
    _verify(people[4], town_, at(2026, 5, 3))
    _verify(people[5], town_, at(2026, 4, 1), revoked=at(2026, 6, 2))
    Verification.objects.create(user=people[0], municipality=town_, method="document")  # pending

    indicators_compute(months=3, today=TODAY)

    assert _values("municipality", town_.pk, "verified_residents") == {
        APRIL: (5.0, 5),
        MAY: (6.0, 6),
        JUNE: (5.0, 5),
    }
    # A percentage of the population, its basis the verified count.
    assert _values("municipality", town_.pk, "verified_share") == {
        APRIL: (1.2, 5),
        MAY: (1.5, 6),
        JUNE: (1.2, 5),
    }


def test_monthly_active_residents_are_copied_from_the_counter():
    town_ = town()
    ActiveResidentsCount.objects.create(municipality=town_, month=MAY, count=12)
    ActiveResidentsCount.objects.create(municipality=town_, month=date(2025, 1, 1), count=99)

    indicators_compute(months=3, today=TODAY)

    assert _values("municipality", town_.pk, "active_residents") == {MAY: (12.0, 12)}


def test_posts_count_the_visible_posts_of_the_month():
    town_ = town()
    district = DistrictFactory(municipality=town_)
    author = citizen_of(town_)
    for created, hidden in (
        (at(2026, 5, 2), None),
        (at(2026, 5, 30), None),
        (at(2026, 5, 12), at(2026, 5, 13)),
        (at(2026, 6, 1), None),
    ):
        Post.objects.create(
            municipality=town_,
            district=district,
            author=author,
            body="Bonjour",
            created_at=created,
            hidden_at=hidden,
        )

    indicators_compute(months=3, today=TODAY)

    assert _values("municipality", town_.pk, "posts") == {MAY: (2.0, 2), JUNE: (1.0, 1)}


def _closed_report(municipality, requested, closed):
    report = reports.report(municipality)
    Report.objects.filter(pk=report.pk).update(
        requested_at=requested, closed_at=closed, status="closed_fixed" if closed else "open"
    )
    return report


def test_reports_received_closed_within_seven_days_and_median_hours_to_close():
    town_ = town(modules=("indicators", "reports"))
    may = at(2026, 5, 4)
    _closed_report(town_, may, may + timedelta(hours=10))
    _closed_report(town_, may, may + timedelta(hours=30))
    _closed_report(town_, may, may + timedelta(days=7))
    _closed_report(town_, may, may + timedelta(days=9))
    _closed_report(town_, at(2026, 4, 28), at(2026, 5, 2))  # filed in April, closed in May
    _closed_report(town_, may, None)

    indicators_compute(months=3, today=TODAY)

    assert _values("municipality", town_.pk, "reports_received") == {
        APRIL: (1.0, 1),
        MAY: (5.0, 5),
    }
    assert _values("municipality", town_.pk, "reports_closed") == {MAY: (5.0, 5)}
    assert _values("municipality", town_.pk, "reports_closed_within_7_days") == {MAY: (4.0, 4)}
    # 10 h, 30 h, 96 h, 168 h, 216 h: the median is 96 h, from 5 closed reports.
    assert _values("municipality", town_.pk, "reports_median_close_hours") == {MAY: (96.0, 5)}


def test_a_region_sums_counts_and_recomputes_shares_and_medians_from_its_members():
    region_ = region()
    both = ("indicators", "reports")
    big = town(region=region_, population=1000, modules=both)
    small = town(region=region_, population=100, modules=both)
    for _ in range(30):
        _verify(_resident(big, at(2026, 1, 1)), big, at(2026, 5, 1))
    for _ in range(2):
        _verify(_resident(small, at(2026, 1, 1)), small, at(2026, 5, 1))
    may = at(2026, 5, 4)
    for hours in (1, 2, 3):
        _closed_report(big, may, may + timedelta(hours=hours))
    _closed_report(small, may, may + timedelta(hours=100))

    indicators_compute(months=3, today=TODAY)

    assert _values("region", region_.pk, "accounts")[MAY] == (32.0, 32)
    # 32 verified of 1,100 residents (not the mean of 3 % and 2 %).
    assert _values("region", region_.pk, "verified_share")[MAY] == (2.9, 32)
    # Median of 1, 2, 3 and 100 hours (not the median of the two towns' medians, 2 and 100).
    assert _values("region", region_.pk, "reports_median_close_hours")[MAY] == (2.5, 4)


def test_a_second_run_replaces_its_months_and_a_zero_is_not_stored():
    town_ = town()
    ActiveResidentsCount.objects.create(municipality=town_, month=MAY, count=12)
    indicators_compute(months=3, today=TODAY)
    ActiveResidentsCount.objects.filter(municipality=town_).update(count=0)

    indicators_compute(months=3, today=TODAY)

    assert _values("municipality", town_.pk, "active_residents") == {}


def test_a_run_for_some_municipalities_leaves_the_others_and_the_regions():
    region_ = region()
    one, other = town(region=region_), town(region=region_)
    ActiveResidentsCount.objects.create(municipality=one, month=MAY, count=10)
    ActiveResidentsCount.objects.create(municipality=other, month=MAY, count=20)
    indicators_compute(months=3, today=TODAY)
    ActiveResidentsCount.objects.filter(municipality=one).update(count=11)
    ActiveResidentsCount.objects.filter(municipality=other).update(count=21)

    indicators_compute(months=3, today=TODAY, municipality_ids=[one.pk])

    assert _values("municipality", one.pk, "active_residents") == {MAY: (11.0, 11)}
    assert _values("municipality", other.pk, "active_residents") == {MAY: (20.0, 20)}
    assert _values("region", region_.pk, "active_residents") == {MAY: (30.0, 30)}


def test_each_metric_is_one_query_whatever_the_number_of_towns():
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            indicators_compute(months=3, today=TODAY)
        return len(captured.captured_queries)

    town()
    few = queries()
    for _ in range(6):
        town()
    assert queries() == few
    # One per metric (the verified count is shared by its share, which also reads the
    # populations), the territory for the regions, and the writes.
    assert few <= len(metrics.all_metrics()) + 8


def test_every_metric_of_the_contract_is_registered():
    assert metrics.keys() == [
        "accounts",
        "verified_residents",
        "verified_share",
        "active_residents",
        "posts",
        "exchanges_completed",
        "volunteer_hours",
        "newcomer_pairs",
        "event_attendance",
        "points_earned",
        "points_redeemed_merchants",
        "consultation_participation",
        "reports_received",
        "reports_closed",
        "reports_closed_within_7_days",
        "reports_median_close_hours",
    ]


def test_the_command_computes_one_municipality_and_refuses_an_unknown_one():
    from io import StringIO

    from django.core.management.base import CommandError

    town_ = town(slug="ville-commande")
    ActiveResidentsCount.objects.create(
        municipality=town_, month=metrics.months_back(1)[0], count=7
    )
    out = StringIO()
    call_command("compute_indicators", "--months", "2", "--municipality", town_.slug, stdout=out)
    assert out.getvalue().startswith("1 municipal and 0 regional figures")
    assert IndicatorValue.objects.filter(municipality=town_, metric="active_residents").count() == 1
    with pytest.raises(CommandError, match="Unknown municipality: nulle-part"):
        call_command("compute_indicators", "--municipality", "nulle-part")
