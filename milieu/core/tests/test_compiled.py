"""Queries compiled once per process answer what the ORM answers, for any value."""

import pytest

from milieu.accounts.models import Membership
from milieu.accounts.tests.factories import citizen_of
from milieu.core.compiled import CompiledQuery
from milieu.territory.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def test_a_compiled_query_runs_with_each_callers_values():
    brossard, laprairie = MunicipalityFactory(), MunicipalityFactory()
    first, second = citizen_of(brossard), citizen_of(laprairie)
    query = CompiledQuery(
        lambda user_id: Membership.objects.filter(user_id=user_id).values_list(
            "municipality__slug", flat=False
        )
    )
    assert query.rows(first.pk) == [(brossard.slug,)]
    assert query.rows(second.pk) == [(laprairie.slug,)] == list(query.reference(second.pk))
    assert query.rows(-1) == []


def test_a_value_that_is_not_a_parameter_is_refused():
    query = CompiledQuery(lambda user_id: Membership.objects.values_list("pk"))
    with pytest.raises(RuntimeError, match="not a query parameter"):
        query.rows(1)
