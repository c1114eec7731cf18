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
