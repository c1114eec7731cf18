"""The benchmark dataset of participatory budgets (see `core.bench`).

Every municipality gets one published budget open for voting, of 8 projects (100 000 $ per
10 000 residents, at least 50 000 $), and about 4 % of its residents' votes (each a ballot,
a secret vote of two to four projects within the budget). Deterministic from the seed. The
manifest lists each town's budget (`budgets`: slug → consultation id) for the harness's
`budgets_page` scenario.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

from milieu.core.bench import BenchContext

from .models import (
    Ballot,
    BudgetProject,
    BudgetVote,
    BudgetVoteItem,
    Consultation,
    Phase,
)

PROJECTS = 8
TURNOUT = 0.04
TITLES = (
    "Jardin communautaire",
    "Jeux d'eau",
    "Sentier illuminé",
    "Abris à vélos",
    "Boîtes à livres",
    "Patinoire extérieure",
    "Bancs et ombre",
    "Halte pour cyclistes",
)


def generate(ctx: BenchContext) -> dict[str, int]:
    rng = ctx.rng("participation_budgets")
    municipalities = ctx.state["municipalities"]
    writer = ctx.writer
    day = timedelta(days=1)
    consultation_id = writer.reserve(Consultation, len(municipalities))
    phase_id = writer.reserve(Phase, 3 * len(municipalities))
    project_id = writer.reserve(BudgetProject, PROJECTS * len(municipalities))

    def key():  # a random UUID key, as the database column takes it
        value = uuid.UUID(int=rng.getrandbits(128), version=4)
        return value if writer.vendor == "postgresql" else value.hex

    consultations, phases, projects, ballots, votes, items = [], [], [], [], [], []
    manifest: dict[str, int] = {}
    for index, municipality in enumerate(municipalities):
        cid = consultation_id + index
        residents = ctx.state["residents"].get(municipality["id"], [])
        amount = Decimal(max(50_000, round(len(residents) * 10, -4)))
        consultations.append(
            (
                cid,
                municipality["id"],
                "budget",
                f"Budget participatif {ctx.now.year + 1}",
                "published",
                "secret",
                amount,
                ctx.now - 14 * day,
                ctx.now,
                ctx.now,
            )
        )
        starts = ctx.now - 14 * day
        for position, (kind, days) in enumerate(
            (("information", 12), ("voting", 44), ("results", 60))
        ):
            phases.append(
                (phase_id + 3 * index + position, cid, kind, starts, starts + days * day, position)
            )
            starts += days * day
        costs = []
        for position in range(PROJECTS):
            pid = project_id + PROJECTS * index + position
            cost = (amount * Decimal(rng.randint(10, 45)) / 100).quantize(Decimal("1"))
            costs.append((pid, cost))
            projects.append((pid, cid, TITLES[position], cost, position))
        voters = rng.sample(residents, min(len(residents), ctx.scaled(len(residents) * TURNOUT)))
        for user_id in voters:
            chosen, total = [], Decimal(0)
            for pid, cost in rng.sample(costs, rng.randint(2, 4)):
                if total + cost <= amount:
                    chosen.append(pid)
                    total += cost
            if not chosen:
                continue
            ballots.append((cid, user_id, False))
            vote = key()
            votes.append((vote, cid, None))
            for pid in chosen:
                items.append((key(), vote, pid))
        manifest[municipality["slug"]] = cid
    writer.insert(
        Consultation,
        (
            "id",
            "municipality",
            "kind",
            "title_fr",
            "status",
            "ballot_mode",
            "budget_amount",
            "published_at",
            "created_at",
            "updated_at",
        ),
        consultations,
    )
    writer.insert(Phase, ("id", "consultation", "kind", "starts_at", "ends_at", "position"), phases)
    writer.insert(BudgetProject, ("id", "consultation", "title_fr", "cost", "position"), projects)
    ballot_id = writer.reserve(Ballot, len(ballots))
    writer.insert(
        Ballot,
        ("id", "consultation", "user", "age_confirmed"),
        [(ballot_id + i, *row) for i, row in enumerate(ballots)],
    )
    writer.insert(BudgetVote, ("id", "consultation", "user"), votes)
    writer.insert(BudgetVoteItem, ("id", "vote", "project"), items)
    ctx.manifest["budgets"] = manifest
    return {
        "participation_consultation": len(consultations),
        "participation_budgetproject": len(projects),
        "participation_budgetvote": len(votes),
        "participation_budgetvoteitem": len(items),
    }
