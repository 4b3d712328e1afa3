"""bot/web/ratelimit.py: a doctor's pace passes, a script's does not, and memory stays bounded."""

import pytest

from bot.web.ratelimit import RateLimiter


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_a_burst_of_half_a_minute_then_one_every_two_seconds():
    clock = Clock()
    limiter = RateLimiter(30, clock=clock)
    assert all(limiter.allow("c") for _ in range(15))
    assert not limiter.allow("c")
    assert limiter.retry_after("c") == 2
    clock.now += 2
    assert limiter.allow("c") and not limiter.allow("c")


def test_a_doctor_typing_every_three_seconds_for_an_hour_is_never_stopped():
    clock = Clock()
    limiter = RateLimiter(30, clock=clock)
    for _ in range(1200):
        assert limiter.allow("doctor")
        clock.now += 3


def test_keys_are_counted_apart():
    limiter = RateLimiter(2, clock=Clock())
    assert limiter.allow("a") and not limiter.allow("a")
    assert limiter.allow("b")


def test_a_flood_of_new_keys_keeps_the_table_bounded():
    limiter = RateLimiter(30, max_keys=100, clock=Clock())
    for n in range(10_000):
        limiter.allow(f"k{n}")
    assert len(limiter) == 100


def test_keys_unused_until_their_bucket_is_full_again_are_forgotten():
    clock = Clock()
    limiter = RateLimiter(30, clock=clock)  # full again 30 s after the last message
    for n in range(1000):
        limiter.allow(f"conversation-{n}")
        clock.now += 0.1
    assert len(limiter) <= 301
    clock.now += 31
    limiter.allow("now")
    assert len(limiter) == 1
    for _ in range(15):
        limiter.allow("busy")
    assert not limiter.allow("busy"), "a key in use keeps its count"


def test_nonsense_limits_are_refused():
    with pytest.raises(ValueError):
        RateLimiter(0)
