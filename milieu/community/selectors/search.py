"""The community's search: posts, groups and people a reader may see, for a query.

One selector, `search_list`, over the full-text index (`community.search.matching`): the
reader's visibility is a filter on the same `SearchEntry` queryset, so a page of results costs
the same few queries whatever their number — the reader's municipalities, the count, the page
of entries, then one query per kind for the objects shown.

- posts: visible posts in the district feeds of the municipalities whose community the reader
  belongs to (member or staff, the module on), in the open groups of those municipalities, or in
  the groups the reader is an active member of; never by someone blocked either way;
- groups: not hidden, in those municipalities (a group on request is found, its posts are not);
- people: active people with a community profile that is not private, who share a municipality
  with the reader or whose profile is public; never someone blocked either way.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber

from milieu.accounts.models import User
from milieu.territory.models import Municipality

from .. import search
from ..models import Group, GroupMembership, Post, SearchEntry
from ..permissions import reader
from ..relations import community_municipality_ids, member_of_any
from .people import blocked_ids, community_municipalities

KINDS = (SearchEntry.Kind.POST, SearchEntry.Kind.GROUP, SearchEntry.Kind.PERSON)
PER_PAGE = 20
COUNT_CAP = 100
MAX_QUERY_CHARS = 200


@dataclass
class SearchHit:
    kind: str
    id: int
    created_at: datetime
    post: Post | None = None
    group: Group | None = None
    person: User | None = None


@dataclass
class SearchPage:
    query: str
    rows: list[tuple[str, int, datetime]] = field(default_factory=list)  # this page's entries
    count: int = 0
    capped: bool = False  # `count` is a lower bound: there are more results than it says
    limit: int = PER_PAGE
    offset: int = 0
    # The versions of the kept results this page was made from (None: read for this reader
    # alone): with `rows`, what the page shows, for a page kept rendered.
    versions: tuple | None = None

    @cached_property
    def hits(self) -> list[SearchHit]:
        """The objects of `rows`, read when first asked for (a kept page never asks)."""
        return _hits(self.rows)

    @property
    def posts(self) -> list[Post]:
        return [hit.post for hit in self.hits if hit.post is not None]

    @property
    def groups(self) -> list[Group]:
        return [hit.group for hit in self.hits if hit.group is not None]

    @property
    def people(self) -> list[User]:
        return [hit.person for hit in self.hits if hit.person is not None]

    @property
    def shown_count(self) -> int:
        """The number to show: exact, or the lower bound when `capped`."""
        return self.offset + COUNT_CAP if self.capped else self.count

    @property
    def next_offset(self) -> int | None:
        return self.offset + self.limit if self.offset + self.limit < self.count else None

    @property
    def previous_offset(self) -> int | None:
        return max(0, self.offset - self.limit) if self.offset > 0 else None


def _posts_filter(
    user, ids: list[int], municipality: Municipality | None, blocked: list[int], *, mine=True
) -> Q:
    open_groups = Group.objects.filter(
        municipality_id__in=ids, visibility=Group.Visibility.OPEN, hidden_at__isnull=True
    )
    my_groups = Group.objects.filter(
        hidden_at__isnull=True,
        pk__in=GroupMembership.objects.filter(
            user_id=user.pk, status=GroupMembership.Status.ACTIVE
        ).values("group_id"),
    )
    if municipality is not None:
        my_groups = my_groups.filter(municipality=municipality)
    where = Q(group__isnull=True, municipality_id__in=ids) | Q(
        group_id__in=open_groups.values("pk")
    )
    if mine:  # (else the reader's groups are searched on their own)
        where |= Q(group_id__in=my_groups.values("pk"))
    if not blocked:
        return Q(kind=SearchEntry.Kind.POST) & where
    by_blocked = Post.objects.filter(author_id__in=blocked).values("pk")
    return Q(kind=SearchEntry.Kind.POST) & where & ~Q(object_id__in=by_blocked)


def _scope(user, ids: list[int], municipality: Municipality | None, *, mine=True) -> Q:
    """Every post and group found is in one of these municipalities: the reader's (or the one
    asked for) and those of their groups. Said on its own, one equality per municipality, so
    that PostgreSQL reads only their entries from the index per municipality (migration 0003)."""
    scope = set(ids)
    if municipality is None and mine:
        scope |= {m for _group, m in reader(user).groups}
    where = Q(pk__in=[])
    for municipality_id in sorted(scope):
        where |= Q(municipality_id=municipality_id)
    return where


def _groups_filter(ids: list[int]) -> Q:
    visible = Group.objects.filter(municipality_id__in=ids, hidden_at__isnull=True)
    return Q(kind=SearchEntry.Kind.GROUP, municipality_id__in=ids) & Q(
        object_id__in=visible.values("pk")
    )


def _people_filter(user, municipality: Municipality | None, blocked: list[int]) -> Q:
    people = (
        get_user_model()
        .objects.filter(pk=OuterRef("object_id"), is_active=True, community_profile__isnull=False)
        .exclude(profile_visibility=User.Visibility.PRIVATE)
        .filter(
            Q(profile_visibility=User.Visibility.PUBLIC)
            | member_of_any(OuterRef("pk"), community_municipality_ids(user))
        )
        .exclude(pk__in=blocked)
    )
    if municipality is not None:
        people = people.filter(member_of_any(OuterRef("pk"), [municipality.pk]))
    return Q(kind=SearchEntry.Kind.PERSON) & Q(Exists(people))


def search_list(
    *,
    visible_to,
    query: str,
    kind: str | None = None,
    municipality: Municipality | None = None,
    limit: int = PER_PAGE,
    offset: int = 0,
) -> SearchPage:
    """What `visible_to` may see that matches `query` (every word, each a prefix, accents and
    case ignored), newest first; `kind` ("post", "group", "person") and `municipality` narrow
    it. An empty query finds nothing (and asks nothing of the database)."""
    query = (query or "")[:MAX_QUERY_CHARS]
    page = SearchPage(query=query, limit=limit, offset=offset)
    if not visible_to.is_authenticated or not search.terms(query):
        return page
    ids = [m.pk for m in community_municipalities(user=visible_to)]
    if municipality is not None:
        ids = [pk for pk in ids if pk == municipality.pk]
    wanted = [kind] if kind else list(KINDS)
    blocked = blocked_ids(visible_to)
    need = offset + COUNT_CAP + 1
    kept = _found_kept(visible_to, query, ids, municipality, wanted, set(blocked), need)
    if kept is not None:
        found, page.versions = kept
    else:
        found = _found_live(visible_to, query, ids, municipality, wanted, blocked, need)
    page.count = len(found)
    page.capped = page.count > offset + COUNT_CAP
    page.rows = found[offset : offset + limit]
    return page


# What a query finds is kept (`RESULTS_SECONDS`) for everyone who searches the same words in the
# same municipalities: the district feeds' and open groups' posts and the groups, under the
# versions of those municipalities' entries (`search.changed`: every post, group or profile
# indexed or removed renews them), and the people, under their entries' version. Kept rows run
# SLACK past the count, with their authors, so that each reader's blocks are taken out after;
# the posts of the reader's own groups are read for them alone. When a reader's blocks leave too
# few kept rows to tell the page, the search runs as one reader's (`_found_live`). Someone who
# joins or leaves a municipality is found (or not) by its members within RESULTS_SECONDS.

RESULTS_SECONDS = 300
SLACK = 50

Row = tuple[str, int, datetime, int, int | None]  # kind, object id, created at, entry id, author


def _rows(where: Q, query: str, limit: int, *, authors: bool) -> list[Row]:
    entries = search.matching(query, SearchEntry.objects.filter(where)).order_by(
        "-created_at", "-id"
    )
    rows = list(entries.values_list("kind", "object_id", "created_at", "pk")[:limit])
    by_post: dict[int, int | None] = {}
    if authors:
        post_ids = [row[1] for row in rows if row[0] == SearchEntry.Kind.POST]
        by_post = dict(Post.objects.filter(pk__in=post_ids).values_list("pk", "author_id"))
    return [
        (kind, object_id, created_at, pk, by_post.get(object_id) if authors else object_id)
        for kind, object_id, created_at, pk in rows
    ]


def _kept_rows(
    name: str, variant: tuple, where: Callable[[], Q], query: str, limit: int
) -> list[Row]:
    key = "community:search:v1:" + hashlib.sha256(repr((name, variant, limit)).encode()).hexdigest()
    rows = cache.get(key)
    if rows is None:  # (the filter is built only now: building it costs more than reading)
        rows = _rows(where(), query, limit, authors=name != "people")
        cache.set(key, rows, RESULTS_SECONDS)
    return rows


def _found_kept(user, query, ids, municipality, wanted, blocked: set[int], need: int):
    """The first `need` results from the kept parts, or None when they cannot tell them."""
    words = tuple(search.terms(query))
    limit = need + SLACK
    versions: list = []
    parts: list[tuple[list[Row], bool]] = []  # rows, and whether more may follow

    def content() -> Q:
        where = Q(pk__in=[])
        if SearchEntry.Kind.POST in wanted:
            where |= _posts_filter(user, ids, municipality, [], mine=False)
        if SearchEntry.Kind.GROUP in wanted:
            where |= _groups_filter(ids)
        return where & _scope(user, ids, None, mine=False)

    if ids and (SearchEntry.Kind.POST in wanted or SearchEntry.Kind.GROUP in wanted):
        shared = tuple(k for k in wanted if k != SearchEntry.Kind.PERSON)
        variant: tuple = (words, shared, tuple(sorted(ids)), search.versions(sorted(ids)))
        versions.append(variant)
        rows = _kept_rows("content", variant, content, query, limit)
        parts.append((rows, len(rows) >= limit))
    if SearchEntry.Kind.POST in wanted:
        groups = [
            (g, m) for g, m in reader(user).groups if not municipality or m == municipality.pk
        ]
        by_group, group_versions = _group_rows(groups, query, words, limit)
        versions.append(group_versions)
        for rows in by_group.values():
            parts.append((rows, len(rows) >= limit))
    if SearchEntry.Kind.PERSON in wanted:
        variant = (words, tuple(sorted(ids)), municipality.pk if municipality else None)
        variant += search.versions([None])
        versions.append(variant)
        rows = _kept_rows(
            "people", variant, lambda: _people_filter(user, municipality, []), query, limit
        )
        parts.append((rows, len(rows) >= limit))
    seen: set[int] = set()
    merged = []
    for row in sorted((row for rows, _more in parts for row in rows), key=_newest, reverse=True):
        if row[3] not in seen and row[4] not in blocked:
            seen.add(row[3])
            merged.append(row)
    floors = [_newest(rows[-1]) for rows, more in parts if more]
    if floors and (len(merged) < need or max(floors) > _newest(merged[need - 1])):
        return None
    return [row[:3] for row in merged[:need]], tuple(versions)


def _group_rows(
    groups: list[tuple[int, int]], query: str, words: tuple, limit: int
) -> tuple[dict[int, list[Row]], tuple]:
    """The newest `limit` matching posts of each of these groups `(group, municipality)`, kept
    per group under its municipality's version (a group's members share them): the groups not
    kept yet are read in one query, `limit` per group. With the versions they were kept under."""
    if not groups:
        return {}, ()
    towns = sorted({m for _g, m in groups})
    version_of = dict(zip(towns, search.versions(towns), strict=True))
    keys = {
        g: "community:search:v1:"
        + hashlib.sha256(repr(("group", words, g, version_of[m], limit)).encode()).hexdigest()
        for g, m in groups
    }
    kept = cache.get_many(list(keys.values()))
    found = {g: kept[key] for g, key in keys.items() if key in kept}
    missing = [g for g in keys if g not in found]
    if missing:
        newest = Window(
            RowNumber(),
            partition_by=F("group_id"),
            order_by=[F("created_at").desc(), F("id").desc()],
        )
        entries = (
            search.matching(
                query, SearchEntry.objects.filter(kind=SearchEntry.Kind.POST, group_id__in=missing)
            )
            .annotate(newest=newest)
            .filter(newest__lte=limit)
        )
        listed = list(entries.values_list("group_id", "kind", "object_id", "created_at", "pk"))
        authors = dict(
            Post.objects.filter(pk__in=[row[2] for row in listed]).values_list("pk", "author_id")
        )
        for g in missing:
            found[g] = []
        for group_id, kind, object_id, created_at, pk in listed:
            found[group_id].append((kind, object_id, created_at, pk, authors.get(object_id)))
        for g in missing:
            found[g].sort(key=_newest, reverse=True)
        cache.set_many({keys[g]: found[g] for g in missing}, RESULTS_SECONDS)
    return found, tuple(sorted(keys.values()))


def _newest(row: Row) -> tuple[datetime, int]:
    return row[2], row[3]


def _found_live(user, query, ids, municipality, wanted, blocked: list[int], need: int):
    """The first `need` results for this reader alone, blocks taken out by the database."""
    content = Q(pk__in=[])
    if SearchEntry.Kind.POST in wanted:
        content |= _posts_filter(user, ids, municipality, blocked)
    if SearchEntry.Kind.GROUP in wanted:
        content |= _groups_filter(ids)
    # Posts and groups in one query, people in another: in one query, PostgreSQL turned the
    # people's visibility test into a hashed scan of every profile (0.7 s for a common word).
    # Each query reads the rows up to COUNT_CAP past this page, which is also the count (a
    # common word matches thousands of entries, and nobody pages through them; the page says
    # "more than …"); the newest of both make the page.
    wheres = []
    if SearchEntry.Kind.POST in wanted or SearchEntry.Kind.GROUP in wanted:
        wheres.append(content & _scope(user, ids, municipality))
    if SearchEntry.Kind.PERSON in wanted:
        wheres.append(_people_filter(user, municipality, blocked))
    rows_of_both: list[tuple[str, int, datetime, int]] = []
    for where in wheres:
        entries = search.matching(query, SearchEntry.objects.filter(where)).order_by(
            "-created_at", "-id"
        )
        rows_of_both += entries.values_list("kind", "object_id", "created_at", "pk")[:need]
    rows_of_both.sort(key=lambda row: (row[2], row[3]), reverse=True)
    return [row[:3] for row in rows_of_both[:need]]


def _hits(rows: list[tuple[str, int, datetime]]) -> list[SearchHit]:
    """The objects of a page of entries, one query per kind present, in the entries' order
    (an object deleted meanwhile is left out)."""
    wanted: dict[str, list[int]] = {}
    for kind, object_id, _created_at in rows:
        wanted.setdefault(kind, []).append(object_id)
    posts = groups = people = {}
    if wanted.get(SearchEntry.Kind.POST):
        posts = Post.objects.select_related(
            "author__community_profile", "group", "district", "municipality"
        ).in_bulk(wanted[SearchEntry.Kind.POST])
    if wanted.get(SearchEntry.Kind.GROUP):
        groups = Group.objects.select_related("municipality").in_bulk(
            wanted[SearchEntry.Kind.GROUP]
        )
    if wanted.get(SearchEntry.Kind.PERSON):
        people = (
            get_user_model()
            .objects.select_related("community_profile")
            .in_bulk(wanted[SearchEntry.Kind.PERSON])
        )
    hits = []
    for kind, object_id, created_at in rows:
        hit = SearchHit(kind=kind, id=object_id, created_at=created_at)
        if kind == SearchEntry.Kind.POST:
            hit.post = posts.get(object_id)
        elif kind == SearchEntry.Kind.GROUP:
            hit.group = groups.get(object_id)
        else:
            hit.person = people.get(object_id)
        if hit.post or hit.group or hit.person:
            hits.append(hit)
    return hits
