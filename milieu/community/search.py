"""Full-text search over posts, groups and people, the same on SQLite and PostgreSQL.

The services keep one `SearchEntry` per searchable object (`index_post`, `index_group`,
`index_person`, `unindex`), its words lower-cased and stripped of accents by `normalize`, so
that "ecole" finds "École" and "Montreal" finds "Montréal" in French and English alike. The one
selector, `matching`, filters entries by the words of a query (each word a prefix):

- PostgreSQL: `to_tsvector('simple', text) @@ to_tsquery('simple', …)`, answered by the GIN
  index on that expression (migration 0002);
- SQLite: the FTS5 table `community_search_fts` (an external-content index of the entries,
  kept by triggers, migration 0002).

Who may see what is the callers' filter (`selectors`), applied on the same queryset.
"""

import re
import unicodedata
from collections.abc import Iterable

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from milieu.core import caching

from .models import Group, Post, SearchEntry

MAX_TERMS = 8
_WORD = re.compile(r"[0-9a-z]+")


def normalize(text: str) -> str:
    """Lower case, no accents, one space between words: what is indexed and what is sought."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(_WORD.findall(bare))


def terms(query: str) -> list[str]:
    """The words of a query, at most eight, each at least one character."""
    return normalize(query).split()[:MAX_TERMS]


# Each municipality's entries have a version, and people's entries one of their own, renewed by
# every change to the index: the selector keeps what a query finds under them.


def _version_key(municipality_id: int | None) -> str:
    return f"community:search-version:v1:{'people' if municipality_id is None else municipality_id}"


def changed(*municipality_ids: int | None) -> None:
    """The entries of these municipalities (None: people's) changed, now and after the commit."""
    caching.renew(_version_key(pk) for pk in set(municipality_ids))


def versions(municipality_ids: Iterable[int | None]) -> tuple:
    """The current versions of these municipalities' (None: people's) entries."""
    keys = [_version_key(pk) for pk in municipality_ids]
    found = caching.versions(keys)
    return tuple(found[key] for key in keys)


def _upsert(kind: str, object_id: int, *, text: str, municipality_id=None, group_id=None) -> None:
    SearchEntry.objects.update_or_create(
        kind=kind,
        object_id=object_id,
        defaults={"text": text, "municipality_id": municipality_id, "group_id": group_id},
    )
    changed(municipality_id)


def unindex(kind: str, object_id: int) -> None:
    entries = SearchEntry.objects.filter(kind=kind, object_id=object_id)
    municipality_ids = list(entries.values_list("municipality_id", flat=True))
    if municipality_ids:
        entries.delete()
        changed(*municipality_ids)


def index_post(post: Post) -> None:
    """A visible post is found by its words; a hidden one is not found at all."""
    if post.hidden_at is not None:
        unindex(SearchEntry.Kind.POST, post.pk)
        return
    _upsert(
        SearchEntry.Kind.POST,
        post.pk,
        text=normalize(post.body),
        municipality_id=post.municipality_id,
        group_id=post.group_id,
    )


def index_group(group: Group) -> None:
    """Groups are found by name, theme and description, whoever may read their posts."""
    if group.hidden_at is not None:
        unindex(SearchEntry.Kind.GROUP, group.pk)
        return
    _upsert(
        SearchEntry.Kind.GROUP,
        group.pk,
        text=normalize(f"{group.name} {group.description}"),
        municipality_id=group.municipality_id,
    )


def index_person(user) -> None:
    """People are found by name and handle, and by their bio when their profile is visible;
    a private profile is not in the index at all (nobody can look it up)."""
    from milieu.accounts.models import User

    if user.profile_visibility == User.Visibility.PRIVATE or not user.is_active:
        unindex(SearchEntry.Kind.PERSON, user.pk)
        return
    profile = getattr(user, "community_profile", None)
    words = [user.display_name]
    if profile is not None:
        words += [profile.handle, profile.bio]
    _upsert(SearchEntry.Kind.PERSON, user.pk, text=normalize(" ".join(words)))


def matching(query: str, queryset: QuerySet[SearchEntry] | None = None) -> QuerySet[SearchEntry]:
    """The entries whose words start with every word of `query` (none for an empty query)."""
    queryset = SearchEntry.objects.all() if queryset is None else queryset
    words = terms(query)
    if not words:
        return queryset.none()
    if connection.vendor == "postgresql":
        condition = RawSQL(
            "to_tsvector('simple'::regconfig, community_searchentry.text) "
            "@@ to_tsquery('simple'::regconfig, %s)",
            [" & ".join(f"{word}:*" for word in words)],
            output_field=BooleanField(),
        )
    else:
        condition = RawSQL(
            "community_searchentry.id IN (SELECT rowid FROM community_search_fts "
            "WHERE community_search_fts MATCH %s)",
            [" ".join(f'"{word}"*' for word in words)],
            output_field=BooleanField(),
        )
    return queryset.filter(condition)
