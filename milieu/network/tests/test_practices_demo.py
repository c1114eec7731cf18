"""The practices demo: Ville-Marie's two practices and Brossard's, Brossard's adoption and
comment; loading it twice changes nothing."""

import pytest

from milieu.accounts import demo as accounts_demo
from milieu.core import demo
from milieu.network import demo_practices
from milieu.network.models import Adoption, Practice, PracticeComment, PracticeTag
from milieu.territory import demo as territory_demo

pytestmark = pytest.mark.django_db


def test_the_loader_comes_after_the_accounts():
    names = [loader.name for loader in demo.loaders()]
    assert names.index("accounts") < names.index("practices")
    assert next(loader.order for loader in demo.loaders() if loader.name == "practices") == 230


def test_the_demo_practices_and_brossards_adoption():
    territory_demo.load()
    accounts_demo.load()
    demo_practices.load()
    counts = (
        Practice.objects.count(),
        PracticeTag.objects.count(),
        Adoption.objects.count(),
        PracticeComment.objects.count(),
    )
    demo_practices.load()  # idempotent
    assert (
        (
            Practice.objects.count(),
            PracticeTag.objects.count(),
            Adoption.objects.count(),
            PracticeComment.objects.count(),
        )
        == counts
        == (3, 7, 1, 1)
    )
    assert sorted(Practice.objects.values_list("municipality__slug", "status")) == [
        ("brossard", "published"),
        ("ville-marie", "published"),
        ("ville-marie", "published"),
    ]
    adoption = Adoption.objects.select_related("practice__municipality", "municipality").get()
    assert (adoption.municipality.slug, adoption.practice.municipality.slug) == (
        "brossard",
        "ville-marie",
    )
    assert adoption.adopted_by.email == "employe.brossard@demo.milieu.test"
    assert PracticeComment.objects.get().author.email == "employe.brossard@demo.milieu.test"
