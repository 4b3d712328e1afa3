"""The doctor's conversation in Rasa's tracker store: deleted at once when they ask ("delete my conversation")."""

from __future__ import annotations

import re

import sqlalchemy as sa

from bot.storage import erase_deleted

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
