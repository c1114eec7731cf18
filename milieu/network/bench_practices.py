"""Benchmark data for the best-practice exchange (order 230): `scaled(300)` practices per
municipality (at least 3), 90 % published, each with one to four of the 40 shared tags; each
published practice adopted by up to four other towns and commented on up to three times by
their staff. Titles and texts are drawn from a small vocabulary, so that searches find some.
Leaves `manifest["practices"]`: `words` and `tags` to search with and a few practice ids."""

from __future__ import annotations

from datetime import timedelta

from milieu.core.bench import BenchContext

from .dimensions import Dimension
from .models import Adoption, Practice, PracticeComment, PracticeStatus, PracticeTag

TOPICS = [
    "wi-fi",
    "infolettre",
    "signalements",
    "aînés",
    "bibliothèque",
    "consultation",
    "budget participatif",
    "données ouvertes",
    "cybersécurité",
    "formation",
    "paiement en ligne",
    "permis",
    "transport",
    "collecte",
    "patinoire",
    "loisirs",
    "jeunes",
    "nouveaux arrivants",
    "bénévolat",
    "commerce local",
]
TAGS = [*TOPICS, *(f"{topic} rural" for topic in TOPICS)]
VERBS = ["Améliorer", "Simplifier", "Ouvrir", "Partager", "Moderniser", "Rapprocher"]


def generate(ctx: BenchContext) -> dict[str, int]:
    rng = ctx.rng("practices")
    municipalities = ctx.state.get("municipalities") or []
    staff = ctx.state.get("staff") or {}
    if not municipalities or PracticeTag.objects.exists():
        return {}
    writer = ctx.writer
    tag_first = writer.reserve(PracticeTag, len(TAGS))
    from django.utils.text import slugify

    writer.insert(
        PracticeTag,
        ["id", "slug", "name"],
        ((tag_first + i, slugify(name), name) for i, name in enumerate(TAGS)),
    )
    per_town = ctx.scaled(300, minimum=3)
    total = per_town * len(municipalities)
    first = writer.reserve(Practice, total)
    dimensions = list(Dimension.values)
    rows, links, published = [], [], []
    for index in range(total):
        town = municipalities[index % len(municipalities)]
        topic = TOPICS[rng.randrange(len(TOPICS))]
        pk = first + index
        is_published = rng.random() < 0.9
        created = ctx.now - timedelta(days=rng.randrange(1, 900), minutes=index)
        authors = staff.get(town["id"]) or [None]
        rows.append(
            (
                pk,
                town["id"],
                f"{rng.choice(VERBS)} : {topic} ({index})",
                "fr",
                dimensions[index % len(dimensions)],
                f"Le service de {topic} ne rejoignait pas tous les résidents.",
                f"Un projet de {topic} mené avec les citoyens et les organismes.",
                "Milieu et un tableur partagé.",
                f"{rng.randrange(1, 50) * 100} $",
                f"Participation en hausse de {rng.randrange(5, 80)} %.",
                "Direction générale",
                PracticeStatus.PUBLISHED if is_published else PracticeStatus.DRAFT,
                authors[index % len(authors)],
                created,
                created + timedelta(days=3) if is_published else None,
            )
        )
        for tag in rng.sample(range(len(TAGS)), rng.randint(1, 4)):
            links.append((pk, tag_first + tag))
        if is_published:
            published.append((pk, town["id"]))
    writer.insert(
        Practice,
        [
            "id",
            "municipality_id",
            "title",
            "language",
            "dimension",
            "problem",
            "solution",
            "technology",
            "cost",
            "results",
            "contact",
            "status",
            "created_by_id",
            "created_at",
            "published_at",
        ],
        rows,
    )
    through = Practice.tags.through
    link_first = writer.reserve(through, len(links))
    writer.insert(
        through,
        ["id", "practice_id", "practicetag_id"],
        ((link_first + i, *link) for i, link in enumerate(links)),
    )
    town_ids = [m["id"] for m in municipalities]
    adoptions, comments = [], []
    for pk, owner in published:
        others = [t for t in town_ids if t != owner]
        for town_id in rng.sample(others, min(len(others), rng.randrange(0, 5))):
            adoptions.append((pk, town_id, (staff.get(town_id) or [None])[0], ctx.now, ""))
        for _n in range(rng.randrange(0, 4)):
            if not others:
                break
            town_id = rng.choice(others)
            comments.append(
                (pk, (staff.get(town_id) or [None])[0], town_id, "Merci du partage!", ctx.now)
            )
    adoption_first = writer.reserve(Adoption, len(adoptions))
    writer.insert(
        Adoption,
        ["id", "practice_id", "municipality_id", "adopted_by_id", "adopted_at", "note"],
        ((adoption_first + i, *row) for i, row in enumerate(adoptions)),
    )
    comment_first = writer.reserve(PracticeComment, len(comments))
    writer.insert(
        PracticeComment,
        ["id", "practice_id", "author_id", "municipality_id", "body", "created_at"],
        ((comment_first + i, *row) for i, row in enumerate(comments)),
    )
    ctx.manifest["practices"] = {
        "words": [topic.split()[0] for topic in TOPICS],
        "tags": [slugify(name) for name in TAGS[:10]],
        "ids": [pk for pk, _town in published[:50]],
    }
    return {
        "practices": total,
        "tags": len(TAGS),
        "adoptions": len(adoptions),
        "comments": len(comments),
    }
