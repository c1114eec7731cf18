"""Benchmark data for accounts and identity.

Per municipality, `residents` people (its population times the scale) with a home membership in
one of its districts; 80 % write in French, 15 % in English, 5 % in Spanish. 45 % are verified
residents holding a citizen id (issued over the past year, so all are valid), 0.5 % of those have
a background check, 3 % also visit another municipality of their region. Besides residents: one
administrator per municipality, a staff member per 15,000 residents (at least one), a merchant
per 500 and an organisation manager per 2,000; staff and administrators have a TOTP
authenticator (they may use the staff pages) and a consortium administrator per region.

Every account's password is `BENCH_PASSWORD`; they all share one hash, computed once.

Leaves in `ctx.state`:
- `residents`: {municipality id: range of user ids}, the residents of each municipality;
- `people`: {"first_id", "language": [...], "district": [...], "verified": bytearray} indexed by
  `user_id - first_id` over every resident;
- `staff`, `admins`, `merchant_owners`, `organisation_managers`: {municipality id: [user ids]}.
and in the manifest, `accounts`: sample logins for the harness (verified residents of each
municipality, staff and administrators by municipality slug).
"""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.hashers import make_password

from milieu.core.bench import BENCH_EMAIL_DOMAIN, BENCH_PASSWORD, BenchContext
from milieu.territory.models import Region

from .models import (
    BackgroundCheck,
    CitizenId,
    Membership,
    Role,
    RoleAssignment,
    User,
    Verification,
)
from .services.identity import VALIDITY, citizen_id_number

LANGUAGES = (("fr", 0.80), ("en", 0.95), ("es", 1.0))
VERIFIED_SHARE = 0.45
SAMPLE_RESIDENTS = 64  # verified residents per municipality listed in the manifest
FIRST_NAMES = [
    "Camille",
    "Gabriel",
    "Léa",
    "Noah",
    "Chloé",
    "Thomas",
    "Zoé",
    "Liam",
    "Maya",
    "Amir",
]


def resident_email(slug: str, index: int) -> str:
    return f"resident-{slug}-{index:06d}@{BENCH_EMAIL_DOMAIN}"


def _role_holders(municipality: dict) -> list[tuple[str, str]]:
    """(role, email) for the people holding a role in one municipality (counts follow the
    scaled number of residents)."""
    population, slug = municipality["residents"], municipality["slug"]
    holders: list[tuple[str, str]] = [(Role.ADMIN, f"admin-{slug}@{BENCH_EMAIL_DOMAIN}")]
    holders += [
        (Role.STAFF, f"staff-{slug}-{n}@{BENCH_EMAIL_DOMAIN}")
        for n in range(1, max(1, population // 15_000) + 1)
    ]
    holders += [
        (Role.MERCHANT, f"merchant-{slug}-{n:04d}@{BENCH_EMAIL_DOMAIN}")
        for n in range(1, max(1, population // 500) + 1)
    ]
    holders += [
        (Role.ORGANISATION_MANAGER, f"organisation-{slug}-{n:03d}@{BENCH_EMAIL_DOMAIN}")
        for n in range(1, max(1, population // 2_000) + 1)
    ]
    return holders


def generate(ctx: BenchContext) -> dict[str, int]:
    rng = ctx.rng("accounts")
    writer, now = ctx.writer, ctx.now
    password = make_password(BENCH_PASSWORD)
    municipalities = ctx.state["municipalities"]
    total_residents = sum(m["residents"] for m in municipalities)
    holders = [(m, role, email) for m in municipalities for role, email in _role_holders(m)]
    regions = list(Region.objects.order_by("pk"))

    first_id = writer.reserve(User, total_residents + len(holders) + len(regions))
    languages: list[str] = []
    districts: list[int | None] = []
    verified = bytearray(total_residents)
    residents: dict[int, range] = {}

    def people():
        user_id = first_id
        for municipality in municipalities:
            start = user_id
            for index in range(municipality["residents"]):
                draw = rng.random()
                language = next(code for code, limit in LANGUAGES if draw < limit)
                languages.append(language)
                districts.append(rng.choice(municipality["districts"]))
                joined = now - timedelta(days=rng.randint(1, 900), seconds=rng.randint(0, 86_399))
                name = f"{rng.choice(FIRST_NAMES)} {index}"
                yield (user_id, resident_email(municipality["slug"], index), name, language, joined)
                user_id += 1
            residents[municipality["id"]] = range(start, user_id)
        for municipality, role, email in holders:
            yield (
                user_id,
                email,
                f"{role} {municipality['slug']}",
                "fr",
                now - timedelta(days=400),
            )
            user_id += 1
        for region in regions:
            email = f"consortium-{region.slug}@{BENCH_EMAIL_DOMAIN}"
            yield (user_id, email, f"consortium {region.slug}", "fr", now - timedelta(days=400))
            user_id += 1

    rows = list(people())
    writer.insert(
        User,
        [
            "id",
            "password",
            "is_superuser",
            "email",
            "display_name",
            "preferred_language",
            "profile_visibility",
            "is_active",
            "is_staff",
            "date_joined",
        ],
        (
            (pk, password, False, email, name, lang, "private", True, False, joined)
            for pk, email, name, lang, joined in rows
        ),
    )
    email_first = writer.reserve(EmailAddress, len(rows))
    writer.insert(
        EmailAddress,
        ["id", "user_id", "email", "verified", "primary"],
        ((email_first + i, row[0], row[1], True, True) for i, row in enumerate(rows)),
    )

    # Home memberships, and a few visits to another municipality of the same region.
    by_region: dict[int, list[dict]] = {}
    for municipality in municipalities:
        by_region.setdefault(municipality["region_id"], []).append(municipality)
    memberships = []
    for municipality in municipalities:
        neighbours = [m for m in by_region[municipality["region_id"]] if m is not municipality]
        for user_id in residents[municipality["id"]]:
            joined = rows[user_id - first_id][4]
            memberships.append(
                (user_id, municipality["id"], districts[user_id - first_id], True, joined)
            )
            if neighbours and rng.random() < 0.03:
                visited = rng.choice(neighbours)
                memberships.append((user_id, visited["id"], None, False, joined))
    holder_ids: dict[tuple[int, str], list[int]] = {}
    for offset, (municipality, role, _email) in enumerate(holders):
        user_id = first_id + total_residents + offset
        holder_ids.setdefault((municipality["id"], role), []).append(user_id)
        memberships.append(
            (user_id, municipality["id"], municipality["districts"][0], True, now - timedelta(400))
        )
    membership_first = writer.reserve(Membership, len(memberships))
    writer.insert(
        Membership,
        ["id", "user_id", "municipality_id", "district_id", "is_home", "joined_at"],
        ((membership_first + i, *row) for i, row in enumerate(memberships)),
    )

    # Roles, and the TOTP authenticator that staff pages require.
    roles: list[tuple[int, str, int | None, int | None]] = [
        (user_id, role, municipality_id, None)
        for (municipality_id, role), ids in holder_ids.items()
        for user_id in ids
    ]
    consortium_first = first_id + total_residents + len(holders)
    roles += [
        (consortium_first + i, Role.CONSORTIUM_ADMIN, None, region.pk)
        for i, region in enumerate(regions)
    ]
    role_first = writer.reserve(RoleAssignment, len(roles))
    writer.insert(
        RoleAssignment,
        ["id", "user_id", "role", "municipality_id", "region_id", "granted_at"],
        ((role_first + i, *row, now - timedelta(days=400)) for i, row in enumerate(roles)),
    )
    staff_ids = [row[0] for row in roles if row[1] in (Role.STAFF, Role.ADMIN)]
    authenticator_first = writer.reserve(Authenticator, len(staff_ids))
    writer.insert(
        Authenticator,
        ["id", "user_id", "type", "data", "created_at"],
        (
            (
                authenticator_first + i,
                user_id,
                Authenticator.Type.TOTP,
                {"secret": base64.b32encode(rng.randbytes(20)).decode()},
                now - timedelta(days=400),
            )
            for i, user_id in enumerate(staff_ids)
        ),
    )

    # Verified residents: an approved verification and a citizen id each.
    verifications: list[tuple[Any, ...]] = []
    citizen_ids: list[tuple[Any, ...]] = []
    checks: list[tuple[Any, ...]] = []
    verification_id = writer.reserve(Verification, 0)
    for municipality in municipalities:
        admin_id = holder_ids[(municipality["id"], Role.ADMIN)][0]
        code = municipality["id_code"]
        serials: dict[int, int] = {}
        for user_id in residents[municipality["id"]]:
            if rng.random() >= VERIFIED_SHARE:
                continue
            verified[user_id - first_id] = 1
            # Issued over the past eleven months: every id is valid for a month after the build.
            decided = now - timedelta(days=rng.randint(1, 330), seconds=rng.randint(0, 86_399))
            serial = serials[decided.year] = serials.get(decided.year, 0) + 1
            method = rng.choice(("registry_letter", "document", "counter"))
            verifications.append(
                (
                    verification_id,
                    user_id,
                    municipality["id"],
                    method,
                    "approved",
                    decided,
                    admin_id,
                    decided,
                )
            )
            citizen_ids.append(
                (
                    user_id,
                    municipality["id"],
                    verification_id,
                    citizen_id_number(code, decided.year, serial),
                    decided.year,
                    serial,
                    decided,
                    decided,
                    decided + VALIDITY,
                    [],
                )
            )
            if rng.random() < 0.005:
                checks.append(
                    (
                        user_id,
                        municipality["id"],
                        "Vérification des antécédents judiciaires",
                        (decided - timedelta(days=30)).date(),
                        (decided + timedelta(days=3 * 365)).date(),
                        admin_id,
                        decided,
                    )
                )
            verification_id += 1
    writer.reserve(Verification, len(verifications))
    writer.insert(
        Verification,
        [
            "id",
            "user_id",
            "municipality_id",
            "method",
            "status",
            "created_at",
            "decided_by_id",
            "decided_at",
        ],
        verifications,
    )
    citizen_first = writer.reserve(CitizenId, len(citizen_ids))
    writer.insert(
        CitizenId,
        [
            "id",
            "user_id",
            "municipality_id",
            "verification_id",
            "number",
            "year",
            "serial",
            "issued_at",
            "confirmed_at",
            "expires_at",
            "reminded_days",
        ],
        ((citizen_first + i, *row) for i, row in enumerate(citizen_ids)),
    )
    check_first = writer.reserve(BackgroundCheck, len(checks))
    writer.insert(
        BackgroundCheck,
        [
            "id",
            "user_id",
            "municipality_id",
            "kind",
            "checked_on",
            "expires_on",
            "recorded_by_id",
            "recorded_at",
        ],
        ((check_first + i, *row) for i, row in enumerate(checks)),
    )

    ctx.state["residents"] = residents
    ctx.state["people"] = {
        "first_id": first_id,
        "language": languages,
        "district": districts,
        "verified": verified,
    }
    for key, role in (
        ("staff", Role.STAFF),
        ("admins", Role.ADMIN),
        ("merchant_owners", Role.MERCHANT),
        ("organisation_managers", Role.ORGANISATION_MANAGER),
    ):
        ctx.state[key] = {m["id"]: holder_ids.get((m["id"], role), []) for m in municipalities}

    emails = {row[0]: row[1] for row in rows[total_residents:]}
    sample: dict[str, list[str]] = {}
    for municipality in municipalities:
        chosen = [
            user_id for user_id in residents[municipality["id"]] if verified[user_id - first_id]
        ][:SAMPLE_RESIDENTS]
        sample[municipality["slug"]] = [rows[user_id - first_id][1] for user_id in chosen]
    ctx.state["sample_residents"] = {
        m["id"]: [user_id for user_id in residents[m["id"]] if verified[user_id - first_id]][
            :SAMPLE_RESIDENTS
        ]
        for m in municipalities
    }
    ctx.manifest["password"] = BENCH_PASSWORD
    ctx.manifest["accounts"] = {
        "residents": sample,
        "staff": {
            m["slug"]: [emails[i] for i in holder_ids[(m["id"], Role.STAFF)]]
            for m in municipalities
        },
        "admins": {m["slug"]: emails[holder_ids[(m["id"], Role.ADMIN)][0]] for m in municipalities},
    }
    return {
        "users": len(rows),
        "memberships": len(memberships),
        "roles": len(roles),
        "citizen ids": len(citizen_ids),
        "background checks": len(checks),
    }
