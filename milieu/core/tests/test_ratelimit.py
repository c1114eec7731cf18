"""Rate limits (`core.ratelimit`): counted per action, person and window; refused attempts are
not counted; the API answers 429 with Retry-After."""

import pytest
from django.http import HttpRequest

from milieu.core import ratelimit
from milieu.core.errors import RateLimited
from milieu.core.ratelimit import Limit

LIMITS = [Limit(3, 60)]
NOW = 1_800_000_000.0  # a window boundary is a multiple of 60: 1_800_000_000 is one


def test_the_limit_is_reached_after_its_count():
    for _ in range(3):
        ratelimit.hit("post", 1, limits=LIMITS, now=NOW)

    with pytest.raises(RateLimited) as refused:
        ratelimit.hit("post", 1, limits=LIMITS, now=NOW + 10)
    assert refused.value.status_code == 429
    assert refused.value.retry_after == 50  # the window ends at NOW + 60


def test_people_and_actions_are_counted_apart():
    for _ in range(3):
        ratelimit.hit("post", 1, limits=LIMITS, now=NOW)

    ratelimit.hit("post", 2, limits=LIMITS, now=NOW)
    ratelimit.hit("comment", 1, limits=LIMITS, now=NOW)


def test_a_new_window_starts_afresh_and_refusals_do_not_count():
    for _ in range(3):
        ratelimit.hit("post", 1, limits=LIMITS, now=NOW)
    for _ in range(5):
        with pytest.raises(RateLimited):
            ratelimit.hit("post", 1, limits=LIMITS, now=NOW + 30)

    for _ in range(3):
        ratelimit.hit("post", 1, limits=LIMITS, now=NOW + 60)
    with pytest.raises(RateLimited):
        ratelimit.hit("post", 1, limits=LIMITS, now=NOW + 61)


def test_every_limit_applies():
    limits = [Limit(5, 60), Limit(6, 3600)]
    for minute in range(3):
        for _ in range(2):
            ratelimit.hit("post", 1, limits=limits, now=NOW + 60 * minute)

    with pytest.raises(RateLimited) as refused:  # 6 in the hour, though 0 in this minute
        ratelimit.hit("post", 1, limits=limits, now=NOW + 180)
    assert refused.value.retry_after == 3600 - 180


def test_reset_forgets_the_current_windows():
    for _ in range(3):
        ratelimit.hit("post", 1, limits=LIMITS, now=NOW)

    ratelimit.reset("post", 1, limits=LIMITS, now=NOW)
    ratelimit.hit("post", 1, limits=LIMITS, now=NOW)


def test_the_api_answers_429_with_retry_after():
    from config.api import application_error

    response = application_error(HttpRequest(), RateLimited("Slow down.", retry_after=42))

    assert response.status_code == 429
    assert response["Retry-After"] == "42"
    assert b'"code": "rate_limited"' in response.content
