"""The daily computation of the indicators, as a task (the same as `manage.py
compute_indicators`)."""

from django.tasks import task


@task(queue_name="default")
def compute_indicators(months: int = 13) -> int:
    """Recompute every metric for the last `months` months (all municipalities and regions);
    the number of rows written."""
    from .services_indicators import indicators_compute

    result = indicators_compute(months=months)
    return result.municipality_rows + result.region_rows
