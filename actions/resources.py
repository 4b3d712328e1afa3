"""The action server's shared resources (settings, content, storage), created once per process."""

from __future__ import annotations

from functools import lru_cache

from bot.core.content import Content, content_file_for, content_from
from bot.settings import Settings, get_settings
from bot.storage.records import Storage


def settings() -> Settings:
    return get_settings()


def content(language: str | None = None) -> Content:
    """The country's content in the doctor's language (the `language` slot), the default file's otherwise."""
    return content_from(content_file_for(str(get_settings().content_file), language))


@lru_cache(maxsize=1)
def storage() -> Storage:
    current = get_settings()
    # The schema is made by the migrations (bot/storage/migrate.py), which bot.ops.launch runs before the servers.
    return Storage(current.database_url, current.handoff_retention_days, current.intake_retention_days)
