"""Recognition's evaluation and criteria: a badge is awarded when the criterion is met, kept with
fresh evidence while it is, lapsed (kept as history) when it no longer is; only towns of the
criterion's region are evaluated; running twice changes nothing; criteria are checked."""

from datetime import date

import pytest
from django.core.management import call_command

from milieu.core.errors import ApplicationError, PermissionDenied
from milieu.network import services_recognition as services
from milieu.network.models import Award, Criterion
from milieu.territory.tests.committees_factories import consortium_admin, small_region
from milieu.territory.tests.factories import MunicipalityFactory

from .recognition_factories import TODAY, criterion, diagnostic, indicator, operator

pytestmark = pytest.mark.django_db


def _current(badge):
    return sorted(
        Award.objects.filter(criterion=badge, lapsed_at__isnull=True).values_list(
            "municipality__slug", flat=True
        )
    )


def test_a_town_meeting_the_threshold_is_awarded_with_its_evidence():
    _region, (town, low) = small_region(2)
    diagnostic(town, 3.8, on=date(2026, 11, 2))
    diagnostic(low, 2.4)
    badge = criterion()
    result = services.recognition_evaluate(today=TODAY)
    assert (result.awarded, result.confirmed, result.lapsed) == (1, 0, 0)
    award = Award.objects.get(criterion=badge)
    assert award.municipality == town
    assert award.period == TODAY
    assert award.lapsed_at is None
    assert award.evidence == {
        "kind": "maturity_overall",
        "value": 3.8,
        "basis": None,
        "unit": "score",
        "source": "diagnostic",
        "date": "2026-11-02",
    }


def test_the_threshold_itself_is_enough_and_only_the_latest_diagnostic_counts():
    _region, (exact, fallen) = small_region(2)
    diagnostic(exact, 2.5)
    diagnostic(fallen, 4.0, on=date(2026, 1, 1))
    diagnostic(fallen, 2.0, on=date(2026, 10, 1))
    badge = criterion()
    services.recognition_evaluate(today=TODAY)
    assert _current(badge) == [exact.slug]


def test_draft_diagnostics_do_not_count():
    from milieu.network.models import Diagnostic

    _region, (town,) = small_region(1)
    Diagnostic.objects.create(municipality=town, overall=4.5)  # a draft
    badge = criterion()
    services.recognition_evaluate(today=TODAY)
    assert _current(badge) == []


def test_evaluating_twice_changes_nothing_but_the_confirmation():
    _region, (town,) = small_region(1)
    diagnostic(town, 3.0)
    badge = criterion()
    services.recognition_evaluate(today=TODAY)
    first = list(Award.objects.values("pk", "period", "awarded_at", "lapsed_at", "evidence"))
    result = services.recognition_evaluate(today=TODAY)
    assert (result.awarded, result.confirmed, result.lapsed) == (0, 1, 0)
    assert list(Award.objects.values("pk", "period", "awarded_at", "lapsed_at", "evidence")) == (
        first
    )
    assert _current(badge) == [town.slug]


def test_an_award_lapses_when_the_criterion_stops_being_met_and_stays_as_history():
    _region, (town,) = small_region(1)
    diagnostic(town, 3.0, on=date(2026, 10, 1))
    badge = criterion()
    services.recognition_evaluate(today=date(2026, 11, 1))
    diagnostic(town, 2.0, on=date(2026, 11, 20))
    result = services.recognition_evaluate(today=TODAY)
    assert (result.awarded, result.confirmed, result.lapsed) == (0, 0, 1)
    award = Award.objects.get(criterion=badge)
    assert award.lapsed_at is not None
    assert award.evidence["value"] == 3.0  # the evidence it was held on
    assert _current(badge) == []


def test_a_badge_earned_again_later_is_a_new_award():
    _region, (town,) = small_region(1)
    diagnostic(town, 3.0, on=date(2026, 9, 1))
    badge = criterion()
    services.recognition_evaluate(today=date(2026, 9, 2))
    diagnostic(town, 2.0, on=date(2026, 10, 1))
    services.recognition_evaluate(today=date(2026, 10, 2))
    diagnostic(town, 3.5, on=date(2026, 11, 1))
    services.recognition_evaluate(today=TODAY)
    awards = list(Award.objects.filter(criterion=badge).order_by("period"))
    assert [(a.period, a.lapsed_at is None) for a in awards] == [
        (date(2026, 9, 2), False),
        (TODAY, True),
    ]


def test_a_badge_lost_and_earned_again_the_same_day_takes_back_that_days_award():
    _region, (town,) = small_region(1)
    diagnostic(town, 3.0, on=date(2026, 11, 1))
    badge = criterion()
    services.recognition_evaluate(today=TODAY)
    badge.threshold = 4.0
    badge.save()
    services.recognition_evaluate(today=TODAY)
    badge.threshold = 2.0
    badge.save()
    result = services.recognition_evaluate(today=TODAY)
    assert result.awarded == 1
    [award] = Award.objects.filter(criterion=badge)
    assert award.lapsed_at is None


def test_a_region_criterion_awards_only_the_regions_members():
    region, (member,) = small_region(1)
    _other, (outsider,) = small_region(1)
    diagnostic(member, 4.0)
    diagnostic(outsider, 4.0)
    regional = criterion(region)
    platform = criterion()
    services.recognition_evaluate(today=TODAY)
    assert _current(regional) == [member.slug]
    assert _current(platform) == sorted([member.slug, outsider.slug])


def test_a_town_that_leaves_the_region_loses_the_regions_badge():
    region, (member,) = small_region(1)
    other, _towns = small_region(1)
    diagnostic(member, 4.0)
    regional = criterion(region)
    services.recognition_evaluate(today=TODAY)
    member.region = other
    member.save()
    services.recognition_evaluate(today=TODAY)
    assert _current(regional) == []


def test_a_criterion_turned_off_lapses_its_awards():
    _region, (town,) = small_region(1)
    diagnostic(town, 4.0)
    badge = criterion()
    services.recognition_evaluate(today=TODAY)
    Criterion.objects.filter(pk=badge.pk).update(active=False)
    result = services.recognition_evaluate(today=TODAY)
    assert result.lapsed == 1
    assert _current(badge) == []


def test_a_dimension_score_criterion_reads_that_dimension():
    _region, (strong, weak) = small_region(2)
    diagnostic(strong, 2.0, scores={"security": 4.0, "data": 1.0})
    diagnostic(weak, 4.5, scores={"security": 2.0, "data": 5.0})
    badge = criterion(kind="maturity_dimension", threshold=3.5, params={"dimension": "security"})
    services.recognition_evaluate(today=TODAY)
    assert _current(badge) == [strong.slug]
    award = Award.objects.get(criterion=badge)
    assert (award.evidence["dimension"], award.evidence["value"]) == ("security", 4.0)


def test_verified_share_reads_the_latest_month():
    _region, (town, fallen, old) = small_region(3)
    indicator(town, "verified_share", date(2026, 11, 1), 72.0, basis=720)
    indicator(town, "verified_share", date(2026, 10, 1), 10.0, basis=100)
    indicator(fallen, "verified_share", date(2026, 10, 1), 80.0, basis=80)
    indicator(fallen, "verified_share", date(2026, 12, 1), 40.0, basis=40)
    indicator(old, "verified_share", date(2025, 11, 1), 90.0, basis=90)  # over 12 months ago
    indicator(town, "accounts", date(2026, 12, 1), 9.0)
    badge = criterion(kind="verified_share", threshold=50)
    services.recognition_evaluate(today=TODAY)
    assert _current(badge) == [town.slug]
    evidence = Award.objects.get(criterion=badge).evidence
    assert (evidence["value"], evidence["basis"], evidence["date"]) == (72.0, 720, "2026-11-01")


def test_reports_closed_within_7_days_is_a_share_over_12_months_of_at_least_5_reports():
    _region, (quick, slow, few) = small_region(3)
    for month, closed, within in (
        (date(2026, 12, 1), 4, 3),
        (date(2026, 6, 1), 6, 5),
        (date(2025, 11, 1), 50, 0),  # before the 12 months: not counted
    ):
        indicator(quick, "reports_closed", month, closed)
        indicator(quick, "reports_closed_within_7_days", month, within)
    indicator(slow, "reports_closed", date(2026, 12, 1), 10)
    indicator(slow, "reports_closed_within_7_days", date(2026, 12, 1), 7)
    indicator(few, "reports_closed", date(2026, 12, 1), 4)  # 100 % of 4: too few
    indicator(few, "reports_closed_within_7_days", date(2026, 12, 1), 4)
    badge = criterion(kind="reports_closed_within_7_days", threshold=75)
    services.recognition_evaluate(today=TODAY)
    assert _current(badge) == [quick.slug]
    evidence = Award.objects.get(criterion=badge).evidence
    assert (evidence["value"], evidence["basis"], evidence["since"]) == (80.0, 10, "2026-01-01")


def test_the_command_evaluates_every_criterion(capsys):
    _region, (town,) = small_region(1)
    diagnostic(town, 4.0)
    badge = criterion()
    call_command("award_recognition")
    assert _current(badge) == [town.slug]
    assert "1 badge(s) awarded, 0 confirmed, 0 lapsed." in capsys.readouterr().out


# --- Criteria -----------------------------------------------------------------------------------

VALUES = {"name_fr": "Sécurité", "kind": "maturity_overall", "threshold": 3}


def test_the_platform_operator_creates_a_platform_criterion():
    made = services.criterion_create(actor=operator(), region=None, values=VALUES)
    assert (made.region, made.name_fr, made.kind, made.threshold, made.active) == (
        None,
        "Sécurité",
        "maturity_overall",
        3.0,
        True,
    )


def test_a_consortium_admin_creates_their_regions_criterion_only():
    region, _towns = small_region(1)
    other, _towns = small_region(1)
    admin = consortium_admin(region)
    made = services.criterion_create(actor=admin, region=region, values=VALUES)
    assert made.region == region
    with pytest.raises(PermissionDenied):
        services.criterion_create(actor=admin, region=other, values=VALUES)
    with pytest.raises(PermissionDenied):
        services.criterion_create(actor=admin, region=None, values=VALUES)
    assert Criterion.objects.count() == 1


def test_an_operator_without_mfa_is_refused():
    with pytest.raises(PermissionDenied):
        services.criterion_create(actor=operator(mfa=False), region=None, values=VALUES)
    assert not Criterion.objects.exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({**VALUES, "name_fr": ""}, "name_fr"),
        ({**VALUES, "kind": "nothing"}, "kind"),
        ({**VALUES, "threshold": 6}, "threshold"),
        ({**VALUES, "kind": "verified_share", "threshold": 101}, "threshold"),
        ({**VALUES, "threshold": "many"}, "threshold"),
        ({**VALUES, "kind": "maturity_dimension"}, "dimension"),
        ({**VALUES, "original_language": "de"}, "original_language"),
        ({**VALUES, "name_en": "x" * 121}, "name_en"),
    ],
)
def test_a_criterion_with_a_bad_value_is_refused_naming_the_field(values, field):
    with pytest.raises(ApplicationError) as refused:
        services.criterion_create(actor=operator(), region=None, values=values)
    assert list(refused.value.extra["fields"]) == [field]
    assert not Criterion.objects.exists()


def test_a_verified_share_criterion_accepts_a_percent():
    made = services.criterion_create(
        actor=operator(), region=None, values={**VALUES, "kind": "verified_share", "threshold": 60}
    )
    assert made.threshold == 60.0


def test_updating_keeps_the_fields_not_given():
    badge = criterion(kind="maturity_dimension", threshold=3, params={"dimension": "data"})
    updated = services.criterion_update(
        actor=operator(), criterion=badge, values={"threshold": 4, "active": False}
    )
    assert (updated.threshold, updated.params, updated.active, updated.name_fr) == (
        4.0,
        {"dimension": "data"},
        False,
        "Pionnier numérique",
    )


def test_a_consortium_admin_cannot_update_a_platform_criterion():
    region, _towns = small_region(1)
    badge = criterion()
    with pytest.raises(PermissionDenied):
        services.criterion_update(
            actor=consortium_admin(region), criterion=badge, values={"threshold": 1}
        )
    badge.refresh_from_db()
    assert badge.threshold == 2.5


def test_towns_without_figures_are_not_awarded():
    MunicipalityFactory()
    badge = criterion(kind="verified_share", threshold=0)
    services.recognition_evaluate(today=TODAY)
    assert _current(badge) == []
