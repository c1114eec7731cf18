"""Keyset pages: every row once, in order, across pages; a broken cursor is a field error."""

import pytest

from milieu.core.cursor import keyset_page
from milieu.core.errors import ApplicationError
from milieu.territory.models import Municipality
from milieu.territory.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def test_pages_walk_every_row_once_in_order():
    for number in range(7):
        MunicipalityFactory(slug=f"page-{number}", population=number % 3)
    order = ("-population", "slug", "pk")
    expected = list(Municipality.objects.order_by(*order).values_list("slug", flat=True))
    seen, cursor = [], None
    while True:
        items, cursor = keyset_page(Municipality.objects.all(), order, cursor, 3)
        seen += [m.slug for m in items]
        if cursor is None:
            break
    assert seen == expected


@pytest.mark.parametrize("cursor", ["pas-un-curseur", "W10", "WyJhIiwgImIiXQ"])
def test_a_broken_cursor_is_a_field_error(cursor):
    with pytest.raises(ApplicationError) as error:
        keyset_page(Municipality.objects.all(), ("-population", "pk"), cursor, 3)
    assert error.value.code == "validation"
    assert "cursor" in error.value.extra["fields"]
