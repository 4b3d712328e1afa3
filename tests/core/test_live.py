"""The live handoff's rules: opening hours in Norwegian time, the queue's order, the wait's timeout."""

from datetime import datetime, timedelta, timezone

import pytest

from bot.core.live import (
    describe_hours,
    is_open,
    live_offer_possible,
    parse_hours,
    queue_key,
    timed_out,
    waited_seconds,
)

UTC = timezone.utc


@pytest.mark.parametrize(
    "spec,moment,expected,why",
    [
        ("", datetime(2026, 12, 6, 3, 0, tzinfo=UTC), True, "no hours: always open (whoever is on duty)"),
        ("mon-fri 08:00-16:00", datetime(2026, 12, 7, 7, 30, tzinfo=UTC), True, "Monday 08:30 in Oslo (winter, +1)"),
        ("mon-fri 08:00-16:00", datetime(2026, 12, 7, 6, 59, tzinfo=UTC), False, "Monday 07:59 in Oslo"),
        ("mon-fri 08:00-16:00", datetime(2026, 12, 7, 15, 0, tzinfo=UTC), False, "16:00 in Oslo: the end is shut"),
        ("mon-fri 08:00-16:00", datetime(2026, 6, 8, 6, 30, tzinfo=UTC), True, "summer time: 08:30 in Oslo is 06:30Z"),
        ("mon-fri 08:00-16:00", datetime(2026, 6, 8, 14, 30, tzinfo=UTC), False, "summer: 16:30 in Oslo"),
        ("mon-fri 08:00-16:00", datetime(2026, 12, 5, 10, 0, tzinfo=UTC), False, "Saturday"),
        ("mon-fri 08:00-16:00; sat 10:00-14:00", datetime(2026, 12, 5, 10, 0, tzinfo=UTC), True, "Saturday 11:00"),
        ("mon,wed 18:00-24:00", datetime(2026, 12, 9, 22, 30, tzinfo=UTC), True, "Wednesday 23:30, up to midnight"),
        ("mon,wed 18:00-24:00", datetime(2026, 12, 8, 22, 30, tzinfo=UTC), False, "Tuesday is not in the list"),
        ("MON-FRI 8:00 - 16:00", datetime(2026, 12, 7, 8, 0, tzinfo=UTC), True, "capitals, one-digit hour, spaces"),
    ],
)
def test_open_now(spec, moment, expected, why):
    assert is_open(parse_hours(spec), moment) is expected, why


@pytest.mark.parametrize(
    "spec,why",
    [
        ("weekdays 08:00-16:00", "not a day name"),
        ("mon-fri 8-16", "times need minutes"),
        ("mon-fri 16:00-08:00", "ends before it starts"),
        ("fri-mon 08:00-16:00", "a range runs forwards"),
        ("mon-fri 25:00-26:00", "not a time of day"),
        ("mon-fri", "no times"),
    ],
)
def test_a_bad_spec_is_refused_with_its_words(spec, why):
    with pytest.raises(ValueError, match="HANDOFF_HOURS"):
        parse_hours(spec)


@pytest.mark.parametrize(
    "spec,lang,expected",
    [
        ("mon-fri 08:00-16:00", "nb", "mandag–fredag kl. 08.00–16.00"),
        ("mon-fri 08:00-16:00", "en", "Monday–Friday 08:00–16:00"),
        (
            "mon,wed,thu 18:00-24:00; sun 10:00-12:00",
            "en",
            "Monday, Wednesday–Thursday 18:00–24:00; Sunday 10:00–12:00",
        ),
    ],
)
def test_the_hours_as_a_doctor_reads_them(spec, lang, expected):
    assert describe_hours(parse_hours(spec), lang) == expected


def test_the_queue_crisis_first_then_longest_waiting():
    now = datetime(2026, 12, 4, 22, 0, tzinfo=UTC)
    chats = [
        ("calm, waited 10 min", False, now - timedelta(minutes=10)),
        ("crisis, waited 1 min", True, now - timedelta(minutes=1)),
        ("calm, waited 20 min", False, now - timedelta(minutes=20)),
        ("crisis, waited 3 min", True, (now - timedelta(minutes=3)).replace(tzinfo=None)),  # SQLite: naive UTC
    ]
    ordered = [name for name, crisis, at in sorted(chats, key=lambda c: queue_key(c[1], c[2]))]
    assert ordered == ["crisis, waited 3 min", "crisis, waited 1 min", "calm, waited 20 min", "calm, waited 10 min"]


@pytest.mark.parametrize(
    "waited,minutes,expected",
    [(timedelta(minutes=4, seconds=59), 5, False), (timedelta(minutes=5), 5, True), (timedelta(hours=1), 60, True)],
)
def test_the_wait_times_out(waited, minutes, expected):
    now = datetime(2026, 12, 4, 22, 0, tzinfo=UTC)
    assert timed_out(now - waited, now, minutes) is expected
    assert waited_seconds(now - waited, now) == int(waited.total_seconds())


@pytest.mark.parametrize(
    "on_duty,spec,moment,expected",
    [
        (0, "", datetime(2026, 12, 7, 10, 0, tzinfo=UTC), False),
        (1, "", datetime(2026, 12, 6, 2, 0, tzinfo=UTC), True),
        (2, "mon-fri 08:00-16:00", datetime(2026, 12, 7, 10, 0, tzinfo=UTC), True),
        (2, "mon-fri 08:00-16:00", datetime(2026, 12, 7, 20, 0, tzinfo=UTC), False),
    ],
)
def test_a_person_is_offered_only_when_on_duty_and_open(on_duty, spec, moment, expected):
    assert live_offer_possible(on_duty, parse_hours(spec), moment) is expected
