"""The committees demo (`make run`): Idées collectives' five committees, every member seated, a
motion decided by the vote weighted by population; loading it twice changes nothing."""

import pytest

from milieu.accounts import demo as accounts_demo
from milieu.core import demo
from milieu.territory import demo as territory_demo
from milieu.territory import demo_committees
from milieu.territory.models import Committee, CommitteeSeat, Motion, MotionVote, Region

pytestmark = pytest.mark.django_db


def test_the_loader_comes_after_the_accounts():
    names = [loader.name for loader in demo.loaders()]
    assert names.index("accounts") < names.index("committees")


def test_the_demo_committees_and_the_weighted_motion():
    territory_demo.load()
    accounts_demo.load()
    demo_committees.load()
    counts = (Committee.objects.count(), CommitteeSeat.objects.count(), MotionVote.objects.count())
    demo_committees.load()  # idempotent
    assert (
        Committee.objects.count(),
        CommitteeSeat.objects.count(),
        MotionVote.objects.count(),
    ) == counts
    region = Region.objects.get(slug="idees-collectives")
    assert sorted(region.committees.values_list("slug", flat=True)) == [
        "communication",
        "legal",
        "produit",
        "redaction",
        "strategique",
    ]
    seated = set(
        CommitteeSeat.objects.filter(committee__region=region).values_list(
            "municipality__slug", flat=True
        )
    )
    assert seated == set(region.municipalities.values_list("slug", flat=True))
    assert (
        CommitteeSeat.objects.get(
            committee__slug="produit", municipality__slug="brossard"
        ).delegate.email
        == "employe.brossard@demo.milieu.test"
    )
    decided = Motion.objects.get(committee__slug="produit", number=1)
    assert (decided.status, decided.stage) == ("rejected", "weighted")
    equal, weighted = decided.rounds.order_by("opened_at", "pk")
    assert (equal.yes, equal.no, equal.outcome, equal.contested) == (8, 3, "adopted", True)
    assert (weighted.population_yes, weighted.population_no) == (135_661, 160_986)
    waiting = Motion.objects.get(committee__slug="produit", number=2)
    assert waiting.status == "open"
    assert not waiting.votes.filter(municipality__slug="brossard").exists()
    assert Committee.objects.filter(region__slug="temiscamingue").count() == 1
