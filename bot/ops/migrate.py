"""Create or update the assistant's database, and Rasa's table in the tracker store (make migrate).

    python -m bot.ops.migrate [--sql] [--tracker-store]

Our schema is bot/storage/migrations (bot/storage/migrate.py); Rasa's `events` table is Rasa's own, made here, the
one storage step that imports Rasa, so bot/storage never does.
"""

from __future__ import annotations

import argparse

import sqlalchemy as sa
from alembic import command

from bot.settings import get_settings
from bot.storage.migrate import alembic_config, upgrade


def create_tracker_tables(url: str) -> None:
    """Rasa's `events` table in the tracker store, made once before several replicas start (so they do not
    race to make it). Rasa owns that table; this only runs Rasa's own `create_all`."""
    from rasa.core.tracker_store import SQLTrackerStore

    engine = sa.create_engine(url)
    try:
        SQLTrackerStore.Base.metadata.create_all(engine)
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Create or update the assistant's database (DATABASE_URL).")
    parser.add_argument("--sql", action="store_true", help="print the SQL of every migration instead of running it")
    parser.add_argument(
        "--tracker-store", action="store_true", help="also create Rasa's table in TRACKER_STORE_URL (before replicas)"
    )
    args = parser.parse_args(argv)
    settings = get_settings()
    url = settings.database_url
    if args.sql:
        command.upgrade(alembic_config(url), "head", sql=True)
        return 0
    revision = upgrade(url)
    print(f"database at revision {revision}")
    if args.tracker_store:
        create_tracker_tables(settings.tracker_db_url)
        print("tracker store ready")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
