from django.tasks import task

BATCH = 200
ROUNDS = 50


def close_all(now=None) -> int:
    """Close every published consultation whose phase for taking part has ended, batch after
    batch; how many were closed."""
    from .services_consultations import consultations_close_due

    total = 0
    for _round in range(ROUNDS):
        done = consultations_close_due(now=now, batch=BATCH)
        total += done
        if done < BATCH:
            break
    return total


@task(queue_name="default")
def close_consultations() -> int:
    """Every few minutes (`manage.py close_consultations`, or this task): see `close_all`."""
    return close_all()
