"""Pages of the people part, under /<lang>/community/: my home feed, search, a person's page and
its actions (follow, block), whom I follow and block, my community profile, and the
"translate" action on posts and comments. Personal pages: everyone logged in, whatever their
municipality; what each page shows is decided by the selectors."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from milieu.accounts.access import access_facts
from milieu.core import pagecache
from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import AuthenticatedRequest, form_error

from .. import translation
from ..forms_people import ProfileForm, SearchForm
from ..selectors import people as selectors
from ..selectors.search import search_list
from ..services import people as services

FEED_TEMPLATE = "community/social/_feed.html"


def _common(request, *, active: str = "", municipalities=None) -> dict[str, Any]:
    """What every page of the part gives its template: the community's sub-navigation (the
    social part's `_nav.html`, pointed at my home municipality when its community is on, else
    at another of mine) and what the post cards need."""
    if municipalities is None:
        municipalities = selectors.community_municipalities(user=request.user)
    home_id = access_facts(request.user).home_id
    nav_municipality = next(
        (m for m in municipalities if m.pk == home_id),
        municipalities[0] if municipalities else None,
    )
    return {
        "nav_municipality": nav_municipality,
        "nav_active": active,
        "translate_available": translation.available(),
        "viewer": request.user,
    }


def _htmx_status(status: int) -> int:
    """htmx swaps 2xx and 400 answers (see base.html): a refusal it should show in place is
    the 400 of its fragment."""
    return 400 if status >= 400 else status


# --- My community profile ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: AuthenticatedRequest) -> HttpResponse:
    profile = selectors.my_profile(user=request.user)
    initial = {
        "handle": profile.handle,
        "bio": profile.bio,
        "interests": profile.interests,
        "languages": profile.languages,
    }
    form = ProfileForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                profile = services.profile_update(actor=request.user, **form.cleaned_data)
            except ApplicationError as error:
                form_error(form, error)
            else:
                messages.success(request, _("Your community profile was saved."))
                return redirect("people:person", handle=profile.handle)
        status = 400
    context = {"form": form, "profile": profile, **_common(request)}
    return render(request, "community/people/profile_form.html", context, status=status)


# --- A person ---------------------------------------------------------------------------------


def _person_context(request, handle: str) -> dict[str, Any]:
    try:
        page = selectors.person_page(visible_to=request.user, handle=handle)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    return {"page": page, "person": page.person, "profile": page.profile, **_common(request)}


@login_required
@require_GET
def person(request: AuthenticatedRequest, handle: str) -> HttpResponse:
    context = _person_context(request, handle)
    return render(request, "community/people/person.html", context)


def _back(request, handle: str) -> str:
    """Where an action returns without JavaScript: `next` if it stays on this site, else the
    person's page."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("people:person", kwargs={"handle": handle})


def _person_action(request: AuthenticatedRequest, handle: str, action, done: str) -> HttpResponse:
    try:
        action(actor=request.user, handle=handle)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    except ApplicationError as error:
        if request.htmx:
            context = _person_context(request, handle)
            context["action_error"] = str(error.message)
            return render(
                request,
                "community/people/person.html#person-actions",
                context,
                status=_htmx_status(error.status_code),
            )
        messages.error(request, str(error.message))
        context = _person_context(request, handle)
        return render(request, "community/people/person.html", context, status=error.status_code)
    if request.htmx:
        context = _person_context(request, handle)
        context["action_done"] = done
        return render(request, "community/people/person.html#person-actions", context)
    messages.success(request, done)
    return redirect(_back(request, handle))


@login_required
@require_POST
def follow(request: AuthenticatedRequest, handle: str) -> HttpResponse:
    return _person_action(request, handle, services.follow, _("You follow this person."))


@login_required
@require_POST
def unfollow(request: AuthenticatedRequest, handle: str) -> HttpResponse:
    return _person_action(
        request, handle, services.unfollow, _("You no longer follow this person.")
    )


@login_required
@require_POST
def block(request: AuthenticatedRequest, handle: str) -> HttpResponse:
    return _person_action(request, handle, services.block, _("You blocked this person."))


@login_required
@require_POST
def unblock(request: AuthenticatedRequest, handle: str) -> HttpResponse:
    return _person_action(request, handle, services.unblock, _("You no longer block this person."))


# --- Whom I follow, whom I blocked --------------------------------------------------------------


def _offset(request, name: str) -> int:
    raw = request.GET.get(name, "")
    return min(int(raw), 1_000_000) if raw.isdigit() else 0


@login_required
@require_GET
def connections(request: AuthenticatedRequest) -> HttpResponse:
    following = selectors.following_list(
        visible_to=request.user, offset=_offset(request, "following_offset")
    )
    blocked = selectors.blocked_list(
        visible_to=request.user, offset=_offset(request, "blocked_offset")
    )
    context = {"following": following, "blocked": blocked, **_common(request)}
    return render(request, "community/people/connections.html", context)


# --- Search -------------------------------------------------------------------------------------


@login_required
@require_GET
def search(request: AuthenticatedRequest) -> HttpResponse:
    municipalities = selectors.community_municipalities(user=request.user)
    form = SearchForm(request.GET or None, municipalities=municipalities)
    results = None
    status = 200
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            results = search_list(
                visible_to=request.user,
                query=data["q"],
                kind=data["kind"] or None,
                municipality=data["municipality"],
                offset=_offset(request, "offset"),
            )
        else:
            status = 400
    params = {
        key: request.GET[key] for key in ("q", "kind", "municipality") if request.GET.get(key)
    }
    query_string = urlencode(params)
    context = {
        "form": form,
        "results": results,
        "query_string": query_string,
        "municipalities": municipalities,
        # What the search form shows when it has no errors: it is kept rendered under it.
        "form_key": (
            form.is_bound,
            query_string,
            tuple((m.slug, m.name) for m in municipalities),
        ),
        **_common(request, active="search", municipalities=municipalities),
    }
    template = "community/people/search.html"
    if request.htmx and not request.htmx.boosted:
        template += "#search-results"
    if results is not None and results.versions is not None:
        # Kept rendered for everyone shown the same results (`core.pagecache`): the key has the
        # path with its query; what the results were made from and the entries shown vary it.
        nav = context["nav_municipality"]
        return pagecache.render_page(
            request,
            template,
            context,
            vary=(
                results.versions,
                tuple((kind, pk) for kind, pk, _at in results.rows),
                results.count,
                tuple(m.pk for m in municipalities),
                (nav.pk, nav.slug, tuple(nav.enabled_modules or ())) if nav else None,
                context["translate_available"],
            ),
        )
    return render(request, template, context, status=status)


# --- Translation ----------------------------------------------------------------------------------


@login_required
@require_GET
def translate(request: AuthenticatedRequest) -> HttpResponse:
    """The translation of a post or a comment: a fragment for htmx (swapped into the post's
    text), a page with the original and the translation without JavaScript."""
    if not translation.available():
        raise Http404("No translation backend")
    target = request.GET.get("target", "")
    language = request.GET.get("lang") or get_language() or "fr"
    context: dict[str, Any] = {"target": target, "language": language, **_common(request)}
    status = 200
    try:
        context["translation"] = selectors.translation_get(
            visible_to=request.user, target=target, language=language
        )
    except NotFound as error:
        raise Http404(str(error.message)) from None
    except ApplicationError as error:  # the backend failed (503), too often (429), bad input
        context["error"] = str(error.message)
        status = error.status_code
    template = "community/people/translation.html"
    if request.htmx:
        return render(request, template + "#translation", context, status=_htmx_status(status))
    return render(request, template, context, status=status)


# --- My home feed -------------------------------------------------------------------------------


@login_required
@require_GET
def feed(request: AuthenticatedRequest) -> HttpResponse:
    """What I follow: my districts, my groups and the people I follow, newest first (the social
    part's `home_feed` and its `_feed.html`)."""
    from ..selectors import social

    cursor = request.GET.get("cursor") or None
    common = _common(request, active="feed")
    if not cursor:
        outline = social.home_feed_outline(viewer=request.user)
        if outline is not None:
            # Kept rendered for everyone whose first page is the same (`core.pagecache`), from
            # the kept cards of its posts: only the posts whose card is missing are read.
            nav = common["nav_municipality"]
            try:
                return pagecache.render_page(
                    request,
                    "community/people/feed.html",
                    lambda: {
                        "page": social.home_feed(viewer=request.user, outline=outline, cards=True),
                        "more_url": reverse("people:feed"),
                        "feed_template": FEED_TEMPLATE,
                        **common,
                    },
                    vary=(
                        outline,
                        common["translate_available"],
                        (nav.pk, nav.slug, tuple(nav.enabled_modules or ())) if nav else None,
                    ),
                )
            except social.OutlineChanged:  # a post was deleted meanwhile: read the page anew
                pass
    try:
        page = social.home_feed(viewer=request.user, cursor=cursor)
    except ApplicationError:  # a cursor that does not decode: the first page
        cursor = None
        page = social.home_feed(viewer=request.user)
    context = {
        "page": page,
        "more_url": reverse("people:feed"),
        "feed_template": FEED_TEMPLATE,
        **common,
    }
    if request.htmx and cursor:  # the next page, in place of the "Older posts" link
        return render(request, FEED_TEMPLATE + "#feed-page", context)
    return render(request, "community/people/feed.html", context)
