"""Benchmark data of the digital-maturity diagnostic: every municipality with staff has two
completed diagnostics (about a year apart, answers and scores as the services compute them) and
one town in three a draft half answered. Leaves in the manifest, under `diagnostic`: per
municipality slug, a `staff` email and the `latest` completed diagnostic's id."""

from __future__ import annotations

from datetime import timedelta

from milieu.core.bench import BenchContext

from .models import Diagnostic, DiagnosticAnswer, DiagnosticStatus
from .questions import QUESTIONS, score


def generate(ctx: BenchContext) -> dict[str, int]:
    rng = ctx.rng("diagnostic")
    municipalities = ctx.state.get("municipalities") or []
    staff = ctx.manifest.get("accounts", {}).get("staff", {})
    staff_ids = ctx.state.get("staff") or {}
    towns = [m for m in municipalities if staff_ids.get(m["id"])]
    done = set(
        Diagnostic.objects.filter(municipality_id__in=[m["id"] for m in towns]).values_list(
            "municipality_id", flat=True
        )
    )
    towns = [m for m in towns if m["id"] not in done]
    per_town = [2 + (i % 3 == 0) for i in range(len(towns))]
    first = ctx.writer.reserve(Diagnostic, sum(per_town))
    diagnostics, answers = [], []
    manifest: dict[str, dict] = {}
    pk = first
    for town, count in zip(towns, per_town, strict=True):
        author = staff_ids[town["id"]][0]
        base = rng.randint(0, 3)
        latest = None
        for index in range(count):
            draft = index == 2
            started = ctx.now - timedelta(days=(400, 40, 10)[index])
            levels = {
                q.key: min(5, max(0, base + index + rng.randint(-1, 2)))
                for q in (QUESTIONS[: len(QUESTIONS) // 2] if draft else QUESTIONS)
            }
            scores, overall = ({}, None) if draft else score(levels)
            diagnostics.append(
                (
                    pk,
                    town["id"],
                    DiagnosticStatus.DRAFT if draft else DiagnosticStatus.COMPLETED,
                    author,
                    started,
                    None if draft else started + timedelta(days=7),
                    scores,
                    overall,
                )
            )
            answers += [(pk, key, level, author, started) for key, level in levels.items()]
            if not draft:
                latest = pk
            pk += 1
        manifest[town["slug"]] = {
            "staff": (staff.get(town["slug"]) or [""])[0],
            "latest": latest,
        }
    ctx.writer.insert(
        Diagnostic,
        [
            "id",
            "municipality",
            "status",
            "started_by",
            "started_at",
            "completed_at",
            "scores",
            "overall",
        ],
        diagnostics,
    )
    ctx.writer.insert(
        DiagnosticAnswer,
        ["diagnostic", "question", "level", "answered_by", "answered_at"],
        answers,
    )
    ctx.manifest["diagnostic"] = manifest
    return {"diagnostics": len(diagnostics), "diagnostic answers": len(answers)}
