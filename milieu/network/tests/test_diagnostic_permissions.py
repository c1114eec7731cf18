"""Who may write the diagnostic and the plan, and read the region's plans: the permission
matrix (anonymous, citizen, citizen of another town, staff, staff of another town, staff
without MFA, the region's consortium administrator), with proof that a refused write changes
nothing — through the services, the pages and the API."""

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from milieu.accounts.tests.factories import citizen_of
from milieu.core.errors import PermissionDenied
from milieu.core.testing import client_for
from milieu.network import services_diagnostic as services
from milieu.network import services_plans
from milieu.network.models import Diagnostic, DiagnosticAnswer, PlanAction

from . import diagnostic_factories as f

pytestmark = pytest.mark.django_db

PEOPLE = ["anonymous", "citizen", "other_citizen", "other_staff", "staff_without_mfa", "consortium"]


@pytest.fixture
def world():
    region = f.RegionFactory()
    here = f.town(region=region)
    there = f.town(region=region)
    people = {
        "anonymous": AnonymousUser(),
        "citizen": citizen_of(here),
        "other_citizen": citizen_of(there),
        "staff": f.staff(here),
        "other_staff": f.staff(there),
        "staff_without_mfa": f.staff(here, mfa=False),
        "consortium": f.consortium_admin(region, home=here),
    }
    return here, people


def _snapshot():
    return (
        list(Diagnostic.objects.order_by("pk").values()),
        list(DiagnosticAnswer.objects.order_by("pk").values()),
        list(PlanAction.objects.order_by("pk").values()),
    )


@pytest.mark.parametrize("who", PEOPLE)
def test_only_the_towns_staff_write_its_diagnostic_and_plan(world, who):
    here, people = world
    actor = people[who]
    draft = f.draft(here, {"data_open": 2})
    done = f.completed(here, 1, days_ago=30)
    action = f.action(here)
    before = _snapshot()
    attempts = [
        lambda: services.diagnostic_start(actor=actor, municipality=here),
        lambda: services.diagnostic_answer(actor=actor, diagnostic=draft, answers={"data_open": 5}),
        lambda: services.diagnostic_complete(actor=actor, diagnostic=draft),
        lambda: services.diagnostic_discard(actor=actor, diagnostic=draft),
        lambda: services_plans.plan_action_create(
            actor=actor, municipality=here, values={"title": "X", "dimension": "data"}
        ),
        lambda: services_plans.plan_action_from_recommendation(
            actor=actor, diagnostic=done, dimension="data"
        ),
        lambda: services_plans.plan_action_update(
            actor=actor, action=action, values={"status": "done"}
        ),
        lambda: services_plans.plan_action_delete(actor=actor, action=action),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert _snapshot() == before


def test_the_towns_staff_may_do_all_of_it(world):
    here, people = world
    officer = people["staff"]
    done = f.completed(here, {"data": 1}, days_ago=30)
    diagnostic = services.diagnostic_start(actor=officer, municipality=here)
    services.diagnostic_answer(actor=officer, diagnostic=diagnostic, answers=f.levels(2))
    services.diagnostic_complete(actor=officer, diagnostic=diagnostic)
    action = services_plans.plan_action_from_recommendation(
        actor=officer, diagnostic=done, dimension="data"
    )
    services_plans.plan_action_update(actor=officer, action=action, values={"status": "done"})
    services_plans.plan_action_delete(actor=officer, action=action)
    assert PlanAction.objects.count() == 0
    assert Diagnostic.objects.filter(status="completed").count() == 2


@pytest.mark.parametrize("who", [*PEOPLE, "staff"])
def test_the_pages_refuse_the_others_and_change_nothing(world, who):
    here, people = world
    draft = f.draft(here, {"data_open": 2})
    action = f.action(here)
    before = _snapshot()
    client = client_for(None if who == "anonymous" else people[who])
    posts = [
        reverse("diagnostic:start", args=[here.slug]),
        reverse("diagnostic:detail", args=[here.slug, draft.pk]),
        reverse("plans:index", args=[here.slug]),
        reverse("plans:edit", args=[here.slug, action.pk]),
        reverse("plans:delete", args=[here.slug, action.pk]),
    ]
    gets = [
        reverse("diagnostic:index", args=[here.slug]),
        reverse("plans:index", args=[here.slug]),
    ]
    data = {"data_open": "5", "title": "X", "dimension": "data", "status": "done"}
    statuses = [client.post(url, data).status_code for url in posts]
    statuses += [client.get(url).status_code for url in gets]
    if who == "staff":
        assert statuses[:2] == [302, 302]
        return
    expected = {"anonymous": 302, "staff_without_mfa": 302}.get(who, 403)
    assert statuses == [expected] * len(statuses)
    assert _snapshot() == before


@pytest.mark.parametrize("who", [*PEOPLE, "staff"])
def test_the_api_refuses_the_others_and_changes_nothing(world, who):
    here, people = world
    draft = f.draft(here, {"data_open": 2})
    action = f.action(here)
    before = _snapshot()
    client = client_for(None if who == "anonymous" else people[who])
    base = f"/api/v1/municipalities/{here.slug}"
    answers = json.dumps({"answers": {"data_open": 5}})
    statuses = [
        client.post(f"{base}/diagnostics").status_code,
        client.put(
            f"{base}/diagnostics/{draft.pk}/answers", answers, content_type="application/json"
        ).status_code,
        client.post(f"{base}/diagnostics/{draft.pk}/complete").status_code,
        client.post(
            f"{base}/plan/actions",
            json.dumps({"title": "X", "dimension": "data"}),
            content_type="application/json",
        ).status_code,
        client.patch(
            f"{base}/plan/actions/{action.pk}",
            json.dumps({"status": "done"}),
            content_type="application/json",
        ).status_code,
        client.delete(f"{base}/plan/actions/{action.pk}").status_code,
        client.get(f"{base}/diagnostics").status_code,
        client.get(f"{base}/plan/actions").status_code,
    ]
    if who == "staff":
        assert statuses == [409, 200, 400, 201, 200, 204, 200, 200]
        return
    expected = 401 if who == "anonymous" else 403
    assert statuses == [expected] * len(statuses)
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("who", "page", "api"),
    [
        ("anonymous", 302, 401),
        ("citizen", 403, 403),
        ("other_citizen", 403, 403),
        ("staff_without_mfa", 302, 403),
        ("staff", 200, 200),
        ("other_staff", 200, 200),  # staff of a member town
        ("consortium", 200, 200),
        ("outside_staff", 403, 403),  # staff of a town of another region
        ("outside_consortium", 403, 403),
    ],
)
def test_the_regions_plans_are_read_by_its_administrator_and_its_towns_staff(world, who, page, api):
    here, people = world
    people["outside_staff"] = f.staff(f.town())
    people["outside_consortium"] = f.consortium_admin(f.RegionFactory())
    client = client_for(None if who == "anonymous" else people[who])
    region = here.region
    assert client.get(reverse("region_plans:index", args=[region.slug])).status_code == page
    assert client.get(f"/api/v1/regions/{region.slug}/plans").status_code == api
