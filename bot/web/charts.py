"""The trends drawn for counsellors: server-rendered SVG heat maps (no script), and the CSV export."""

from __future__ import annotations

import csv
import io
from datetime import date
from html import escape

from bot.core.trends import K_MIN, MEASURES, NOT_SAID, Trends
from bot.core.values import HelpCategory
from bot.web.i18n import DEFAULT, texts, week_heading


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


def heatmap_svg(
    title: str, rows: list[tuple[str, dict[date, int | None]]], weeks: list[date], svg_id: str, lang: str = DEFAULT
) -> str:
    """A table-like heat map: one row per value, one column per week, the count written in each cell."""
    width = _LABEL_W + _CELL_W * len(weeks) + 8
    height = _HEAD_H + _CELL_H * len(rows) + 8
    top = max([n for _, cells in rows for n in cells.values() if n] or [1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{svg_id}-t" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" class="heatmap">',
        f'<title id="{svg_id}-t">{escape(texts(lang)["chart_title"].format(title=title, k=K_MIN))}</title>',
    ]
    for i, week in enumerate(weeks):
        x = _LABEL_W + i * _CELL_W + _CELL_W / 2
        parts.append(
            f'<text x="{x:.0f}" y="{_HEAD_H - 12}" text-anchor="middle" font-size="12" fill="#333">'
            f"{escape(week_heading(week, lang))}</text>"
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


def charts(trends: Trends, labels: dict, names: dict, lang: str = DEFAULT) -> list[tuple[str, str]]:
    """(title, svg) for the weekly totals and each measure, with the values in plain words in `lang` (`labels` and
    `names` from the content file in that language)."""
    t = texts(lang)
    total = [(t["chart_intakes_row"], trends.totals)]
    drawn = [(t["chart_intakes"], heatmap_svg(t["chart_intakes"], total, trends.weeks, "intakes", lang))]
    for measure in MEASURES:
        title = t["measures"][measure.name]
        rows = []
        for value in measure.values:
            if measure.name == "help_category":
                label = names[HelpCategory(value)]
            elif value == NOT_SAID:
                label = t["not_said"]
            else:
                label = labels[measure.name][value]
            rows.append((label, trends.counts[measure.name][value]))
        drawn.append((title, heatmap_svg(title, rows, trends.weeks, measure.name, lang)))
    return drawn
