"""Benchmark data for the volunteering module: organisations and their teams, opportunities,
volunteers' profiles, applications, hours, and the project incubator.

Per municipality, one verified organisation per `RESIDENTS_PER_ORGANISATION` residents (at least
one) and one awaiting verification per ten verified; each is managed by one of the
municipality's organisation managers (the accounts generator's `organisation-<town>-NNN`
accounts, two organisations each) and a fifth also serve another municipality of the region.
Each verified organisation has `OPEN_PER_ORGANISATION` open opportunities asking for one to three
skills (a sixth of them remote, a tenth for youth, needing the `screened` trust level), and a
quarter of them one that ended. `PROFILE_SHARE` of the residents keep a volunteer profile, of whom
`SUGGESTIBLE_SHARE` agreed to be suggested, with skills, weekly slots, languages and the cell of
their district's centre, as `profile_save` places them; the first half of each municipality's
sample residents (the accounts the harness logs in as) all have a suggestible profile.
Applications come from volunteers of the municipality with the trust level asked (never from
the sample residents, whose page of suggestions stays whole); `accepted_count` is the number of accepted ones; accepted ones have logged hours, most confirmed
by the manager. One project idea per `RESIDENTS_PER_IDEA` residents, most published, with
supports (`supporters_count` counts them), help offers and partner offers.

Not written: the points that confirmed hours would earn (the rewards generator's ledger is left
as it is) and notifications of the steps.

Leaves in the manifest, under `volunteering`:
- `towns`: per municipality slug, `volunteers` (sample residents' emails with a suggestible
  profile) and `opportunities` ([manager email, opportunity id] of open opportunities with at
  least one volunteer to suggest);
- `profiles` and `opportunities`: ids drawn at random over the whole dataset (opportunities
  among the open ones with a volunteer to suggest), for measuring the matching selectors in
  process (`suggestions_match` and `volunteers_match`, run by `bench/in_process.py`).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from milieu.accounts.models import BackgroundCheck, TrustLevel, User
from milieu.core import bench, geo
from milieu.core.bench import BenchContext
from milieu.territory.models import District, Municipality

from . import availability
from .models import (
    ApplicationStatus,
    HoursLog,
    HoursStatus,
    IdeaHelpOffer,
    IdeaPartnerOffer,
    IdeaState,
    IdeaSupport,
    MemberRole,
    Opportunity,
    OpportunityStatus,
    Organisation,
    OrganisationMember,
    OrganisationStatus,
    PartnerOfferStatus,
    ProjectIdea,
    Skill,
    VolunteerApplication,
    VolunteerProfile,
)
from .permissions import MODULE

RESIDENTS_PER_ORGANISATION = 1_000
OPEN_PER_ORGANISATION = 3
PROFILE_SHARE = 0.08
SUGGESTIBLE_SHARE = 0.60
RESIDENTS_PER_IDEA = 2_000
MANIFEST_OPPORTUNITIES = 40  # per municipality
MATCH_SAMPLE = 400  # profiles and opportunities drawn for the in-process measurements
APPLICATION_STATES = {
    ApplicationStatus.PENDING: 40,
    ApplicationStatus.ACCEPTED: 30,
    ApplicationStatus.DECLINED: 20,
    ApplicationStatus.WITHDRAWN: 10,
}
HOURS_STATES = {HoursStatus.CONFIRMED: 70, HoursStatus.PENDING: 20, HoursStatus.REJECTED: 10}
IDEA_STATES = {
    IdeaState.OPEN: 60,
    IdeaState.DRAFT: 15,
    IdeaState.PARTNERED: 10,
    IdeaState.IN_PROGRESS: 8,
    IdeaState.DONE: 4,
    IdeaState.CLOSED: 3,
}
ORGANISATION_NAMES = [
    "Entraide",
    "Popote roulante",
    "Maison des jeunes",
    "Centre d'action bénévole",
    "Comptoir alimentaire",
    "Club de lecture",
    "Répit aux proches aidants",
    "Accueil des nouveaux arrivants",
]
MISSIONS = [
    ("Aide aux devoirs", ["teaching", "youth"]),
    ("Tenue de livres", ["accounting", "administration"]),
    ("Livraison de repas", ["driving", "cooking"]),
    ("Visites d'amitié aux aînés", ["caregiving", "languages"]),
    ("Camp de jour", ["youth", "sports", "first-aid"]),
    ("Refonte du site Web", ["web", "graphic-design"]),
    ("Campagne de financement", ["fundraising", "event-planning", "social-media"]),
    ("Jardin communautaire", ["gardening", "repairs"]),
    ("Traduction de dépliants", ["translation", "writing"]),
    ("Conseil d'administration", ["management", "law", "accounting"]),
    ("Atelier de réparation", ["repairs", "carpentry"]),
    ("Photos de la fête de quartier", ["photography", "event-planning"]),
]
IDEAS = [
    "Frigo communautaire",
    "Bibliothèque de semences",
    "Corvée de nettoyage des berges",
    "Café de réparation mensuel",
    "Murale collective",
    "Marche exploratoire des aînés",
]


def _weekly_slots(rng, low: int, high: int) -> int:
    slots = 0
    for index in rng.sample(range(len(availability.SLOT_CODES)), rng.randint(low, high)):
        slots |= 1 << index
    return slots


def _languages(rng, first: str) -> list[str]:
    spoken = {first}
    if rng.random() < 0.35:
        spoken.add(rng.choice(("fr", "en", "es")))
    return [code for code in ("fr", "en", "es") if code in spoken]


def _switch_module_on(municipalities: list[dict]) -> None:
    """The module on in every municipality (the territory generator switches on the registered
    modules; this keeps the dataset whole whatever the order of registration)."""
    for municipality in Municipality.objects.filter(pk__in=[m["id"] for m in municipalities]):
        enabled = list(municipality.enabled_modules or [])
        if MODULE not in enabled:
            Municipality.objects.filter(pk=municipality.pk).update(
                enabled_modules=[*enabled, MODULE]
            )


def generate(ctx: BenchContext) -> dict[str, int]:
    rng = ctx.rng("volunteering")
    writer, now = ctx.writer, ctx.now
    today = now.date()
    municipalities = ctx.state["municipalities"]
    people = ctx.state["people"]
    first_person = people["first_id"]
    _switch_module_on(municipalities)
    skills = dict(Skill.objects.values_list("slug", "pk"))
    skill_ids = sorted(skills.values())
    cells: dict[int, dict[str, str]] = {
        pk: geo.cell_columns(geo.cell_at(lat, lng))
        for pk, lat, lng in District.objects.values_list("pk", "latitude", "longitude")
        if lat is not None and lng is not None
    }
    screened = set(
        BackgroundCheck.objects.filter(revoked_at__isnull=True, expires_on__gte=today).values_list(
            "user_id", "municipality_id"
        )
    )
    managers = ctx.state["organisation_managers"]
    emails = dict(
        User.objects.filter(pk__in=[pk for ids in managers.values() for pk in ids]).values_list(
            "pk", "email"
        )
    )
    by_region: dict[int, list[dict]] = defaultdict(list)
    for municipality in municipalities:
        by_region[municipality["region_id"]].append(municipality)

    def trust_of(user_id: int, municipality_id: int) -> int:
        if (user_id, municipality_id) in screened:
            return TrustLevel.SCREENED
        if people["verified"][user_id - first_person]:
            return TrustLevel.RESIDENT
        return TrustLevel.MEMBER

    # --- Volunteers' profiles -------------------------------------------------------------------
    profiles: list[tuple[Any, ...]] = []
    profile_skills: list[tuple[int, int]] = []  # (profile index, skill id)
    # municipality id -> the profiles there: (index, user id, skill ids, suggestible, trust)
    volunteers: dict[int, list[tuple[int, int, frozenset[int], bool, int]]] = defaultdict(list)
    sample_volunteers: dict[int, list[int]] = {}
    for municipality in municipalities:
        mid = municipality["id"]
        samples = ctx.state["sample_residents"].get(mid, [])
        chosen = set(samples[: len(samples) // 2])
        sample_volunteers[mid] = sorted(chosen)
        for user_id in ctx.state["residents"][mid]:
            if user_id not in chosen and rng.random() >= PROFILE_SHARE:
                continue
            suggestible = user_id in chosen or rng.random() < SUGGESTIBLE_SHARE
            district = people["district"][user_id - first_person]
            mine = frozenset(rng.sample(skill_ids, rng.randint(1, 4)))
            index = len(profiles)
            profile_skills += [(index, skill) for skill in sorted(mine)]
            place = cells.get(district, {"cell": "", "cell_r7": "", "cell_r6": "", "cell_r5": ""})
            profiles.append(
                (
                    user_id,
                    mid,
                    "",
                    rng.choice(["", "", "Les enfants et le plein air", "Les aînés du quartier"]),
                    _languages(rng, people["language"][user_id - first_person]),
                    _weekly_slots(rng, 2, 8),
                    [(today + timedelta(days=rng.randint(3, 60))).isoformat()]
                    if rng.random() < 0.1
                    else [],
                    suggestible,
                    *place.values(),
                    now - timedelta(days=rng.randint(0, 365), seconds=rng.randint(0, 86_399)),
                )
            )
            volunteers[mid].append((index, user_id, mine, suggestible, trust_of(user_id, mid)))
    first_profile = writer.reserve(VolunteerProfile, len(profiles))
    writer.insert(
        VolunteerProfile,
        [
            "id",
            "user_id",
            "municipality_id",
            "other_skills",
            "interests",
            "languages",
            "weekly_slots",
            "one_off_dates",
            "suggestible",
            "cell",
            "cell_r7",
            "cell_r6",
            "cell_r5",
            "updated_at",
        ],
        ((first_profile + i, *row) for i, row in enumerate(profiles)),
    )
    through_profile = VolunteerProfile.skills.through
    first_row = writer.reserve(through_profile, len(profile_skills))
    writer.insert(
        through_profile,
        ["id", "volunteerprofile_id", "skill_id"],
        (
            (first_row + i, first_profile + index, skill)
            for i, (index, skill) in enumerate(profile_skills)
        ),
    )

    # --- Organisations and their teams ----------------------------------------------------------
    organisations: list[tuple[Any, ...]] = []
    members: list[tuple[int, int, str]] = []  # (organisation index, user id, role)
    serves: list[tuple[int, int]] = []  # (organisation index, municipality id)
    # (organisation index, municipality id, manager id, verified, serves)
    plan: list[tuple[int, int, int, bool, list[int]]] = []
    for municipality in municipalities:
        mid = municipality["id"]
        team = managers.get(mid) or []
        if not team:
            continue
        verified = max(1, municipality["residents"] // RESIDENTS_PER_ORGANISATION)
        pending = verified // 10
        neighbours = [m["id"] for m in by_region[municipality["region_id"]] if m["id"] != mid]
        for number in range(verified + pending):
            is_verified = number < verified
            index = len(organisations)
            manager = team[number // 2 % len(team)]
            created = now - timedelta(days=rng.randint(30, 900))
            name = f"{ORGANISATION_NAMES[number % len(ORGANISATION_NAMES)]} {municipality['slug']}"
            organisations.append(
                (
                    mid,
                    f"{name} {number + 1}",
                    "Soutenir les personnes du quartier par l'entraide et le bénévolat.",
                    f"benevolat-{municipality['slug']}-{number + 1}@{bench.BENCH_EMAIL_DOMAIN}",
                    ["fr", "en"] if rng.random() < 0.3 else ["fr"],
                    OrganisationStatus.VERIFIED if is_verified else OrganisationStatus.PENDING,
                    created + timedelta(days=7) if is_verified else None,
                    (ctx.state["staff"].get(mid) or [None])[0] if is_verified else None,
                    manager,
                    created,
                    created,
                )
            )
            members.append((index, manager, MemberRole.MANAGER))
            also: list[int] = []
            if neighbours and rng.random() < 0.2:
                also = [rng.choice(neighbours)]
                serves += [(index, other) for other in also]
            plan.append((index, mid, manager, is_verified, also))
    first_organisation = writer.reserve(Organisation, len(organisations))
    writer.insert(
        Organisation,
        [
            "id",
            "municipality_id",
            "name",
            "mission",
            "email",
            "languages",
            "status",
            "verified_at",
            "verified_by_id",
            "created_by_id",
            "created_at",
            "updated_at",
        ],
        ((first_organisation + i, *row) for i, row in enumerate(organisations)),
    )
    first_member = writer.reserve(OrganisationMember, len(members))
    writer.insert(
        OrganisationMember,
        ["id", "organisation_id", "user_id", "role", "added_at"],
        (
            (first_member + i, first_organisation + index, user, role, now - timedelta(days=30))
            for i, (index, user, role) in enumerate(members)
        ),
    )
    through_serves = Organisation.serves.through
    first_row = writer.reserve(through_serves, len(serves))
    writer.insert(
        through_serves,
        ["id", "organisation_id", "municipality_id"],
        ((first_row + i, first_organisation + index, mid) for i, (index, mid) in enumerate(serves)),
    )

    # --- Opportunities ----------------------------------------------------------------------------
    opportunities: list[tuple[Any, ...]] = []
    opportunity_skills: list[tuple[int, int]] = []
    # (opportunity index, organisation index, municipality id, manager, trust, skills, places)
    open_plan: list[tuple[int, int, int, int, int, frozenset[int], int]] = []
    for index, mid, manager, is_verified, _also in plan:
        districts = next(m["districts"] for m in municipalities if m["id"] == mid)
        closed = 1 if rng.random() < 0.25 else 0
        for number in range(OPEN_PER_ORGANISATION + closed):
            is_open = number < OPEN_PER_ORGANISATION
            title, wanted_slugs = rng.choice(MISSIONS)
            wanted = frozenset(
                skills[slug]
                for slug in rng.sample(wanted_slugs, rng.randint(1, min(3, len(wanted_slugs))))
                if slug in skills
            )
            youth = "youth" in wanted_slugs and rng.random() < 0.5
            trust: int = (
                TrustLevel.SCREENED
                if youth
                else rng.choices([TrustLevel.MEMBER, TrustLevel.RESIDENT], [65, 35])[0]
            )
            district = rng.choice(districts) if districts else None
            remote = rng.random() < 1 / 6
            ends_on = (
                today + timedelta(days=rng.randint(10, 180))
                if is_open
                else today - timedelta(days=rng.randint(1, 60))
            )
            one_off = (
                today + timedelta(days=rng.randint(5, 40))
                if is_open and rng.random() < 0.1
                else None
            )
            if one_off is not None:
                ends_on = max(ends_on, one_off)
            slots = _weekly_slots(rng, 1, 4)
            if one_off is not None:
                slots = (slots & availability.of_day(one_off)) or availability.of_day(one_off)
            created = now - timedelta(days=rng.randint(0, 120), minutes=rng.randint(0, 1440))
            places = rng.randint(1, 8)
            spot = cells.get(district) if district else None
            opportunity_index = len(opportunities)
            opportunity_skills += [(opportunity_index, skill) for skill in sorted(wanted)]
            opportunities.append(
                (
                    first_organisation + index,
                    mid,
                    district,
                    title,
                    "Joignez-vous à notre équipe de bénévoles : formation et accompagnement "
                    "offerts.",
                    rng.choice([["fr"], ["fr"], ["fr", "en"], []]),
                    slots,
                    one_off,
                    remote,
                    places,
                    trust,
                    ends_on,
                    OpportunityStatus.OPEN if is_open else OpportunityStatus.CLOSED,
                    manager,
                    *(spot or {"c": "", "r7": "", "r6": "", "r5": ""}).values(),
                    created,
                    created,
                )
            )
            if is_verified and is_open:
                open_plan.append((opportunity_index, index, mid, manager, trust, wanted, places))

    # --- Applications and hours (decided before the opportunities are written: accepted_count) --
    applications: list[tuple[Any, ...]] = []
    hours: list[tuple[Any, ...]] = []
    accepted: dict[int, int] = defaultdict(int)
    states, state_weights = list(APPLICATION_STATES), list(APPLICATION_STATES.values())
    harness_volunteers = {user_id for ids in sample_volunteers.values() for user_id in ids}
    hour_states, hour_weights = list(HOURS_STATES), list(HOURS_STATES.values())
    for opportunity_index, index, mid, manager, trust, _wanted, places in open_plan:
        pool = rng.sample(volunteers[mid], min(12, len(volunteers[mid])))
        # The harness's volunteers applied nowhere: their page of suggestions is full.
        applicants = [v for v in pool if v[4] >= trust and v[1] not in harness_volunteers]
        applicants = applicants[: rng.randint(0, 5)]
        for _profile, user_id, _skills, _suggestible, _trust in applicants:
            state = rng.choices(states, state_weights)[0]
            if state == ApplicationStatus.ACCEPTED and accepted[opportunity_index] >= places:
                state = ApplicationStatus.PENDING
            created = now - timedelta(days=rng.randint(1, 60), minutes=rng.randint(0, 1440))
            decided = state != ApplicationStatus.PENDING
            application_index = len(applications)
            applications.append(
                (
                    opportunity_index,
                    user_id,
                    "Bonjour, je serais heureux de donner un coup de main.",
                    state,
                    manager if decided and state != ApplicationStatus.WITHDRAWN else None,
                    created + timedelta(days=2) if decided else None,
                    created,
                )
            )
            if state != ApplicationStatus.ACCEPTED:
                continue
            accepted[opportunity_index] += 1
            for _ in range(rng.randint(0, 4)):
                status = rng.choices(hour_states, hour_weights)[0]
                worked = today - timedelta(days=rng.randint(1, 60))
                reviewed = status != HoursStatus.PENDING
                hours.append(
                    (
                        application_index,
                        user_id,
                        first_organisation + index,
                        worked,
                        Decimal(rng.choice(["1.00", "1.50", "2.00", "2.50", "3.00", "4.00"])),
                        status,
                        manager if reviewed else None,
                        now - timedelta(days=rng.randint(0, 3)) if reviewed else None,
                        now - timedelta(days=rng.randint(3, 6)),
                    )
                )
    first_opportunity = writer.reserve(Opportunity, len(opportunities))
    writer.insert(
        Opportunity,
        [
            "id",
            "organisation_id",
            "municipality_id",
            "district_id",
            "title",
            "description",
            "languages",
            "weekly_slots",
            "one_off_on",
            "remote",
            "places",
            "required_trust",
            "ends_on",
            "status",
            "created_by_id",
            "cell",
            "cell_r7",
            "cell_r6",
            "cell_r5",
            "created_at",
            "updated_at",
            "accepted_count",
        ],
        ((first_opportunity + i, *row, accepted.get(i, 0)) for i, row in enumerate(opportunities)),
    )
    through_opportunity = Opportunity.skills.through
    first_row = writer.reserve(through_opportunity, len(opportunity_skills))
    writer.insert(
        through_opportunity,
        ["id", "opportunity_id", "skill_id"],
        (
            (first_row + i, first_opportunity + index, skill)
            for i, (index, skill) in enumerate(opportunity_skills)
        ),
    )
    first_application = writer.reserve(VolunteerApplication, len(applications))
    writer.insert(
        VolunteerApplication,
        [
            "id",
            "opportunity_id",
            "volunteer_id",
            "message",
            "status",
            "decided_by_id",
            "decided_at",
            "created_at",
        ],
        (
            (first_application + i, first_opportunity + row[0], *row[1:])
            for i, row in enumerate(applications)
        ),
    )
    first_hours = writer.reserve(HoursLog, len(hours))
    writer.insert(
        HoursLog,
        [
            "id",
            "application_id",
            "volunteer_id",
            "organisation_id",
            "worked_on",
            "hours",
            "status",
            "confirmed_by_id",
            "confirmed_at",
            "created_at",
        ],
        ((first_hours + i, first_application + row[0], *row[1:]) for i, row in enumerate(hours)),
    )

    # --- The project incubator ------------------------------------------------------------------
    ideas: list[tuple[Any, ...]] = []
    idea_skills: list[tuple[int, int]] = []
    supports: list[tuple[int, int, Any]] = []
    help_offers: list[tuple[int, int, Any]] = []
    partner_offers: list[tuple[int, int, str, int, Any]] = []
    idea_states, idea_weights = list(IDEA_STATES), list(IDEA_STATES.values())
    verified_by_town: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for index, mid, manager, is_verified, _also in plan:
        if is_verified:
            verified_by_town[mid].append((first_organisation + index, manager))
    for municipality in municipalities:
        mid = municipality["id"]
        residents = ctx.state["residents"][mid]
        if len(residents) < 2:
            continue
        for number in range(max(1, len(residents) // RESIDENTS_PER_IDEA)):
            author = rng.choice(residents)
            idea_state = rng.choices(idea_states, idea_weights)[0]
            created = now - timedelta(days=rng.randint(1, 400))
            published = None if idea_state == IdeaState.DRAFT else created + timedelta(days=1)
            idea_index = len(ideas)
            ideas.append(
                (
                    mid,
                    people["district"][author - first_person],
                    author,
                    f"{IDEAS[number % len(IDEAS)]} ({number + 1})",
                    "Le quartier manque d'un lieu pour se rencontrer et s'entraider.",
                    "Un projet porté par des voisins, avec l'appui d'un organisme.",
                    "Des bras, des idées et un peu de savoir-faire.",
                    idea_state,
                    published,
                    created,
                    created,
                )
            )
            idea_skills += [(idea_index, s) for s in rng.sample(skill_ids, rng.randint(0, 2))]
            if published is None:
                continue
            backers = {rng.choice(residents) for _ in range(rng.randint(0, 30))} - {author}
            supports += [(idea_index, user, published + timedelta(days=1)) for user in backers]
            helpers = {rng.choice(residents) for _ in range(rng.randint(0, 3))} - {author}
            help_offers += [(idea_index, user, published + timedelta(days=2)) for user in helpers]
            partners = verified_by_town.get(mid) or []
            if partners and idea_state != IdeaState.OPEN:
                organisation, manager = rng.choice(partners)
                offer_status = (
                    PartnerOfferStatus.ACCEPTED
                    if idea_state in (IdeaState.PARTNERED, IdeaState.IN_PROGRESS, IdeaState.DONE)
                    else PartnerOfferStatus.DECLINED
                )
                partner_offers.append(
                    (idea_index, organisation, offer_status, manager, published + timedelta(days=3))
                )
    supporters: dict[int, int] = defaultdict(int)
    for idea_index, _user, _at in supports:
        supporters[idea_index] += 1
    first_idea = writer.reserve(ProjectIdea, len(ideas))
    writer.insert(
        ProjectIdea,
        [
            "id",
            "municipality_id",
            "district_id",
            "author_id",
            "title",
            "need",
            "description",
            "help_wanted",
            "state",
            "published_at",
            "created_at",
            "updated_at",
            "supporters_count",
        ],
        ((first_idea + i, *row, supporters.get(i, 0)) for i, row in enumerate(ideas)),
    )
    through_idea = ProjectIdea.skills_wanted.through
    first_row = writer.reserve(through_idea, len(idea_skills))
    writer.insert(
        through_idea,
        ["id", "projectidea_id", "skill_id"],
        ((first_row + i, first_idea + idea, s) for i, (idea, s) in enumerate(idea_skills)),
    )
    first_support = writer.reserve(IdeaSupport, len(supports))
    writer.insert(
        IdeaSupport,
        ["id", "idea_id", "user_id", "created_at"],
        ((first_support + i, first_idea + idea, u, at) for i, (idea, u, at) in enumerate(supports)),
    )
    first_help = writer.reserve(IdeaHelpOffer, len(help_offers))
    writer.insert(
        IdeaHelpOffer,
        ["id", "idea_id", "user_id", "message", "created_at"],
        (
            (first_help + i, first_idea + idea, user, "Je peux aider la fin de semaine.", at)
            for i, (idea, user, at) in enumerate(help_offers)
        ),
    )
    first_partner = writer.reserve(IdeaPartnerOffer, len(partner_offers))
    writer.insert(
        IdeaPartnerOffer,
        [
            "id",
            "idea_id",
            "organisation_id",
            "message",
            "status",
            "offered_by_id",
            "created_at",
            "decided_at",
        ],
        (
            (
                first_partner + i,
                first_idea + idea,
                organisation,
                "Notre organisme peut porter ce projet.",
                status,
                manager,
                at,
                at + timedelta(days=2),
            )
            for i, (idea, organisation, status, manager, at) in enumerate(partner_offers)
        ),
    )

    # --- The manifest ---------------------------------------------------------------------------
    applied = {(row[0], row[1]) for row in applications if row[3] != ApplicationStatus.WITHDRAWN}
    towns: dict[str, dict[str, list]] = {}
    slugs = {m["id"]: m["slug"] for m in municipalities}
    sample_emails = {
        user_id: email
        for m in municipalities
        for user_id, email in zip(
            ctx.state["sample_residents"].get(m["id"], []),
            ctx.manifest.get("accounts", {}).get("residents", {}).get(m["slug"], []),
            strict=False,
        )
    }
    suggested: list[int] = []  # open opportunities with someone to suggest
    for opportunity_index, _index, mid, manager, trust, wanted, _places in open_plan:
        # Someone to suggest: opted in, with the trust asked and a skill wanted, not applied.
        if not any(
            suggestible
            and level >= trust
            and (mine & wanted or not wanted)
            and (opportunity_index, user_id) not in applied
            for _p, user_id, mine, suggestible, level in volunteers[mid]
        ):
            continue
        suggested.append(first_opportunity + opportunity_index)
        town = towns.setdefault(slugs[mid], {"volunteers": [], "opportunities": []})
        if len(town["opportunities"]) < MANIFEST_OPPORTUNITIES and manager in emails:
            town["opportunities"].append([emails[manager], first_opportunity + opportunity_index])
    for mid, user_ids in sample_volunteers.items():
        town = towns.setdefault(slugs[mid], {"volunteers": [], "opportunities": []})
        town["volunteers"] = [sample_emails[u] for u in user_ids if u in sample_emails]
    draw = ctx.rng("volunteering:manifest")
    profile_ids = [first_profile + i for i in range(len(profiles))]
    ctx.manifest["volunteering"] = {
        "towns": dict(sorted(towns.items())),
        "profiles": sorted(draw.sample(profile_ids, min(MATCH_SAMPLE, len(profile_ids)))),
        "opportunities": sorted(draw.sample(suggested, min(MATCH_SAMPLE, len(suggested)))),
    }
    return {
        "organisations": len(organisations),
        "opportunities": len(opportunities),
        "volunteer profiles": len(profiles),
        "applications": len(applications),
        "hours": len(hours),
        "project ideas": len(ideas),
        "supports": len(supports),
    }


# --- In-process scenarios (`bench/in_process.py`, declared in `bench/harness.py`) ---------------


def _cycle(ids: list[int]) -> Callable[[int], int]:
    order = list(ids)
    random.Random(MATCH_SAMPLE).shuffle(order)  # noqa: S311 - a load pattern
    return lambda i: order[i % len(order)]


def suggestions_match(manifest: dict[str, Any]) -> Callable[[int], Callable[[], int]]:
    """`matching.opportunities_for` for profiles drawn at random over the dataset: the first
    page of 20, ranked. The profile is read before the clock starts, as the page reads it."""
    from .matching import opportunities_for

    pick = _cycle(manifest["volunteering"]["profiles"])

    def make(i: int) -> Callable[[], int]:
        profile = VolunteerProfile.objects.select_related("municipality").get(pk=pick(i))
        return lambda: len(opportunities_for(profile)[0])

    return make


def volunteers_match(manifest: dict[str, Any]) -> Callable[[int], Callable[[], int]]:
    """`matching.volunteers_for` for open opportunities drawn at random over the dataset (among
    those with a volunteer to suggest): the first page of 20 volunteers, ranked."""
    from .matching import volunteers_for

    pick = _cycle(manifest["volunteering"]["opportunities"])

    def make(i: int) -> Callable[[], int]:
        opportunity = Opportunity.objects.select_related("organisation", "municipality").get(
            pk=pick(i)
        )
        return lambda: len(volunteers_for(opportunity)[0])

    return make
