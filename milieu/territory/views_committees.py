"""The pages of a region's inter-municipal committees, under `/<lang>/regions/<region>/committees/`.

Public: the committees with their seats, a committee with its members and motions, a motion with
the result of each round (the votes of municipalities, published for accountability once a round
is closed). The region's consortium administrator creates committees and assigns or ends seats;
a seated delegate proposes motions, votes for their municipality and may ask for the weighted
vote; the administrator or the proposer closes a round. Every write is a POST answered by a
redirect and a message; a refusal shows the page again with the service's reason (400, or 403
for a permission the reader lacks) and changes nothing. Every page works without JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import MilieuRequest, form_error

from . import selectors
from . import selectors_committees as committees
from . import services_committees as services
from .forms_committees import CommitteeForm, MotionForm, SeatForm, VoteForm, WeightedVoteForm
from .models import Region
from .models_committees import Committee, Motion, RoundKind
from .permissions_committees import active_seat


def _status(error: ApplicationError) -> int:
    return 403 if error.status_code == 403 else 400


def _region(region_slug: str) -> tuple[Region, list]:
    try:
        region, members, _version = selectors.region_members(slug=region_slug)
    except NotFound as error:
        raise Http404(str(error)) from None
    return region, members


def _committee(region: Region, slug: str) -> Committee:
    try:
        return committees.committee_get(region=region, slug=slug)
    except NotFound as error:
        raise Http404(str(error)) from None


def _motion(committee: Committee, number: int) -> Motion:
    try:
        return committees.motion_get(committee=committee, number=number)
    except NotFound as error:
        raise Http404(str(error)) from None


def _committee_url(committee: Committee) -> str:
    return reverse("committees:detail", args=[committee.region.slug, committee.slug])


def _motion_url(motion: Motion) -> str:
    committee = motion.committee
    return reverse("committees:motion", args=[committee.region.slug, committee.slug, motion.number])


def _login(request: MilieuRequest, url: str) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(url)
    return None


# --- Committees ---------------------------------------------------------------------------------


@require_GET
def committee_list(request: MilieuRequest, region_slug: str) -> HttpResponse:
    region, _members = _region(region_slug)
    return render(
        request,
        "territory/committees/committee_list.html",
        {
            "region": region,
            "committees": committees.committee_list(region=region),
            "can_create": request.user.has_perm("territory.create_committee", region),
        },
    )


@require_http_methods(["GET", "POST"])
def committee_create(request: MilieuRequest, region_slug: str) -> HttpResponse:
    region, _members = _region(region_slug)
    url = reverse("committees:create", args=[region.slug])
    if (answer := _login(request, url)) is not None:
        return answer
    if not request.user.has_perm("territory.create_committee", region):
        return _refused(
            request, region, _("Only the region's consortium administrator creates committees.")
        )
    form = CommitteeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                committee = services.committee_create(
                    actor=request.user, region=region, values=form.cleaned_data
                )
            except ApplicationError as error:
                form_error(form, error)
            else:
                messages.success(
                    request,
                    _("The committee was created; now give the municipalities their seats."),
                )
                return redirect(_committee_url(committee))
        status = 400
    return render(
        request,
        "territory/committees/committee_form.html",
        {"region": region, "form": form},
        status=status,
    )


def _refused(request: MilieuRequest, region: Region, message: str) -> HttpResponse:
    return render(
        request,
        "territory/committees/refused.html",
        {"region": region, "error": message},
        status=403,
    )


def _committee_page(
    request: MilieuRequest,
    region: Region,
    members: list,
    committee: Committee,
    *,
    seat_form: SeatForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    page = max(1, min(page, 10_000))
    motions, more = committees.motion_page(committee=committee, page=page)
    can_manage = request.user.has_perm("territory.manage_seats", committee)
    context: dict[str, Any] = {
        "region": region,
        "committee": committee,
        "seats": committees.seat_list(committee=committee),
        "motions": motions,
        "page": page,
        "next_page": page + 1 if more else None,
        "previous_page": page - 1 if page > 1 else None,
        "can_manage": can_manage,
        "can_propose": request.user.has_perm("territory.propose_motion", committee),
        "error": error,
    }
    if can_manage:
        context["seat_form"] = seat_form or SeatForm(
            members=members, candidates=committees.delegate_candidates(region=region)
        )
    seated = {seat.municipality_id for seat in context["seats"]}
    context["unseated"] = [m for m in members if m.pk not in seated]
    return render(request, "territory/committees/committee_detail.html", context, status=status)


@require_GET
def committee_detail(request: MilieuRequest, region_slug: str, slug: str) -> HttpResponse:
    region, members = _region(region_slug)
    return _committee_page(request, region, members, _committee(region, slug))


@require_POST
def seat_assign(request: MilieuRequest, region_slug: str, slug: str) -> HttpResponse:
    region, members = _region(region_slug)
    committee = _committee(region, slug)
    if (answer := _login(request, _committee_url(committee))) is not None:
        return answer
    form = SeatForm(
        request.POST,
        members=members,
        candidates=committees.delegate_candidates(region=region),
    )
    if not form.is_valid():
        return _committee_page(request, region, members, committee, seat_form=form, status=400)
    by_pk = {m.pk: m for m in members}
    from milieu.accounts.models import User

    try:
        seat = services.seat_assign(
            actor=request.user,
            committee=committee,
            municipality=by_pk.get(form.cleaned_data["municipality"]),
            delegate=User.objects.filter(pk=form.cleaned_data["delegate"]).first(),
        )
    except ApplicationError as error:
        if error.status_code == 403:
            return _committee_page(
                request, region, members, committee, error=str(error.message), status=403
            )
        form_error(form, error)
        return _committee_page(request, region, members, committee, seat_form=form, status=400)
    messages.success(
        request,
        _("%(municipality)s now sits on the committee.") % {"municipality": seat.municipality.name},
    )
    return redirect(_committee_url(committee))


@require_POST
def seat_end(request: MilieuRequest, region_slug: str, slug: str, seat_id: int) -> HttpResponse:
    region, members = _region(region_slug)
    committee = _committee(region, slug)
    if (answer := _login(request, _committee_url(committee))) is not None:
        return answer
    try:
        seat = committees.seat_get(committee=committee, seat_id=seat_id)
    except NotFound as error:
        raise Http404(str(error)) from None
    try:
        services.seat_end(actor=request.user, seat=seat)
    except ApplicationError as error:
        return _committee_page(
            request, region, members, committee, error=str(error.message), status=_status(error)
        )
    messages.success(
        request,
        _("The seat of %(municipality)s has ended.") % {"municipality": seat.municipality.name},
    )
    return redirect(_committee_url(committee))


# --- Motions ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def motion_create(request: MilieuRequest, region_slug: str, slug: str) -> HttpResponse:
    region, _members = _region(region_slug)
    committee = _committee(region, slug)
    url = reverse("committees:motion_create", args=[region.slug, committee.slug])
    if (answer := _login(request, url)) is not None:
        return answer
    if not request.user.has_perm("territory.propose_motion", committee):
        return _refused(
            request, region, _("Only the delegates seated on this committee propose motions.")
        )
    form = MotionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                motion = services.motion_propose(
                    actor=request.user, committee=committee, values=form.cleaned_data
                )
            except ApplicationError as error:
                form_error(form, error)
            else:
                messages.success(request, _("The motion is open for the delegates' votes."))
                return redirect(_motion_url(motion))
        status = 400
    return render(
        request,
        "territory/committees/motion_form.html",
        {"region": region, "committee": committee, "form": form},
        status=status,
    )


def _motion_page(
    request: MilieuRequest,
    region: Region,
    motion: Motion,
    *,
    vote_form: VoteForm | None = None,
    weighted_form: WeightedVoteForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request.user
    seat = active_seat(user, motion.committee)
    results = committees.motion_results(motion=motion)
    equal = next((r.round for r in results if r.round.kind == RoundKind.EQUAL), None)
    has_weighted = any(r.round.kind == RoundKind.WEIGHTED for r in results)
    can_vote = seat is not None and motion.is_open
    mine = committees.my_vote(motion=motion, municipality=seat.municipality) if can_vote else None
    can_call = (
        seat is not None
        and not motion.is_open
        and motion.status != "withdrawn"
        and not has_weighted
        and equal is not None
        and equal.contested
    )
    is_admin = user.has_perm("territory.manage_seats", motion.committee)
    is_proposer = seat is not None and motion.proposed_by_id == user.pk
    context = {
        "region": region,
        "committee": motion.committee,
        "motion": motion,
        "results": results,
        "seat": seat,
        "my_vote": mine,
        "vote_form": (vote_form or VoteForm()) if can_vote and mine is None else None,
        "weighted_form": (weighted_form or WeightedVoteForm()) if can_call else None,
        "can_close": motion.is_open and (is_admin or is_proposer),
        "can_withdraw": motion.is_open
        and motion.stage == RoundKind.EQUAL
        and (is_admin or is_proposer),
        "error": error,
    }
    return render(request, "territory/committees/motion_detail.html", context, status=status)


@require_GET
def motion_detail(request: MilieuRequest, region_slug: str, slug: str, number: int) -> HttpResponse:
    region, _members = _region(region_slug)
    return _motion_page(request, region, _motion(_committee(region, slug), number))


def _motion_write(request: MilieuRequest, region_slug: str, slug: str, number: int):
    region, _members = _region(region_slug)
    motion = _motion(_committee(region, slug), number)
    return region, motion, _login(request, _motion_url(motion))


@require_POST
def motion_vote(request: MilieuRequest, region_slug: str, slug: str, number: int) -> HttpResponse:
    region, motion, answer = _motion_write(request, region_slug, slug, number)
    if answer is not None:
        return answer
    form = VoteForm(request.POST)
    if not form.is_valid():
        return _motion_page(request, region, motion, vote_form=form, status=400)
    try:
        services.motion_vote(actor=request.user, motion=motion, choice=form.cleaned_data["choice"])
    except ApplicationError as error:
        return _motion_page(
            request, region, motion, error=str(error.message), status=_status(error)
        )
    messages.success(request, _("Your municipality's vote is recorded."))
    return redirect(_motion_url(motion))


@require_POST
def motion_close(request: MilieuRequest, region_slug: str, slug: str, number: int) -> HttpResponse:
    region, motion, answer = _motion_write(request, region_slug, slug, number)
    if answer is not None:
        return answer
    try:
        services.motion_close_round(actor=request.user, motion=motion)
    except ApplicationError as error:
        return _motion_page(
            request, region, motion, error=str(error.message), status=_status(error)
        )
    messages.success(request, _("The vote is closed and its result published."))
    return redirect(_motion_url(motion))


@require_POST
def motion_call_weighted(
    request: MilieuRequest, region_slug: str, slug: str, number: int
) -> HttpResponse:
    region, motion, answer = _motion_write(request, region_slug, slug, number)
    if answer is not None:
        return answer
    form = WeightedVoteForm(request.POST)
    if form.is_valid():
        try:
            services.motion_call_weighted(
                actor=request.user, motion=motion, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            if error.code == "validation":
                form_error(form, error)
            else:
                return _motion_page(
                    request, region, motion, error=str(error.message), status=_status(error)
                )
        else:
            messages.success(request, _("The vote weighted by population is open."))
            return redirect(_motion_url(motion))
    # A refused reason: the page again, with the form when the reader may still ask.
    response = _motion_page(request, region, motion, weighted_form=form, status=400)
    return response


@require_POST
def motion_withdraw(
    request: MilieuRequest, region_slug: str, slug: str, number: int
) -> HttpResponse:
    region, motion, answer = _motion_write(request, region_slug, slug, number)
    if answer is not None:
        return answer
    try:
        services.motion_withdraw(actor=request.user, motion=motion)
    except ApplicationError as error:
        return _motion_page(
            request, region, motion, error=str(error.message), status=_status(error)
        )
    messages.success(request, _("The motion is withdrawn."))
    return redirect(_motion_url(motion))
