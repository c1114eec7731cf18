"""What every logged-in page asks about its visitor, read once and kept in the cache.

Roles, MFA, memberships, shared residency, citizen ids, background checks and a verified email
decide permissions and trust levels on almost every page. `access_facts(user)` reads them in one
cache lookup (one query when the cache is cold) and memoises them on the user object for the
request. Expiry is kept as dates, not as answers, so a fact that lapses with time lapses on
time. Every change to those rows forgets the user's entry: `post_save`/`post_delete` signals
(`accounts.signals`) for ordinary writes, and an explicit `access_forget` where a service writes
with `QuerySet.update()`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db.models import BigIntegerField, Case, DateTimeField, F, Value, When
from django.db.models.functions import Cast

from milieu.core import prefetch
from milieu.core.compiled import CompiledQuery, aware

ACCESS_CACHE_SECONDS = 600


@dataclass(frozen=True)
class AccessFacts:
    roles: frozenset[tuple[str, int | None, int | None]]  # (role, municipality id, region id)
    has_mfa: bool
    memberships: frozenset[int]  # municipality ids
    home_id: int | None
    shared: frozenset[int]  # municipalities the person shares their residency with
    citizen_ids: dict[int, datetime]  # municipality id -> expiry of the unrevoked id
    checks: dict[int, date]  # municipality id -> latest expiry of an unrevoked background check
    email_verified: bool
    # Random, new each time the facts are read from the database: every change forgets them, so
    # the version names one state of the person's roles, memberships, ids... (for caches of what
    # is derived from them, e.g. GET /api/v1/me).
    version: str


def access_cache_key(user_id: int) -> str:
    return f"accounts:access:v2:{user_id}"


def _facts_union(user_id: int):
    """All the facts in one query: a `UNION ALL` of one row per role, membership, consent,
    citizen id, background check, TOTP authenticator and verified email address."""
    from .models import (
        BackgroundCheck,
        CitizenId,
        Membership,
        ResidencyShareConsent,
        RoleAssignment,
    )

    # Typed NULLs: PostgreSQL takes a UNION's column types from its first branch.
    no_int = Cast(Value(None), BigIntegerField())
    no_time = Cast(Value(None), DateTimeField())

    def rows(queryset, kind, municipality=no_int, region=no_int, at=no_time):
        return queryset.annotate(
            fact=kind if not isinstance(kind, str) else Value(kind),
            fact_municipality=municipality,
            fact_region=region,
            fact_at=at,
        ).values_list("fact", "fact_municipality", "fact_region", "fact_at")

    home = Case(When(is_home=True, then=Value("home")), default=Value("member"))
    queries = [
        rows(
            RoleAssignment.objects.active().filter(user_id=user_id),
            F("role"),
            F("municipality_id"),
            F("region_id"),
        ),
        rows(Membership.objects.filter(user_id=user_id), home, F("municipality_id")),
        rows(
            ResidencyShareConsent.objects.filter(user_id=user_id, withdrawn_at__isnull=True),
            "shared",
            F("municipality_id"),
        ),
        rows(
            CitizenId.objects.filter(user_id=user_id, revoked_at__isnull=True),
            "id",
            F("municipality_id"),
            at=F("expires_at"),
        ),
        # Its last valid day, as midnight UTC of that day (the column must be a timestamp).
        rows(
            BackgroundCheck.objects.filter(user_id=user_id, revoked_at__isnull=True),
            "check",
            F("municipality_id"),
            at=Cast("expires_on", DateTimeField()),
        ),
        rows(Authenticator.objects.filter(user_id=user_id, type=Authenticator.Type.TOTP), "mfa"),
        rows(EmailAddress.objects.filter(user_id=user_id, verified=True), "email"),
    ]
    return queries[0].union(*queries[1:], all=True)


# Compiled once per process: building and compiling the seven querysets took two thirds of a
# cold request's facts (about 4 ms of 6.7 ms on PostgreSQL).
FACTS = CompiledQuery(_facts_union)


def _load(user) -> AccessFacts:
    roles: set[tuple[str, int | None, int | None]] = set()
    memberships: set[int] = set()
    shared: set[int] = set()
    citizen_ids: dict[int, datetime] = {}
    checks: dict[int, date] = {}
    home_id = None
    has_mfa = email_verified = False
    for fact, municipality_id, region_id, raw_at in FACTS.rows(user.pk):
        at = aware(raw_at)
        if fact in ("home", "member"):
            memberships.add(municipality_id)
            if fact == "home":
                home_id = municipality_id
        elif fact == "shared":
            shared.add(municipality_id)
        elif fact == "id":
            citizen_ids[municipality_id] = at
        elif fact == "check":
            last_day = at.date()
            checks[municipality_id] = max(last_day, checks.get(municipality_id, last_day))
        elif fact == "mfa":
            has_mfa = True
        elif fact == "email":
            email_verified = True
        else:
            roles.add((fact, municipality_id, region_id))
    return AccessFacts(
        roles=frozenset(roles),
        has_mfa=has_mfa,
        memberships=frozenset(memberships),
        home_id=home_id,
        shared=frozenset(shared),
        citizen_ids=citizen_ids,
        checks=checks,
        email_verified=email_verified,
        version=secrets.token_hex(6),
    )


# Bumped by every `access_forget` in this process: facts memoised on a user object before a
# change in the same process (a service, then a check, in one request or one test) are dropped.
_generation = 0


def access_facts(user) -> AccessFacts:
    """The visitor's access facts (call only for an authenticated user)."""
    memo = getattr(user, "_milieu_access", None)
    if memo is not None and memo[0] == _generation:
        return memo[1]
    key = access_cache_key(user.pk)
    facts = prefetch.get(user, key)  # read with the user, usually
    if facts is None:
        facts = _load(user)
        prefetch.put(user, key, facts, ACCESS_CACHE_SECONDS)
    user._milieu_access = (_generation, facts)
    return facts


def access_forget(user_id: int | None) -> None:
    """Forget a person's facts now and again after the commit (so that a request reading
    between the write and the commit cannot keep the old facts for long)."""
    global _generation
    if user_id is None:
        return
    _generation += 1
    prefetch.forget([access_cache_key(user_id)])
