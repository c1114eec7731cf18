"""The indicators demo: the module on in Brossard and Ville-Marie, figures computed from the demo
data after every other loader, pages that answer, and loading twice changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from milieu.core import demo
from milieu.core.testing import client_for
from milieu.territory.models import Municipality

from ..models import ActiveResidentsCount, IndicatorValue

pytestmark = pytest.mark.django_db


def _load() -> str:
    out = StringIO()
    call_command("load_demo", force=True, stdout=out)
    return out.getvalue()


def test_the_loader_runs_after_every_app_s_demo_data():
    loaders = demo.loaders()
    orders = {loader.name: loader.order for loader in loaders}
    assert orders["indicators"] == 300
    assert all(order < 300 for name, order in orders.items() if name in {
        "accounts", "reports", "community", "exchange", "volunteering", "events", "rewards",
    })  # fmt: skip


def test_the_demo_towns_show_their_indicators_and_loading_twice_changes_nothing():
    _load()
    rows = sorted(
        IndicatorValue.objects.values_list(
            "municipality_id", "region_id", "metric", "month", "value", "basis"
        ),
        key=str,
    )
    counters = sorted(ActiveResidentsCount.objects.values_list("municipality_id", "month", "count"))
    for slug in ("brossard", "ville-marie"):
        town = Municipality.objects.get(slug=slug)
        assert "indicators" in town.enabled_modules
        assert IndicatorValue.objects.filter(municipality=town, metric="accounts").exists()
        page = client_for().get(reverse("indicators:town", args=[slug]))
        assert page.status_code == 200
    _load()
    assert (
        sorted(
            IndicatorValue.objects.values_list(
                "municipality_id", "region_id", "metric", "month", "value", "basis"
            ),
            key=str,
        )
        == rows
    )
    assert (
        sorted(ActiveResidentsCount.objects.values_list("municipality_id", "month", "count"))
        == counters
    )
