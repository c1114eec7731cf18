"""The matching selector (`community.matching`): each factor moves the score the way its
docstring says, the exclusions hold, the reasons explain it, and its cost does not grow with
the number of buddies."""

import pytest
from django.utils import translation

from milieu.accounts.tests.factories import citizen_of
from milieu.community import matching
from milieu.community.models import Block
from milieu.community.tests.factories_newcomers import (
    CENTRE,
    buddy_of,
    district,
    newcomer_of,
    pairing_of,
    town,
)

pytestmark = pytest.mark.django_db

KM_PER_DEGREE_LATITUDE = 111.2


@pytest.fixture
def brossard():
    return town()


def ranked(newcomer, limit=10) -> list[tuple[int, int]]:
    """(buddy profile id, score), best first."""
    return [(m.buddy.pk, m.score) for m in matching.rank_buddies(newcomer=newcomer, limit=limit)]


def points(match, key: str) -> int:
    return next(r.points for r in match.reasons if r.key == key)


def text(match, key: str) -> str:
    with translation.override("en"):
        return next(r.text for r in match.reasons if r.key == key)


def only_match(newcomer):
    found = matching.rank_buddies(newcomer=newcomer)
    assert len(found) == 1
    return found[0]


# --- Factors ------------------------------------------------------------------------------------


def test_a_shared_spoken_language_is_worth_30_points(brossard):
    newcomer = newcomer_of(brossard, languages_spoken=["es", "en"], languages_wanted=[])
    speaks = buddy_of(brossard, languages=["fr", "es"])
    does_not = buddy_of(brossard, languages=["de"])

    # 30 for Spanish, 5 for districts unknown, nothing else in common.
    assert ranked(newcomer) == [(speaks.pk, 35), (does_not.pk, 5)]
    best = matching.rank_buddies(newcomer=newcomer)[0]
    assert points(best, "language") == 30
    assert text(best, "language") == "Both speak Spanish."
    assert best.common_language is True


def test_a_buddy_without_a_common_language_is_still_ranked_and_it_is_said_plainly(brossard):
    newcomer = newcomer_of(brossard, languages_spoken=["ar"], languages_wanted=["fr"])
    buddy_of(brossard, languages=["fr"])

    match = only_match(newcomer)
    assert match.score == 25  # French to practise 20, districts unknown 5
    assert match.common_language is False
    assert points(match, "language") == 0
    assert text(match, "language") == (
        "No language in common: they will need simple words, gestures or a translation app "
        "at first."
    )


def test_a_language_the_newcomer_wants_to_practise_is_worth_20_points(brossard):
    newcomer = newcomer_of(brossard, languages_spoken=["es"], languages_wanted=["fr"])
    french = buddy_of(brossard, languages=["fr"])
    german = buddy_of(brossard, languages=["de"])

    assert ranked(newcomer) == [(french.pk, 25), (german.pk, 5)]
    best, other = matching.rank_buddies(newcomer=newcomer)
    assert text(best, "practice") == (
        "The buddy speaks French, which the newcomer wants to practise."
    )
    assert points(other, "practice") == 0
    assert text(other, "practice") == (
        "The buddy speaks none of the languages the newcomer wants to practise."
    )


def test_the_same_district_is_best_then_points_fall_with_distance_to_zero_at_15_km(brossard):
    here = district(brossard, "Centre", *CENTRE)
    near = district(brossard, "Est", CENTRE[0] + 3 / KM_PER_DEGREE_LATITUDE, CENTRE[1])
    far = district(brossard, "Loin", CENTRE[0] + 20 / KM_PER_DEGREE_LATITUDE, CENTRE[1])
    unmapped = district(brossard, "Sans centre", None, None)
    newcomer = newcomer_of(brossard, district=here, languages_spoken=["es"], languages_wanted=[])
    same = buddy_of(brossard, district=here, languages=["de"])
    three_km = buddy_of(brossard, district=near, languages=["de"])
    twenty_km = buddy_of(brossard, district=far, languages=["de"])
    no_centre = buddy_of(brossard, district=unmapped, languages=["de"])
    no_district = buddy_of(brossard, district=None, languages=["de"])

    scores = dict(ranked(newcomer))
    assert scores[same.pk] == 20
    assert scores[three_km.pk] == 13  # 16 * (1 - 3/15) = 12.8
    assert scores[twenty_km.pk] == 0
    assert scores[no_centre.pk] == 5
    assert scores[no_district.pk] == 5
    by_buddy = {m.buddy.pk: m for m in matching.rank_buddies(newcomer=newcomer)}
    assert text(by_buddy[same.pk], "district") == "Same district: Centre."
    assert text(by_buddy[three_km.pk], "district") == "Their districts are about 3.0 km apart."
    assert text(by_buddy[twenty_km.pk], "district") == "Their districts are more than 15 km apart."
    assert text(by_buddy[no_district.pk], "district") == "District unknown for one of them."


def test_a_newcomer_without_a_district_gets_the_small_default_for_everyone(brossard):
    here = district(brossard, "Centre", *CENTRE)
    newcomer = newcomer_of(brossard, district=None, languages_spoken=["es"], languages_wanted=[])
    buddy_of(brossard, district=here, languages=["de"])

    assert points(only_match(newcomer), "district") == 5


def test_each_shared_interest_is_worth_5_points_up_to_15(brossard):
    newcomer = newcomer_of(
        brossard,
        languages_spoken=["es"],
        languages_wanted=[],
        interests=["cooking", "music", "sports", "books"],
    )
    none = buddy_of(brossard, languages=["de"], interests=["games"])
    one = buddy_of(brossard, languages=["de"], interests=["music", "games"])
    three = buddy_of(brossard, languages=["de"], interests=["music", "sports", "cooking"])
    four = buddy_of(brossard, languages=["de"], interests=["music", "sports", "cooking", "books"])

    scores = dict(ranked(newcomer))
    assert [scores[b.pk] - 5 for b in (none, one, three, four)] == [0, 5, 15, 15]
    by_buddy = {m.buddy.pk: m for m in matching.rank_buddies(newcomer=newcomer)}
    assert text(by_buddy[one.pk], "interests") == "Shared interests: Music."
    assert text(by_buddy[none.pk], "interests") == "No shared interest."


def test_each_shared_time_of_the_week_is_worth_5_points_up_to_15(brossard):
    newcomer = newcomer_of(
        brossard,
        languages_spoken=["es"],
        languages_wanted=[],
        availability=["weekday_evening", "weekend_morning", "weekend_afternoon", "weekend_evening"],
    )
    none = buddy_of(brossard, languages=["de"], availability=["weekday_morning"])
    two = buddy_of(brossard, languages=["de"], availability=["weekend_morning", "weekday_evening"])
    four = buddy_of(
        brossard,
        languages=["de"],
        availability=["weekday_evening", "weekend_morning", "weekend_afternoon", "weekend_evening"],
    )

    scores = dict(ranked(newcomer))
    assert [scores[b.pk] - 5 for b in (none, two, four)] == [0, 10, 15]
    by_buddy = {m.buddy.pk: m for m in matching.rank_buddies(newcomer=newcomer)}
    assert text(by_buddy[two.pk], "availability") == (
        "Both available: Weekday evenings, Weekend mornings."
    )
    assert text(by_buddy[none.pk], "availability") == "No time of the week in common."


def test_a_buddy_matching_on_everything_scores_100_with_five_reasons(brossard):
    here = district(brossard, "Centre", *CENTRE)
    newcomer = newcomer_of(
        brossard,
        district=here,
        languages_spoken=["es"],
        languages_wanted=["fr"],
        interests=["cooking", "music", "sports"],
        availability=["weekday_evening", "weekend_morning", "weekend_afternoon"],
    )
    buddy_of(
        brossard,
        district=here,
        languages=["fr", "es"],
        interests=["cooking", "music", "sports"],
        availability=["weekday_evening", "weekend_morning", "weekend_afternoon"],
    )

    match = only_match(newcomer)
    assert match.score == 100
    assert [(r.key, r.points) for r in match.reasons] == [
        ("language", 30),
        ("practice", 20),
        ("district", 20),
        ("interests", 15),
        ("availability", 15),
    ]
    assert sum(r.points for r in match.reasons) == match.score


def test_ties_go_to_the_buddy_with_fewer_pairings_in_progress(brossard):
    newcomer = newcomer_of(brossard, languages_spoken=["es"], languages_wanted=[])
    busy = buddy_of(brossard, languages=["es"], capacity=3)
    pairing_of(newcomer_of(brossard), busy, "active")
    free = buddy_of(brossard, languages=["es"], capacity=3)

    found = matching.rank_buddies(newcomer=newcomer)
    assert [(m.buddy.pk, m.score, m.open_pairings) for m in found] == [
        (free.pk, 35, 0),
        (busy.pk, 35, 1),
    ]


def test_the_limit_keeps_the_best(brossard):
    newcomer = newcomer_of(brossard, languages_spoken=["es"], languages_wanted=["fr"])
    best = buddy_of(brossard, languages=["es", "fr"])
    second = buddy_of(brossard, languages=["es"])
    buddy_of(brossard, languages=["de"])

    assert ranked(newcomer, limit=2) == [(best.pk, 55), (second.pk, 35)]
    assert matching.rank_buddies(newcomer=newcomer, limit=0) == []


def test_the_explanation_is_rendered_in_the_readers_language(brossard):
    newcomer = newcomer_of(brossard, languages_spoken=["es"], languages_wanted=[])
    buddy_of(brossard, languages=["es"])
    match = only_match(newcomer)

    with translation.override("en"):
        english = matching.reasons(match.explanation)[0].text
    with translation.override("fr"):
        french = matching.reasons(match.explanation)[0].text
    assert english == "Both speak Spanish."
    assert "spagnol" in french.lower()  # Django's own catalogue names the language


# --- Exclusions ---------------------------------------------------------------------------------


def test_inactive_buddies_and_deactivated_accounts_are_left_out(brossard):
    newcomer = newcomer_of(brossard)
    kept = buddy_of(brossard)
    buddy_of(brossard, active=False)
    gone = buddy_of(brossard)
    gone.user.is_active = False
    gone.user.save()

    assert [pk for pk, _score in ranked(newcomer)] == [kept.pk]


def test_buddies_at_capacity_are_left_out_counting_proposed_and_active_pairings(brossard):
    newcomer = newcomer_of(brossard)
    full_active = buddy_of(brossard, capacity=1)
    pairing_of(newcomer_of(brossard), full_active, "active")
    full_mixed = buddy_of(brossard, capacity=2)
    pairing_of(newcomer_of(brossard), full_mixed, "active")
    pairing_of(newcomer_of(brossard), full_mixed, "proposed")
    room_left = buddy_of(brossard, capacity=2)
    pairing_of(newcomer_of(brossard), room_left, "proposed")
    past_only = buddy_of(brossard, capacity=1)
    pairing_of(newcomer_of(brossard), past_only, "completed")
    pairing_of(newcomer_of(brossard), past_only, "ended")
    pairing_of(newcomer_of(brossard), past_only, "declined")

    assert sorted(pk for pk, _s in ranked(newcomer)) == sorted([room_left.pk, past_only.pk])


def test_the_newcomer_is_never_their_own_buddy(brossard):
    newcomer = newcomer_of(brossard)
    buddy_of(brossard, user=newcomer.user)
    other = buddy_of(brossard)

    assert [pk for pk, _s in ranked(newcomer)] == [other.pk]


def test_blocks_either_way_leave_the_buddy_out(brossard):
    newcomer = newcomer_of(brossard)
    blocked_by_newcomer = buddy_of(brossard)
    blocked_the_newcomer = buddy_of(brossard)
    kept = buddy_of(brossard)
    Block.objects.create(blocker=newcomer.user, blocked=blocked_by_newcomer.user)
    Block.objects.create(blocker=blocked_the_newcomer.user, blocked=newcomer.user)

    assert [pk for pk, _s in ranked(newcomer)] == [kept.pk]


def test_buddies_already_declined_or_ended_with_this_newcomer_are_left_out(brossard):
    newcomer = newcomer_of(brossard)
    declined = buddy_of(brossard, capacity=3)
    pairing_of(newcomer, declined, "declined")
    ended = buddy_of(brossard, capacity=3)
    pairing_of(newcomer, ended, "ended")
    completed = buddy_of(brossard, capacity=3)
    pairing_of(newcomer, completed, "completed")
    # Declined with someone else: no reason to leave them out for this newcomer.
    declined_elsewhere = buddy_of(brossard, capacity=3)
    pairing_of(newcomer_of(brossard), declined_elsewhere, "declined")

    assert sorted(pk for pk, _s in ranked(newcomer)) == sorted(
        [completed.pk, declined_elsewhere.pk]
    )


def test_buddies_of_another_municipality_are_never_ranked(brossard):
    longueuil = town("longueuil", "Longueuil")
    newcomer = newcomer_of(brossard)
    buddy_of(longueuil, user=citizen_of(longueuil))

    assert ranked(newcomer) == []


def test_match_for_scores_one_buddy_or_says_none_when_excluded(brossard):
    newcomer = newcomer_of(brossard, languages_spoken=["es"], languages_wanted=[])
    buddy = buddy_of(brossard, languages=["es"])
    paused = buddy_of(brossard, languages=["es"], active=False)

    match = matching.match_for(newcomer=newcomer, buddy=buddy)
    assert match is not None
    assert (match.buddy.pk, match.score) == (buddy.pk, 35)
    assert matching.match_for(newcomer=newcomer, buddy=paused) is None


# --- Cost ---------------------------------------------------------------------------------------


def test_ranking_costs_three_queries_with_3_buddies_as_with_40(brossard, django_assert_num_queries):
    here = district(brossard, "Centre", *CENTRE)
    newcomer = newcomer_of(brossard, district=here, interests=["music"])
    Block.objects.create(blocker=newcomer.user, blocked=citizen_of(brossard))
    for _ in range(3):
        pairing_of(newcomer_of(brossard), buddy_of(brossard, capacity=2), "active")

    with django_assert_num_queries(3):
        assert len(matching.rank_buddies(newcomer=newcomer)) == 3

    for index in range(37):
        buddy_of(
            brossard,
            district=here if index % 2 else None,
            languages=["es", "fr"][: index % 2 + 1],
            interests=["music"] if index % 3 else [],
            capacity=2,
        )
    with django_assert_num_queries(3):
        assert len(matching.rank_buddies(newcomer=newcomer, limit=40)) == 40


def test_the_quick_ranking_agrees_with_the_explained_scores(brossard):
    """Every candidate is ranked on its raw rows; the reasons are computed for the best only.
    Both must give the same score for every buddy, whatever they have in common."""
    here = district(brossard, "Centre", *CENTRE)
    near = district(brossard, "Est", CENTRE[0] + 5 / KM_PER_DEGREE_LATITUDE, CENTRE[1])
    newcomer = newcomer_of(
        brossard,
        district=here,
        languages_spoken=["es", "en"],
        languages_wanted=["fr", "en"],
        interests=["music", "cooking", "sports", "books"],
        availability=["weekday_evening", "weekend_morning"],
    )
    languages = [["fr"], ["es"], ["en", "fr"], ["de"], ["es", "fr", "en"]]
    interests = [[], ["music"], ["music", "books", "sports", "cooking"], ["games"]]
    times = [[], ["weekday_evening"], ["weekday_evening", "weekend_morning"], ["weekday_morning"]]
    places = [here, near, None]
    for index in range(24):
        buddy_of(
            brossard,
            district=places[index % 3],
            languages=languages[index % 5],
            interests=interests[index % 4],
            availability=times[(index // 2) % 4],
            capacity=2,
        )

    found = matching.rank_buddies(newcomer=newcomer, limit=50)
    assert len(found) == 24
    prepared = matching._Newcomer(newcomer, matching._districts(brossard.pk))
    quick = {
        -pk: score
        for score, _open, pk in matching._fast_keys(
            prepared, matching._rows(matching.candidates(newcomer))
        )
    }
    assert {m.buddy.pk: m.score for m in found} == quick
    assert [m.score for m in found] == sorted(quick.values(), reverse=True)
    assert all(m.score == sum(r.points for r in m.reasons) for m in found)
