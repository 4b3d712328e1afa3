"""The trends' query: the intake tallies of complete weeks, counted and hidden by bot/core/trends.py."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from bot.core.summary import week_start
from bot.core.trends import Trends, complete_weeks, tally
from bot.storage.models import IntakeTally
from bot.storage.records import Storage


def weekly_trends(storage: Storage, weeks: int = 12, today: date | None = None) -> Trends:
    """The last `weeks` complete weeks before the week of `today`."""
    this_week = week_start(today or date.today())
    first = this_week - timedelta(weeks=weeks)
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
    return tally(rows, complete_weeks(weeks, today))
