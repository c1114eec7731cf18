"""Private conversations (namespace `messages`, under /<lang>/messages/): my inbox, writing to
someone, a conversation's thread with its answer form, leaving a group.

HTML first: every page works without JavaScript (sending posts the form and comes back to the
thread). With htmx, the answer is appended without reloading, and the thread asks for new
messages every 20 seconds (`?after=`, the cursor of the last message shown).
"""

from typing import Any

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from milieu.core import pagecache
from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import AuthenticatedRequest, form_error

from ..forms_messages import MessageForm, NewConversationForm
from ..models import Conversation
from ..selectors import conversations as selectors
from ..services import conversations as services
from ..services.common import NetiquetteRequired
from .common import accept_netiquette_if_asked

TEMPLATE = "community/messages/conversation.html"


def _label(conversation: Conversation, user) -> str:
    """What a conversation is called for `user`: its title, or the names of the others."""
    if conversation.title:
        return conversation.title
    names = [other.display_name for other in selectors.others(conversation, user)]
    return ", ".join(names) if names else _("Only you remain in this conversation")


@login_required
@require_GET
def inbox(request: AuthenticatedRequest) -> HttpResponse:
    """My conversations, newest activity first, with what I have not read: kept rendered for
    the current version of my inbox (`core.pagecache`)."""

    def context() -> dict[str, Any]:
        page = Paginator(
            selectors.conversation_memberships(visible_to=request.user), selectors.PAGE_SIZE
        ).get_page(request.GET.get("page"))
        for member in page:
            member.label = _label(member.conversation, request.user)  # type: ignore[attr-defined]
        return {"page": page}

    template = "community/messages/inbox.html"
    if request.htmx:
        template += "#conversation-list"
    return pagecache.render_page(
        request,
        template,
        context,
        vary=(selectors.inbox_version(request.user.pk),),
        per_person=True,
    )


def _netiquette_link(error: ApplicationError, municipality, next_url: str) -> dict[str, Any]:
    """Where to accept the netiquette, when that is what the refusal asks."""
    if not isinstance(error, NetiquetteRequired) or municipality is None:
        return {}
    return {"netiquette_municipality": municipality, "netiquette_next": next_url}


@login_required
@require_http_methods(["GET", "POST"])
def new(request: AuthenticatedRequest) -> HttpResponse:
    """Write to someone (`?to=<handle>`), or to several people at once (a group of up to eight
    in all). When they share several municipalities with me, I choose the conversation's."""
    data = request.POST if request.method == "POST" else None
    raw_to = (
        request.POST.get("to", "")
        if data is not None
        else " ".join(f"@{h}" for h in services.parse_handles(request.GET.getlist("to")))
    )
    handles = services.parse_handles(raw_to)[:20]
    profiles = selectors.profiles_by_handle(handles) if handles else {}
    # Only people I may see are named on the page; anyone else is unknown, as on their page.
    profiles = {
        handle: profile
        for handle, profile in profiles.items()
        if request.user.has_perm("community.view_person", profile.user)
    }
    recipient_ids = [p.user_id for p in profiles.values() if p.user_id != request.user.pk]
    candidates = (
        selectors.common_municipalities(actor=request.user, user_ids=recipient_ids)
        if recipient_ids
        else []
    )
    form = NewConversationForm(data, initial={"to": raw_to}, municipalities=candidates)
    context: dict[str, Any] = {"form": form, "recipients": [p.user for p in profiles.values()]}
    if data is None:
        return render(request, "community/messages/new.html", context)
    status = 400
    if form.is_valid():
        chosen = form.cleaned_data.get("municipality")
        municipality = next((m for m in candidates if m.slug == chosen), None)
        accept_netiquette_if_asked(
            request, municipality or (candidates[0] if len(candidates) == 1 else None)
        )
        try:
            sent = services.conversation_start(
                actor=request.user,
                handles=services.parse_handles(form.cleaned_data["to"]),
                body=form.cleaned_data["body"],
                title=form.cleaned_data["title"],
                municipality=municipality,
            )
        except ApplicationError as error:
            form_error(form, error)
            status = error.status_code
            where = municipality or (candidates[0] if len(candidates) == 1 else None)
            back = reverse("messages:new") + "?" + urlencode({"to": handles}, doseq=True)
            context.update(_netiquette_link(error, where, back))
        else:
            return redirect(
                reverse("messages:conversation", kwargs={"conversation_id": sent.conversation.pk})
                + "#latest"
            )
    return render(request, "community/messages/new.html", context, status=status)


def _conversation_or_404(request, conversation_id: int) -> Conversation:
    try:
        return selectors.conversation_get(visible_to=request.user, conversation_id=conversation_id)
    except NotFound as error:
        raise Http404(str(error.message)) from None


def _mark_read(request, conversation: Conversation) -> None:
    """Mark the thread read, unless nothing came since I last read it (reading it again
    writes nothing)."""
    me = getattr(conversation, "me", None)
    if (
        me is not None
        and me.last_read_at is not None
        and conversation.last_message_at is not None
        and me.last_read_at >= conversation.last_message_at
    ):
        return
    services.conversation_mark_read(actor=request.user, conversation=conversation)


def _thread_context(request, conversation: Conversation, page, form) -> dict[str, Any]:
    thread_url = reverse("messages:conversation", args=[conversation.pk])
    return {
        "conversation": conversation,
        "label": _label(conversation, request.user),
        "others": selectors.others(conversation, request.user),
        "page": page,
        "form": form,
        "newest_cursor": page.newest_cursor if page else "",
        # Once per page, not once per message.
        "thread_url": thread_url,
        "report_url": reverse("safety:report", args=[conversation.municipality.slug]),
    }


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def conversation(request: AuthenticatedRequest, conversation_id: int) -> HttpResponse:
    """The thread (the newest messages last; `?before=` for older ones) and the answer form.
    Reading it marks it read. With htmx: `?after=` returns only what came since."""
    before = request.GET.get("before") or None
    after = request.GET.get("after") or None
    if request.method == "GET" and not before and not after:
        return _kept_thread(request, conversation_id)
    thread = _conversation_or_404(request, conversation_id)
    if request.method == "POST":
        return _send(request, thread)
    try:
        page = selectors.message_page(
            visible_to=request.user, conversation=thread, before=before, after=after
        )
    except ApplicationError:
        return redirect("messages:conversation", conversation_id=thread.pk)
    if after and request.htmx:
        if not page.messages:
            return HttpResponse(status=204)  # nothing new: htmx keeps the poller as it is
        _mark_read(request, thread)
        return render(
            request, f"{TEMPLATE}#new-messages", _thread_context(request, thread, page, None)
        )
    if not before:
        _mark_read(request, thread)
    return render(request, TEMPLATE, _thread_context(request, thread, page, MessageForm()))


def _kept_thread(request: AuthenticatedRequest, conversation_id: int) -> HttpResponse:
    """The thread's newest messages, kept rendered for me under my inbox's version (every
    message sent, hidden or restored in my conversations, my reading one and someone leaving
    renew it: `selectors.inbox_changed`). When nothing came since I last read it, a visit
    costs one small query and no write."""
    try:
        last_read, last_message = selectors.thread_read_state(
            visible_to=request.user, conversation_id=conversation_id
        )
    except NotFound as error:
        raise Http404(str(error.message)) from None
    loaded: list[Conversation] = []  # read once, for marking it read and for the page
    if last_read is None or last_message is None or last_read < last_message:
        # As `_mark_read` decides, with the conversation's rows read only now.
        loaded.append(_conversation_or_404(request, conversation_id))
        _mark_read(request, loaded[0])

    def context() -> dict[str, Any]:
        thread = loaded[0] if loaded else _conversation_or_404(request, conversation_id)
        page = selectors.message_page(visible_to=request.user, conversation=thread)
        return _thread_context(request, thread, page, MessageForm())

    version = selectors.inbox_version(request.user.pk)
    return pagecache.render_page(
        request, TEMPLATE, context, vary=(conversation_id, version), per_person=True
    )


def _send(request: AuthenticatedRequest, thread: Conversation) -> HttpResponse:
    form = MessageForm(request.POST)
    status = 400
    extra: dict[str, Any] = {}
    if form.is_valid():
        accept_netiquette_if_asked(request, thread.municipality)
        try:
            services.message_send(
                actor=request.user, conversation=thread, body=form.cleaned_data["body"]
            )
        except ApplicationError as error:
            form_error(form, error)
            status = error.status_code
            extra = _netiquette_link(error, thread.municipality, request.path)
        else:
            if not request.htmx:
                return redirect(
                    reverse("messages:conversation", kwargs={"conversation_id": thread.pk})
                    + "#latest"
                )
            after = request.POST.get("after") or None
            try:
                page = selectors.message_page(
                    visible_to=request.user, conversation=thread, after=after
                )
            except ApplicationError:
                page = selectors.message_page(visible_to=request.user, conversation=thread)
            context = _thread_context(request, thread, page, MessageForm())
            context["oob_form"] = True
            return render(request, f"{TEMPLATE}#sent", context)
    if request.htmx:
        # Only a 400 is swapped by htmx here (base.html): show the form again, with the error.
        context = _thread_context(request, thread, None, form) | extra
        response = render(request, f"{TEMPLATE}#send-form", context, status=400)
        response["HX-Retarget"] = "#send-form"
        response["HX-Reswap"] = "outerHTML"
        return response
    page = selectors.message_page(visible_to=request.user, conversation=thread)
    context = _thread_context(request, thread, page, form) | extra
    return render(request, TEMPLATE, context, status=status)


@login_required
@require_POST
def leave(request: AuthenticatedRequest, conversation_id: int) -> HttpResponse:
    """Leave a group conversation."""
    thread = _conversation_or_404(request, conversation_id)
    try:
        services.conversation_leave(actor=request.user, conversation=thread)
    except ApplicationError as error:
        page = selectors.message_page(visible_to=request.user, conversation=thread)
        context = _thread_context(request, thread, page, MessageForm())
        context["error"] = error.message
        return render(request, TEMPLATE, context, status=error.status_code)
    flash.success(
        request,
        _("You left the conversation “%(label)s”.") % {"label": _label(thread, request.user)},
    )
    return redirect("messages:inbox")
