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

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q

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
    hits: list[SearchHit] = field(default_factory=list)
    count: int = 0
    capped: bool = False  # `count` is a lower bound: there are more results than it says
    limit: int = PER_PAGE
    offset: int = 0

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


def _posts_filter(user, ids: list[int], municipality: Municipality | None, blocked: list[int]) -> Q:
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
    where = (
        Q(group__isnull=True, municipality_id__in=ids)
        | Q(group_id__in=open_groups.values("pk"))
        | Q(group_id__in=my_groups.values("pk"))
    )
    if not blocked:
        return Q(kind=SearchEntry.Kind.POST) & where
    by_blocked = Post.objects.filter(author_id__in=blocked).values("pk")
    return Q(kind=SearchEntry.Kind.POST) & where & ~Q(object_id__in=by_blocked)


def _scope(user, ids: list[int], municipality: Municipality | None) -> Q:
    """Every post and group found is in one of these municipalities: the reader's (or the one
    asked for) and those of their groups. Said on its own, one equality per municipality, so
    that PostgreSQL reads only their entries from the index per municipality (migration 0003)."""
    scope = set(ids)
    if municipality is None:
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
    content = Q(pk__in=[])
    if SearchEntry.Kind.POST in wanted:
        content |= _posts_filter(visible_to, ids, municipality, blocked)
    if SearchEntry.Kind.GROUP in wanted:
        content |= _groups_filter(ids)
    # Posts and groups in one query, people in another: in one query, PostgreSQL turned the
    # people's visibility test into a hashed scan of every profile (0.7 s for a common word).
    # Each query reads the rows up to COUNT_CAP past this page, which is also the count (a
    # common word matches thousands of entries, and nobody pages through them; the page says
    # "more than …"); the newest of both make the page.
    wheres = []
    if SearchEntry.Kind.POST in wanted or SearchEntry.Kind.GROUP in wanted:
        wheres.append(content & _scope(visible_to, ids, municipality))
    if SearchEntry.Kind.PERSON in wanted:
        wheres.append(_people_filter(visible_to, municipality, blocked))
    rows_of_both: list[tuple[str, int, datetime, int]] = []
    for where in wheres:
        entries = search.matching(query, SearchEntry.objects.filter(where)).order_by(
            "-created_at", "-id"
        )
        rows_of_both += entries.values_list("kind", "object_id", "created_at", "pk")[
            : offset + COUNT_CAP + 1
        ]
    rows_of_both.sort(key=lambda row: (row[2], row[3]), reverse=True)
    found = [row[:3] for row in rows_of_both[: offset + COUNT_CAP + 1]]
    page.count = len(found)
    page.capped = page.count > offset + COUNT_CAP
    rows = found[offset : offset + limit]
    page.hits = _hits(rows)
    return page


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
