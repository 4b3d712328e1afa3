"""Retention: conversations leave the tracker store after CONVERSATION_RETENTION_HOURS, handoff requests
after their expiry. Runs as a command and on a schedule inside the web server.

    python -m bot.retention        (make purge)

A conversation's age is that of its last event: one the doctor is still having is never cut in two.
"""

from __future__ import annotations

import argparse
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from bot.conversations import tracker_engine
from bot.settings import Settings, get_settings
from bot.storage import Storage

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Purged:
    conversations: int
    events: int
    handoffs: int


def purge_conversations(engine: sa.engine.Engine, older_than: timedelta, now: float | None = None) -> tuple[int, int]:
    """Delete every conversation whose last event is older than `older_than`; returns (conversations, events)."""
    cutoff = (now if now is not None else time.time()) - older_than.total_seconds()
    with engine.begin() as connection:
        if not sa.inspect(connection).has_table("events"):
            return 0, 0
        stale = [
            row[0]
            for row in connection.execute(
                sa.text("SELECT sender_id FROM events GROUP BY sender_id HAVING max(timestamp) < :cutoff"),
                {"cutoff": cutoff},
            )
        ]
        events = 0
        for start in range(0, len(stale), 500):
            chunk = stale[start : start + 500]
            statement = sa.text("DELETE FROM events WHERE sender_id IN :ids").bindparams(
                sa.bindparam("ids", expanding=True)
            )
            events += connection.execute(statement, {"ids": chunk}).rowcount or 0
    return len(stale), events


def purge(settings: Settings, now: datetime | None = None) -> Purged:
    moment = now or datetime.now(timezone.utc)
    engine = tracker_engine(settings.tracker_db_url)
    conversations, events = purge_conversations(
        engine, timedelta(hours=settings.conversation_retention_hours), moment.timestamp()
    )
    engine.dispose()
    store = Storage(settings.database_url, settings.handoff_retention_days)
    store.create_schema()
    handoffs = store.purge_expired(moment)
    store.engine.dispose()
    return Purged(conversations, events, handoffs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Delete conversations and handoff requests past their retention.")
    parser.parse_args(argv)
    settings = get_settings()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    result = purge(settings)
    print(f"purged {result.conversations} conversations ({result.events} events), {result.handoffs} handoff requests")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
