"""The live handoff's rules (issue 16), plain Python: when a counsellor can be offered (opening hours in Norwegian
time), the order of the queue (crisis first, then the longest waiting), and when a wait has gone on too long."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = {
    "nb": ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
CLAUSE = re.compile(r"^(?P<days>[a-z,\-]+)\s+(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})$")


@dataclass(frozen=True)
class Opening:
    """On `days` (0 = Monday) from `start` up to, not including, `end`, in Norwegian time."""

    days: tuple[int, ...]
    start: time
    end: time


@dataclass(frozen=True)
class OpeningHours:
    openings: tuple[Opening, ...] = ()

    @property
    def always(self) -> bool:
        """No HANDOFF_HOURS: whoever is on duty may be offered at any hour."""
        return not self.openings


def _clock(text: str, spec: str) -> time:
    hours, minutes = (int(part) for part in text.split(":"))
    if hours == 24 and minutes == 0:
        return time.max
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise ValueError(f"HANDOFF_HOURS: {text!r} is not a time of day, in {spec!r}")
    return time(hours, minutes)


def _days(text: str, spec: str) -> tuple[int, ...]:
    found: list[int] = []
    for part in text.split(","):
        first, _, last = part.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise ValueError(f"HANDOFF_HOURS: {part!r} is not a day like mon or a range like mon-fri, in {spec!r}")
        start, end = DAYS.index(first), DAYS.index(last or first)
        if end < start:
            raise ValueError(f"HANDOFF_HOURS: {part!r} runs backwards, in {spec!r}")
        found += [day for day in range(start, end + 1) if day not in found]
    return tuple(found)


def parse_hours(spec: str) -> OpeningHours:
    """'mon-fri 08:00-16:00; sat 10:00-14:00' (days mon..sun, ranges and lists, 24-hour clock); empty: always.
    Raises ValueError with the text's own words, so a typo in .env stops the start-up."""
    clauses = [clause.strip().lower() for clause in re.split(r"[;\n]", spec or "") if clause.strip()]
    openings = []
    for clause in clauses:
        match = CLAUSE.match(clause)
        if not match:
            raise ValueError(f"HANDOFF_HOURS: {clause!r} is not like 'mon-fri 08:00-16:00'")
        start, end = _clock(match["start"], spec), _clock(match["end"], spec)
        if end <= start:
            raise ValueError(f"HANDOFF_HOURS: {clause!r} ends before it starts")
        openings.append(Opening(_days(match["days"], spec), start, end))
    return OpeningHours(tuple(openings))


def is_open(hours: OpeningHours, moment: datetime) -> bool:
    if hours.always:
        return True
    local = moment.astimezone(OSLO)
    clock = local.time()
    return any(local.weekday() in o.days and o.start <= clock < o.end for o in hours.openings)


def _day_span(days: tuple[int, ...], names: tuple[str, ...]) -> str:
    """(0,1,2,3,4) -> 'Monday–Friday'; (0, 2) -> 'Monday, Wednesday'."""
    runs: list[list[int]] = []
    for day in sorted(days):
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(names[r[0]] if len(r) == 1 else f"{names[r[0]]}–{names[r[-1]]}" for r in runs)


def describe_hours(hours: OpeningHours, lang: str) -> str:
    """The hours as a doctor reads them: 'mandag–fredag kl. 08.00–16.00' / 'Monday–Friday 08:00–16:00'."""
    names = DAY_NAMES.get(lang, DAY_NAMES["en"])
    parts = []
    for o in hours.openings:
        end = "24:00" if o.end == time.max else o.end.strftime("%H:%M")
        if lang == "nb":
            span = f"kl. {o.start.strftime('%H.%M')}–{end.replace(':', '.')}"
        else:
            span = f"{o.start.strftime('%H:%M')}–{end}"
        parts.append(f"{_day_span(o.days, names)} {span}")
    return "; ".join(parts)


def queue_key(crisis: bool, queued_at: datetime) -> tuple[int, datetime]:
    """Sort key of a waiting chat: every crisis before the rest, then the one who has waited longest."""
    return (0 if crisis else 1, _utc(queued_at))


def waited_seconds(queued_at: datetime, now: datetime) -> int:
    return max(0, int((now - _utc(queued_at)).total_seconds()))


def timed_out(wait_from: datetime, now: datetime, wait_minutes: int) -> bool:
    """Queued longer than HANDOFF_WAIT_MINUTES since the wait began (or since the doctor chose to keep waiting)."""
    return now - _utc(wait_from) >= timedelta(minutes=wait_minutes)


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def live_offer_possible(counsellors_on_duty: int, hours: OpeningHours, now: datetime) -> bool:
    """A counsellor can be offered to join the chat now: someone is on duty, inside the opening hours if any."""
    return counsellors_on_duty > 0 and is_open(hours, now)
