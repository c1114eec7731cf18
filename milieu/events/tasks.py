from django.tasks import task

BATCH = 500
ROUNDS = 100  # at most 50,000 events a day, well past what a region publishes


def extend_all() -> int:
    """Give every repeating published event its dates up to the horizon
    (`recurrence.HORIZON`), batch after batch; how many events were brought up to date."""
    from .services import occurrences_extend

    total = 0
    for _round in range(ROUNDS):
        done = occurrences_extend(batch=BATCH)
        total += done
        if done < BATCH:
            break
    return total


@task(queue_name="default")
def extend_event_dates() -> int:
    """Daily (`manage.py extend_event_dates`, or this task): see `extend_all`. Running it more
    often adds nothing twice."""
    return extend_all()
