"""Background tasks of the platform plumbing (Django's tasks framework, database-backed worker)."""

from django.core.mail import EmailMultiAlternatives
from django.tasks import task


@task(queue_name="default")
def send_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    from_email: str | None = None,
    html: str | None = None,
    headers: dict[str, str] | None = None,
) -> int:
    """Send one email. Enqueued inside the caller's transaction: the database-backed queue only
    shows the task to the worker once that transaction commits (a transactional outbox)."""
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=from_email, to=to, headers=headers or {}
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()


def enqueue_email(message: EmailMultiAlternatives) -> None:
    html = next(
        (
            content
            for content, mimetype in getattr(message, "alternatives", [])
            if mimetype == "text/html"
        ),
        None,
    )
    send_email.enqueue(
        subject=str(message.subject),
        body=str(message.body),
        to=list(message.to),
        from_email=message.from_email,
        html=str(html) if html is not None else None,
        headers=dict(message.extra_headers),
    )
