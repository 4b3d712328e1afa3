"""Retention: conversations leave the tracker store after CONVERSATION_RETENTION_HOURS, intake summaries and
handoff requests after their expiry, counsellor sessions when they end, failed sign-ins after their window,
audit entries after AUDIT_RETENTION_DAYS. Runs as a command and on a schedule inside the web server.

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

from bot.counsellors import Counsellors
from bot.migrate import upgrade
from bot.settings import Settings, get_settings
from bot.storage import Storage, erase_deleted, make_engine

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Purged:
    conversations: int
    events: int
    handoffs: int
    intakes: int = 0
    counsellor_rows: int = 0  # sessions, failed attempts, audit entries


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
    if stale:
        erase_deleted(engine)
    return len(stale), events


def purge(settings: Settings, now: datetime | None = None) -> Purged:
    moment = now or datetime.now(timezone.utc)
    engine = make_engine(settings.tracker_db_url)
    conversations, events = purge_conversations(
        engine, timedelta(hours=settings.conversation_retention_hours), moment.timestamp()
    )
    engine.dispose()
    store = Storage(settings.database_url, settings.handoff_retention_days, settings.intake_retention_days)
    try:
        kept = store.purge_expired(moment)
        counsellor_rows = Counsellors(
            store, settings.secret_key or "purge", audit_retention_days=settings.audit_retention_days
        ).purge(moment)
    finally:
        store.engine.dispose()
    return Purged(conversations, events, kept.handoffs, kept.intakes, counsellor_rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Delete conversations and handoff requests past their retention.")
    parser.parse_args(argv)
    settings = get_settings()
    upgrade(settings.database_url)
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    result = purge(settings)
    print(
        f"purged {result.conversations} conversations ({result.events} events), {result.intakes} intake summaries, "
        f"{result.handoffs} handoff requests, {result.counsellor_rows} sessions/failed sign-ins/audit entries"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
