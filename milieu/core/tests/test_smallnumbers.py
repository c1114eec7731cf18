"""Small-number protection: what every figure that leaves the server goes through."""

import pytest
from django.template import Context, Template
from django.utils import translation

from milieu.core.smallnumbers import THRESHOLD, Figure, display, is_small, protect


@pytest.mark.parametrize(
    ("value", "expected"), [(None, False), (0, False), (1, True), (4, True), (5, False)]
)
def test_is_small_flags_counts_from_one_to_four(value, expected):
    assert THRESHOLD == 5
    assert is_small(value) is expected


def test_protect_hides_a_count_under_five_and_keeps_zero_and_five():
    assert protect(4) is None
    assert protect(0) == 0
    assert protect(5) == 5


def test_protect_hides_a_derived_figure_when_its_basis_is_small_or_empty():
    assert protect(75.0, count=3) is None
    assert protect(12.5, count=0) is None
    assert protect(12.5, count=8) == 12.5


def test_display_says_fewer_than_five_in_the_readers_language():
    with translation.override("en"):
        assert display(3) == "fewer than 5"
        assert display(1234) == "1,234"
        assert display(41.26, count=9) == "41.3"
        assert display(72.6, count=9, decimals=0) == "73"
        assert display(None) == "—"
    with translation.override("fr"):
        assert display(1234).replace("\u202f", " ").replace("\xa0", " ") == "1 234"


def test_template_filter_suppresses_and_formats():
    template = Template("{% load smallnumbers %}{{ a|small_number }}|{{ b|small_number:n }}")
    with translation.override("en"):
        rendered = template.render(Context({"a": 2, "b": 60.0, "n": 2}))
    assert rendered == "fewer than 5|fewer than 5"


def test_figure_carries_null_and_suppressed_for_the_api():
    assert Figure.of(3).model_dump() == {"value": None, "suppressed": True}
    assert Figure.of(30).model_dump() == {"value": 30.0, "suppressed": False}
    assert Figure.of(None).model_dump() == {"value": None, "suppressed": False}
    assert Figure.of(80.0, count=4).model_dump() == {"value": None, "suppressed": True}
