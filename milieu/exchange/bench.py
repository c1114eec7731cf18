"""Benchmark data for the sharing module: listings, their exchanges at every step, loan days,
audit rows and reviews.

One listing per `RESIDENTS_PER_LISTING` residents, owned by residents of the municipality and
placed on the cell of their district's centre (a third on a cell within about 2 km of it, as if
the owner had shared a position once); one to three exchanges per listing in the proportions of
`STATES`. A loan has at most one accepted or running exchange, whose days are in `LoanDay`, so the
unique constraint holds. Leaves in the manifest, per municipality, listing ids for the harness.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from milieu.core import geo
from milieu.core.bench import BenchContext
from milieu.territory.models import District

from .models import Category, Exchange, ExchangeEvent, Listing, LoanDay, Review

RESIDENTS_PER_LISTING = 25
MANIFEST_LISTINGS = 40
# The states of a listing's exchanges, with their weights.
STATES = {
    "completed": 50,
    "requested": 15,
    "declined": 10,
    "cancelled": 10,
    "accepted": 10,
    "handed_over": 5,
}
KINDS = {"lend": 40, "give": 25, "swap": 10, "offer_service": 15, "request_service": 10}
TITLES = {
    "lend": ["Perceuse", "Souffleuse à neige", "Escabeau", "Tente 4 places", "Scie ronde"],
    "give": ["Manteau d'hiver 6 ans", "Livres pour enfants", "Chaise haute", "Vaisselle"],
    "swap": ["Jeu de société", "Bottes 38", "Plantes d'intérieur", "Romans policiers"],
    "offer_service": ["Cours de guitare", "Réparation de vélos", "Aide au déménagement"],
    "request_service": ["Cherche aide pour le jardin", "Cherche covoiturage", "Cherche cours"],
}
# The steps an exchange went through to reach its state, and who took each.
STEPS = {
    "requested": [("request", "requested", "requester")],
    "declined": [("request", "requested", "requester"), ("decline", "declined", "owner")],
    "cancelled": [("request", "requested", "requester"), ("cancel", "cancelled", "requester")],
    "accepted": [("request", "requested", "requester"), ("accept", "accepted", "owner")],
    "handed_over": [
        ("request", "requested", "requester"),
        ("accept", "accepted", "owner"),
        ("confirm_handover", "accepted", "owner"),
        ("confirm_handover", "handed_over", "requester"),
    ],
    "completed": [
        ("request", "requested", "requester"),
        ("accept", "accepted", "owner"),
        ("confirm_handover", "accepted", "owner"),
        ("confirm_handover", "completed", "requester"),
    ],
}
LOAN_EXTRA_STEPS = [
    ("confirm_return", "handed_over", "requester"),
    ("confirm_return", "completed", "owner"),
]


def _nearby(rng, latitude: float, longitude: float) -> str:
    """A cell within about 2 km of a point."""
    distance = 2.0 * math.sqrt(rng.random())
    angle = 2 * math.pi * rng.random()
    return geo.cell_at(
        latitude + distance / 111.32 * math.sin(angle),
        longitude + distance / (111.32 * math.cos(math.radians(latitude))) * math.cos(angle),
    )


def generate(ctx: BenchContext) -> dict[str, int]:
    rng = ctx.rng("exchange")
    writer, now = ctx.writer, ctx.now
    today = now.date()
    people = ctx.state["people"]
    first_person = people["first_id"]
    centres = {
        pk: (lat, lng)
        for pk, lat, lng in District.objects.values_list("pk", "latitude", "longitude")
        if lat is not None and lng is not None
    }
    categories = list(Category.objects.select_related("parent"))
    object_categories = [c for c in categories if c.for_objects and c.parent_id is not None]
    service_categories = [
        c for c in categories if c.for_services and c.provider_trust < 3 and c.parent_id is None
    ]
    kinds, kind_weights = list(KINDS), list(KINDS.values())
    states, state_weights = list(STATES), list(STATES.values())

    listings: list[tuple[Any, ...]] = []
    plan: list[tuple[int, str, int, int]] = []  # (listing index, kind, owner, municipality)
    manifest: dict[str, dict[str, list[int]]] = {}
    for municipality in ctx.state["municipalities"]:
        residents = ctx.state["residents"][municipality["id"]]
        if len(residents) < 2:
            continue
        count = max(1, len(residents) // RESIDENTS_PER_LISTING)
        for _ in range(count):
            owner = rng.choice(residents)
            district = people["district"][owner - first_person]
            latitude, longitude = centres.get(district) or next(
                centres[d] for d in municipality["districts"] if d in centres
            )
            cell = (
                _nearby(rng, latitude, longitude)
                if rng.random() < 1 / 3
                else geo.cell_at(latitude, longitude)
            )
            kind = rng.choices(kinds, kind_weights)[0]
            category = rng.choice(
                service_categories if kind.endswith("service") else object_categories
            )
            created = now - timedelta(days=rng.randint(0, 300), minutes=rng.randint(0, 1440))
            listings.append(
                (
                    municipality["id"],
                    owner,
                    kind,
                    category.pk,
                    rng.choice(TITLES[kind]),
                    "Disponible le soir et la fin de semaine.",
                    "fr",
                    "" if kind.endswith("service") else rng.choice(["new", "good", "fair"]),
                    (terms := rng.choice(["free", "free", "swap", "barter", "points"])),
                    "Un bon repas" if kind != "give" and terms == "barter" else "",
                    rng.choice([10, 20, 50]) if terms == "points" else None,
                    14 if kind == "lend" else None,
                    *geo.cell_columns(cell).values(),
                    "active" if rng.random() < 0.9 else "closed",
                    created,
                    created,
                )
            )
            plan.append((len(listings) - 1, kind, owner, municipality["id"]))
    first_listing = writer.reserve(Listing, len(listings))
    writer.insert(
        Listing,
        [
            "id",
            "municipality_id",
            "owner_id",
            "kind",
            "category_id",
            "title",
            "description",
            "language",
            "condition",
            "terms",
            "terms_text",
            "points",
            "loan_max_days",
            "cell",
            "cell_r7",
            "cell_r6",
            "cell_r5",
            "status",
            "created_at",
            "updated_at",
        ],
        ((first_listing + i, *row) for i, row in enumerate(listings)),
    )
    slugs = {m["id"]: m["slug"] for m in ctx.state["municipalities"]}
    for index, _kind, _owner, municipality_id in plan:
        ids = manifest.setdefault(slugs[municipality_id], {"listings": []})["listings"]
        if len(ids) < MANIFEST_LISTINGS and listings[index][-3] == "active":  # others: 404
            ids.append(first_listing + index)

    exchanges: list[tuple[Any, ...]] = []
    events: list[tuple[Any, ...]] = []
    loan_days: list[tuple[int, int, Any]] = []  # (listing, exchange index, day)
    reviews: list[tuple[Any, ...]] = []
    for index, kind, owner, municipality_id in plan:
        residents = ctx.state["residents"][municipality_id]
        listing_id = first_listing + index
        taken = False  # a loan's one running exchange, a gift's one taker
        requesters = {rng.choice(residents) for _ in range(rng.randint(1, 3))} - {owner}
        for requester in sorted(requesters):
            state = rng.choices(states, state_weights)[0]
            holds = state in ("accepted", "handed_over", "completed")
            exclusive = kind in ("give", "swap")
            conflicts = (exclusive and holds) or (
                kind == "lend" and state in ("accepted", "handed_over")
            )
            if conflicts and taken:
                state, holds = "declined", False
            elif conflicts:
                taken = True
            created = now - timedelta(days=rng.randint(1, 200))
            starts = due = None
            if kind == "lend":
                if state in ("accepted", "handed_over", "requested"):
                    starts = today + timedelta(days=rng.randint(-3, 10))
                    due = starts + timedelta(days=rng.randint(1, 7))
                else:
                    starts = (created + timedelta(days=2)).date()
                    due = starts + timedelta(days=rng.randint(1, 7))
            steps = list(STEPS[state])
            if kind == "lend" and state == "completed":
                steps[-1] = ("confirm_handover", "handed_over", "requester")
                steps += LOAN_EXTRA_STEPS
            closed = state in ("declined", "cancelled", "completed")
            exchange_index = len(exchanges)
            exchanges.append(
                (
                    listing_id,
                    municipality_id,
                    owner,
                    requester,
                    state,
                    "Bonjour, est-ce encore disponible?",
                    exclusive,
                    starts,
                    due,
                    "Devant la bibliothèque" if holds else "",
                    f"code{listing_id}x{requester}" if holds else "",
                    created + timedelta(hours=30)
                    if state in ("handed_over", "completed")
                    else None,
                    created + timedelta(hours=31)
                    if state in ("handed_over", "completed")
                    else None,
                    created + timedelta(days=9)
                    if state == "completed" and kind == "lend"
                    else None,
                    created + timedelta(days=9)
                    if state == "completed" and kind == "lend"
                    else None,
                    created,
                    created + timedelta(days=len(steps)),
                    created + timedelta(days=10) if closed else None,
                )
            )
            before = ""
            for step, (action, after, who) in enumerate(steps):
                actor = owner if who == "owner" else requester
                events.append(
                    (
                        exchange_index,
                        actor,
                        action,
                        before or after,
                        after,
                        created + timedelta(hours=step),
                    )
                )
                before = after
            if kind == "lend" and state in ("accepted", "handed_over") and starts and due:
                for offset in range((due - starts).days + 1):
                    loan_days.append((listing_id, exchange_index, starts + timedelta(days=offset)))
            if state == "completed":
                for author, subject in ((requester, owner), (owner, requester)):
                    if rng.random() < 0.6:
                        reviews.append(
                            (exchange_index, author, subject, rng.choice([3, 4, 5, 5, 5]))
                        )
    first_exchange = writer.reserve(Exchange, len(exchanges))
    writer.insert(
        Exchange,
        [
            "id",
            "listing_id",
            "municipality_id",
            "owner_id",
            "requester_id",
            "state",
            "message",
            "exclusive",
            "starts_on",
            "due_on",
            "meeting_place",
            "handover_code",
            "owner_handed_over_at",
            "requester_handed_over_at",
            "owner_returned_at",
            "requester_returned_at",
            "created_at",
            "updated_at",
            "closed_at",
        ],
        ((first_exchange + i, *row) for i, row in enumerate(exchanges)),
    )
    first_event = writer.reserve(ExchangeEvent, len(events))
    writer.insert(
        ExchangeEvent,
        ["id", "exchange_id", "actor_id", "action", "from_state", "to_state", "at"],
        (
            (first_event + i, first_exchange + e, actor, action, before, after, at)
            for i, (e, actor, action, before, after, at) in enumerate(events)
        ),
    )
    first_day = writer.reserve(LoanDay, len(loan_days))
    writer.insert(
        LoanDay,
        ["id", "listing_id", "exchange_id", "day"],
        (
            (first_day + i, listing, first_exchange + e, day)
            for i, (listing, e, day) in enumerate(loan_days)
        ),
    )
    first_review = writer.reserve(Review, len(reviews))
    writer.insert(
        Review,
        ["id", "exchange_id", "author_id", "subject_id", "rating", "text", "created_at"],
        (
            (first_review + i, first_exchange + e, author, subject, rating, "Merci!", now)
            for i, (e, author, subject, rating) in enumerate(reviews)
        ),
    )
    ctx.manifest["exchange"] = manifest
    return {
        "listings": len(listings),
        "exchanges": len(exchanges),
        "exchange events": len(events),
        "loan days": len(loan_days),
        "reviews": len(reviews),
    }
