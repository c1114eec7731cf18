"""The sharing tests' usual cast: a town with the module on, a resident who lists, and a
neighbour who reads and asks."""

import pytest

from .factories import neighbour, town


@pytest.fixture
def here():
    return town()


@pytest.fixture
def owner(here):
    return neighbour(here, display_name="Camille Prêteuse")


@pytest.fixture
def reader(here):
    return neighbour(here, display_name="Noé Voisin")
