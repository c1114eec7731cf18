"""Benchmark data of calls for proposals.

Per municipality, one published call for proposals whose submission phase is open at the
dataset's clock, with a threshold of 1 % of its residents (at least 5). Its ideas: one per 40
residents (at least 3), written by residents, in their languages' mix (80 % French); supports
follow a long tail (a few ideas collect most of them: the k-th idea draws about 1/k of the
most supported one's, which gets up to a third of the residents, at most 2,000), each by a
distinct resident other than the author. Ideas over the threshold have `threshold_reached_at`;
half of them carry the city's answer (accepted, rejected or implemented), so that the staff's
queue has ideas waiting. Nothing is hidden.

Leaves in the manifest, `proposals`: {town slug: {"consultation": id, "proposals": [the ten most
supported ids]}} for the harness's scenarios.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from milieu.core.bench import BenchContext
from milieu.territory.models import Municipality

from .models import Consultation, Phase, Proposal, Support
from .permissions_proposals import KIND, MODULE

DAY = timedelta(days=1)
ANSWERS = ("accepted", "rejected", "implemented")
TITLES = (
    "Des bancs au parc",
    "Une piste cyclable protégée",
    "Des jeux d'eau pour les enfants",
    "Un jardin communautaire",
    "Plus d'arbres dans la rue principale",
    "Un marché public le samedi",
    "Des toilettes au parc",
    "Un sentier éclairé",
    "Des bacs de compost",
    "Une patinoire extérieure",
)


def _switch_module_on(municipalities: list[dict]) -> None:
    for municipality in Municipality.objects.filter(pk__in=[m["id"] for m in municipalities]):
        enabled = list(municipality.enabled_modules or [])
        if MODULE not in enabled:
            Municipality.objects.filter(pk=municipality.pk).update(
                enabled_modules=[*enabled, MODULE]
            )


def generate(ctx: BenchContext) -> dict[str, int]:
    rng = ctx.rng("participation_proposals")
    writer, now = ctx.writer, ctx.now
    municipalities = ctx.state["municipalities"]
    _switch_module_on(municipalities)
    staff_of = {
        m["id"]: ctx.state.get("staff", {}).get(m["id"], [])
        + ctx.state.get("admins", {}).get(m["id"], [])
        for m in municipalities
    }
    first_call = writer.reserve(Consultation, len(municipalities))
    calls: list[tuple] = []
    phases: list[tuple] = []
    ideas: list[tuple] = []
    supports: list[tuple] = []
    manifest: dict[str, Any] = {}
    for index, municipality in enumerate(municipalities):
        residents = list(ctx.state["residents"].get(municipality["id"], []))
        if len(residents) < 4:
            continue
        call_id = first_call + index
        threshold = max(5, len(residents) // 100)
        calls.append(
            (
                call_id,
                municipality["id"],
                KIND,
                "Vos idées pour la ville",
                "Proposez vos idées et appuyez celles de vos voisins.",
                "fr",
                "published",
                threshold,
                now - 20 * DAY,
                now - 30 * DAY,
                now - 20 * DAY,
            )
        )
        for position, (kind, start, end) in enumerate(
            (
                ("information", now - 30 * DAY, now - 20 * DAY),
                ("submission", now - 20 * DAY, now + 40 * DAY),
                ("results", now + 40 * DAY, now + 70 * DAY),
            )
        ):
            phases.append((call_id, kind, start, end, position))
        count = max(3, len(residents) // 40)
        first_idea = len(ideas)  # an index until the ids are reserved below
        top = min(2_000, len(residents) // 3)
        staff = staff_of.get(municipality["id"]) or [None]
        for k in range(count):
            idea_id = first_idea + k
            author = residents[rng.randrange(len(residents))]
            wanted = min(len(residents) - 1, int(top / (k + 1) * rng.uniform(0.6, 1.0)))
            chosen = rng.sample(residents, min(len(residents), wanted + 1))
            backers = [user for user in chosen if user != author][:wanted]
            created = now - rng.uniform(1, 19) * DAY
            for user in backers:
                supports.append((idea_id, user, created + rng.uniform(0, 1) * DAY))
            reached = created + DAY if len(backers) >= threshold else None
            answered = reached is not None and rng.random() < 0.5
            language = rng.choices(("fr", "en", "es"), (80, 15, 5))[0]
            ideas.append(
                (
                    idea_id,
                    call_id,
                    municipality["id"],
                    author,
                    f"{TITLES[k % len(TITLES)]} ({k + 1})",
                    "Une idée pour rendre le quartier plus agréable, à discuter entre voisins.",
                    language,
                    rng.choice(ANSWERS) if answered else "submitted",
                    len(backers),
                    reached,
                    "Merci : la Ville a étudié votre idée." if answered else "",
                    "fr" if answered else "",
                    rng.choice(staff) if answered else None,
                    reached + 2 * DAY if answered and reached else None,
                    created,
                    created,
                )
            )
        manifest[municipality["slug"]] = {
            "consultation": call_id,
            "proposals": list(range(first_idea, first_idea + min(10, count))),
        }
    first = writer.reserve(Proposal, len(ideas)) if ideas else 0
    ideas = [(first + row[0], *row[1:]) for row in ideas]
    supports = [(first + row[0], *row[1:]) for row in supports]
    for town in manifest.values():
        town["proposals"] = [first + index for index in town["proposals"]]
    writer.insert(
        Consultation,
        (
            "id",
            "municipality",
            "kind",
            "title_fr",
            "description_fr",
            "original_language",
            "status",
            "support_threshold",
            "published_at",
            "created_at",
            "updated_at",
        ),
        calls,
    )
    # Phases take reserved ids, as the other parts' do: the writer hands out ids per table from
    # one counter, which a row numbered by the database itself would collide with.
    first_phase = writer.reserve(Phase, len(phases))
    writer.insert(
        Phase,
        ("id", "consultation", "kind", "starts_at", "ends_at", "position"),
        [(first_phase + number, *row) for number, row in enumerate(phases)],
    )
    writer.insert(
        Proposal,
        (
            "id",
            "consultation",
            "municipality",
            "author",
            "title",
            "body",
            "language",
            "status",
            "support_count",
            "threshold_reached_at",
            "answer",
            "answer_language",
            "answered_by",
            "answered_at",
            "created_at",
            "updated_at",
        ),
        ideas,
    )
    writer.insert(Support, ("proposal", "user", "created_at"), supports)
    ctx.manifest["proposals"] = dict(sorted(manifest.items()))
    return {"proposal_calls": len(calls), "proposals": len(ideas), "supports": len(supports)}
