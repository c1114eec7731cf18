"""Which buddies suit a newcomer best, and why: `rank_buddies(newcomer=…, limit=10)`.

Every buddy of the newcomer's municipality who may take one more newcomer gets a score out of
100, the sum of five factors. Each factor gives one reason, `(key, points, text)`, the text
translated in the reader's language (rendered when read, from what `Match.explanation` keeps,
so a pairing stores its explanation once and each person reads it in their own language).

Weights (the points of each factor):

============  ======  ========================================================================
key           points  how
============  ======  ========================================================================
language      30      they speak at least one language in common (`languages_spoken` and the
                      buddy's `languages`); 0 without one, and the reason says so plainly (the
                      buddy is still ranked: a coordinator may know better)
practice      20      the buddy speaks a language the newcomer wants to practise
                      (`languages_wanted`)
district      20      same district: 20; different districts: 16 when their centres coincide,
                      decreasing linearly with the distance between the districts' centres to
                      0 at 15 km and beyond; a district (or its centre) unknown on either side: 5
interests     15      5 per shared interest, at most 15
availability  15      5 per shared time of the week (`choices.AVAILABILITY`), at most 15
============  ======  ========================================================================

Ties go to the buddy with fewer pairings in progress (the load is spread), then to the buddy
who volunteered first (the lowest id).

Excluded: inactive buddies (or deactivated accounts), buddies at capacity (proposed + active
pairings ≥ capacity), the newcomer themself, anyone who blocked the newcomer or whom the
newcomer blocked (`Block`, either way), and buddies this newcomer already had a declined or
ended pairing with (or has one in progress with).

Cost: three queries whatever the number of buddies — the municipality's districts (for their
centres), the candidates (light rows: their lists as JSON text, their open-pairing counts
annotated by a subquery on the `pairing_buddy` index), and the `limit` best buddies' profiles
with their accounts. Every candidate is scored in plain Python on those rows without decoding
their JSON (`_fast_keys`); only the `limit` best get their reasons (`_score`). Measured by
`make bench`.
"""

import hashlib
import heapq
import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.core.cache import cache
from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import formats
from django.utils.translation import gettext as _

from milieu.core import caching
from milieu.territory.models import District

from . import choices
from .models import Block, BuddyProfile, NewcomerProfile, Pairing

LANGUAGE = 30
PRACTICE = 20
DISTRICT_SAME = 20
DISTRICT_NEAR = 16  # different districts whose centres coincide
DISTRICT_UNKNOWN = 5
DISTANCE_LIMIT_KM = 15.0
INTEREST_EACH, INTERESTS_MAX = 5, 15
AVAILABILITY_EACH, AVAILABILITY_MAX = 5, 15

# Pairings after which the same two people are not proposed again (plus the one in progress).
NOT_AGAIN = (
    Pairing.State.DECLINED,
    Pairing.State.ENDED,
    Pairing.State.PROPOSED,
    Pairing.State.ACTIVE,
)


class Reason(NamedTuple):
    key: str
    points: int
    text: str


@dataclass
class Match:
    """One buddy for one newcomer: the score and what makes it up. `explanation` is what a
    pairing stores (`[{"key", "points", "params"}]`); `reasons` renders it in the current
    language."""

    buddy: BuddyProfile
    score: int
    explanation: list[dict[str, Any]] = field(default_factory=list)
    open_pairings: int = 0

    @property
    def reasons(self) -> list[Reason]:
        return reasons(self.explanation)

    @property
    def common_language(self) -> bool:
        return any(e["key"] == "language" and e["points"] > 0 for e in self.explanation)


# --- Explanations -------------------------------------------------------------------------------


def _names(choice_list: list, keys: Iterable[str]) -> str:
    return ", ".join(choices.labels(choice_list, list(keys)))


def describe(key: str, points: int, params: dict[str, Any]) -> str:
    """The translated sentence of one reason (in the active language)."""
    if key == "language":
        if points:
            return _("Both speak %(languages)s.") % {
                "languages": _names(choices.LANGUAGES, params.get("languages", []))
            }
        return _(
            "No language in common: they will need simple words, gestures or a translation app "
            "at first."
        )
    if key == "practice":
        if points:
            return _("The buddy speaks %(languages)s, which the newcomer wants to practise.") % {
                "languages": _names(choices.LANGUAGES, params.get("languages", []))
            }
        if params.get("wanted"):
            return _("The buddy speaks none of the languages the newcomer wants to practise.")
        return _("The newcomer did not say which language they want to practise.")
    if key == "district":
        kind = params.get("kind")
        if kind == "same":
            return _("Same district: %(district)s.") % {"district": params.get("district", "")}
        if kind == "near":
            return _("Their districts are about %(km)s km apart.") % {
                "km": formats.number_format(params.get("km", 0), 1)
            }
        if kind == "far":
            return _("Their districts are more than %(km)s km apart.") % {
                "km": formats.number_format(DISTANCE_LIMIT_KM, 0)
            }
        return _("District unknown for one of them.")
    if key == "interests":
        if points:
            return _("Shared interests: %(interests)s.") % {
                "interests": _names(choices.INTERESTS, params.get("interests", []))
            }
        return _("No shared interest.")
    if key == "availability":
        if points:
            return _("Both available: %(times)s.") % {
                "times": _names(choices.AVAILABILITY, params.get("times", []))
            }
        return _("No time of the week in common.")
    return key


def reasons(explanation: Iterable[dict[str, Any]]) -> list[Reason]:
    """A stored explanation as reasons, their texts in the active language."""
    return [
        Reason(e["key"], int(e["points"]), describe(e["key"], e["points"], e.get("params", {})))
        for e in explanation or []
    ]


# --- Scoring ------------------------------------------------------------------------------------


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


class _Newcomer:
    """What scoring needs of the newcomer, prepared once for all buddies."""

    def __init__(self, newcomer: NewcomerProfile, districts: dict[int, tuple[str, Any, Any]]):
        self.spoken = list(dict.fromkeys(newcomer.languages_spoken or []))
        self.wanted = list(dict.fromkeys(newcomer.languages_wanted or []))
        self.interests = set(newcomer.interests or [])
        wanted_times = set(newcomer.availability or [])
        self.times = [key for key, _label in choices.AVAILABILITY if key in wanted_times]
        self.district_id = newcomer.district_id
        self.districts = districts
        self._district_cache: dict[int | None, tuple[int, dict[str, Any]]] = {}

    def district(self, buddy_district_id: int | None) -> tuple[int, dict[str, Any]]:
        found = self._district_cache.get(buddy_district_id)
        if found is None:
            found = self._district_cache[buddy_district_id] = self._district(buddy_district_id)
        return found

    def _district(self, other: int | None) -> tuple[int, dict[str, Any]]:
        mine = self.district_id
        if mine is None or other is None or mine not in self.districts:
            return DISTRICT_UNKNOWN, {"kind": "unknown"}
        if other == mine:
            return DISTRICT_SAME, {"kind": "same", "district": self.districts[mine][0]}
        here, there = self.districts[mine], self.districts.get(other)
        if there is None or None in (here[1], here[2], there[1], there[2]):
            return DISTRICT_UNKNOWN, {"kind": "unknown"}
        km = _km((here[1], here[2]), (there[1], there[2]))
        if km >= DISTANCE_LIMIT_KM:
            return 0, {"kind": "far"}
        return round(DISTRICT_NEAR * (1 - km / DISTANCE_LIMIT_KM)), {
            "kind": "near",
            "km": round(km, 1),
        }


def _score(
    n: _Newcomer,
    district_id: int | None,
    languages: list[str],
    interests: list[str],
    availability: list[str],
) -> tuple[int, list[dict[str, Any]]]:
    buddy_languages = set(languages or [])
    shared = [code for code in n.spoken if code in buddy_languages]
    practise = [code for code in n.wanted if code in buddy_languages]
    common_interests = sorted(n.interests.intersection(interests or []))
    buddy_times = set(availability or [])
    common_times = [key for key in n.times if key in buddy_times]
    district_points, district_params = n.district(district_id)
    explanation: list[dict[str, Any]] = [
        {"key": "language", "points": LANGUAGE if shared else 0, "params": {"languages": shared}},
        {
            "key": "practice",
            "points": PRACTICE if practise else 0,
            "params": {"languages": practise, "wanted": bool(n.wanted)},
        },
        {"key": "district", "points": district_points, "params": district_params},
        {
            "key": "interests",
            "points": min(INTERESTS_MAX, INTEREST_EACH * len(common_interests)),
            "params": {"interests": common_interests},
        },
        {
            "key": "availability",
            "points": min(AVAILABILITY_MAX, AVAILABILITY_EACH * len(common_times)),
            "params": {"times": common_times},
        },
    ]
    return sum(e["points"] for e in explanation), explanation


# --- Candidates ---------------------------------------------------------------------------------


def candidates(newcomer: NewcomerProfile) -> QuerySet[BuddyProfile]:
    """The municipality's buddies who may be proposed to `newcomer` now (every exclusion above),
    each annotated with `open_pairings` (its proposed and active pairings)."""
    open_pairings = (
        Pairing.objects.filter(buddy=OuterRef("pk"), state__in=Pairing.OPEN_STATES)
        .order_by()
        .values("buddy")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return (
        BuddyProfile.objects.filter(
            municipality_id=newcomer.municipality_id, active=True, user__is_active=True
        )
        .exclude(user_id=newcomer.user_id)
        .exclude(user_id__in=Block.objects.filter(blocker_id=newcomer.user_id).values("blocked_id"))
        .exclude(user_id__in=Block.objects.filter(blocked_id=newcomer.user_id).values("blocker_id"))
        .exclude(
            pk__in=Pairing.objects.filter(newcomer_id=newcomer.pk, state__in=NOT_AGAIN).values(
                "buddy_id"
            )
        )
        .annotate(
            open_pairings=Coalesce(
                Subquery(open_pairings, output_field=IntegerField()),
                Value(0),
                output_field=IntegerField(),
            )
        )
        .filter(open_pairings__lt=F("capacity"))
    )


def _districts(municipality_id: int) -> dict[int, tuple[str, Any, Any]]:
    return {
        pk: (name, latitude, longitude)
        for pk, name, latitude, longitude in District.objects.filter(
            municipality_id=municipality_id
        ).values_list("pk", "name", "latitude", "longitude")
    }


def _quoted(keys: Iterable[str]) -> tuple[str, ...]:
    return tuple(json.dumps(key) for key in keys)


def _fast_keys(prepared: _Newcomer, rows: Iterable[tuple]) -> Iterator[tuple[int, int, int]]:
    """(score, -open pairings, -id) of each candidate row, the ranking's sort key.

    The lists arrive as their JSON text and are never decoded: a key is in a JSON list of keys
    exactly when its quoted form (`"es"`) is in the text (keys hold no quotes). The same sums
    as `_score`, which explains the few that are kept."""
    spoken = _quoted(prepared.spoken)
    wanted = _quoted(prepared.wanted)
    interests = _quoted(sorted(prepared.interests))
    times = _quoted(prepared.times)
    districts: dict[int | None, int] = {}
    for pk, district_id, languages, interest_text, time_text, open_count in rows:
        score = districts.get(district_id)
        if score is None:
            score = districts[district_id] = prepared.district(district_id)[0]
        for key in spoken:
            if key in languages:
                score += LANGUAGE
                break
        for key in wanted:
            if key in languages:
                score += PRACTICE
                break
        if interests:
            shared = sum(key in interest_text for key in interests)
            score += min(INTERESTS_MAX, INTEREST_EACH * shared)
        if times:
            shared = sum(key in time_text for key in times)
            score += min(AVAILABILITY_MAX, AVAILABILITY_EACH * shared)
        yield score, -open_count, -pk


def _rank(newcomer: NewcomerProfile, rows: Iterable[tuple], limit: int) -> list[Match]:
    prepared = _Newcomer(newcomer, _districts(newcomer.municipality_id))
    # Best score first, then fewer pairings in progress, then the earliest volunteer.
    best = heapq.nlargest(limit, _fast_keys(prepared, rows))
    if not best:
        return []
    buddies = BuddyProfile.objects.select_related("user", "district").in_bulk(
        [-pk for _score, _open, pk in best]
    )
    found = []
    for _fast, open_count, pk in best:
        buddy = buddies.get(-pk)
        if buddy is None:  # deleted meanwhile
            continue
        score, explanation = _score(
            prepared, buddy.district_id, buddy.languages, buddy.interests, buddy.availability
        )
        found.append(
            Match(buddy=buddy, score=score, explanation=explanation, open_pairings=-open_count)
        )
    return found


def _rows(queryset: QuerySet[BuddyProfile]) -> QuerySet:
    text = TextField()
    return queryset.values_list(
        "pk",
        "district_id",
        Cast("languages", output_field=text),
        Cast("interests", output_field=text),
        Cast("availability", output_field=text),
        "open_pairings",
    )


# --- Kept rankings --------------------------------------------------------------------------------
# A ranking depends on the newcomer's profile and on the municipality's buddies: their profiles,
# their pairings, and blocks. It is kept under the municipality's buddies' version, which every
# service that changes those renews (`buddies_changed`: a buddy's or newcomer's profile saved, a
# pairing proposed, accepted, declined, ended or completed, a block made or lifted), and under
# the newcomer's own answers. An account deactivated or a district moved shows within
# MATCHES_SECONDS.

MATCHES_SECONDS = 600


def _buddies_version_key(municipality_id: int) -> str:
    return f"community:buddies-version:v1:{municipality_id}"


def buddies_changed(*municipality_ids: int | None) -> None:
    """The buddies of these municipalities, their pairings or their blocks changed."""
    caching.renew(_buddies_version_key(pk) for pk in set(municipality_ids) if pk is not None)


def ranking_key(newcomer: NewcomerProfile, limit: int) -> str:
    """What names one state of a newcomer's ranking (its cache key)."""
    version_key = _buddies_version_key(newcomer.municipality_id)
    version = caching.versions([version_key])[version_key]
    answers = (
        newcomer.user_id,
        newcomer.district_id,
        newcomer.languages_spoken,
        newcomer.languages_wanted,
        newcomer.interests,
        newcomer.availability,
    )
    digest = hashlib.sha256(repr(answers).encode()).hexdigest()[:20]
    return f"community:ranking:v1:{newcomer.pk}:{limit}:{version}:{digest}"


def rank_buddies(*, newcomer: NewcomerProfile, limit: int = 10) -> list[Match]:
    """The `limit` best buddies for `newcomer`, best first, each with its score (0-100) and
    its reasons (kept, see above). Who may see this is the caller's check
    (`community.coordinate_pairing`)."""
    if limit <= 0:
        return []
    key = ranking_key(newcomer, limit)
    ranking = cache.get(key)
    if ranking is None:
        ranking = _rank(newcomer, _rows(candidates(newcomer)), limit)
        cache.set(key, ranking, MATCHES_SECONDS)
    return ranking


def match_for(*, newcomer: NewcomerProfile, buddy: BuddyProfile) -> Match | None:
    """`buddy` scored for `newcomer`, or None when the buddy is excluded (see above)."""
    found = _rank(newcomer, _rows(candidates(newcomer).filter(pk=buddy.pk)), 1)
    return found[0] if found else None
