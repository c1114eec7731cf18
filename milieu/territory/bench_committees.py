"""Benchmark data for inter-municipal committees: each region gets five committees, every member
municipality with staff seated on each through one of its staff, and `scaled(60)` motions a
committee (at least 5), every seated municipality having voted; a contested equal vote is taken
to the weighted vote one time in three. Results are computed here as the services would record
them. Leaves `manifest["committees"]`: per region, its committee slugs and motion numbers."""

from datetime import timedelta

from milieu.core.bench import BenchContext

from .models import Region
from .models_committees import (
    Committee,
    CommitteeSeat,
    Motion,
    MotionRound,
    MotionVote,
    RoundKind,
)
from .services_committees import is_contested, outcome_of

COMMITTEES = [
    ("legal", "Comité légal (incluant finances)"),
    ("redaction", "Comité de rédaction"),
    ("communication", "Comité de communication"),
    ("strategique", "Comité stratégique"),
    ("produit", "Comité produit"),
]
CHOICES = ("yes", "yes", "no", "abstain")


def _round(motion, kind, votes, opened, closed, **extra) -> MotionRound:
    sums = dict.fromkeys(("yes", "no", "abstain"), 0)
    counts = dict(sums)
    for vote in votes:
        counts[vote.choice] += 1
        sums[vote.choice] += vote.population
    weighted = kind == RoundKind.WEIGHTED
    outcome = (
        outcome_of(sums["yes"], sums["no"]) if weighted else outcome_of(counts["yes"], counts["no"])
    )
    return MotionRound(
        motion=motion,
        kind=kind,
        opened_at=opened,
        closed_at=closed,
        yes=counts["yes"],
        no=counts["no"],
        abstain=counts["abstain"],
        population_yes=sums["yes"],
        population_no=sums["no"],
        population_abstain=sums["abstain"],
        outcome=outcome,
        contested=not weighted and is_contested(counts["yes"], counts["no"]),
        **extra,
    )


def generate(ctx: BenchContext) -> dict[str, int]:
    rng = ctx.rng("committees")
    staff = ctx.state.get("staff") or {}
    per_committee = ctx.scaled(60, minimum=5)
    manifest: dict[str, dict] = {}
    totals = {"committees": 0, "seats": 0, "motions": 0, "votes": 0}
    for region in Region.objects.order_by("slug"):
        if Committee.objects.filter(region=region).exists():
            continue
        members = [m for m in region.municipalities.order_by("name") if staff.get(m.pk)]
        if not members:
            continue
        committees = Committee.objects.bulk_create(
            [
                Committee(region=region, slug=slug, name=name, created_at=ctx.now)
                for slug, name in COMMITTEES
            ]
        )
        seats = [
            CommitteeSeat(
                committee=committee,
                municipality=member,
                delegate_id=staff[member.pk][index % len(staff[member.pk])],
                since=ctx.now - timedelta(days=400),
            )
            for index, committee in enumerate(committees)
            for member in members
        ]
        CommitteeSeat.objects.bulk_create(seats)
        delegate = {(s.committee.pk, s.municipality.pk): s.delegate_id for s in seats}
        rounds, votes = [], []
        numbers: dict[str, list[int]] = {}
        for committee in committees:
            motions = Motion.objects.bulk_create(
                [
                    Motion(
                        committee=committee,
                        number=number,
                        title=f"Motion {number}",
                        text="Texte de la motion.",
                        proposed_by_municipality=members[number % len(members)],
                        proposed_by_id=delegate[(committee.pk, members[number % len(members)].pk)],
                        created_at=ctx.now - timedelta(days=2 * (per_committee - number) + 2),
                        closed_at=ctx.now - timedelta(days=2 * (per_committee - number) + 1),
                    )
                    for number in range(1, per_committee + 1)
                ]
            )
            numbers[committee.slug] = [m.number for m in motions]
            for motion in motions:
                opened = motion.created_at
                closed = motion.closed_at or opened
                cast = [
                    MotionVote(
                        motion=motion,
                        round=RoundKind.EQUAL,
                        municipality=member,
                        cast_by_id=delegate[(committee.pk, member.pk)],
                        choice=rng.choice(CHOICES),
                        population=member.population,
                        cast_at=opened,
                    )
                    for member in members
                ]
                equal = _round(motion, RoundKind.EQUAL, cast, opened, closed)
                rounds.append(equal)
                votes += cast
                motion.status, motion.stage = equal.outcome, RoundKind.EQUAL
                if equal.contested and rng.random() < 1 / 3:
                    caller = members[0]
                    again = [
                        MotionVote(
                            motion=motion,
                            round=RoundKind.WEIGHTED,
                            municipality=vote.municipality,
                            cast_by_id=vote.cast_by_id,
                            choice=rng.choice(CHOICES),
                            population=vote.population,
                            cast_at=closed,
                        )
                        for vote in cast
                    ]
                    weighted = _round(
                        motion,
                        RoundKind.WEIGHTED,
                        again,
                        closed,
                        closed + timedelta(hours=12),
                        called_by_id=delegate[(committee.pk, caller.pk)],
                        called_by_municipality=caller,
                        reason="Désaccord important.",
                    )
                    rounds.append(weighted)
                    votes += again
                    motion.status, motion.stage = weighted.outcome, RoundKind.WEIGHTED
                    motion.closed_at = weighted.closed_at
            Motion.objects.bulk_update(motions, ["status", "stage", "closed_at"])
            totals["motions"] += len(motions)
        MotionRound.objects.bulk_create(rounds, batch_size=1000)
        MotionVote.objects.bulk_create(votes, batch_size=2000)
        totals["committees"] += len(committees)
        totals["seats"] += len(seats)
        totals["votes"] += len(votes)
        manifest[region.slug] = {"committees": numbers}
    ctx.manifest["committees"] = manifest
    return totals
