"""Demo committees. Idempotent: what exists is left as it is.

Idées collectives gets its five committees (legal including finance, writing, communication,
strategy, product) with every member municipality seated on at least one, its own consortium
administrator, and a delegate account per member town (Brossard's and Châteauguay's are the
existing staff accounts). On the product committee, motion 1 was adopted by the equal vote, 8
to 3, then rejected by the vote weighted by population that Brossard asked for; motion 2 is open,
Brossard's vote still to cast. The MRC de Témiscamingue gets one committee with an open motion.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from milieu.accounts.models import Membership, Role, RoleAssignment, User

from .models import Municipality, Region
from .models_committees import (
    Committee,
    CommitteeSeat,
    Motion,
    MotionRound,
    MotionVote,
    RoundKind,
)

CONSORTIUM_ADMIN = ("admin.consortium@demo.milieu.test", "Admin Idées collectives")
# The existing staff accounts sit for their towns; the other towns get a delegate account.
STAFF = {
    "brossard": "employe.brossard@demo.milieu.test",
    "chateauguay": "employe.chateauguay@demo.milieu.test",
}
COMMITTEES = [
    (
        "legal",
        "Comité légal (incluant finances)",
        "Contrats, ententes intermunicipales, budget et partage des coûts.",
        ["brossard", "chateauguay", "saint-constant", "la-prairie"],
    ),
    (
        "redaction",
        "Comité de rédaction",
        "Rédaction de la proposition et des documents communs.",
        ["brossard", "saint-lambert", "magog"],
    ),
    (
        "communication",
        "Comité de communication",
        "Consultation des citoyens et communication du regroupement.",
        ["brossard", "delson", "sainte-catherine", "wendake"],
    ),
    (
        "strategique",
        "Comité stratégique",
        "Stratégie commune, échéancier et suivi des étapes.",
        ["brossard", "chateauguay", "saint-basile-le-grand", "beaconsfield"],
    ),
    (
        "produit",
        "Comité produit",
        "La plateforme communautaire commune : besoins, services, priorités.",
        None,  # every member
    ),
]
NO_SIDE = {"brossard", "chateauguay", "saint-constant"}
TEMISCAMINGUE = ["ville-marie", "temiscaming", "notre-dame-du-nord"]


def _account(email: str, name: str, home: Municipality) -> User:
    from milieu.accounts.demo import _account as demo_account

    user = demo_account(email, name)
    if not Membership.objects.filter(user=user, is_home=True).exists():
        Membership.objects.get_or_create(user=user, municipality=home, defaults={"is_home": True})
    return user


def _delegate(municipality: Municipality) -> User:
    email = STAFF.get(municipality.slug)
    if email and (user := User.objects.filter(email=email).first()):
        return user
    user = _account(
        f"delegue.{municipality.slug}@demo.milieu.test",
        f"Délégué·e {municipality.name.removeprefix('Ville de ')}",
        municipality,
    )
    RoleAssignment.objects.active().get_or_create(
        user=user, role=Role.STAFF, municipality=municipality
    )
    return user


def _committee(region, slug, name, purpose, towns, by) -> Committee:
    committee, _created = Committee.objects.get_or_create(
        region=region, slug=slug, defaults={"name": name, "purpose": purpose, "created_by": by}
    )
    for town in towns:
        if not CommitteeSeat.objects.filter(
            committee=committee, municipality=town, until__isnull=True
        ).exists():
            delegate = _delegate(town)
            if not CommitteeSeat.objects.filter(
                committee=committee, delegate=delegate, until__isnull=True
            ).exists():
                CommitteeSeat.objects.create(
                    committee=committee, municipality=town, delegate=delegate
                )
    return committee


def _motion(committee, number, title, text, by: Municipality, days_ago: int) -> Motion | None:
    if Motion.objects.filter(committee=committee, number=number).exists():
        return None
    when = timezone.now() - timedelta(days=days_ago)
    motion = Motion.objects.create(
        committee=committee,
        number=number,
        title=title,
        text=text,
        proposed_by=_delegate(by),
        proposed_by_municipality=by,
        created_at=when,
    )
    MotionRound.objects.create(motion=motion, kind=RoundKind.EQUAL, opened_at=when)
    return motion


def _votes(motion: Motion, kind: str, choices: dict[Municipality, str]) -> None:
    for town, choice in choices.items():
        MotionVote.objects.get_or_create(
            motion=motion,
            round=kind,
            municipality=town,
            defaults={
                "cast_by": _delegate(town),
                "choice": choice,
                "population": town.population,
            },
        )


@transaction.atomic
def load() -> list[str]:
    from . import services_committees as services

    region = Region.objects.filter(slug="idees-collectives").first()
    if region is None:
        return []
    members = list(region.municipalities.order_by("name"))
    by_slug = {m.slug: m for m in members}
    admin = _account(CONSORTIUM_ADMIN[0], CONSORTIUM_ADMIN[1], by_slug["brossard"])
    RoleAssignment.objects.active().get_or_create(
        user=admin, role=Role.CONSORTIUM_ADMIN, region=region
    )
    built = {}
    for slug, name, purpose, towns in COMMITTEES:
        seated = members if towns is None else [by_slug[s] for s in towns if s in by_slug]
        built[slug] = _committee(region, slug, name, purpose, seated, admin)
    product = built["produit"]
    decided = _motion(
        product,
        1,
        "Héberger la plateforme commune sur les serveurs d'une seule ville",
        "Le regroupement confie l'hébergement de la plateforme à une seule ville membre.",
        by_slug["delson"],
        days_ago=20,
    )
    if decided is not None:
        choices = {m: ("no" if m.slug in NO_SIDE else "yes") for m in members}
        _votes(decided, RoundKind.EQUAL, choices)
        services._close(decided, closed_by=None)  # 8 to 3: adopted, contested
        MotionRound.objects.create(
            motion=decided,
            kind=RoundKind.WEIGHTED,
            called_by=_delegate(by_slug["brossard"]),
            called_by_municipality=by_slug["brossard"],
            reason="Les villes contre réunissent plus de la moitié des résidents du regroupement.",
        )
        Motion.objects.filter(pk=decided.pk).update(
            status="open", stage=RoundKind.WEIGHTED, closed_at=None
        )
        decided.refresh_from_db()
        _votes(decided, RoundKind.WEIGHTED, choices)
        services._close(decided, closed_by=None)  # by population: rejected
    open_motion = _motion(
        product,
        2,
        "Adopter une charte commune des données ouvertes",
        "Chaque ville publie ses jeux de données sous la même licence et le même format.",
        by_slug["magog"],
        days_ago=2,
    )
    if open_motion is not None:
        _votes(
            open_motion,
            RoundKind.EQUAL,
            {m: "yes" for m in members if m.slug in {"magog", "delson", "la-prairie", "wendake"}},
        )
    lines = [
        f"Committees: {len(built)} in {region.name} (consortium administrator "
        f"{CONSORTIUM_ADMIN[0]}); motion 1 of the product committee decided by a weighted vote.",
    ]
    mrc = Region.objects.filter(slug="temiscamingue").first()
    if mrc is not None:
        mrc_towns = list(mrc.municipalities.filter(slug__in=TEMISCAMINGUE).order_by("name"))
        mrc_admin = User.objects.filter(email="admin.mrc@demo.milieu.test").first()
        safety = _committee(
            mrc,
            "securite-civile",
            "Comité de sécurité civile",
            "Plans de mesures d'urgence et entraide entre les municipalités.",
            mrc_towns,
            mrc_admin,
        )
        by_town = {t.slug: t for t in mrc_towns}
        if "ville-marie" in by_town:
            motion = _motion(
                safety,
                1,
                "Partager une génératrice mobile entre les municipalités",
                "Achat commun, réservée en priorité lors d'une panne de plus de 12 heures.",
                by_town["ville-marie"],
                days_ago=1,
            )
            if motion is not None:
                _votes(motion, RoundKind.EQUAL, {by_town["ville-marie"]: "yes"})
        lines.append(f"Committees: 1 in {mrc.name}, one motion open.")
    return lines
