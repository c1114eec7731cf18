"""Version counters of what the network's shared pages show (`core.caching`): a page kept
rendered (`core.pagecache`) names the version it was rendered at, and the services renew the
version when they change what it shows."""

from milieu.core import caching

RECOGNITION = "network:recognition:version"


def region_plans_key(region_id: int) -> str:
    return f"network:plans:region:{region_id}:version"


def recognition() -> int:
    return caching.versions([RECOGNITION])[RECOGNITION]


def region_plans(region_id: int) -> int:
    key = region_plans_key(region_id)
    return caching.versions([key])[key]


def renew_recognition() -> None:
    caching.renew([RECOGNITION])


def renew_region_plans(region_id: int) -> None:
    caching.renew([region_plans_key(region_id)])
