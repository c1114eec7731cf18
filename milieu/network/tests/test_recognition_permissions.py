"""The recognition pages' permission matrix: creating and editing a criterion of the platform and
of a region, tried by every kind of actor, with one exact outcome per cell (`done` for a redirect
after a write, `login` for a redirect to log in, or a status code); every refusal is proven to
have changed nothing. The public pages answer 200 to each of them."""

from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import citizen_of, with_role
from milieu.core.testing import client_for
from milieu.network.models import Award, Criterion
from milieu.territory.tests.committees_factories import consortium_admin, small_region

from .recognition_factories import criterion, operator

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """These tests read the English messages (pages under /en/, errors in English)."""
    with translation.override("en"):
        yield


DONE, LOGIN = "done", "login"
ACTORS = (
    "anonymous",
    "citizen",  # of a member town of the region
    "citizen_other",  # of a town of another region
    "staff",  # staff (with MFA) of a member town
    "staff_other",  # staff of a town of another region
    "admin",  # the region's consortium administrator
    "admin_other",  # another region's consortium administrator
    "operator",  # the platform operator (is_staff, with MFA)
    "operator_nomfa",  # is_staff without MFA
)


@dataclass
class World:
    region: Any
    platform: Criterion
    regional: Criterion
    actors: dict[str, Any]


@pytest.fixture
def world() -> World:
    region, (here,) = small_region(1)
    other, (far,) = small_region(1)
    return World(
        region=region,
        platform=criterion(name_en="Platform"),
        regional=criterion(region, name_en="Regional"),
        actors={
            "anonymous": None,
            "citizen": citizen_of(here),
            "citizen_other": citizen_of(far),
            "staff": with_role(here, Role.STAFF),
            "staff_other": with_role(far, Role.STAFF),
            "admin": consortium_admin(region),
            "admin_other": consortium_admin(other),
            "operator": operator(),
            "operator_nomfa": operator(mfa=False),
        },
    )


FORM = {
    "original_language": "fr",
    "name_fr": "Nouveau badge",
    "kind": "maturity_overall",
    "threshold": "3",
    "active": "on",
}

ACTIONS = {
    "create_platform": lambda w: reverse("recognition:manage"),
    "edit_platform": lambda w: reverse("recognition:manage_edit", args=[w.platform.pk]),
    "create_regional": lambda w: reverse("region_recognition:criteria", args=[w.region.slug]),
    "edit_regional": lambda w: reverse(
        "region_recognition:edit", args=[w.region.slug, w.regional.pk]
    ),
}
REFUSED = dict.fromkeys(ACTORS, 403)
REFUSED["anonymous"] = LOGIN
EXPECTED = {
    "create_platform": {**REFUSED, "operator": DONE},
    "edit_platform": {**REFUSED, "operator": DONE},
    "create_regional": {**REFUSED, "admin": DONE},
    "edit_regional": {**REFUSED, "admin": DONE},
}


def _snapshot():
    return [list(m.objects.values().order_by("pk")) for m in (Criterion, Award)]


def _outcome(response) -> Any:
    if response.status_code == 302:
        return LOGIN if "/accounts/login/" in response["Location"] else DONE
    return response.status_code


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_permission_matrix(world, actor, action):
    url = ACTIONS[action](world)
    before = _snapshot()
    response = client_for(world.actors[actor]).post(url, FORM)
    outcome = _outcome(response)
    assert outcome == EXPECTED[action][actor], (action, actor, response.content[:300])
    if outcome == DONE:
        assert _snapshot() != before
    else:
        assert _snapshot() == before


@pytest.mark.parametrize("actor", ACTORS)
def test_the_public_pages_answer_everyone(world, actor):
    client = client_for(world.actors[actor])
    for url in (
        reverse("recognition:index"),
        reverse("recognition:badge", args=[world.platform.pk]),
        reverse("region_recognition:criteria", args=[world.region.slug]),
    ):
        assert client.get(url).status_code == 200, url


def test_the_forms_show_for_those_who_may_use_them(world):
    manage = reverse("recognition:manage")
    regional = reverse("region_recognition:criteria", args=[world.region.slug])
    assert client_for(world.actors["operator"]).get(manage).status_code == 200
    assert client_for(world.actors["admin"]).get(manage).status_code == 403
    assert client_for().get(manage).status_code == 302
    assert "New criterion" in client_for(world.actors["admin"]).get(regional).content.decode()
    assert "New criterion" not in client_for(world.actors["staff"]).get(regional).content.decode()


def test_a_regions_criterion_is_not_found_under_another_region(world):
    other, _towns = small_region(1)
    admin = consortium_admin(other)
    url = reverse("region_recognition:edit", args=[other.slug, world.regional.pk])
    before = _snapshot()
    assert client_for(admin).post(url, FORM).status_code == 404
    platform_as_regional = reverse(
        "region_recognition:edit", args=[world.region.slug, world.platform.pk]
    )
    assert client_for(world.actors["admin"]).post(platform_as_regional, FORM).status_code == 404
    assert _snapshot() == before


def test_a_bad_form_is_shown_again_with_the_reason_and_changes_nothing(world):
    before = _snapshot()
    response = client_for(world.actors["operator"]).post(
        reverse("recognition:manage"), {**FORM, "kind": "maturity_dimension"}
    )
    assert response.status_code == 400
    assert "Choose the dimension of the score." in response.content.decode()
    assert _snapshot() == before


def test_the_edit_form_saves_the_changes(world):
    url = reverse("region_recognition:edit", args=[world.region.slug, world.regional.pk])
    admin = world.actors["admin"]
    assert client_for(admin).get(url).status_code == 200
    response = client_for(admin).post(url, {**FORM, "threshold": "4.2", "active": ""})
    assert response.status_code == 302
    world.regional.refresh_from_db()
    assert (world.regional.threshold, world.regional.active, world.regional.name_fr) == (
        4.2,
        False,
        "Nouveau badge",
    )
