"""Trends across intake summaries: counts per week, never a group smaller than K_MIN.

Only weeks that are over are shown, so a new intake can never be picked out by watching a count grow.
A week with fewer than K_MIN intakes is hidden whole. A count from 1 to K_MIN-1 is hidden; where a
measure's counts add up to the week's total (category, sick leave, expectation), more counts are hidden
until the hidden ones add up to at least K_MIN, so no hidden count can be worked out by subtraction.
Drawn as server-rendered SVG heat maps (no script), exported as CSV.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape

from sqlalchemy import select

from bot.intakes import week_start
from bot.models import IntakeTally
from bot.storage import Storage
from bot.values import Expectation, HelpCategory, SickLeave, WarningSign

K_MIN = 5
NOT_SAID = "not_said"


@dataclass(frozen=True)
class Measure:
    name: str  # the tally column
    title: str
    values: tuple[str, ...]
    exclusive: bool  # one value per intake: the counts add up to the week's total


MEASURES = (
    Measure("help_category", "Help-seeking pattern", tuple(c.value for c in HelpCategory), True),
    Measure("warning_signs", "Warning signs", tuple(s.value for s in WarningSign), False),
    Measure("sick_leave", "Sick leave", (*(s.value for s in SickLeave), NOT_SAID), True),
    Measure("expectation", "Hoping for", (*(e.value for e in Expectation), NOT_SAID), True),
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


def weekly_trends(storage: Storage, weeks: int = 12, today: date | None = None) -> Trends:
    """The last `weeks` complete weeks before the week of `today`."""
    this_week = week_start(today or date.today())
    first = this_week - timedelta(weeks=weeks)
    week_list = [first + timedelta(weeks=i) for i in range(weeks)]
    with storage.session() as session:
        rows = session.execute(
            select(
                IntakeTally.week_start,
                IntakeTally.help_category,
                IntakeTally.warning_signs,
                IntakeTally.sick_leave,
                IntakeTally.expectation,
            ).where(IntakeTally.week_start >= first, IntakeTally.week_start < this_week)
        ).all()
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


def to_csv(trends: Trends) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["week_start", "measure", "value", "count", "hidden_under_5"])
    for week in trends.weeks:
        total = trends.totals[week]
        writer.writerow([week.isoformat(), "intakes", "all", "" if total is None else total, total is None])
        for measure in MEASURES:
            for value in measure.values:
                count = trends.counts[measure.name][value][week]
                writer.writerow([week.isoformat(), measure.name, value, "" if count is None else count, count is None])
    return out.getvalue()


# --- drawing ------------------------------------------------------------------------------------------
_CELL_W, _CELL_H, _LABEL_W, _HEAD_H = 58, 28, 250, 40


def _shade(count: int, top: int) -> tuple[str, str]:
    """Fill and text colour: white to dark blue; text stays readable (contrast >= 4.5:1)."""
    if count == 0:
        return "#ffffff", "#4a4a4a"
    share = count / max(top, 1)
    light = (231, 240, 250)
    dark = (16, 74, 140)
    rgb = tuple(round(lo + (hi - lo) * share) for lo, hi in zip(light, dark, strict=True))
    fill = "#" + "".join(f"{c:02x}" for c in rgb)
    return fill, ("#ffffff" if share > 0.45 else "#10243e")


def heatmap_svg(title: str, rows: list[tuple[str, dict[date, int | None]]], weeks: list[date], svg_id: str) -> str:
    """A table-like heat map: one row per value, one column per week, the count written in each cell."""
    width = _LABEL_W + _CELL_W * len(weeks) + 8
    height = _HEAD_H + _CELL_H * len(rows) + 8
    top = max([n for _, cells in rows for n in cells.values() if n] or [1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{svg_id}-t" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" class="heatmap">',
        f'<title id="{svg_id}-t">{escape(title)}: intakes per week; hidden where fewer than {K_MIN}</title>',
    ]
    for i, week in enumerate(weeks):
        x = _LABEL_W + i * _CELL_W + _CELL_W / 2
        parts.append(
            f'<text x="{x:.0f}" y="{_HEAD_H - 12}" text-anchor="middle" font-size="12" fill="#333">'
            f"{week.strftime('%d %b')}</text>"
        )
    for r, (label, cells) in enumerate(rows):
        y = _HEAD_H + r * _CELL_H
        parts.append(
            f'<text x="{_LABEL_W - 10}" y="{y + _CELL_H / 2 + 5:.0f}" text-anchor="end" font-size="14" '
            f'fill="#1a1a1a">{escape(label)}</text>'
        )
        for i, week in enumerate(weeks):
            x = _LABEL_W + i * _CELL_W
            count = cells.get(week)
            if count is None:
                fill, ink, text = "#eeeeee", "#555555", f"&lt;{K_MIN}"
            else:
                fill, ink = _shade(count, top)
                text = str(count)
            parts.append(
                f'<rect x="{x + 1}" y="{y + 1}" width="{_CELL_W - 2}" height="{_CELL_H - 2}" fill="{fill}" '
                f'stroke="#c9d3de"/>'
                f'<text x="{x + _CELL_W / 2:.0f}" y="{y + _CELL_H / 2 + 5:.0f}" text-anchor="middle" '
                f'font-size="13" fill="{ink}">{text}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def charts(trends: Trends, labels: dict, names: dict) -> list[tuple[str, str]]:
    """(title, svg) for the weekly totals and each measure, with the values in plain words."""
    drawn = [("Intakes", heatmap_svg("Intakes", [("Intake summaries shared", trends.totals)], trends.weeks, "intakes"))]
    for measure in MEASURES:
        rows = []
        for value in measure.values:
            if measure.name == "help_category":
                label = names[HelpCategory(value)]
            elif value == NOT_SAID:
                label = "not said"
            else:
                label = labels[measure.name][value]
            rows.append((label, trends.counts[measure.name][value]))
        drawn.append((measure.title, heatmap_svg(measure.title, rows, trends.weeks, measure.name)))
    return drawn
