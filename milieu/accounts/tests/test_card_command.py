import pytest
from django.core.management import CommandError, call_command

from milieu.accounts.models import CardKey
from milieu.territory.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def test_rotate_card_key_retires_the_previous_key(capsys):
    municipality = MunicipalityFactory(slug="brossard")
    call_command("rotate_card_key", "brossard")
    call_command("rotate_card_key", "brossard")

    keys = CardKey.objects.filter(municipality=municipality).order_by("created_at", "pk")
    assert [key.retired_at is None for key in keys] == [False, True]
    assert f"New card key {keys[1].kid}" in capsys.readouterr().out


def test_rotate_card_key_for_an_unknown_municipality_is_a_clear_error():
    with pytest.raises(CommandError, match="No municipality with the slug 'atlantis'"):
        call_command("rotate_card_key", "atlantis")
    assert CardKey.objects.count() == 0
