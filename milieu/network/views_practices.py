"""The best-practice exchange's pages.

Public, under `/<lang>/practices/` (namespace `practices`): the catalogue of every municipality's
published practices, searchable (words, tag, dimension, region, language) and paginated, and a
practice's page with its adoptions and comments. On that page, staff of another municipality
(with MFA) say "we adopted this" (once; they may take it back), and staff or elected officials
of any municipality comment; the practice's own staff hide comments.

Staff, under `/<lang>/<town>/staff/practices/` (namespace `practices_staff`, `staff_view`):
the town's practices, drafts included; write, edit, publish, withdraw.

Every write is a POST answered by a redirect and a message; a refusal shows the page again with
the service's reason (400, or 403 for a permission) and changes nothing.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import AuthenticatedRequest, MilieuRequest, form_error, staff_view, status_of
from milieu.territory.models import Municipality

from . import selectors_practices as selectors
from . import services_practices as services
from .forms_practices import AdoptForm, CommentForm, PracticeForm, SearchForm
from .models import Practice
from .permissions_practices import COMMENTER_ROLES, acting_municipality_ids

MANAGE = "network.manage_practices"


def _practice(request: MilieuRequest, practice_id: int) -> Practice:
    try:
        return selectors.practice_get(practice_id=practice_id, visible_to=request.user)
    except NotFound as error:
        raise Http404(str(error)) from None


def practice_url(practice: Practice) -> str:
    return reverse("practices:detail", args=[practice.pk])


def _towns(ids: list[int]) -> list[Municipality]:
    if not ids:
        return []
    return list(Municipality.objects.filter(pk__in=ids).order_by("name").only("slug", "name"))


# --- The catalogue ------------------------------------------------------------------------------


@require_GET
def practice_list(request: MilieuRequest) -> HttpResponse:
    tags = selectors.tag_list()
    regions = selectors.region_list()
    form = SearchForm(request.GET, tags=tags, regions=regions)
    chosen = form.chosen()
    try:
        page = max(1, min(int(request.GET.get("page", "1")), 10_000))
    except ValueError:
        page = 1
    practices, more = selectors.practice_search(
        filters=selectors.Filters(
            query=chosen["q"],
            tag=chosen["tag"],
            dimension=chosen["dimension"],
            region=chosen["region"],
            language=chosen["language"],
        ),
        page=page,
    )
    query = urlencode({k: v for k, v in chosen.items() if v})
    template = "network/practice_list.html"
    if request.htmx:
        template += "#results"
    response = render(
        request,
        template,
        {
            "form": form,
            "practices": practices,
            "page": page,
            "next_page": page + 1 if more else None,
            "previous_page": page - 1 if page > 1 else None,
            "query": query,
            "searched": any(chosen.values()),
        },
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- A practice ---------------------------------------------------------------------------------


def _detail(
    request: MilieuRequest,
    practice: Practice,
    *,
    adopt_form: AdoptForm | None = None,
    comment_form: CommentForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request.user
    can_manage = user.has_perm(MANAGE, practice.municipality)
    adoptions = selectors.adoption_list(practice=practice)
    adopted = {a.municipality_id for a in adoptions}
    staff_towns = [
        town
        for town in _towns(acting_municipality_ids(user))
        if town.pk != practice.municipality_id
    ]
    may_adopt = [t for t in staff_towns if t.pk not in adopted]
    may_unadopt = [t for t in staff_towns if t.pk in adopted]
    commenter_towns = _towns(acting_municipality_ids(user, COMMENTER_ROLES))
    context: dict[str, Any] = {
        "practice": practice,
        "tags": list(practice.tags.all()),
        "adoptions": adoptions,
        "comments": selectors.comment_list(practice=practice, with_hidden=can_manage),
        "can_manage": can_manage,
        "may_unadopt": may_unadopt,
        "error": error,
    }
    if practice.is_published and may_adopt:
        context["adopt_form"] = adopt_form or AdoptForm(towns=may_adopt)
    if practice.is_published and commenter_towns:
        context["comment_form"] = comment_form or CommentForm(towns=commenter_towns)
    return render(request, "network/practice_detail.html", context, status=status)


@require_GET
def practice_detail(request: MilieuRequest, practice_id: int) -> HttpResponse:
    return _detail(request, _practice(request, practice_id))


def _login(request: MilieuRequest, practice: Practice) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(practice_url(practice))
    return None


def _chosen(towns: list[Municipality], form) -> Municipality:
    """The town picked on the form (its choices are `towns`, so it is one of them)."""
    return next(t for t in towns if t.pk == form.cleaned_data["municipality"])


def _refused(request: MilieuRequest, practice: Practice, message: str) -> HttpResponse:
    return _detail(request, practice, error=message, status=403)


@require_POST
def practice_adopt(request: MilieuRequest, practice_id: int) -> HttpResponse:
    practice = _practice(request, practice_id)
    if (answer := _login(request, practice)) is not None:
        return answer
    towns = _towns(acting_municipality_ids(request.user))
    if not towns:
        return _refused(request, practice, _("Only the staff of a municipality adopt a practice."))
    form = AdoptForm(request.POST, towns=towns)
    if not form.is_valid():
        return _detail(request, practice, adopt_form=form, status=400)
    try:
        services.adoption_add(
            actor=request.user,
            practice=practice,
            municipality=_chosen(towns, form),
            note=form.cleaned_data["note"],
        )
    except ApplicationError as error:
        return _detail(request, practice, error=str(error.message), status=status_of(error))
    messages.success(request, _("Your municipality's adoption is shown on the practice."))
    return redirect(practice_url(practice))


@require_POST
def practice_unadopt(request: MilieuRequest, practice_id: int) -> HttpResponse:
    practice = _practice(request, practice_id)
    if (answer := _login(request, practice)) is not None:
        return answer
    towns = _towns(acting_municipality_ids(request.user))
    if not towns:
        return _refused(
            request, practice, _("Only the staff of a municipality take back its adoption.")
        )
    chosen = request.POST.get("municipality", "")
    municipality = next((t for t in towns if str(t.pk) == chosen), towns[0])
    try:
        services.adoption_remove(actor=request.user, practice=practice, municipality=municipality)
    except ApplicationError as error:
        return _detail(request, practice, error=str(error.message), status=status_of(error))
    messages.success(request, _("Your municipality's adoption was taken back."))
    return redirect(practice_url(practice))


@require_POST
def practice_comment(request: MilieuRequest, practice_id: int) -> HttpResponse:
    practice = _practice(request, practice_id)
    if (answer := _login(request, practice)) is not None:
        return answer
    towns = _towns(acting_municipality_ids(request.user, COMMENTER_ROLES))
    if not towns:
        return _refused(
            request,
            practice,
            _("Only staff and elected officials of a municipality comment on practices."),
        )
    form = CommentForm(request.POST, towns=towns)
    if not form.is_valid():
        return _detail(request, practice, comment_form=form, status=400)
    try:
        services.comment_add(
            actor=request.user,
            practice=practice,
            municipality=_chosen(towns, form),
            body=form.cleaned_data["body"],
        )
    except ApplicationError as error:
        form_error(form, error)
        return _detail(request, practice, comment_form=form, status=status_of(error))
    messages.success(request, _("Your comment is published."))
    return redirect(practice_url(practice) + "#comments")


@require_POST
def comment_hide(request: MilieuRequest, practice_id: int, comment_id: int) -> HttpResponse:
    practice = _practice(request, practice_id)
    if (answer := _login(request, practice)) is not None:
        return answer
    try:
        comment = selectors.comment_get(practice=practice, comment_id=comment_id)
    except NotFound as error:
        raise Http404(str(error)) from None
    try:
        services.comment_hide(
            actor=request.user, comment=comment, hidden=request.POST.get("hidden") != "0"
        )
    except ApplicationError as error:
        return _detail(request, practice, error=str(error.message), status=status_of(error))
    messages.success(request, _("The comment was updated."))
    return redirect(practice_url(practice) + "#comments")


# --- Staff: the town's practices ------------------------------------------------------------------


def _staff_practice(request: AuthenticatedRequest, practice_id: int) -> Practice:
    try:
        return selectors.practice_get_for_staff(
            municipality=request.municipality, practice_id=practice_id
        )
    except NotFound as error:
        raise Http404(str(error)) from None


@require_GET
@staff_view(MANAGE)
def staff_list(request: AuthenticatedRequest) -> HttpResponse:
    municipality = request.municipality
    return render(
        request,
        "network/practice_staff_list.html",
        {
            "municipality": municipality,
            "practices": selectors.practice_list_for_staff(municipality=municipality),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_view(MANAGE)
def staff_create(request: AuthenticatedRequest) -> HttpResponse:
    municipality = request.municipality
    form = PracticeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                practice = services.practice_create(
                    actor=request.user, municipality=municipality, values=form.cleaned_data
                )
            except ApplicationError as error:
                form_error(form, error)
                status = status_of(error)
            else:
                messages.success(
                    request, _("The practice is saved as a draft; publish it when it is ready.")
                )
                return redirect("practices_staff:edit", municipality.slug, practice.pk)
        else:
            status = 400
    return render(
        request,
        "network/practice_form.html",
        {"municipality": municipality, "form": form, "practice": None},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@staff_view(MANAGE)
def staff_edit(request: AuthenticatedRequest, practice_id: int) -> HttpResponse:
    municipality = request.municipality
    practice = _staff_practice(request, practice_id)
    form = PracticeForm(request.POST or None, initial=PracticeForm.initial_of(practice))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.practice_update(
                    actor=request.user, practice=practice, values=form.cleaned_data
                )
            except ApplicationError as error:
                form_error(form, error)
                status = status_of(error)
            else:
                messages.success(request, _("The practice is saved."))
                return redirect("practices_staff:edit", municipality.slug, practice.pk)
        else:
            status = 400
    return render(
        request,
        "network/practice_form.html",
        {"municipality": municipality, "form": form, "practice": practice},
        status=status,
    )


@require_POST
@staff_view(MANAGE)
def staff_publish(request: AuthenticatedRequest, practice_id: int) -> HttpResponse:
    practice = _staff_practice(request, practice_id)
    services.practice_publish(actor=request.user, practice=practice)
    messages.success(request, _("The practice is published: every municipality can find it."))
    return redirect(practice_url(practice))


@require_POST
@staff_view(MANAGE)
def staff_withdraw(request: AuthenticatedRequest, practice_id: int) -> HttpResponse:
    practice = _staff_practice(request, practice_id)
    services.practice_withdraw(actor=request.user, practice=practice)
    messages.success(request, _("The practice is withdrawn: it is a draft again."))
    return redirect("practices_staff:list", request.municipality.slug)
