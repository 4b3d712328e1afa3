"""Trends across intake summaries: counts per week, never a group smaller than K_MIN.

Only weeks that are over are shown, so a new intake can never be picked out by watching a count grow.
A week with fewer than K_MIN intakes is hidden whole. A count from 1 to K_MIN-1 is hidden; where a
measure's counts add up to the week's total (category, sick leave, expectation), more counts are hidden
until the hidden ones add up to at least K_MIN, so no hidden count can be worked out by subtraction.
The counting and the hiding are here (pure); the query is bot/storage/trends.py, the drawing and the CSV
bot/web/charts.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.core.summary import week_start
from bot.core.values import Expectation, HelpCategory, SickLeave, WarningSign

K_MIN = 5
NOT_SAID = "not_said"


@dataclass(frozen=True)
class Measure:
    name: str  # the tally column; its title on the page is in bot/web/i18n.py
    values: tuple[str, ...]
    exclusive: bool  # one value per intake: the counts add up to the week's total


MEASURES = (
    Measure("help_category", tuple(c.value for c in HelpCategory), True),
    Measure("warning_signs", tuple(s.value for s in WarningSign), False),
    Measure("sick_leave", (*(s.value for s in SickLeave), NOT_SAID), True),
    Measure("expectation", (*(e.value for e in Expectation), NOT_SAID), True),
)


@dataclass
class Trends:
    weeks: list[date]
    totals: dict[date, int | None] = field(default_factory=dict)  # None: hidden
    counts: dict[str, dict[str, dict[date, int | None]]] = field(default_factory=dict)  # measure -> value -> week


def suppress(counts: dict[str, int], exclusive: bool, k: int = K_MIN) -> dict[str, int | None]:
    """Hide counts from 1 to k-1; for a measure that adds up to a total, hide more until the hidden ones
    add up to at least k (or everything is hidden)."""
    shown: dict[str, int | None] = {v: (None if 0 < n < k else n) for v, n in counts.items()}
    if not exclusive:
        return shown
    while True:
        hidden_sum = sum(counts[v] for v, n in shown.items() if n is None)
        if hidden_sum == 0 or hidden_sum >= k:
            return shown
        candidates = sorted((n, v) for v, n in shown.items() if n)
        if not candidates:
            return shown
        shown[candidates[0][1]] = None


def complete_weeks(weeks: int, today: date | None = None) -> list[date]:
    """The first day of each of the last `weeks` complete weeks before the week of `today`."""
    this_week = week_start(today or date.today())
    first = this_week - timedelta(weeks=weeks)
    return [first + timedelta(weeks=i) for i in range(weeks)]


def tally(rows, week_list: list[date]) -> Trends:
    """Count (week, category, warning signs, sick leave, expectation) rows per week, hiding small groups."""
    raw_totals = {w: 0 for w in week_list}
    raw = {m.name: {w: {v: 0 for v in m.values} for w in week_list} for m in MEASURES}
    for week, category, signs, sick_leave, expectation in rows:
        if week not in raw_totals:
            continue
        raw_totals[week] += 1
        picked = {
            "help_category": [category],
            "warning_signs": list(signs or []),
            "sick_leave": [sick_leave or NOT_SAID],
            "expectation": [expectation or NOT_SAID],
        }
        for measure in MEASURES:
            for value in picked[measure.name]:
                if value in raw[measure.name][week]:
                    raw[measure.name][week][value] += 1
    trends = Trends(weeks=week_list)
    for week in week_list:
        total = raw_totals[week]
        trends.totals[week] = total if total == 0 or total >= K_MIN else None
    for measure in MEASURES:
        table: dict[str, dict[date, int | None]] = {v: {} for v in measure.values}
        for week in week_list:
            hidden_week = trends.totals[week] is None
            column = suppress(raw[measure.name][week], measure.exclusive)
            for value in measure.values:
                table[value][week] = None if hidden_week else column[value]
        trends.counts[measure.name] = table
    return trends
