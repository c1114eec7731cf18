"""Moderation pages.

For everyone (namespace `safety`, under /<lang>/<municipality>/community/): the netiquette and
its "I accept" form, and the report form.

For the municipality's moderators (namespace `moderation`, under
/<lang>/<municipality>/staff/moderation/, MFA required): the queue of reports, a report's file
and the actions, the log of actions, the suspensions, publishing a new netiquette.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import AuthenticatedRequest, MilieuRequest, form_error, municipality_view
from milieu.core.http import staff_view as _staff_view
from milieu.core.modules import module_required
from milieu.territory.models import Municipality

from .. import netiquette
from ..forms_moderation import ActionForm, NetiquettePublishForm, ReportFilterForm, ReportForm
from ..models import ModerationAction, Netiquette, NetiquetteAcceptance, Report
from ..selectors import moderation as selectors
from ..services import moderation as services

PER_PAGE = 20
DECISIONS = {
    "hide": (gettext_lazy("Hide it"), gettext_lazy("Hide")),
    "restore": (gettext_lazy("Show it again"), gettext_lazy("Restore")),
    "warn": (gettext_lazy("Warn the person"), gettext_lazy("Send the warning")),
    "suspend": (gettext_lazy("Suspend the person in this municipality"), gettext_lazy("Suspend")),
    "lift": (gettext_lazy("Lift the suspension"), gettext_lazy("Lift")),
    "dismiss": (gettext_lazy("Dismiss the report: nothing to do"), gettext_lazy("Dismiss")),
}
PERM = "community.moderate"
staff_view = _staff_view(PERM)


def safe_next(request, fallback: str = "") -> str:
    """The `next` of the query or the form, if it stays on this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def _reverse_or_blank(name: str, **kwargs) -> str:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:  # a page of another part that does not exist yet
        return ""


# --- Netiquette ---------------------------------------------------------------------------------


def _netiquette_context(request: MilieuRequest) -> dict[str, Any]:
    municipality = request.municipality
    current = netiquette.current(municipality)
    language = get_language() or "fr"
    acceptance = None
    if request.user.is_authenticated:
        acceptance = NetiquetteAcceptance.objects.filter(
            user=request.user, municipality=municipality, version=current.version
        ).first()
    return {
        "municipality": municipality,
        "current": current,
        "rules": current.rules,
        "text": "" if current.rules else current.text(language),
        "text_language": language if current.texts.get(language) else "fr",
        "acceptance": acceptance,
        "may_accept": request.user.has_perm("community.take_part", municipality),
        "next": safe_next(request),
    }


@require_http_methods(["GET", "POST"])
@municipality_view
@module_required("community")
def netiquette_page(request: MilieuRequest) -> HttpResponse:
    """The municipality's netiquette in the reader's language, and "I accept" for those who
    may take part (then back to `?next=`)."""
    if request.method == "GET":
        return render(request, "community/moderation/netiquette.html", _netiquette_context(request))
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        services.netiquette_accept(actor=request.user, municipality=request.municipality)
    except ApplicationError as error:
        context = _netiquette_context(request)
        context["error"] = error.message
        return render(
            request, "community/moderation/netiquette.html", context, status=error.status_code
        )
    messages.success(request, _("Thank you. You can now take part in the community."))
    return redirect(
        safe_next(request)
        or reverse("safety:netiquette", kwargs={"municipality_slug": request.municipality.slug})
    )


# --- Reports ------------------------------------------------------------------------------------


def _report_page(request, found, form, *, status: int = 200, refusal: str = "") -> HttpResponse:
    return render(
        request,
        "community/moderation/report_form.html",
        {
            "municipality": request.municipality,
            "found": found,
            "form": form,
            "refusal": refusal,
            "next": safe_next(request),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@municipality_view
@module_required("community")
def report(request: MilieuRequest) -> HttpResponse:
    """Report a post, comment, message or person (`?target=post:12`) to the moderators."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    target = request.GET.get("target") or request.POST.get("target") or ""
    try:
        found = selectors.reportable_get(visible_to=request.user, target=target)
    except ApplicationError as error:
        raise Http404(str(error.message)) from None
    municipalities: list[Municipality] = []
    if found.kind == "person" and found.subject is not None and found.subject.pk != request.user.pk:
        municipalities = selectors.shared_municipalities(request.user, found.obj)
    if found.subject is not None and found.subject.pk == request.user.pk:
        refusal = (
            _("You cannot report yourself.")
            if found.kind == "person"
            else _("You cannot report what you wrote yourself.")
        )
        return _report_page(request, found, None, status=403, refusal=refusal)
    initial = {}
    if any(m.pk == request.municipality.pk for m in municipalities):
        initial["municipality"] = request.municipality.slug
    if request.method == "GET":
        form = ReportForm(initial=initial, municipalities=municipalities)
        return _report_page(request, found, form)
    form = ReportForm(request.POST, municipalities=municipalities)
    status = 400
    if form.is_valid():
        chosen = form.cleaned_data.get("municipality")
        try:
            services.report_create(
                actor=request.user,
                target=found.key,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
                municipality=next((m for m in municipalities if m.slug == chosen), None),
            )
        except ApplicationError as error:
            form_error(form, error)
            status = error.status_code
        else:
            messages.success(
                request,
                _("Thank you. Your report was sent to the moderators of %(municipality)s.")
                % {"municipality": _report_municipality(found, municipalities, chosen)},
            )
            return redirect(
                safe_next(request)
                or reverse(
                    "safety:report_sent", kwargs={"municipality_slug": request.municipality.slug}
                )
            )
    return _report_page(request, found, form, status=status)


def _report_municipality(found, municipalities, chosen) -> str:
    if found.municipality is not None:
        return found.municipality.name
    named = [m.name for m in municipalities if m.slug == chosen] or [m.name for m in municipalities]
    return named[0] if named else ""


@require_GET
@municipality_view
@module_required("community")
def report_sent(request: MilieuRequest) -> HttpResponse:
    return render(
        request, "community/moderation/report_sent.html", {"municipality": request.municipality}
    )


# --- The moderators' pages ------------------------------------------------------------------------


def _page(request, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


@require_GET
@staff_view
def queue(request: AuthenticatedRequest) -> HttpResponse:
    """Reports of the municipality: open ones first, the oldest first; filters by status and
    reason."""
    filters = ReportFilterForm(request.GET or None)
    status = reason = ""
    if filters.is_valid():
        status = filters.cleaned_data["status"]
        reason = filters.cleaned_data["reason"]
    reports = selectors.report_list(
        visible_to=request.user, municipality=request.municipality, status=status, reason=reason
    )
    page = _page(request, reports)
    query = "&".join(f"{k}={v}" for k, v in (("status", status), ("reason", reason)) if v)
    template = "community/moderation/queue.html"
    if request.htmx:
        template += "#report-list"
    return render(
        request,
        template,
        {
            "municipality": request.municipality,
            "filters": filters,
            "page": page,
            "query": query,
        },
    )


def _action_forms(file: selectors.ReportFile) -> dict[str, ActionForm]:
    """The decisions that make sense for this report, each its own small form."""
    report = file.report
    live = file.live
    possible: list[str] = []
    if live is not None and live.is_content:
        possible.append("restore" if live.obj.hidden_at is not None else "hide")  # type: ignore[union-attr]
    if report.subject_id is not None:
        possible += ["warn", "suspend"]
        if file.suspension is not None:
            possible.append("lift")
    is_open = report.status == Report.Status.OPEN
    if is_open:
        possible.append("dismiss")
    forms = {
        action: ActionForm(
            prefix=action,
            # Once the report is closed, a decision is about the target alone.
            initial={
                "action": action,
                "target": report.target,
                "report_id": report.pk if is_open else None,
            },
        )
        for action in possible
    }
    if "dismiss" in forms:
        forms["dismiss"].fields["reason"].label = _("Why (kept in the log)")
    return forms


def _report_detail(
    request: AuthenticatedRequest,
    report_id: int,
    *,
    bound: ActionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    try:
        file = selectors.report_file(
            visible_to=request.user, municipality=request.municipality, report_id=report_id
        )
    except NotFound as error:
        raise Http404(str(error.message)) from None
    forms = _action_forms(file)
    if bound is not None:
        forms[bound.prefix or ""] = bound
    live_url = ""
    if file.live is not None and file.live.kind == "post":
        live_url = _reverse_or_blank(
            "community:post",
            municipality_slug=request.municipality.slug,
            post_id=file.live.pk,
        )
    return render(
        request,
        "community/moderation/report_detail.html",
        {
            "municipality": request.municipality,
            "file": file,
            "report": file.report,
            "decisions": [(action, form, *DECISIONS[action]) for action, form in forms.items()],
            "live_url": live_url,
        },
        status=status,
    )


@require_GET
@staff_view
def report_detail(request: AuthenticatedRequest, report_id: int) -> HttpResponse:
    """One report: what was reported (as it was, and as it is now), the person's history of
    moderation here, the other open reports on the same thing, and the possible decisions."""
    return _report_detail(request, report_id)


@require_POST
@staff_view
def act(request: AuthenticatedRequest) -> HttpResponse:
    """Carry out one decision (`kind` names the form: hide, restore, warn, suspend, lift,
    dismiss); then back to the report, or to `next`."""
    kind = request.POST.get("kind", "")
    if kind not in ModerationAction.Action.values:
        raise Http404
    form = ActionForm(request.POST, prefix=kind)
    report_obj = None
    status = 400
    if form.is_valid():
        try:
            if form.cleaned_data["report_id"]:
                report_obj = selectors.report_get(
                    visible_to=request.user,
                    municipality=request.municipality,
                    report_id=form.cleaned_data["report_id"],
                )
            record = services.moderation_act(
                actor=request.user,
                municipality=request.municipality,
                action=form.cleaned_data["action"],
                target=form.cleaned_data["target"],
                reason=form.cleaned_data["reason"],
                report=report_obj,
                until=form.until_moment() if form.cleaned_data["action"] == "suspend" else None,
            )
        except NotFound as error:
            raise Http404(str(error.message)) from None
        except ApplicationError as error:
            form_error(form, error)
            status = error.status_code
        else:
            messages.success(
                request,
                _("Done: %(action)s (%(target)s).")
                % {"action": record.get_action_display(), "target": record.target},
            )
            fallback = reverse(
                "moderation:queue", kwargs={"municipality_slug": request.municipality.slug}
            )
            if report_obj is not None:
                fallback = reverse(
                    "moderation:report",
                    kwargs={
                        "municipality_slug": request.municipality.slug,
                        "report_id": report_obj.pk,
                    },
                )
            return redirect(safe_next(request, fallback))
    shown_report = request.POST.get("shown_report", "")
    if shown_report.isdigit():  # sent from a report's page: show it again, with the error
        return _report_detail(request, int(shown_report), bound=form, status=status)
    return render(
        request,
        "community/moderation/action.html",
        {
            "municipality": request.municipality,
            "form": form,
            "kind": kind,
            "next": safe_next(request),
        },
        status=status,
    )


@require_GET
@staff_view
def log(request: AuthenticatedRequest) -> HttpResponse:
    """The audit log: every decision of the moderators here, newest first."""
    page = _page(
        request, selectors.action_list(visible_to=request.user, municipality=request.municipality)
    )
    template = "community/moderation/log.html"
    if request.htmx:
        template += "#action-list"
    return render(request, template, {"municipality": request.municipality, "page": page})


@require_GET
@staff_view
def suspensions(request: AuthenticatedRequest) -> HttpResponse:
    """Suspensions in force (with a form to lift each), or the ended ones (`?ended=1`)."""
    ended = request.GET.get("ended") == "1"
    page = _page(
        request,
        selectors.suspension_list(
            visible_to=request.user, municipality=request.municipality, active=not ended
        ),
    )
    for suspension in page:
        suspension.lift_form = ActionForm(
            prefix="lift",
            initial={"action": "lift", "target": f"person:{suspension.user_id}"},
            auto_id=f"id_lift_{suspension.pk}_%s",
        )
    template = "community/moderation/suspensions.html"
    if request.htmx:
        template += "#suspension-list"
    return render(
        request,
        template,
        {"municipality": request.municipality, "page": page, "ended": ended},
    )


@require_http_methods(["GET", "POST"])
@staff_view
def netiquette_publish(request: AuthenticatedRequest) -> HttpResponse:
    """Publish a new version of the netiquette (French required, English and Spanish
    optional); everyone accepts it again before they next speak."""
    municipality = request.municipality
    latest = Netiquette.objects.filter(municipality=municipality).order_by("-version").first()
    status = 200
    if request.method == "POST":
        form = NetiquettePublishForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                published = services.netiquette_publish(
                    actor=request.user, municipality=municipality, **form.cleaned_data
                )
            except ApplicationError as error:
                form_error(form, error)
                status = error.status_code
            else:
                messages.success(
                    request,
                    _("Version %(version)d of the netiquette is published.")
                    % {"version": published.version},
                )
                return redirect("moderation:netiquette", municipality_slug=municipality.slug)
    else:
        initial = {}
        if latest is not None:
            initial = {
                "text_fr": latest.text_fr,
                "text_en": latest.text_en,
                "text_es": latest.text_es,
            }
        form = NetiquettePublishForm(initial=initial)
    return render(
        request,
        "community/moderation/netiquette_publish.html",
        {"municipality": municipality, "form": form, "latest": latest},
        status=status,
    )
