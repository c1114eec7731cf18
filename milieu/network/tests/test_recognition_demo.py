"""The recognition demo: the platform's "Digital starter" and the MRC's criterion, Ville-Marie
holding badges with their evidence; loading it twice changes nothing."""

import pytest

from milieu.accounts import demo as accounts_demo
from milieu.core import demo
from milieu.network import demo_recognition
from milieu.network.models import Award, Criterion
from milieu.territory import demo as territory_demo

pytestmark = pytest.mark.django_db


def test_the_loader_comes_after_the_indicators():
    names = [loader.name for loader in demo.loaders()]
    assert names.index("accounts") < names.index("recognition")
    assert [loader.order for loader in demo.loaders() if loader.name == "recognition"] == [310]


def test_the_demo_criteria_and_ville_maries_badges():
    territory_demo.load()
    accounts_demo.load()
    demo_recognition.load()
    counts = (Criterion.objects.count(), Award.objects.count())
    demo_recognition.load()  # idempotent
    assert (Criterion.objects.count(), Award.objects.count()) == counts
    starter = Criterion.objects.get(region=None, name_en="Digital starter")
    assert (starter.kind, starter.threshold) == ("maturity_overall", 2.5)
    regional = Criterion.objects.get(region__slug="temiscamingue")
    assert regional.params == {"dimension": "participation"}
    held = set(
        Award.objects.filter(municipality__slug="ville-marie", lapsed_at__isnull=True).values_list(
            "criterion__name_en", flat=True
        )
    )
    assert held == {"Digital starter", "Citizen participation"}
