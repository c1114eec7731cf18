"""Reads of the project incubator.

Published ideas are read by the members of their municipality and by its staff with MFA
(`may_read_ideas`); a draft only by its author. An idea is published when it has a
`published_at` and is not a draft: a closed idea that was never published stays its author's.
Lists run a constant number of queries, whatever their length: the district and the author are
joined, the skills wanted are prefetched (one query), and whether the reader supports each idea
is an `EXISTS` column (`is_supported`).

Who sees what on an idea's page: everyone who sees the idea sees its supporters' count, the
skills wanted and the accepted partners; its author and the staff also see who offered help and
every partner offer; a helper sees their own offer, an organisation's team its own offers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Value
from django.utils.translation import gettext as _

from milieu.accounts.permissions import has_mfa, is_municipal_staff
from milieu.core.errors import NotFound

from .models import (
    IdeaHelpOffer,
    IdeaPartnerOffer,
    IdeaState,
    IdeaSupport,
    Organisation,
    PartnerOfferStatus,
    ProjectIdea,
    Skill,
)
from .permissions import ACTIVE_IDEA_STATES, may_take_part, module_enabled, organisation_roles

PAGE_SIZE = 20
PUBLISHED_STATES = tuple(state for state in IdeaState.values if state != IdeaState.DRAFT)


def may_read_ideas(user, municipality) -> bool:
    """The members of `municipality` (module on) and its staff with MFA."""
    if not module_enabled(user, municipality):
        return False
    return bool(
        may_take_part(user, municipality)
        or (is_municipal_staff(user, municipality) and has_mfa(user))
    )


def _with_reader(ideas: QuerySet[ProjectIdea], reader) -> QuerySet[ProjectIdea]:
    if reader.is_authenticated:
        supported = Exists(IdeaSupport.objects.filter(idea=OuterRef("pk"), user_id=reader.pk))
        ideas = ideas.annotate(is_supported=supported)
    else:
        ideas = ideas.annotate(is_supported=Value(False))
    return ideas.select_related("district", "author").prefetch_related(
        Prefetch("skills_wanted", queryset=Skill.objects.order_by("position", "slug"))
    )


@dataclass(frozen=True)
class IdeaFilters:
    state: str = ""
    district: str = ""  # a district's slug
    text: str = ""
    adopted: bool | None = None


def idea_list(
    *, visible_to, municipality, filters: IdeaFilters = IdeaFilters()
) -> QuerySet[ProjectIdea]:
    """The published ideas of `municipality`, newest published first."""
    if not may_read_ideas(visible_to, municipality):
        raise NotFound(_("This page does not exist."))
    ideas = ProjectIdea.objects.filter(
        municipality=municipality, published_at__isnull=False, state__in=PUBLISHED_STATES
    )
    if filters.state:
        ideas = ideas.filter(state=filters.state)
    if filters.district:
        ideas = ideas.filter(district__slug=filters.district)
    if filters.adopted is not None:
        ideas = ideas.filter(adopted_at__isnull=not filters.adopted)
    if filters.text:
        for word in filters.text.split()[:8]:
            ideas = ideas.filter(
                Q(title__icontains=word) | Q(need__icontains=word) | Q(description__icontains=word)
            )
    return _with_reader(ideas, visible_to).order_by("-published_at", "-pk")


def my_idea_list(*, author, municipality) -> QuerySet[ProjectIdea]:
    """Every idea of `author` in `municipality`, drafts too, newest first."""
    if not author.is_authenticated or not module_enabled(author, municipality):
        raise NotFound(_("This page does not exist."))
    ideas = ProjectIdea.objects.filter(municipality=municipality, author=author)
    return _with_reader(ideas, author).order_by("-created_at", "-pk")


def idea_get(*, visible_to, municipality=None, idea_id: int) -> ProjectIdea:
    """One idea that `visible_to` may see (of `municipality` when given), else `NotFound`."""
    ideas = ProjectIdea.objects.filter(pk=idea_id)
    if municipality is not None:
        ideas = ideas.filter(municipality=municipality)
    idea = _with_reader(ideas.select_related("municipality", "adopted_by"), visible_to).first()
    if (
        idea is None
        or not module_enabled(visible_to, idea.municipality)
        or not visible_to.has_perm("volunteering.view_idea", idea)
    ):
        raise NotFound(_("This idea does not exist."))
    return idea


def partner_offer_get(*, idea: ProjectIdea, offer_id: int) -> IdeaPartnerOffer:
    """An offer made to `idea` (which the caller has found for the reader)."""
    offer = (
        IdeaPartnerOffer.objects.filter(idea=idea, pk=offer_id)
        .select_related("organisation")
        .first()
    )
    if offer is None:
        raise NotFound(_("This offer does not exist."))
    offer.idea = idea
    return offer


@dataclass
class IdeaDetail:
    idea: ProjectIdea
    is_author: bool
    is_staff: bool
    can_join: bool
    can_edit: bool
    supported: bool
    my_help_offer: IdeaHelpOffer | None
    help_offers: list[IdeaHelpOffer] = field(default_factory=list)  # author and staff
    help_offers_count: int = 0
    partner_offers: list[IdeaPartnerOffer] = field(default_factory=list)
    # The organisations the reader may offer as partners (verified, serving the municipality,
    # not offered yet).
    my_organisations: list[Organisation] = field(default_factory=list)
    next_states: list[str] = field(default_factory=list)


def idea_detail(*, visible_to, idea: ProjectIdea) -> IdeaDetail:
    """What the idea's page and the API show of `idea` (found by `idea_get`) to `visible_to`."""
    from .services.incubator import TRANSITIONS

    user = visible_to
    is_author = bool(user.has_perm("volunteering.lead_idea", idea))
    is_staff = bool(user.has_perm("volunteering.staff_idea", idea))
    helpers = IdeaHelpOffer.objects.filter(idea=idea).select_related("user")
    helpers = helpers.prefetch_related(
        Prefetch("skills", queryset=Skill.objects.order_by("position", "slug"))
    )
    help_offers = list(helpers) if is_author or is_staff else []
    mine = (
        next((offer for offer in help_offers if offer.user_id == user.pk), None)
        if help_offers
        else (helpers.filter(user_id=user.pk).first() if user.is_authenticated else None)
    )
    roles = organisation_roles(user)
    offers = list(
        IdeaPartnerOffer.objects.filter(idea=idea)
        .select_related("organisation", "offered_by")
        .order_by("created_at", "pk")
    )
    shown = [
        offer
        for offer in offers
        if is_author
        or is_staff
        or offer.status == PartnerOfferStatus.ACCEPTED
        or offer.organisation_id in roles
    ]
    offered = {offer.organisation_id for offer in offers}
    my_organisations: list[Organisation] = []
    if roles and idea.state in ACTIVE_IDEA_STATES and not is_author:
        candidates = Organisation.objects.filter(pk__in=sorted(roles), status="verified").filter(
            Q(municipality=idea.municipality) | Q(serves=idea.municipality)
        )
        my_organisations = [
            org for org in candidates.distinct().order_by("name") if org.pk not in offered
        ]
    return IdeaDetail(
        idea=idea,
        is_author=is_author,
        is_staff=is_staff,
        can_join=bool(user.has_perm("volunteering.join_idea", idea)),
        can_edit=bool(user.has_perm("volunteering.edit_idea", idea)),
        supported=bool(getattr(idea, "is_supported", False)),
        my_help_offer=mine,
        help_offers=help_offers,
        help_offers_count=len(help_offers) if help_offers else helpers.count(),
        partner_offers=shown,
        my_organisations=my_organisations,
        next_states=sorted(TRANSITIONS.get(idea.state, ())) if is_author else [],
    )
