"""The action server's shared resources (settings, content, storage), created once per process."""

from __future__ import annotations

from functools import lru_cache

from bot.content import Content, content_from
from bot.settings import get_settings
from bot.storage import Storage


def content() -> Content:
    return content_from(str(get_settings().content_file))


@lru_cache(maxsize=1)
def storage() -> Storage:
    settings = get_settings()
    store = Storage(settings.database_url, settings.handoff_retention_days)
    store.create_schema()
    return store
