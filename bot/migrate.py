"""Build or bring up to date the assistant's database (DATABASE_URL) with the Alembic migrations.

python -m bot.migrate            (make run and the tests do it before anything else)
python -m bot.migrate --sql      (print the SQL instead, for a DBA to review)
"""

from __future__ import annotations

import argparse
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from bot.settings import get_settings

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(engine: sa.engine.Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(database_url: str) -> str:
    """Migrate to the newest schema; returns the revision the database is at."""
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(database_url, future=True)
    try:
        config = alembic_config(database_url)
        with engine.begin() as connection:
            # A database made by the first release (create_all, no Alembic) already has revision 0001's table.
            inspector = sa.inspect(connection)
            if inspector.has_table("handoff_requests") and not inspector.has_table("alembic_version"):
                config.attributes["connection"] = connection
                command.stamp(config, "0001")
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        return current_revision(engine)
    finally:
        engine.dispose()


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
