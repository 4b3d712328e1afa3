"""Retention: conversations (and their live chats) leave after CONVERSATION_RETENTION_HOURS, intake summaries and
handoff requests after their expiry, counsellor sessions when they end, failed sign-ins after their window,
audit entries after AUDIT_RETENTION_DAYS. Runs as a command and on a schedule inside the web server.

    python -m bot.ops.retention        (make purge)

A conversation's age is that of its last event: one the doctor is still having is never cut in two.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from bot.settings import Settings
from bot.storage.counsellors import Counsellors
from bot.storage.events import purge_conversations
from bot.storage.live import LiveChats
from bot.storage.records import Storage, make_engine

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Purged:
    conversations: int
    events: int
    handoffs: int
    intakes: int = 0
    counsellor_rows: int = 0  # sessions, failed attempts, audit entries
    live_chats: int = 0


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
        live = LiveChats(store)
        live_chats = live.purge(timedelta(hours=settings.conversation_retention_hours), moment)
        live.off_duty_without_session(moment)  # sessions that ended by expiring leave no one on duty
        counsellor_rows = Counsellors(
            store, settings.secret_key or "purge", audit_retention_days=settings.audit_retention_days
        ).purge(moment)
    finally:
        store.engine.dispose()
    return Purged(conversations, events, kept.handoffs, kept.intakes, counsellor_rows, live_chats)
