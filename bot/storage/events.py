"""Rasa's `events` table (the tracker store), the one module that knows it: a conversation deleted at once when the
doctor asks ("delete my conversation"), and conversations past their retention (bot/storage/retention.py)."""

from __future__ import annotations

import json
import re
import time
from datetime import timedelta

import sqlalchemy as sa

from bot.storage.records import erase_deleted

# Conversation ids are made by the widget: random, URL-safe, long enough not to be guessed.
CONVERSATION_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def is_conversation_id(value: object) -> bool:
    return isinstance(value, str) and bool(CONVERSATION_ID.match(value))


def delete_conversation(engine: sa.engine.Engine, conversation_id: str) -> int:
    """Delete every stored event of one conversation; returns how many rows went."""
    if not is_conversation_id(conversation_id):
        raise ValueError("not a conversation id")
    with engine.begin() as connection:
        if not sa.inspect(connection).has_table("events"):
            return 0
        deleted = connection.execute(
            sa.text("DELETE FROM events WHERE sender_id = :sid"), {"sid": conversation_id}
        ).rowcount
    erase_deleted(engine)
    return deleted or 0


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


def conversation_texts(engine: sa.engine.Engine, conversation_id: str, limit: int = 400) -> list[tuple[str, str]]:
    """The doctor's and the assistant's words so far, oldest first: [("doctor"|"assistant", text)]. Only for a
    counsellor the doctor said yes to (docs/live-handoff.md); button payloads ("/affirm") left out."""
    if not is_conversation_id(conversation_id):
        return []
    with engine.connect() as connection:
        if not sa.inspect(connection).has_table("events"):
            return []
        rows = connection.execute(
            sa.text(
                "SELECT type_name, data FROM events WHERE sender_id = :sid AND type_name IN ('user', 'bot') ORDER BY id"
            ),
            {"sid": conversation_id},
        ).all()
    texts = []
    for type_name, data in rows:
        try:
            text = json.loads(data).get("text")
        except (TypeError, ValueError):
            continue
        if isinstance(text, str) and text.strip() and not text.startswith("/"):
            texts.append(("doctor" if type_name == "user" else "assistant", text))
    return texts[-limit:]
