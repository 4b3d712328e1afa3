"""Retention and "delete my conversation" on a PostgreSQL tracker store, the one replicas share: the rows
Rasa's store writes there (through components/tracker_store.py) are the ones the purge removes."""

import asyncio
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.settings import load_settings
from bot.storage.events import delete_conversation
from bot.storage.migrate import upgrade
from bot.storage.records import make_engine
from bot.storage.retention import purge
from components.tracker_store import LeanSQLTrackerStore
from tests.services import fresh_postgres_database

DOMAIN = Domain.load(str(Path(__file__).resolve().parents[2] / "domain.yml"))
PHRASE = "purple lighthouse at the night shift"


@pytest.fixture
def tracker_url():
    url, drop = fresh_postgres_database()
    yield url
    drop()


def save_conversation(store, sender, last_said):
    events = [
        ActionExecuted("action_listen", timestamp=last_said - 60),
        UserUttered(f"{PHRASE} ({sender})", {"name": "inform", "confidence": 1.0}, timestamp=last_said),
    ]
    asyncio.run(store.save(DialogueStateTracker.from_events(sender, events, DOMAIN.slots)))


def senders(url):
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        found = {row[0] for row in connection.execute(sa.text("SELECT DISTINCT sender_id FROM events"))}
    engine.dispose()
    return found


def test_the_purge_removes_old_conversations_from_the_postgresql_tracker_store(tracker_url, tmp_path):
    store = LeanSQLTrackerStore(DOMAIN, host=tracker_url)
    now = time.time()
    save_conversation(store, "old-conversation-0001", now - 30 * 3600)
    save_conversation(store, "recent-conversation-1", now - 3600)
    assert asyncio.run(store.retrieve("old-conversation-0001")) is not None  # kept in memory too
    settings = load_settings(
        tmp_path / "none.env",
        overrides={"TRACKER_STORE_URL": tracker_url, "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}"},
    )
    upgrade(settings.database_url)
    result = purge(settings, now=datetime.now(timezone.utc))
    assert (result.conversations, result.events) == (1, 2)
    assert senders(tracker_url) == {"recent-conversation-1"}
    assert asyncio.run(store.retrieve("old-conversation-0001")) is None, "not served from the replica's memory"
    later = purge(settings, now=datetime.now(timezone.utc) + timedelta(hours=25))
    assert later.conversations == 1 and senders(tracker_url) == set()
    store.engine.dispose()


def test_delete_my_conversation_on_postgresql(tracker_url):
    store = LeanSQLTrackerStore(DOMAIN, host=tracker_url)
    save_conversation(store, "delete-me-0123456789", time.time())
    save_conversation(store, "keep-me-012345678901", time.time())
    engine = make_engine(tracker_url)
    assert delete_conversation(engine, "delete-me-0123456789") == 2
    assert senders(tracker_url) == {"keep-me-012345678901"}
    assert asyncio.run(store.retrieve("delete-me-0123456789")) is None
    engine.dispose()
    store.engine.dispose()
