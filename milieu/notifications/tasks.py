from django.tasks import task


@task(queue_name="default")
def deliver(*, delivery_ids: list[int]) -> dict[str, int]:
    """Send a batch of deliveries (each at most once; failures are rescheduled by themselves)."""
    from .services import deliver_one

    counts: dict[str, int] = {}
    for delivery_id in delivery_ids:
        status = deliver_one(delivery_id)
        counts[status] = counts.get(status, 0) + 1
    return counts


@task(queue_name="default")
def alert_fan_out(*, alert_id: int, only_if_scheduled: bool = False) -> int:
    """Turn a municipal alert into notifications and deliveries, in batches (idempotent)."""
    from .alerts import fan_out

    return fan_out(alert_id=alert_id, only_if_scheduled=only_if_scheduled)


@task(queue_name="default")
def send_scheduled_alerts() -> int:
    """Every minute: start the fan-out of the scheduled alerts whose time has come."""
    from .alerts import alerts_send_due

    return alerts_send_due()


@task(queue_name="default")
def send_digests(*, period: str) -> dict[str, int]:
    """Daily and weekly: one email per person with the notifications kept for their digest."""
    from .digests import send_digests as send

    result = send(period=period)
    return {"emails": result.emails, "notifications": result.notifications, "failed": result.failed}
