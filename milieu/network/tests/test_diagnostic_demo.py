"""The diagnostic and plans demo: Ville-Marie's staff account, its diagnostic completed last
year and its draft, its plan of three actions, Brossard's completed diagnostic; loading twice
changes nothing."""

import pytest

from milieu.accounts import demo as accounts_demo
from milieu.accounts.models import Role, RoleAssignment
from milieu.core import demo
from milieu.network import demo_diagnostic, demo_plans
from milieu.network.models import Diagnostic, DiagnosticAnswer, PlanAction
from milieu.network.questions import weakest
from milieu.territory import demo as territory_demo

pytestmark = pytest.mark.django_db


def test_the_loaders_come_after_the_accounts_in_order():
    names = [loader.name for loader in demo.loaders()]
    assert names.index("accounts") < names.index("diagnostic") < names.index("plans")


def test_the_demo_diagnostics_and_plan():
    territory_demo.load()
    accounts_demo.load()
    demo_diagnostic.load()
    demo_plans.load()
    counts = (
        Diagnostic.objects.count(),
        DiagnosticAnswer.objects.count(),
        PlanAction.objects.count(),
    )
    demo_diagnostic.load()
    demo_plans.load()
    assert (
        Diagnostic.objects.count(),
        DiagnosticAnswer.objects.count(),
        PlanAction.objects.count(),
    ) == counts
    role = RoleAssignment.objects.get(user__email="employe.ville-marie@demo.milieu.test")
    assert (role.role, role.municipality.slug) == (Role.STAFF, "ville-marie")
    town = role.municipality
    done = Diagnostic.objects.get(municipality=town, status="completed")
    assert [r.dimension for r in weakest(done.scores)] == [
        "connectivity",
        "data",
        "skills",
    ]
    draft = Diagnostic.objects.get(municipality=town, status="draft")
    assert draft.answers.count() == 6
    assert sorted(
        PlanAction.objects.filter(municipality=town).values_list("status", flat=True)
    ) == [
        "done",
        "in_progress",
        "planned",
    ]
    assert Diagnostic.objects.filter(municipality__slug="brossard", status="completed").count() == 1
