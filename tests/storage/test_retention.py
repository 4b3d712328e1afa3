"""Conversations, intake summaries and handoff requests are deleted after their retention, with a controllable
clock."""

import time
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from bot.core.summary import IntakeSummary
from bot.settings import load_settings
from bot.storage.events import purge_conversations
from bot.storage.live import LiveChats
from bot.storage.migrate import upgrade
from bot.storage.records import Storage
from bot.storage.retention import purge


def events_table(engine):
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT,"
                " timestamp FLOAT, data TEXT)"
            )
        )


def add(engine, sender, when, text="the doctor's words"):
    with engine.begin() as connection:
        connection.execute(
            sa.text("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (:s, 'user', :t, :d)"),
            {"s": sender, "t": when, "d": text},
        )


def test_only_conversations_whose_last_event_is_past_retention_go(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'rasa.db'}")
    events_table(engine)
    now = time.time()
    add(engine, "old", now - 30 * 3600)
    add(engine, "old", now - 25 * 3600)
    add(engine, "still-talking", now - 30 * 3600)  # began long ago, but is still going on
    add(engine, "still-talking", now - 60)
    add(engine, "new", now - 3600)
    assert purge_conversations(engine, timedelta(hours=24), now) == (1, 2)
    with engine.connect() as connection:
        left = {row[0] for row in connection.execute(sa.text("SELECT DISTINCT sender_id FROM events"))}
    assert left == {"still-talking", "new"}


def test_no_tracker_store_yet_is_not_an_error(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    assert purge_conversations(engine, timedelta(hours=24)) == (0, 0)


def test_the_purge_command_deletes_old_conversations_expired_handoffs_and_intakes(tmp_path):
    settings = load_settings(
        tmp_path / "none.env",
        overrides={"TRACKER_DB": str(tmp_path / "rasa.db"), "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}"},
    )
    engine = sa.create_engine(f"sqlite:///{settings.tracker_db_path}")
    events_table(engine)
    later = datetime.now(timezone.utc) + timedelta(days=8)
    add(engine, "a", time.time())
    upgrade(settings.database_url)
    store = Storage(settings.database_url, settings.handoff_retention_days, settings.intake_retention_days)
    store.record_handoff({}, crisis=True)
    store.record_intake(IntakeSummary("looking_for_advice", (), {}, (), False))
    live = LiveChats(store)
    chat = live.open_chat("a" * 36, "ACDE7FGH", {}, crisis=False, lang="nb")
    live.add_message(chat.id, "doctor", "words of a live chat")
    first = purge(settings, now=later)
    assert (first.conversations, first.handoffs, first.intakes) == (1, 1, 0)  # intakes keep for 30 days
    assert first.live_chats == 1 and live.messages_after(chat.id) == []
    add(engine, "b", time.time())
    result = purge(settings, now=later + timedelta(days=30))
    assert (result.conversations, result.handoffs, result.intakes) == (1, 0, 1)
