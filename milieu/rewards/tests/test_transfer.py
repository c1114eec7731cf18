"""Points paid from one resident's wallet to another's (`services.points_transfer`, what an
exchange for points calls): never more than the payer has, never to oneself, once per key."""

import pytest

from milieu.accounts.tests.factories import UserFactory
from milieu.core.errors import ApplicationError
from milieu.rewards import ledger, services
from milieu.rewards.ledger import InsufficientPoints
from milieu.rewards.models import Posting, Program
from milieu.rewards.tests.offers_helpers import give_points
from milieu.territory.tests.factories import MunicipalityFactory


@pytest.fixture
def program(db) -> Program:
    return services.program_for(MunicipalityFactory())


def funded(program: Program, points: int):
    user = UserFactory()
    give_points(program, user, points)
    return user


def test_points_move_once_from_payer_to_payee(program):
    payer, payee = funded(program, 50), UserFactory()
    first = services.points_transfer(
        program=program, payer=payer, payee=payee, points=30, key="exchange:1:points"
    )
    again = services.points_transfer(
        program=program, payer=payer, payee=payee, points=30, key="exchange:1:points"
    )

    assert again.pk == first.pk and first.kind == "transfer"
    assert services.points_balance(program=program, user=payer) == 20
    assert services.points_balance(program=program, user=payee) == 30
    assert ledger.check().ok


def test_a_payer_without_enough_points_moves_nothing(program):
    payer, payee = funded(program, 10), UserFactory()
    with pytest.raises(InsufficientPoints):
        services.points_transfer(program=program, payer=payer, payee=payee, points=11, key="k")

    assert services.points_balance(program=program, user=payer) == 10
    assert services.points_balance(program=program, user=payee) == 0
    assert not Posting.objects.filter(key="k").exists()


@pytest.mark.parametrize("points", [0, -3, True, 2.5])
def test_only_a_whole_positive_number_of_points_moves(program, points):
    payer, payee = funded(program, 10), UserFactory()
    with pytest.raises(ApplicationError) as refused:
        services.points_transfer(program=program, payer=payer, payee=payee, points=points, key="k")
    assert refused.value.code == "validation"


def test_nobody_pays_themself(program):
    payer = funded(program, 10)
    with pytest.raises(ApplicationError) as refused:
        services.points_transfer(program=program, payer=payer, payee=payer, points=5, key="k")
    assert refused.value.code == "self_transfer"
    assert services.points_balance(program=program, user=payer) == 10
