"""Writes of the moderation part: accepting and publishing the netiquette, reporting, and the
moderators' actions (hide, restore, warn, suspend, lift a suspension, dismiss a report).

Every action writes one `ModerationAction` row (the audit: who, what, why, when; never edited),
closes the open reports on its target, and tells the person concerned why (topic
`moderation`); the people who reported learn that their report was handled.

Reporting does not require the netiquette (`require_can_report`): a person who only reads, or
who received an abusive message before ever writing, must be able to report it. A suspension
in the municipality and the rate limit (`LIMITS["report"]`) still apply, so a suspended person
cannot flood the moderators with reports in retaliation.
"""

from collections.abc import Callable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from milieu.core import ratelimit
from milieu.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from milieu.core.permissions import require
from milieu.notifications.services import in_every_language
from milieu.territory.models import Municipality

from .. import handles, netiquette, search
from ..models import (
    Comment,
    ConversationMember,
    Group,
    Message,
    ModerationAction,
    Netiquette,
    NetiquetteAcceptance,
    Post,
    Report,
    Suspension,
)
from ..selectors.conversations import inbox_changed
from ..selectors.moderation import (
    Target,
    moderation_target_get,
    reportable_get,
    shared_municipalities,
    suspension_active,
)
from ..selectors.social import feed_changed
from .common import LIMITS, Suspended

MAX_NETIQUETTE_CHARS = 10_000
MAX_DETAILS_CHARS = 1000
MAX_REASON_CHARS = 1000

Action = ModerationAction.Action


def _field_error(field: str, message) -> ApplicationError:
    return ApplicationError(message, code="validation", extra={"fields": {field: [message]}})


def _url(name: str, language: str, **kwargs) -> str:
    try:
        with translation.override(language):
            return reverse(name, kwargs=kwargs)
    except NoReverseMatch:  # a page of another part that does not exist yet
        return ""


def _notify_on_commit(**kwargs) -> None:
    from milieu.notifications.services import notify

    transaction.on_commit(lambda: notify(**kwargs))


# --- Netiquette -----------------------------------------------------------------------------------


@transaction.atomic
def netiquette_accept(*, actor, municipality: Municipality) -> NetiquetteAcceptance:
    """Record that `actor` accepts the municipality's current netiquette (idempotent), and give
    them a community profile (a handle) if they have none."""
    require(actor, "community.take_part", municipality)
    version = netiquette.current(municipality).version
    acceptance = NetiquetteAcceptance.objects.filter(
        user=actor, municipality=municipality, version=version
    ).first()
    if acceptance is None:
        try:
            with transaction.atomic():
                acceptance = NetiquetteAcceptance.objects.create(
                    user=actor, municipality=municipality, version=version
                )
        except IntegrityError:  # accepted meanwhile by another request
            acceptance = NetiquetteAcceptance.objects.get(
                user=actor, municipality=municipality, version=version
            )
    handles.profile_ensure(actor)
    return acceptance


@transaction.atomic
def netiquette_publish(
    *, actor, municipality: Municipality, text_fr: str, text_en: str = "", text_es: str = ""
) -> Netiquette:
    """Publish a new version of the municipality's netiquette (French required). Everyone must
    accept it again before they next post, comment or write a message."""
    require(actor, "community.moderate", municipality)
    texts = {"text_fr": text_fr.strip(), "text_en": text_en.strip(), "text_es": text_es.strip()}
    fields = {}
    if not texts["text_fr"]:
        fields["text_fr"] = [_("Write the netiquette in French.")]
    for name, text in texts.items():
        if len(text) > MAX_NETIQUETTE_CHARS:
            fields[name] = [_("At most %(count)d characters.") % {"count": MAX_NETIQUETTE_CHARS}]
    if fields:
        raise ApplicationError(
            _("Some fields need correcting."), code="validation", extra={"fields": fields}
        )
    latest = (
        Netiquette.objects.filter(municipality=municipality)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    try:
        with transaction.atomic():
            published = Netiquette.objects.create(
                municipality=municipality,
                version=(latest or 0) + 1,
                published_by=actor,
                **texts,
            )
    except IntegrityError:
        raise Conflict(
            _("Another version was published at the same time. Reload the page and try again.")
        ) from None
    netiquette.forget(municipality)
    return published


# --- Reports --------------------------------------------------------------------------------------


def require_can_report(actor, municipality: Municipality) -> None:
    """`require_can_speak` without the netiquette: not suspended there, and under the rate
    limit (counted last, so a refused report costs nothing)."""
    suspension = suspension_active(municipality=municipality, user_id=actor.pk)
    if suspension is not None:
        if suspension.ends_at:
            message = _(
                "You are suspended from the community of %(municipality)s until %(date)s: "
                "%(reason)s"
            ) % {
                "municipality": municipality.name,
                "date": timezone.localtime(suspension.ends_at).strftime("%Y-%m-%d %H:%M"),
                "reason": suspension.reason,
            }
        else:
            message = _("You are suspended from the community of %(municipality)s: %(reason)s") % {
                "municipality": municipality.name,
                "reason": suspension.reason,
            }
        raise Suspended(message)
    ratelimit.hit("community:report", actor.pk, limits=LIMITS["report"])


def _already_reported() -> Conflict:
    return Conflict(
        _(
            "You have already reported this. The moderators will look at your report; "
            "there is no need to send it again."
        ),
        code="already_reported",
    )


@transaction.atomic
def report_create(
    *,
    actor,
    target: str,
    reason: str,
    details: str = "",
    municipality: Municipality | None = None,
) -> Report:
    """Report a post, comment, message or person (`target`, e.g. `"post:12"`) to the moderators
    of its municipality. A person is reported to `municipality`, one of those the reporter
    shares with them (the only one when there is one).

    Only what the reporter can see; never their own content or themselves; once while their
    report on it is open (a database constraint)."""
    if not actor.is_authenticated:
        raise PermissionDenied(_("Log in to report something."))
    found = reportable_get(visible_to=actor, target=target)
    if reason not in Report.Reason.values:
        raise _field_error("reason", _("Choose a reason."))
    details = (details or "").strip()
    if len(details) > MAX_DETAILS_CHARS:
        raise _field_error(
            "details", _("At most %(count)d characters.") % {"count": MAX_DETAILS_CHARS}
        )
    if found.subject is not None and found.subject.pk == actor.pk:
        if found.kind == "person":
            raise PermissionDenied(_("You cannot report yourself."))
        raise PermissionDenied(_("You cannot report what you wrote yourself."))
    where = found.municipality
    if found.kind == "person":
        where = _person_report_municipality(actor, found, municipality)
    assert where is not None
    if found.kind == "person":
        require(actor, "community.view_community", where)
    if Report.objects.filter(reporter=actor, target=found.key, status=Report.Status.OPEN).exists():
        raise _already_reported()
    require_can_report(actor, where)
    report = Report(
        municipality=where,
        reporter=actor,
        target=found.key,
        post=found.obj if isinstance(found.obj, Post) else None,
        comment=found.obj if isinstance(found.obj, Comment) else None,
        message=found.obj if isinstance(found.obj, Message) else None,
        subject=found.subject,
        reason=reason,
        details=details,
        snapshot=found.text,
    )
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:  # the same report sent twice at once
        raise _already_reported() from None
    return report


def _person_report_municipality(
    actor, found: Target, municipality: Municipality | None
) -> Municipality:
    shared = shared_municipalities(actor, found.obj)
    if municipality is not None:
        if all(m.pk != municipality.pk for m in shared):
            raise _field_error(
                "municipality", _("Choose a municipality that you share with this person.")
            )
        return municipality
    if len(shared) == 1:
        return shared[0]
    raise _field_error(
        "municipality", _("Choose the municipality whose moderators should look at this.")
    )


# --- Moderation actions ---------------------------------------------------------------------------

CLOSES_AS: dict[str, str] = {
    Action.HIDE: Report.Status.ACTIONED,
    Action.WARN: Report.Status.ACTIONED,
    Action.SUSPEND: Report.Status.ACTIONED,
    Action.RESTORE: Report.Status.DISMISSED,
    Action.LIFT: Report.Status.DISMISSED,
    Action.DISMISS: Report.Status.DISMISSED,
}


@transaction.atomic
def moderation_act(
    *,
    actor,
    municipality: Municipality,
    action: str,
    target: str = "",
    reason: str,
    report: Report | None = None,
    until: datetime | None = None,
) -> ModerationAction:
    """One moderator's decision about `target` (or the target of `report`): hide or restore
    content, warn, suspend (until `until`, or without end) or lift a person's suspension, or
    dismiss the reports. Checks `community.moderate` on the target's municipality, writes the
    audit row, closes the open reports on the target and notifies the person with `reason`."""
    require(actor, "community.moderate", municipality)
    if action not in Action.values:
        raise _field_error("action", _("Choose an action."))
    if report is not None:
        # Locked and read again: two moderators deciding at once do not both close it.
        report = (
            Report.objects.select_for_update(of=("self",))
            .filter(pk=report.pk, municipality=municipality)
            .first()
        )
        if report is None:
            raise NotFound(_("Report not found."))
        if not target:
            target = report.target
    found = moderation_target_get(municipality=municipality, target=target)
    require(actor, "community.moderate", found.municipality or municipality)
    if report is not None:
        if report.target != found.key:
            raise _field_error("target", _("This report is about something else."))
        if report.status != Report.Status.OPEN:
            raise Conflict(_("This report is already closed."))
    reason = (reason or "").strip()
    if not reason:
        raise _field_error("reason", _("Give the reason; the person will read it."))
    if len(reason) > MAX_REASON_CHARS:
        raise _field_error(
            "reason", _("At most %(count)d characters.") % {"count": MAX_REASON_CHARS}
        )
    subject = found.subject
    if subject is not None and subject.pk == actor.pk:
        raise PermissionDenied(
            _("Another moderator must decide about your own content or account.")
        )
    handler = _HANDLERS[action]
    handler(actor=actor, municipality=municipality, found=found, reason=reason, until=until)
    closed = _close_reports(
        actor=actor, municipality=municipality, target=found.key, status=CLOSES_AS[action]
    )
    if report is None and closed:
        report = closed[0]
    if action == Action.DISMISS and not closed:
        raise Conflict(_("There is no open report on this to dismiss."))
    record = ModerationAction.objects.create(
        municipality=municipality,
        moderator=actor,
        action=action,
        target=found.key,
        subject=subject,
        report=report,
        reason=reason,
    )
    if action != Action.DISMISS and subject is not None:
        _notify_subject(record, found, until=until)
    for closed_report in closed:
        _notify_reporter(closed_report, municipality)
    return record


def _hide(*, actor, municipality, found: Target, reason: str, until) -> None:
    obj = found.obj
    if not found.is_content:
        raise _field_error("action", _("Only posts, comments, messages and groups can be hidden."))
    assert isinstance(obj, Post | Comment | Message | Group)
    if obj.hidden_at is not None:
        raise Conflict(_("This is already hidden."))
    obj.hidden_at = timezone.now()
    obj.hidden_by = actor
    obj.hidden_reason = reason[:500]
    obj.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    _after_visibility_change(obj, visible=False)


def _restore(*, actor, municipality, found: Target, reason: str, until) -> None:
    obj = found.obj
    if not found.is_content:
        raise _field_error("action", _("Only posts, comments, messages and groups can be hidden."))
    assert isinstance(obj, Post | Comment | Message | Group)
    if obj.hidden_at is None:
        raise Conflict(_("This is not hidden."))
    obj.hidden_at = None
    obj.hidden_by = None
    obj.hidden_reason = ""
    obj.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    _after_visibility_change(obj, visible=True)


def _after_visibility_change(obj, *, visible: bool) -> None:
    """Keep the search index and the post's count of visible comments true."""
    if isinstance(obj, Post):
        search.index_post(obj)
        feed_changed(obj)
    elif isinstance(obj, Group):
        search.index_group(obj)
    elif isinstance(obj, Message):  # its conversation's inboxes show its last message
        inbox_changed(
            ConversationMember.objects.filter(conversation_id=obj.conversation_id).values_list(
                "user_id", flat=True
            )
        )
    elif isinstance(obj, Comment):
        if visible:
            Post.objects.filter(pk=obj.post_id).update(comment_count=F("comment_count") + 1)
        else:
            Post.objects.filter(pk=obj.post_id, comment_count__gt=0).update(
                comment_count=F("comment_count") - 1
            )
        feed_changed(obj.post)  # the feeds show the count


def _require_subject(found: Target):
    if found.subject is None:
        raise ApplicationError(
            _("The author of this has deleted their account."), code="no_subject"
        )
    return found.subject


def _warn(*, actor, municipality, found: Target, reason: str, until) -> None:
    _require_subject(found)


def _suspend(*, actor, municipality, found: Target, reason: str, until) -> None:
    subject = _require_subject(found)
    now = timezone.now()
    if until is not None and until <= now:
        raise _field_error("until", _("The end of a suspension must be in the future."))
    # A new suspension replaces the one in force (to shorten, lengthen or end-date it).
    Suspension.objects.filter(
        user=subject, municipality=municipality, lifted_at__isnull=True
    ).update(lifted_at=now, lifted_by=actor)
    Suspension.objects.create(
        municipality=municipality,
        user=subject,
        reason=reason,
        starts_at=now,
        ends_at=until,
        created_by=actor,
    )


def _lift(*, actor, municipality, found: Target, reason: str, until) -> None:
    subject = _require_subject(found)
    suspension = suspension_active(municipality=municipality, user_id=subject.pk)
    if suspension is None:
        raise Conflict(_("This person is not suspended here."))
    Suspension.objects.filter(
        user=subject, municipality=municipality, lifted_at__isnull=True
    ).update(lifted_at=timezone.now(), lifted_by=actor)


def _dismiss(*, actor, municipality, found: Target, reason: str, until) -> None:
    return None  # closing the reports (below) is the whole of it


_HANDLERS: dict[str, Callable[..., None]] = {
    Action.HIDE: _hide,
    Action.RESTORE: _restore,
    Action.WARN: _warn,
    Action.SUSPEND: _suspend,
    Action.LIFT: _lift,
    Action.DISMISS: _dismiss,
}


def _close_reports(*, actor, municipality, target: str, status: str) -> list[Report]:
    reports = list(
        Report.objects.select_for_update(of=("self",))
        .filter(municipality=municipality, target=target, status=Report.Status.OPEN)
        .select_related("reporter")
        .order_by("created_at", "pk")
    )
    if reports:
        now = timezone.now()
        Report.objects.filter(pk__in=[r.pk for r in reports]).update(
            status=status, closed_at=now, closed_by=actor
        )
        for report in reports:
            report.status, report.closed_at, report.closed_by = status, now, actor
    return reports


def _kind_label(kind: str) -> str:
    return {
        "post": _("Your post"),
        "comment": _("Your comment"),
        "message": _("Your message"),
        "group": _("Your group"),
    }.get(kind, "")


def _notify_subject(record: ModerationAction, found: Target, *, until) -> None:
    subject = record.subject
    assert subject is not None
    municipality = record.municipality
    name = municipality.name

    def title() -> str:
        if record.action == Action.HIDE:
            return _("%(what)s was hidden by the moderators of %(municipality)s") % {
                "what": _kind_label(found.kind),
                "municipality": name,
            }
        if record.action == Action.RESTORE:
            return _("%(what)s is visible again in %(municipality)s") % {
                "what": _kind_label(found.kind),
                "municipality": name,
            }
        if record.action == Action.WARN:
            return _("A warning from the moderators of %(municipality)s") % {"municipality": name}
        if record.action == Action.SUSPEND:
            if until is not None:
                return _(
                    "You are suspended from the community of %(municipality)s until %(date)s"
                ) % {
                    "municipality": name,
                    "date": timezone.localtime(until).strftime("%Y-%m-%d %H:%M"),
                }
            return _("You are suspended from the community of %(municipality)s") % {
                "municipality": name
            }
        return _("Your suspension in %(municipality)s is lifted") % {"municipality": name}

    def body() -> str:
        return _("The moderators' reason: %(reason)s") % {"reason": record.reason}

    _notify_on_commit(
        user=subject,
        topic="moderation",
        key=f"moderation:{record.pk}",
        title=in_every_language(title),
        body=in_every_language(body),
        url=_subject_url(record, found, subject.preferred_language),
        municipality=municipality,
    )


def _subject_url(record: ModerationAction, found: Target, language: str) -> str:
    """Where the person sees what the decision is about: their post or comment (its page shows
    it hidden, with the reason, to its author), their group, their conversation; the
    netiquette for warnings and suspensions."""
    slug = record.municipality.slug
    if record.action in (Action.HIDE, Action.RESTORE):
        obj = found.obj
        if isinstance(obj, Post):
            return _url("community:post", language, municipality_slug=slug, post_id=obj.pk)
        if isinstance(obj, Comment):
            return _url("community:post", language, municipality_slug=slug, post_id=obj.post_id)
        if isinstance(obj, Group):
            return _url("community:group", language, municipality_slug=slug, group_slug=obj.slug)
        if isinstance(obj, Message):
            return _url("messages:conversation", language, conversation_id=obj.conversation_id)
    return _url("safety:netiquette", language, municipality_slug=slug)


def _notify_reporter(report: Report, municipality: Municipality) -> None:
    reporter = report.reporter
    if reporter is None:
        return

    def title() -> str:
        return _("Your report to the moderators of %(municipality)s was reviewed") % {
            "municipality": municipality.name
        }

    def body() -> str:
        if report.status == Report.Status.ACTIONED:
            return _("Thank you: the moderators took action.")
        return _("Thank you: the moderators found that no action was needed.")

    _notify_on_commit(
        user=reporter,
        topic="moderation",
        key=f"report:{report.pk}:closed",
        title=in_every_language(title),
        body=in_every_language(body),
        municipality=municipality,
    )
