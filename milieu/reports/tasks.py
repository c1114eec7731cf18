"""Background work of the reports: the update emailed to the address an Open311 application gave
for a report filed without an account (an account's reporter is told through the notifications,
on the channels they chose)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger("milieu.reports")


@task(queue_name="default")
def email_contact(*, update_id: int) -> bool:
    """Email a report's public step to its contact address (reports without an account only);
    in the site's language. False when there is nothing to send."""
    from .models import ReportStatus, ReportUpdate

    update = (
        ReportUpdate.objects.select_related("report__category", "report__municipality")
        .filter(pk=update_id, internal=False)
        .first()
    )
    if update is None:
        return False
    report = update.report
    if report.reporter_id is not None or not report.contact_email:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your report #%(number)s (%(category)s) in %(town)s") % {
            "number": report.pk,
            "category": report.category.translated("name"),
            "town": report.municipality.name,
        }
        lines = [
            _("Status: %(status)s.") % {"status": ReportStatus(report.status).label},
        ]
        if update.note:
            lines.append(_("The municipality's note: %(note)s") % {"note": update.note})
        lines += [
            "",
            _(
                "You gave this address when reporting the problem through an application; "
                "it is used for these updates only and never shown."
            ),
        ]
    message = EmailMessage(subject=subject, body="\n".join(lines), to=[report.contact_email])
    try:
        message.send()
    except OSError:  # the mail server is away: the update stays on the report's page
        logger.warning("report_email_failed", extra={"report": report.pk})
        return False
    return True
