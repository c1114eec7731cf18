from django.tasks import task


@task(queue_name="default")
def send_citizen_id_reminders() -> int:
    """Daily: remind citizens whose id expires in 30, 7 or 1 days (idempotent per threshold)."""
    from .services import citizen_id_send_reminders

    return citizen_id_send_reminders()
