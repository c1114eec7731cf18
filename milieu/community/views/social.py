"""The social pages of a municipality's community: its home, the district feeds, groups and
their members, posts with their pictures, comments and reactions.

HTML first: every page works with JavaScript off (forms and links); with htmx, posting a
comment, reacting and loading the next page of a feed swap fragments (`{% partialdef %}`).
A refused form is shown again as typed, with the reason (and, when the netiquette must first
be accepted, a link to it that comes back here).
"""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from milieu.core import pagecache, pictures
from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import MilieuRequest, form_error, municipality_view
from milieu.core.modules import module_required

from .. import translation
from ..choices import INTEREST_KEYS, INTERESTS
from ..forms_social import CommentForm, GroupForm, PostEditForm, PostForm
from ..models import Comment, Group, GroupMembership, Post
from ..selectors import social as selectors
from ..services import social as services
from .common import accept_netiquette_if_asked

PER_PAGE = 20
MEMBER_ACTIONS = {
    "approve": services.group_member_approve,
    "refuse": services.group_member_refuse,
    "remove": services.group_member_remove,
    "promote": services.group_member_promote,
}


def community_page(view):
    """A page of the municipality's community (404 where the module is off)."""
    return municipality_view(module_required("community")(view))


# --- Helpers --------------------------------------------------------------------------------------


def _not_found(error: NotFound):
    raise Http404(str(error.message))


def _members_only(request: MilieuRequest) -> HttpResponse | None:
    """Anonymous visitors log in; people who are not members of the municipality are told
    what this community is and how to join it (403)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm("community.view_community", request.municipality):
        return render(
            request,
            "community/social/members_only.html",
            {"municipality": request.municipality},
            status=403,
        )
    return None


def _netiquette_url(request: MilieuRequest, back: str) -> str:
    try:
        url = reverse("safety:netiquette", kwargs={"municipality_slug": request.municipality.slug})
    except NoReverseMatch:  # pragma: no cover - the moderation part provides it
        return ""
    return f"{url}?next={quote(back)}"


def _refusal(request: MilieuRequest, error: ApplicationError, *, back: str) -> dict:
    """What a page shows about a refusal besides the form's errors."""
    return {
        "refusal_code": error.code,
        "netiquette_url": _netiquette_url(request, back)
        if error.code == "netiquette_required"
        else "",
    }


def _status(request: MilieuRequest, status: int) -> int:
    """htmx swaps 2xx and 400 answers (see base.html): a refusal is the 400 of its fragment."""
    return min(status, 400) if request.htmx and status >= 400 else status


def _safe_next(request: MilieuRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _cursor(request: MilieuRequest) -> str | None:
    return request.GET.get("cursor") or None


def _feed_or_first(load, cursor: str | None) -> selectors.FeedPage:
    """The page of `cursor`; an unreadable cursor shows the newest posts."""
    try:
        return load(cursor)
    except ApplicationError as error:
        if isinstance(error, NotFound):
            raise
        return load(None)


def _post_url(post: Post) -> str:
    return reverse(
        "community:post",
        kwargs={"municipality_slug": post.municipality.slug, "post_id": post.pk},
    )


def _place_url(post: Post) -> str:
    """The feed the post was published in."""
    slug = post.municipality.slug
    if post.group is not None:
        return reverse(
            "community:group", kwargs={"municipality_slug": slug, "group_slug": post.group.slug}
        )
    assert post.district is not None  # a post is in a group or in a district
    return reverse(
        "community:district",
        kwargs={"municipality_slug": slug, "district_slug": post.district.slug},
    )


def _feed_context(request: MilieuRequest, page: selectors.FeedPage, **extra) -> dict:
    return {
        "page": page,
        "viewer": request.user,
        "translate_available": translation.available(),
        "more_url": request.path,
        "cursor": _cursor(request),
        **extra,
    }


def _place_context(
    request: MilieuRequest,
    page: selectors.FeedPage,
    form: PostForm | None,
    may_post: bool,
    extra: dict,
    **place,
) -> dict:
    """The context of a district's or a group's page: its feed, the form to post in it (an
    empty one, made only now, unless a refused one is shown again) and what `place` adds."""
    context = _feed_context(request, page, hide_place=True)
    context.update(
        form=form if form is not None else (PostForm() if may_post else None),
        may_post=may_post,
        municipality=request.municipality,
        **place,
        **extra,
    )
    return context


def _publish(request: MilieuRequest, form: PostForm, **where) -> tuple[HttpResponse | None, dict]:
    """Publish the form's post; a redirect when done, else what the page must show."""
    if not form.is_valid():
        return None, {"status": 400, "pictures_lost": form.had_files()}
    accept_netiquette_if_asked(request, request.municipality)
    try:
        services.post_create(
            actor=request.user,
            municipality=request.municipality,
            body=form.cleaned_data["body"],
            language=form.cleaned_data["language"],
            uploads=form.uploads(),
            **where,
        )
    except ApplicationError as error:
        form_error(form, error)
        return None, {
            "status": error.status_code,
            "pictures_lost": form.had_files(),
            **_refusal(request, error, back=request.path),
        }
    messages.success(request, _("Your post is published."))
    return redirect(request.path), {}


# --- The community's home -------------------------------------------------------------------------


@require_GET
@community_page
def home(request: MilieuRequest) -> HttpResponse:
    """My neighbourhood, every district of the municipality, its most active groups."""
    municipality = request.municipality
    member = request.user.has_perm("community.view_community", municipality)
    context = {
        "municipality": municipality,
        "member": member,
        "districts": list(selectors.district_list(municipality=municipality)),
        "my_districts": selectors.my_districts(viewer=request.user, municipality=municipality)
        if member
        else [],
        "active_groups": list(
            selectors.group_list(
                visible_to=request.user, municipality=municipality, order="activity"
            )[:5]
        )
        if member
        else [],
        "may_take_part": member and request.user.has_perm("community.take_part", municipality),
        "netiquette_url": _netiquette_url(request, request.path),
        "nav_active": "neighbourhood",
    }
    return render(request, "community/social/home.html", context)


# --- District feeds -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@community_page
def district(request: MilieuRequest, district_slug: str) -> HttpResponse:
    """A neighbourhood's feed, and the form to post in it."""
    denied = _members_only(request)
    if denied is not None:
        return denied
    try:
        place = selectors.district_get(
            visible_to=request.user, municipality=request.municipality, district_slug=district_slug
        )
    except NotFound as error:
        _not_found(error)
    may_post = request.user.has_perm("community.take_part", request.municipality)
    extra: dict = {}
    form = None  # the empty form is made only when the page is rendered
    if request.method == "POST":
        form = PostForm(request.POST, request.FILES)
        done, extra = _publish(request, form, district=place)
        if done is not None:
            return done
    cursor = _cursor(request)

    def full_context(page: selectors.FeedPage) -> dict:
        return _place_context(
            request, page, form, may_post, extra, district=place, nav_active="neighbourhood"
        )

    if request.method == "GET" and not cursor:
        # Kept rendered for everyone whose first page is the same (`core.pagecache`), from
        # the kept cards of its posts: only the posts whose card is missing are read.
        outline = selectors.district_feed_outline(viewer=request.user, district=place)
        try:
            return pagecache.render_page(
                request,
                "community/social/district.html",
                lambda: full_context(
                    selectors.district_feed(
                        viewer=request.user, district=place, outline=outline, cards=True
                    )
                ),
                vary=(outline, place.pk, place.slug, place.name, may_post, translation.available()),
            )
        except selectors.OutlineChanged:  # a post was deleted meanwhile: read the page anew
            pass
    page = _feed_or_first(
        lambda c: selectors.district_feed(viewer=request.user, district=place, cursor=c), cursor
    )
    if request.htmx and request.method == "GET" and cursor:
        return render(
            request,
            "community/social/_feed.html#feed-page",
            _feed_context(request, page, hide_place=True),
        )
    return render(
        request,
        "community/social/district.html",
        full_context(page),
        status=extra.get("status", 200),
    )


# --- Groups ---------------------------------------------------------------------------------------


def _group_or_404(request: MilieuRequest, group_slug: str) -> Group:
    try:
        return selectors.group_get(
            visible_to=request.user, municipality=request.municipality, slug=group_slug
        )
    except NotFound as error:
        _not_found(error)
        raise  # pragma: no cover - for type checkers


@require_GET
@community_page
def group_list(request: MilieuRequest) -> HttpResponse:
    """The municipality's groups (20 a page), by theme, or only mine."""
    denied = _members_only(request)
    if denied is not None:
        return denied
    interest = request.GET.get("interest") or None
    if interest not in INTEREST_KEYS:
        interest = None
    mine = request.GET.get("mine") == "1"
    groups = selectors.group_list(
        visible_to=request.user, municipality=request.municipality, interest=interest, mine=mine
    )
    page = Paginator(groups, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "community/social/group_list.html",
        {
            "municipality": request.municipality,
            "groups": page,
            "page": page,
            "query": query.urlencode(),
            "interests": INTERESTS,
            "interest": interest,
            "mine": mine,
            "may_create": request.user.has_perm("community.take_part", request.municipality),
            "nav_active": "groups",
        },
    )


@require_http_methods(["GET", "POST"])
@community_page
def group_create(request: MilieuRequest) -> HttpResponse:
    denied = _members_only(request)
    if denied is not None:
        return denied
    municipality = request.municipality
    official = request.user.has_perm("community.create_official_group", municipality)
    context: dict = {"municipality": municipality, "nav_active": "groups"}
    status = 200
    if request.method == "POST":
        form = GroupForm(request.POST, may_make_official=official)
        if form.is_valid():
            values = form.values()
            accept_netiquette_if_asked(request, municipality)
            try:
                group = services.group_create(
                    actor=request.user,
                    municipality=municipality,
                    official=bool(values.pop("official", False)),
                    **values,
                )
            except ApplicationError as error:
                form_error(form, error)
                status = error.status_code
                context.update(_refusal(request, error, back=request.path))
            else:
                messages.success(request, _("Your group is created. You are its administrator."))
                return redirect(
                    "community:group", municipality_slug=municipality.slug, group_slug=group.slug
                )
        else:
            status = 400
    else:
        form = GroupForm(may_make_official=official)
    context["form"] = form
    return render(request, "community/social/group_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@community_page
def group(request: MilieuRequest, group_slug: str) -> HttpResponse:
    """A group: its description, joining or leaving it, and, for those who may read it, its
    feed and the form to post in it."""
    denied = _members_only(request)
    if denied is not None:
        return denied
    found = _group_or_404(request, group_slug)
    may_read = request.user.has_perm("community.view_group", found)
    may_post = request.user.has_perm("community.post_in_group", found)
    extra: dict = {}
    form = None  # the empty form is made only when the page is rendered
    if request.method == "POST":
        form = PostForm(request.POST, request.FILES)
        done, extra = _publish(request, form, group=found)
        if done is not None:
            return done
    cursor = _cursor(request)
    may_join = found.viewer_status is None and request.user.has_perm(  # type: ignore[attr-defined]
        "community.join_group", found
    )
    is_admin = request.user.has_perm("community.manage_group", found)

    def full_context(page: selectors.FeedPage) -> dict:
        return _place_context(
            request,
            page,
            form,
            may_post,
            extra,
            group=found,
            may_read=may_read,
            may_join=may_join,
            is_admin=is_admin,
            nav_active="groups",
        )

    empty = selectors.FeedPage(posts=[], next_cursor=None)
    if request.method == "GET" and not cursor:
        # Kept rendered for everyone whose first page is the same (`core.pagecache`), under
        # what the page shows of the group and of the reader's place in it.
        outline = (
            selectors.group_feed_outline(viewer=request.user, group=found) if may_read else None
        )
        try:
            return pagecache.render_page(
                request,
                "community/social/group.html",
                lambda: full_context(
                    selectors.group_feed(
                        viewer=request.user, group=found, outline=outline, cards=True
                    )
                    if outline is not None
                    else empty
                ),
                vary=(
                    outline,
                    _group_state(found),
                    may_read,
                    may_post,
                    may_join,
                    is_admin,
                    translation.available(),
                ),
            )
        except selectors.OutlineChanged:  # a post was deleted meanwhile: read the page anew
            pass
    page = (
        _feed_or_first(
            lambda c: selectors.group_feed(viewer=request.user, group=found, cursor=c), cursor
        )
        if may_read
        else empty
    )
    if request.htmx and request.method == "GET" and cursor:
        return render(
            request,
            "community/social/_feed.html#feed-page",
            _feed_context(request, page, hide_place=True),
        )
    return render(
        request, "community/social/group.html", full_context(page), status=extra.get("status", 200)
    )


def _group_state(found: Group) -> tuple:
    """What a group's page shows of the group (its kept renderings vary on it)."""
    return (
        found.pk,
        found.slug,
        found.name,
        found.description,
        found.language,
        found.visibility,
        found.official,
        found.member_count,
        found.hidden_at,
        found.hidden_reason,
        found.viewer_status,  # type: ignore[attr-defined]
    )


@require_http_methods(["GET", "POST"])
@community_page
def group_edit(request: MilieuRequest, group_slug: str) -> HttpResponse:
    denied = _members_only(request)
    if denied is not None:
        return denied
    found = _group_or_404(request, group_slug)
    if not request.user.has_perm("community.manage_group", found):
        raise DjangoPermissionDenied
    official = request.user.has_perm("community.create_official_group", request.municipality)
    context: dict = {"municipality": request.municipality, "group": found, "nav_active": "groups"}
    status = 200
    if request.method == "POST":
        form = GroupForm(request.POST, may_make_official=official)
        if form.is_valid():
            try:
                accept_netiquette_if_asked(request, found.municipality)
                services.group_update(actor=request.user, group=found, **form.values())
            except ApplicationError as error:
                form_error(form, error)
                status = error.status_code
                context.update(_refusal(request, error, back=request.path))
            else:
                messages.success(request, _("The group is saved."))
                return redirect(
                    "community:group",
                    municipality_slug=request.municipality.slug,
                    group_slug=found.slug,
                )
        else:
            status = 400
    else:
        form = GroupForm(
            initial={
                "name": found.name,
                "description": found.description,
                "interest": found.interest,
                "visibility": found.visibility,
                "language": found.language,
                "official": found.official,
            },
            may_make_official=official,
        )
    context["form"] = form
    return render(request, "community/social/group_form.html", context, status=status)


def _back_to_group(request: MilieuRequest, found: Group) -> HttpResponse:
    fallback = reverse(
        "community:group",
        kwargs={"municipality_slug": request.municipality.slug, "group_slug": found.slug},
    )
    return redirect(_safe_next(request, fallback))


@require_POST
@community_page
def group_join(request: MilieuRequest, group_slug: str) -> HttpResponse:
    denied = _members_only(request)
    if denied is not None:
        return denied
    found = _group_or_404(request, group_slug)
    try:
        membership = services.group_join(actor=request.user, group=found)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        if membership.status == GroupMembership.Status.ACTIVE:
            messages.success(request, _("Welcome to the group!"))
        else:
            messages.success(
                request, _("Your request is sent. The group's administrators will answer it.")
            )
    return _back_to_group(request, found)


@require_POST
@community_page
def group_leave(request: MilieuRequest, group_slug: str) -> HttpResponse:
    denied = _members_only(request)
    if denied is not None:
        return denied
    found = _group_or_404(request, group_slug)
    try:
        services.group_leave(actor=request.user, group=found)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("You left the group."))
    return _back_to_group(request, found)


@require_GET
@community_page
def group_members(request: MilieuRequest, group_slug: str) -> HttpResponse:
    """The group's members (20 a page) for those who may read it; its administrators also see
    the requests to join and manage members here."""
    denied = _members_only(request)
    if denied is not None:
        return denied
    found = _group_or_404(request, group_slug)
    if not request.user.has_perm("community.view_group", found):
        return render(
            request,
            "community/social/group_closed.html",
            {"group": found, "municipality": request.municipality, "nav_active": "groups"},
            status=403,
        )
    is_admin = request.user.has_perm("community.manage_group", found)
    members = Paginator(
        selectors.group_member_list(visible_to=request.user, group=found), PER_PAGE
    ).get_page(request.GET.get("page"))
    pending = (
        list(
            selectors.group_member_list(
                visible_to=request.user, group=found, status=GroupMembership.Status.PENDING
            )[:PER_PAGE]
        )
        if is_admin
        else []
    )
    return render(
        request,
        "community/social/group_members.html",
        {
            "group": found,
            "members": members,
            "page": members,
            "pending": pending,
            "is_admin": is_admin,
            "municipality": request.municipality,
            "nav_active": "groups",
        },
    )


@require_POST
@community_page
def group_member_action(
    request: MilieuRequest, group_slug: str, user_id: int, action: str
) -> HttpResponse:
    """Approve or refuse a request, remove a member, make a member administrator."""
    denied = _members_only(request)
    if denied is not None:
        return denied
    found = _group_or_404(request, group_slug)
    service = MEMBER_ACTIONS.get(action)
    if service is None:
        raise Http404
    try:
        service(actor=request.user, group=found, user_id=user_id)
    except ApplicationError as error:
        if error.status_code == 403:  # not an administrator of the group
            raise DjangoPermissionDenied from None
        messages.error(request, str(error.message))
    else:
        done = {
            "approve": _("The request is accepted."),
            "refuse": _("The request is refused."),
            "remove": _("The member is removed from the group."),
            "promote": _("The member is now an administrator of the group."),
        }
        messages.success(request, done[action])
    return redirect(
        "community:group_members",
        municipality_slug=request.municipality.slug,
        group_slug=found.slug,
    )


# --- Posts ----------------------------------------------------------------------------------------


def _post_or_404(request: MilieuRequest, post_id: int) -> Post:
    try:
        return selectors.post_get(
            visible_to=request.user, post_id=post_id, municipality=request.municipality
        )
    except NotFound as error:
        _not_found(error)
        raise  # pragma: no cover - for type checkers


def _comments_page(request: MilieuRequest, post: Post, number: str | None = None):
    paginator = Paginator(selectors.comment_list(visible_to=request.user, post=post), PER_PAGE)
    number = number or request.GET.get("page")
    if number == "last":
        number = str(paginator.num_pages)
    return paginator.get_page(number)


def _post_page(
    request: MilieuRequest,
    post: Post,
    *,
    form: CommentForm | None = None,
    status: int = 200,
    page_number: str | None = None,
    partial: bool = False,
    **extra,
) -> HttpResponse:
    comments = _comments_page(request, post, page_number)
    if form is None and post.viewer_may_interact:  # type: ignore[attr-defined]
        form = CommentForm()
    context = {
        "post": post,
        "viewer": request.user,
        "translate_available": translation.available(),
        "comments": comments,
        "page": comments,
        "comment_form": form,
        "municipality": request.municipality,
        "place_url": _place_url(post),
        "full": True,
        **extra,
    }
    template = "community/social/post.html"
    if partial:
        template += "#comments"
    return render(request, template, context, status=_status(request, status))


@require_GET
@community_page
def post(request: MilieuRequest, post_id: int) -> HttpResponse:
    """One post with its comments (20 a page, oldest first) and the form to comment."""
    denied = _members_only(request)
    if denied is not None:
        return denied
    return _post_page(request, _post_or_404(request, post_id))


@require_POST
@community_page
def comment_create(request: MilieuRequest, post_id: int) -> HttpResponse:
    denied = _members_only(request)
    if denied is not None:
        return denied
    found = _post_or_404(request, post_id)
    form = CommentForm(request.POST)
    back = _post_url(found)
    if not form.is_valid():
        return _post_page(request, found, form=form, status=400, partial=bool(request.htmx))
    accept_netiquette_if_asked(request, found.municipality)
    try:
        comment = services.comment_create(
            actor=request.user,
            post=found,
            body=form.cleaned_data["body"],
            language=form.cleaned_data["language"],
        )
    except ApplicationError as error:
        form_error(form, error)
        return _post_page(
            request,
            found,
            form=form,
            status=error.status_code,
            partial=bool(request.htmx),
            **_refusal(request, error, back=back),
        )
    if request.htmx:
        found = _post_or_404(request, post_id)
        return _post_page(
            request,
            found,
            form=CommentForm(),
            page_number="last",
            partial=True,
            comment_added=True,
        )
    messages.success(request, _("Your comment is published."))
    return redirect(f"{back}?page=last#comment-{comment.pk}")


@require_POST
@community_page
def react(request: MilieuRequest, post_id: int) -> HttpResponse:
    """React to a post, change the reaction, or take it back (the same kind again)."""
    denied = _members_only(request)
    if denied is not None:
        return denied
    found = _post_or_404(request, post_id)
    kind = request.POST.get("kind", "")
    error_message = ""
    status = 200
    try:
        if kind and kind == found.viewer_reaction:  # type: ignore[attr-defined]
            services.reaction_remove(actor=request.user, post=found)
        else:
            services.reaction_set(actor=request.user, post=found, kind=kind)
    except ApplicationError as error:
        error_message, status = str(error.message), error.status_code
    if request.htmx:
        fresh = _post_or_404(request, post_id)
        return render(
            request,
            "community/social/_post.html#reactions",
            {
                "post": fresh,
                "viewer": request.user,
                "reaction_error": error_message,
            },
            status=_status(request, status),
        )
    if error_message:
        messages.error(request, error_message)
    return redirect(_safe_next(request, _post_url(found)))


@require_GET
@community_page
def post_image(request: MilieuRequest, post_id: int, image_id: int) -> FileResponse:
    """A picture of a post, for those who may read the post (`?size=small`: the list-sized
    copy). Kept only in private caches."""
    denied = _members_only(request)
    if denied is not None:
        raise Http404
    found = _post_or_404(request, post_id)
    image = next((i for i in found.images.all() if i.pk == image_id), None)
    if image is None:
        raise Http404
    return pictures.serve(image, small=request.GET.get("size") == "small")


def _may_edit_or_403(request: MilieuRequest, obj, perm: str) -> None:
    if not request.user.has_perm(perm, obj):
        raise DjangoPermissionDenied


@require_http_methods(["GET", "POST"])
@community_page
def post_edit(request: MilieuRequest, post_id: int) -> HttpResponse:
    denied = _members_only(request)
    if denied is not None:
        return denied
    found = _post_or_404(request, post_id)
    _may_edit_or_403(request, found, "community.edit_post")
    kept = list(found.images.all())
    context: dict = {"post": found, "municipality": request.municipality}
    status = 200
    if request.method == "POST":
        form = PostEditForm(request.POST, request.FILES, images=kept)
        if form.is_valid():
            accept_netiquette_if_asked(request, found.municipality)
            try:
                services.post_update(
                    actor=request.user,
                    post=found,
                    body=form.cleaned_data["body"],
                    language=form.cleaned_data["language"],
                    alt_texts=form.alt_texts(),
                    remove_image_ids=form.removed(),
                    uploads=form.uploads(),
                )
            except ApplicationError as error:
                form_error(form, error)
                status = error.status_code
                context.update(_refusal(request, error, back=request.path))
                context["pictures_lost"] = form.had_files()
            else:
                messages.success(request, _("Your post is saved."))
                return redirect(_post_url(found))
        else:
            status = 400
            context["pictures_lost"] = form.had_files()
    else:
        form = PostEditForm(initial={"body": found.body, "language": found.language}, images=kept)
    context["form"] = form
    return render(request, "community/social/post_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@community_page
def post_delete(request: MilieuRequest, post_id: int) -> HttpResponse:
    denied = _members_only(request)
    if denied is not None:
        return denied
    found = _post_or_404(request, post_id)
    _may_edit_or_403(request, found, "community.edit_post")
    if request.method == "POST":
        place = _place_url(found)
        try:
            services.post_delete(actor=request.user, post=found)
        except ApplicationError as error:  # pragma: no cover - checked above
            messages.error(request, str(error.message))
            return redirect(_post_url(found))
        messages.success(request, _("Your post is deleted."))
        return redirect(place)
    return render(
        request,
        "community/social/confirm_delete.html",
        {
            "what": "post",
            "post": found,
            "cancel_url": _post_url(found),
            "municipality": request.municipality,
        },
    )


def _comment_or_404(request: MilieuRequest, comment_id: int) -> Comment:
    try:
        comment = selectors.comment_get(visible_to=request.user, comment_id=comment_id)
    except NotFound as error:
        _not_found(error)
        raise  # pragma: no cover - for type checkers
    if comment.post.municipality_id != request.municipality.pk:
        raise Http404
    return comment


@require_http_methods(["GET", "POST"])
@community_page
def comment_edit(request: MilieuRequest, comment_id: int) -> HttpResponse:
    denied = _members_only(request)
    if denied is not None:
        return denied
    comment = _comment_or_404(request, comment_id)
    _may_edit_or_403(request, comment, "community.edit_comment")
    context: dict = {"comment": comment, "municipality": request.municipality}
    status = 200
    back = _post_url(comment.post)
    if request.method == "POST":
        form = CommentForm(request.POST)
        if form.is_valid():
            accept_netiquette_if_asked(request, request.municipality)
            try:
                services.comment_update(
                    actor=request.user,
                    comment=comment,
                    body=form.cleaned_data["body"],
                    language=form.cleaned_data["language"],
                )
            except ApplicationError as error:
                form_error(form, error)
                status = error.status_code
                context.update(_refusal(request, error, back=request.path))
            else:
                messages.success(request, _("Your comment is saved."))
                return redirect(f"{back}#comment-{comment.pk}")
        else:
            status = 400
    else:
        form = CommentForm(initial={"body": comment.body, "language": comment.language})
    context.update(form=form, cancel_url=back)
    return render(request, "community/social/comment_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@community_page
def comment_delete(request: MilieuRequest, comment_id: int) -> HttpResponse:
    denied = _members_only(request)
    if denied is not None:
        return denied
    comment = _comment_or_404(request, comment_id)
    _may_edit_or_403(request, comment, "community.edit_comment")
    back = _post_url(comment.post)
    if request.method == "POST":
        services.comment_delete(actor=request.user, comment=comment)
        messages.success(request, _("Your comment is deleted."))
        return redirect(back)
    return render(
        request,
        "community/social/confirm_delete.html",
        {
            "what": "comment",
            "comment": comment,
            "cancel_url": back,
            "municipality": request.municipality,
        },
    )
