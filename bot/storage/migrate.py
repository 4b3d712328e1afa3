"""Build or bring up to date the assistant's database (DATABASE_URL) with the Alembic migrations.

python -m bot.ops.migrate            (make run and the tests do it before anything else)
python -m bot.ops.migrate --sql      (print the SQL instead, for a DBA to review)
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

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
