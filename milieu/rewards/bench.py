"""Benchmark data for rewards: a points program per municipality and a year of its ledger.

Per municipality (`ctx.state["municipalities"]`): a `Program` ("Points <name>") with its
issuance and municipal-services accounts and its earning rules (2 points per dollar at local
merchants, uncapped; completed exchanges, volunteer hours, consultations, events and a completed
profile with daily and monthly caps); a `Merchant` for each owner of `ctx.state
["merchant_owners"]` (at least 8 in municipalities of 40,000 people or more, 2 elsewhere, an
owner then holding several), verified by the city, with its merchant account, plus one business
waiting for verification where there are four owners or more; three offers per merchant (the
first cheap, with a large quantity and a high limit per person, the others dearer and limited;
a few have ended or are inactive) and three municipal-service offers per program (the first
cheap in the same way).

Wallets for half the residents and for every sample resident (`ctx.state["sample_residents"]`).
Postings: `1,000,000 * scale` (two entries each), shared among the wallets, each wallet's
history written in time order over the past year so that it never goes below zero: awards from
the issuance account as the services write them (`earn:local_purchase` at the till of a merchant
verified by then, for verified residents only, key `till:<merchant>:<key>`, memo
`merchant=… user=… cents=…`, by the owner; `earn:<action>` through `points_award`, memo
`user=… units=…`, within the rule's caps per local day and month) and about one in eight a
redemption (`redeem`, key `redeem:<user>:<key>`, memo `offer:<id>`, wallet → merchant or
municipal services) of an offer valid at the time, within its quantity and limit per person,
with its `Voucher` (70 % validated by the merchant's owner or the city's staff). Every sample
resident's wallet starts with a posting of kind `bench:grant` of 1,000,000 points, so that the
load harness can redeem many times. `Account.balance` is the sum of each account's entries.

Leaves in `ctx.state`: `programs` {municipality id: program id}, `merchants` {municipality id:
[verified merchant ids]}, `wallets` {user id: account id}. In the manifest: `merchants`, a list
of {"email", "merchant_id", "municipality"} (verified merchants and their owner's login), and
`offers`, a list of {"id", "municipality", "points_price"} of active offers, cheap, with a
large quantity and limit per person, that any member of the municipality may redeem.
"""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
from typing import Any

from milieu.accounts.models import User
from milieu.core.bench import BenchContext
from milieu.territory.models import Municipality

from .ledger import _fingerprint
from .models import Account, EarningRule, Entry, Merchant, Offer, Posting, Program, Voucher

POSTINGS = 1_000_000  # at scale 1; two entries each
WALLET_SHARE = 0.5
REDEEM_SHARE = 0.17
VALIDATED_SHARE = 0.7
GRANT = 1_000_000  # points on each sample resident's wallet, for the load harness
GRANT_KIND = "bench:grant"
FLUSH = 50_000  # postings per batch written
Action = EarningRule.Action
# action: (points, daily cap, monthly cap, weight among civic actions, key pattern)
RULES: dict[str, tuple[int, int | None, int | None, float, str]] = {
    Action.LOCAL_PURCHASE: (2, None, None, 0.0, ""),
    Action.EXCHANGE_COMPLETED: (50, 100, 500, 0.35, "exchange:{n}:completed"),
    Action.VOLUNTEER_HOUR: (100, 400, 2000, 0.2, "volunteering:{n}:confirmed"),
    Action.CONSULTATION_ANSWERED: (25, None, 100, 0.2, "consultation:{n}:answered"),
    Action.EVENT_ATTENDED: (30, 60, 150, 0.2, "event:{n}:attended"),
    Action.PROFILE_COMPLETED: (100, None, None, 0.05, "profile:{user}:completed"),
}
CIVIC = [action for action, rule in RULES.items() if rule[3]]
CIVIC_WEIGHTS = [RULES[action][3] for action in CIVIC]
SHOPS = [
    ("Boulangerie", "boulangerie"),
    ("Café", "café"),
    ("Épicerie fine", "épicerie"),
    ("Librairie", "librairie"),
    ("Quincaillerie", "quincaillerie"),
    ("Fleuriste", "fleuriste"),
    ("Fromagerie", "fromagerie"),
    ("Boucherie", "boucherie"),
    ("Atelier de vélo", "vélo"),
    ("Restaurant", "restaurant"),
    ("Friperie", "friperie"),
    ("Pâtisserie", "pâtisserie"),
]
SHOP_NAMES = [
    "du Coin",
    "des Érables",
    "du Vieux-Village",
    "Chez Marie",
    "La Fourmi",
    "du Marché",
    "Saint-Laurent",
    "Le Phare",
    "des Quatre-Saisons",
    "Boréale",
]
STREETS = [
    "rue Principale",
    "boulevard Taschereau",
    "chemin des Prairies",
    "rue Saint-Pierre",
    "avenue Victoria",
    "boulevard de Rome",
    "rue Notre-Dame",
]
HOURS = [
    "Lun-ven 9 h-18 h, sam 9 h-17 h",
    "Tous les jours 7 h-21 h",
    "Mar-sam 10 h-18 h",
    "Lun-mer 9 h-18 h, jeu-ven 9 h-21 h, sam-dim 10 h-17 h",
]
CHEAP_OFFERS = [
    (Offer.Kind.PRODUCT, "Café offert", "Un café filtre ou un thé, sur place ou pour emporter."),
    (Offer.Kind.PRODUCT, "Biscuit maison offert", "Un biscuit du jour, avec ou sans achat."),
    (Offer.Kind.DISCOUNT, "Sac réutilisable offert", "Un sac de coton aux couleurs du quartier."),
]
OFFERS = [
    (Offer.Kind.DISCOUNT, "10 % de rabais sur votre achat", "Une fois, sur un achat en magasin."),
    (Offer.Kind.DISCOUNT, "5 $ de rabais", "Sur un achat de 25 $ ou plus."),
    (Offer.Kind.PRODUCT, "Produit vedette du mois offert", "Selon les stocks disponibles."),
    (Offer.Kind.PRIORITY_ACCESS, "Accès prioritaire aux soldes", "Une heure avant tout le monde."),
    (Offer.Kind.VIP_SEATS, "Places VIP à la soirée des commerçants", "Deux places réservées."),
]
MUNICIPAL_OFFERS = [
    (
        "Bain libre à la piscine municipale",
        "Une entrée au bain libre, sur présentation du bon.",
        20,
    ),
    (
        "10 $ de rabais sur une inscription aux loisirs",
        "Sur une activité de la programmation municipale.",
        500,
    ),
    ("Vignette de stationnement d'un jour", "Stationnement au centre-ville, une journée.", 150),
]
EST = timedelta(hours=5)  # local time, near enough for business hours and the caps' local day


def _token(rng) -> str:
    """Like `secrets.token_urlsafe(18)`: 24 characters."""
    return base64.urlsafe_b64encode(rng.randbytes(18)).decode()


class _Ledger:
    """Postings, entries and vouchers in batches, with the balances they leave."""

    def __init__(self, ctx: BenchContext) -> None:
        self.writer = ctx.writer
        self.balances: dict[int, int] = {}
        self.postings: list[tuple[Any, ...]] = []
        self.vouchers: list[tuple[Any, ...]] = []
        self.counts = {"postings": 0, "entries": 0, "vouchers": 0}

    def post(
        self,
        *,
        program: int,
        key: str,
        kind: str,
        memo: str,
        debit: int,
        credit: int,
        amount: int,
        at: datetime,
        by: int | None,
    ) -> int:
        """One posting of two entries, `debit` first (as `ledger.post` writes them); returns its
        index in the current batch."""
        fingerprint = _fingerprint(kind, memo, {debit: -amount, credit: amount})
        self.postings.append((program, key, kind, memo, fingerprint, at, by, debit, credit, amount))
        balances = self.balances
        balances[debit] = balances.get(debit, 0) - amount
        balances[credit] = balances.get(credit, 0) + amount
        return len(self.postings) - 1

    def voucher(self, posting: int, row: tuple[Any, ...]) -> None:
        self.vouchers.append((posting, *row))

    def flush(self) -> None:
        writer, postings = self.writer, self.postings
        if not postings:
            return
        first = writer.reserve(Posting, len(postings))
        writer.insert(
            Posting,
            [
                "id",
                "program_id",
                "key",
                "kind",
                "memo",
                "fingerprint",
                "created_at",
                "created_by_id",
            ],
            ((first + i, *row[:7]) for i, row in enumerate(postings)),
        )
        entry_first = writer.reserve(Entry, 2 * len(postings))

        def entries():
            pk = entry_first
            for i, row in enumerate(postings):
                debit, credit, amount = row[7:]
                yield (pk, first + i, debit, -amount)
                yield (pk + 1, first + i, credit, amount)
                pk += 2

        writer.insert(Entry, ["id", "posting_id", "account_id", "amount"], entries())
        voucher_first = writer.reserve(Voucher, len(self.vouchers))
        writer.insert(
            Voucher,
            [
                "id",
                "posting_id",
                "offer_id",
                "user_id",
                "code",
                "issued_at",
                "expires_at",
                "validated_at",
                "validated_by_id",
            ],
            ((voucher_first + i, first + row[0], *row[1:]) for i, row in enumerate(self.vouchers)),
        )
        self.counts["postings"] += len(postings)
        self.counts["entries"] += 2 * len(postings)
        self.counts["vouchers"] += len(self.vouchers)
        self.postings, self.vouchers = [], []


def _merchants(
    ctx: BenchContext, programs: dict[int, dict[str, Any]], names: dict[int, str]
) -> list[dict[str, Any]]:
    """The merchants (not yet numbered) of every municipality."""
    rng = ctx.rng("rewards:merchants")
    now = ctx.now
    merchants: list[dict[str, Any]] = []
    for municipality in ctx.state["municipalities"]:
        mid = municipality["id"]
        owners = ctx.state["merchant_owners"].get(mid, [])
        if not owners:
            continue
        verifiers = ctx.state["staff"].get(mid, []) + ctx.state["admins"].get(mid, [])
        count = max(len(owners), 8 if municipality["population"] >= 40_000 else 2)
        pending = 1 if len(owners) >= 4 else 0
        for index in range(count + pending):
            label, category = rng.choice(SHOPS)
            created = now - timedelta(
                days=rng.uniform(380, 700) if rng.random() < 0.8 else rng.uniform(30, 360)
            )
            verified = index < count
            merchants.append(
                {
                    "program": programs[mid]["id"],
                    "municipality": mid,
                    "owner": owners[index % len(owners)] if verified else owners[-1],
                    "name": f"{label} {rng.choice(SHOP_NAMES)}",
                    "category": category,
                    "address": f"{rng.randint(1, 9999)} {rng.choice(STREETS)}, {names[mid]}",
                    "hours": rng.choice(HOURS),
                    "description": f"{label} du quartier, partenaire du programme de points.",
                    "verified_at": (
                        created + timedelta(days=rng.uniform(1, 10)) if verified else None
                    ),
                    "verified_by": rng.choice(verifiers) if verified and verifiers else None,
                    "created_at": created,
                }
            )
    return merchants


def generate(ctx: BenchContext) -> dict[str, int]:
    writer, now = ctx.writer, ctx.now
    municipalities = ctx.state["municipalities"]
    names = dict(Municipality.objects.values_list("pk", "name"))
    slugs = {m["id"]: m["slug"] for m in municipalities}
    people = ctx.state["people"]
    first_person, verified = people["first_id"], people["verified"]
    samples = {user_id for ids in ctx.state["sample_residents"].values() for user_id in ids}
    started = now - timedelta(days=420)

    # Programs, their rules and accounts.
    program_first = writer.reserve(Program, len(municipalities))
    programs = {
        m["id"]: {"id": program_first + i, "municipality": m["id"]}
        for i, m in enumerate(municipalities)
    }
    writer.insert(
        Program,
        ["id", "municipality_id", "region_id", "name", "created_at"],
        ((p["id"], mid, None, f"Points {names[mid]}", started) for mid, p in programs.items()),
    )
    rule_first = writer.reserve(EarningRule, len(programs) * len(RULES))
    writer.insert(
        EarningRule,
        ["id", "program_id", "action", "points", "daily_cap", "monthly_cap", "active"],
        (
            (rule_first + i * len(RULES) + j, p["id"], action, points, daily, monthly, True)
            for i, p in enumerate(programs.values())
            for j, (action, (points, daily, monthly, _w, _k)) in enumerate(RULES.items())
        ),
    )

    merchants = _merchants(ctx, programs, names)
    merchant_first = writer.reserve(Merchant, len(merchants))
    for offset, merchant in enumerate(merchants):
        merchant["id"] = merchant_first + offset
    verified_merchants = [m for m in merchants if m["verified_at"] is not None]

    # Wallets: half the residents, and every sample resident.
    wallet_rng = ctx.rng("rewards:wallets")
    holders: list[tuple[int, int]] = []  # (user id, municipality id)
    for municipality in municipalities:
        for user_id in ctx.state["residents"][municipality["id"]]:
            if wallet_rng.random() < WALLET_SHARE or user_id in samples:
                holders.append((user_id, municipality["id"]))
    account_count = 2 * len(programs) + len(verified_merchants) + len(holders)
    account_first = writer.reserve(Account, account_count)
    next_account = iter(range(account_first, account_first + account_count))
    accounts: list[tuple[Any, ...]] = []  # (id, program, kind, user, merchant, created)
    for mid, program in programs.items():
        program["issuance"] = next(next_account)
        program["services"] = next(next_account)
        accounts.append((program["issuance"], program["id"], "issuance", None, None, started))
        accounts.append(
            (program["services"], program["id"], "municipal_services", None, None, started)
        )
        program["merchants"] = []
        program["offers"] = []
        program["staff"] = ctx.state["staff"].get(mid, []) + ctx.state["admins"].get(mid, [])
    for merchant in verified_merchants:
        merchant["account"] = next(next_account)
        accounts.append(
            (
                merchant["account"],
                merchant["program"],
                "merchant",
                None,
                merchant["id"],
                merchant["verified_at"],
            )
        )
        programs[merchant["municipality"]]["merchants"].append(merchant)
    wallets = {user_id: next(next_account) for user_id, _mid in holders}

    # Offers: three per verified merchant, three municipal services per program.
    offer_rng = ctx.rng("rewards:offers")
    offers: list[dict[str, Any]] = []

    def offer(program, merchant, kind, title, description, price, *, cheap: bool) -> None:
        opened = merchant["verified_at"] if merchant else started
        if cheap:
            valid_from = opened + timedelta(days=1)
            valid_until = now + timedelta(days=offer_rng.uniform(180, 365))
            quantity, limit, active = 1_000_000, 10_000, True
        else:
            valid_from = max(opened, now - timedelta(days=offer_rng.uniform(30, 330)))
            if offer_rng.random() < 0.15:
                valid_until = max(
                    valid_from + timedelta(days=30), now - timedelta(days=offer_rng.uniform(1, 60))
                )
            else:
                valid_until = now + timedelta(days=offer_rng.uniform(30, 240))
            quantity = offer_rng.randint(200, 5_000)
            limit = offer_rng.choice((1, 1, 2, 3, 5))
            active = offer_rng.random() >= 0.05
        item = {
            "id": None,
            "program": program["id"],
            "merchant": merchant["id"] if merchant else None,
            "receiving": merchant["account"] if merchant else program["services"],
            "validators": [merchant["owner"]] if merchant else program["staff"],
            "kind": kind,
            "title": title,
            "description": description,
            "price": price,
            "quantity": quantity,
            "limit": limit,
            "valid_from": valid_from,
            "valid_until": valid_until,
            "active": active,
            "cheap": cheap,
            "sold": 0,
        }
        offers.append(item)
        program["offers"].append(item)

    for merchant in verified_merchants:
        program = programs[merchant["municipality"]]
        kind, title, description = offer_rng.choice(CHEAP_OFFERS)
        offer(
            program,
            merchant,
            kind,
            title,
            description,
            offer_rng.choice((10, 15, 20, 25)),
            cheap=True,
        )
        for kind, title, description in offer_rng.sample(OFFERS, 2):
            price = offer_rng.choice((100, 150, 200, 250, 300, 400, 500, 750, 1000))
            offer(program, merchant, kind, title, description, price, cheap=False)
    for program in programs.values():
        for index, (title, description, price) in enumerate(MUNICIPAL_OFFERS):
            offer(
                program,
                None,
                Offer.Kind.MUNICIPAL_SERVICE,
                title,
                description,
                price,
                cheap=index == 0,
            )
    offer_first = writer.reserve(Offer, len(offers))
    for offset, item in enumerate(offers):
        item["id"] = offer_first + offset

    # How many postings each wallet's history holds: at least one, the rest by activity.
    total = max(ctx.scaled(POSTINGS), len(holders) + len(samples))
    events = [1] * len(holders)
    spare = total - len(holders) - len(samples)
    if spare > 0:
        weights = [wallet_rng.expovariate(1.0) for _ in holders]
        for index in wallet_rng.choices(range(len(holders)), weights=weights, k=spare):
            events[index] += 1

    ledger = _Ledger(ctx)
    history_rng = ctx.rng("rewards:history")
    wallet_created: dict[int, datetime] = {}
    sequence = {p["id"]: 0 for p in programs.values()}
    skipped = 0
    for (user_id, mid), count in zip(holders, events, strict=True):
        program = programs[mid]
        wallet = wallets[user_id]
        is_verified = bool(verified[user_id - first_person])
        skipped += _history(
            history_rng,
            ledger,
            program=program,
            user_id=user_id,
            wallet=wallet,
            count=count,
            verified=is_verified,
            sample=user_id in samples,
            now=now,
            created=wallet_created,
            sequence=sequence,
        )
        if len(ledger.postings) >= FLUSH:
            ledger.flush()
    ledger.flush()

    # Rows that the postings refer to: merchants, offers, accounts with their balances.
    writer.insert(
        Merchant,
        [
            "id",
            "program_id",
            "municipality_id",
            "owner_id",
            "name",
            "category",
            "address",
            "hours",
            "description",
            "verified_at",
            "verified_by_id",
            "created_at",
        ],
        (
            (
                m["id"],
                m["program"],
                m["municipality"],
                m["owner"],
                m["name"],
                m["category"],
                m["address"],
                m["hours"],
                m["description"],
                m["verified_at"],
                m["verified_by"],
                m["created_at"],
            )
            for m in merchants
        ),
    )
    writer.insert(
        Offer,
        [
            "id",
            "program_id",
            "merchant_id",
            "kind",
            "title",
            "description",
            "points_price",
            "quantity",
            "per_person_limit",
            "valid_from",
            "valid_until",
            "active",
        ],
        (
            (
                o["id"],
                o["program"],
                o["merchant"],
                o["kind"],
                o["title"],
                o["description"],
                o["price"],
                o["quantity"],
                o["limit"],
                o["valid_from"],
                o["valid_until"],
                o["active"],
            )
            for o in offers
        ),
    )
    for user_id, mid in holders:
        wallet = wallets[user_id]
        accounts.append(
            (wallet, programs[mid]["id"], "wallet", user_id, None, wallet_created[wallet])
        )
    balances = ledger.balances
    writer.insert(
        Account,
        ["id", "program_id", "kind", "user_id", "merchant_id", "created_at", "balance"],
        ((*row, balances.get(row[0], 0)) for row in accounts),
    )

    ctx.state["programs"] = {mid: p["id"] for mid, p in programs.items()}
    ctx.state["merchants"] = {mid: [m["id"] for m in p["merchants"]] for mid, p in programs.items()}
    ctx.state["wallets"] = wallets
    emails = dict(
        User.objects.filter(pk__in={m["owner"] for m in verified_merchants}).values_list(
            "pk", "email"
        )
    )
    ctx.manifest["merchants"] = [
        {
            "email": emails[m["owner"]],
            "merchant_id": m["id"],
            "municipality": slugs[m["municipality"]],
        }
        for m in verified_merchants
    ]
    by_program = {p["id"]: mid for mid, p in programs.items()}
    ctx.manifest["offers"] = [
        {"id": o["id"], "municipality": slugs[by_program[o["program"]]], "points_price": o["price"]}
        for o in offers
        if o["cheap"]
    ]
    return {
        "programs": len(programs),
        "merchants": len(merchants),
        "offers": len(offers),
        "accounts": len(accounts),
        **ledger.counts,
        "skipped awards": skipped,
    }


def _history(
    rng,
    ledger: _Ledger,
    *,
    program: dict[str, Any],
    user_id: int,
    wallet: int,
    count: int,
    verified: bool,
    sample: bool,
    now: datetime,
    created: dict[int, datetime],
    sequence: dict[int, int],
) -> int:
    """One wallet's postings, oldest first, never below zero. Returns how many events found no
    award that the caps allowed (none in practice)."""
    program_id = program["id"]
    # A busy wallet has a longer history: its awards then stay under the monthly caps.
    start = now - timedelta(days=max(rng.uniform(200 if sample else 20, 365), min(365, 5 * count)))
    span = (now - start).total_seconds() - 2 * 86_400
    days = sorted(rng.random() * span for _ in range(count))
    # Business hours, local time: 8:00 to 21:59 (UTC minus five hours, near enough).
    moments = sorted(
        (start + timedelta(seconds=s)).replace(hour=0, minute=0, second=0, microsecond=0)
        + EST
        + timedelta(hours=rng.randint(8, 21), seconds=rng.randint(0, 3599))
        for s in days
    )
    first = moments[0] if moments else now
    balance = 0
    if sample:
        first = first - timedelta(minutes=5)
        ledger.post(
            program=program_id,
            key=f"bench:grant:{user_id}",
            kind=GRANT_KIND,
            memo="Benchmark: points for the load harness",
            debit=program["issuance"],
            credit=wallet,
            amount=GRANT,
            at=first,
            by=None,
        )
        balance = GRANT
    created[wallet] = first
    earned: dict[tuple[str, Any], int] = {}  # (kind, local day or month) → points
    redeemed: dict[int, int] = {}  # offer id → vouchers
    profile_done = False
    offers, merchants = program["offers"], program["merchants"]
    skipped = 0

    def award(action: str, units: int, at: datetime, memo: str, key: str, by: int | None) -> bool:
        points, daily, monthly, _weight, _key = RULES[action]
        points *= units
        kind = f"earn:{action}"
        local = (at - EST).date()
        day, month = (kind, local), (kind, (local.year, local.month))
        if daily is not None:
            points = min(points, daily - earned.get(day, 0))
        if monthly is not None:
            points = min(points, monthly - earned.get(month, 0))
        if points <= 0:
            return False
        earned[day] = earned.get(day, 0) + points
        earned[month] = earned.get(month, 0) + points
        ledger.post(
            program=program_id,
            key=key,
            kind=kind,
            memo=memo,
            debit=program["issuance"],
            credit=wallet,
            amount=points,
            at=at,
            by=by,
        )
        return True

    def civic(at: datetime) -> bool:
        nonlocal profile_done
        choices = rng.choices(CIVIC, weights=CIVIC_WEIGHTS, k=3)
        for action in dict.fromkeys([*choices, *CIVIC]):
            if action == Action.PROFILE_COMPLETED and profile_done:
                continue
            units = rng.randint(1, 4) if action == Action.VOLUNTEER_HOUR else 1
            sequence[program_id] += 1
            key = RULES[action][4].format(n=sequence[program_id], user=user_id)
            if award(action, units, at, f"user={user_id} units={units}", key, None):
                profile_done = profile_done or action == Action.PROFILE_COMPLETED
                return True
        return False

    def purchase(at: datetime) -> bool:
        for _ in range(3):
            merchant = rng.choice(merchants)
            if merchant["verified_at"] <= at:
                break
        else:
            return False
        cents = max(100, min(80_000, round(rng.lognormvariate(3.3, 0.7) * 100)))
        units = cents // 100
        memo = f"merchant={merchant['id']} user={user_id} cents={cents}"
        key = f"till:{merchant['id']}:{rng.getrandbits(128):032x}"
        return award(Action.LOCAL_PURCHASE, units, at, memo, key, merchant["owner"])

    def redeem(at: datetime) -> int:
        """Spend on an offer valid at `at`; returns the price (0: nothing suitable)."""
        for _ in range(4):
            item = rng.choice(offers)
            if (
                item["price"] <= balance
                and item["active"]
                and item["valid_from"] <= at < item["valid_until"]
                and item["sold"] < item["quantity"]
                and redeemed.get(item["id"], 0) < item["limit"]
            ):
                break
        else:
            return 0
        price = item["price"]
        posting = ledger.post(
            program=program_id,
            key=f"redeem:{user_id}:{rng.getrandbits(128):032x}",
            kind="redeem",
            memo=f"offer:{item['id']}",
            debit=wallet,
            credit=item["receiving"],
            amount=price,
            at=at,
            by=user_id,
        )
        item["sold"] += 1
        redeemed[item["id"]] = redeemed.get(item["id"], 0) + 1
        validated_at = validated_by = None
        if rng.random() < VALIDATED_SHARE and item["validators"]:
            moment = at + timedelta(seconds=rng.uniform(300, 3 * 86_400))
            if moment < min(now, item["valid_until"]):
                validated_at, validated_by = moment, rng.choice(item["validators"])
        ledger.voucher(
            posting,
            (item["id"], user_id, _token(rng), at, item["valid_until"], validated_at, validated_by),
        )
        return price

    for at in moments:
        if balance and rng.random() < REDEEM_SHARE:
            spent = redeem(at)
            if spent:
                balance -= spent
                continue
        before = len(ledger.postings)
        if verified and merchants and rng.random() < 0.6:
            done = purchase(at) or civic(at)
        else:
            done = civic(at) or (verified and bool(merchants) and purchase(at))
        if done:
            posting = ledger.postings[-1]
            balance += posting[9]
        else:
            assert len(ledger.postings) == before
            skipped += 1
    return skipped
