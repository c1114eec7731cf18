"""The volunteering tests' usual cast: a town with the module on, a verified organisation with
its manager, and a resident."""

import pytest

from .factories import organisation, resident, town


@pytest.fixture
def here():
    return town()


@pytest.fixture
def manager(here):
    return resident(here, display_name="Gaëlle Gestionnaire")


@pytest.fixture
def org(here, manager):
    return organisation(here, manager=manager, name="Entraide du Centre")


@pytest.fixture
def citizen(here):
    return resident(here, display_name="Camille Comptable")
