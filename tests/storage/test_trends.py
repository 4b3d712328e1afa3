"""Trends: counts per complete week, never a group under 5, not even by subtraction; the CSV holds the same."""

import csv
import io
from datetime import date, datetime, timedelta, timezone

import pytest

from bot.core.content import content_from
from bot.core.summary import IntakeSummary
from bot.core.trends import K_MIN, suppress
from bot.settings import ROOT
from bot.storage.trends import weekly_trends
from bot.web.charts import charts, to_csv

CONTENT = content_from(str(ROOT / "bot" / "core" / "content" / "no.yml"))
TODAY = date(2026, 11, 26)  # a Thursday; the week of 23 Nov is not over
LAST_WEEK = date(2026, 11, 16)
WEEK_BEFORE = date(2026, 11, 9)


@pytest.mark.parametrize(
    "counts,exclusive,shown",
    [
        ({"a": 7, "b": 5, "c": 0}, True, {"a": 7, "b": 5, "c": 0}),
        ({"a": 9, "b": 3, "c": 0}, True, {"a": None, "b": None, "c": 0}),  # 3 alone could be worked out
        ({"a": 9, "b": 6, "c": 2}, True, {"a": 9, "b": None, "c": None}),
        ({"a": 9, "b": 3, "c": 2}, True, {"a": 9, "b": None, "c": None}),  # hidden ones add up to 5
        ({"a": 9, "b": 3, "c": 0}, False, {"a": 9, "b": None, "c": 0}),  # no total to subtract from
    ],
)
def test_suppression(counts, exclusive, shown):
    assert suppress(counts, exclusive) == shown


def add(store, week: date, n: int, **themes):
    for i in range(n):
        moment = datetime.combine(week, datetime.min.time(), tzinfo=timezone.utc) + timedelta(hours=i)
        summary = IntakeSummary(
            help_category=themes.get("help_category", "looking_for_advice"),
            reasons=(),
            themes={k: v for k, v in themes.items() if k != "help_category"},
            barriers=(),
            crisis=False,
        )
        store.record_intake(summary, now=moment)


def test_weeks_with_fewer_than_five_intakes_are_hidden_whole(store):
    add(store, LAST_WEEK, 4, warning_signs=["exhaustion"])
    trends = weekly_trends(store, weeks=4, today=TODAY)
    assert trends.weeks[-1] == LAST_WEEK and trends.totals[LAST_WEEK] is None
    assert trends.counts["warning_signs"]["exhaustion"][LAST_WEEK] is None


def test_counts_per_week_with_small_groups_hidden(store):
    add(store, WEEK_BEFORE, 6, help_category="fear_of_not_coping", sick_leave="dilemma", warning_signs=["exhaustion"])
    add(store, WEEK_BEFORE, 1, help_category="way_back_or_out", sick_leave="on_leave")
    add(store, LAST_WEEK, 5, help_category="looking_for_advice", expectation="advice")
    add(store, TODAY, 9)  # this week is not over: not shown, so no single new intake can be spotted
    trends = weekly_trends(store, weeks=4, today=TODAY)
    assert trends.totals[WEEK_BEFORE] == 7 and trends.totals[LAST_WEEK] == 5
    categories = trends.counts["help_category"]
    # 6 and 1: the 1 is hidden, and so is the 6, or 7 - 6 would give it away.
    assert categories["fear_of_not_coping"][WEEK_BEFORE] is None
    assert categories["way_back_or_out"][WEEK_BEFORE] is None
    assert categories["looking_for_advice"][WEEK_BEFORE] == 0
    assert categories["looking_for_advice"][LAST_WEEK] == 5
    assert trends.counts["warning_signs"]["exhaustion"][WEEK_BEFORE] == 6
    assert trends.counts["expectation"]["advice"][LAST_WEEK] == 5
    assert trends.counts["expectation"]["not_said"][WEEK_BEFORE] == 7
    for measure in trends.counts.values():
        for cells in measure.values():
            assert all(n is None or n == 0 or n >= K_MIN for n in cells.values())


def test_the_csv_holds_the_same_aggregates_and_no_small_count(store):
    add(store, WEEK_BEFORE, 6, help_category="fear_of_not_coping", warning_signs=["memory"])
    add(store, WEEK_BEFORE, 2, help_category="way_back_or_out", warning_signs=["anxiety"])
    trends = weekly_trends(store, weeks=2, today=TODAY)
    rows = list(csv.DictReader(io.StringIO(to_csv(trends))))
    by_key = {(r["week_start"], r["measure"], r["value"]): r for r in rows}
    assert by_key[("2026-11-09", "intakes", "all")]["count"] == "8"
    assert by_key[("2026-11-09", "warning_signs", "memory")]["count"] == "6"
    assert by_key[("2026-11-09", "warning_signs", "anxiety")] == {
        "week_start": "2026-11-09",
        "measure": "warning_signs",
        "value": "anxiety",
        "count": "",
        "hidden_under_5": "True",
    }
    assert all(r["count"] == "" or int(r["count"]) == 0 or int(r["count"]) >= K_MIN for r in rows)


def test_the_charts_draw_every_measure_with_hidden_cells_marked(store):
    add(store, WEEK_BEFORE, 6, help_category="fear_of_not_coping")
    add(store, WEEK_BEFORE, 1, help_category="way_back_or_out")
    drawn = charts(weekly_trends(store, weeks=2, today=TODAY), CONTENT.labels, CONTENT.category_names)
    assert [title for title, _ in drawn] == [
        "Intakes",
        "Help-seeking pattern",
        "Warning signs",
        "Sick leave",
        "Hoping for",
    ]
    svg = dict(drawn)["Help-seeking pattern"]
    assert svg.startswith("<svg") and "Afraid of not coping any longer" in svg and "&lt;5" in svg
    assert ">6<" not in svg and ">1<" not in svg
