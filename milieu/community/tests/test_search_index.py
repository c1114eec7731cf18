"""The full-text index behind every search of the community (`community.search`), on the
backend the suite runs on: SQLite's FTS5 or PostgreSQL's GIN index."""

import pytest

from milieu.community import search
from milieu.community.models import SearchEntry
from milieu.territory.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def _entry(object_id: int, text: str, municipality=None) -> SearchEntry:
    return SearchEntry.objects.create(
        kind=SearchEntry.Kind.POST,
        object_id=object_id,
        municipality=municipality,
        text=search.normalize(text),
    )


def test_normalize_drops_accents_case_and_punctuation():
    assert search.normalize("  École Saint-Jean-Baptiste, à Montréal!  ") == (
        "ecole saint jean baptiste a montreal"
    )
    assert search.normalize("L'ÉTÉ — ¿Qué tal?") == "l ete que tal"


def test_words_match_without_accents_in_either_direction():
    _entry(1, "Fête de quartier à l'école Saint-Laurent")
    _entry(2, "Corvée de nettoyage du parc")

    found = set(search.matching("ecole fete").values_list("object_id", flat=True))
    assert found == {1}
    found = set(search.matching("CORVÉE").values_list("object_id", flat=True))
    assert found == {2}


def test_every_word_must_match_and_each_is_a_prefix():
    _entry(1, "Jardin communautaire: semis de tomates")
    _entry(2, "Jardin fermé pour l'hiver")

    assert set(search.matching("jard").values_list("object_id", flat=True)) == {1, 2}
    assert set(search.matching("jardin tomat").values_list("object_id", flat=True)) == {1}
    assert not search.matching("jardin piscine").exists()


def test_an_empty_or_symbol_only_query_finds_nothing():
    _entry(1, "Bonjour")

    assert not search.matching("").exists()
    assert not search.matching("  ?! -- ").exists()


def test_query_syntax_is_never_interpreted():
    _entry(1, "or and not near")

    for hostile in ['"', "a OR b", "NEAR(a b)", "x:*", "'; DROP TABLE x; --", "*", "a & !b"]:
        list(search.matching(hostile))  # no error from FTS5 or to_tsquery


def test_updating_and_removing_entries_keeps_the_index_true():
    municipality = MunicipalityFactory()
    entry = _entry(1, "Vente de garage", municipality)
    entry.text = search.normalize("Marché aux puces")
    entry.save()

    assert not search.matching("garage").exists()
    assert search.matching("marche puces").exists()
    search.unindex(SearchEntry.Kind.POST, 1)
    assert not search.matching("marche").exists()


def test_matching_filters_a_given_queryset():
    here, there = MunicipalityFactory(), MunicipalityFactory()
    _entry(1, "Soupe populaire", here)
    _entry(2, "Soupe populaire", there)

    scoped = search.matching("soupe", SearchEntry.objects.filter(municipality=here))
    assert list(scoped.values_list("object_id", flat=True)) == [1]
