"""The migrations build a fresh database that matches the models, go down and up again, and take over a
database made by the first release (before Alembic)."""

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bot.storage.migrate import alembic_config, current_revision, head_revision, upgrade
from bot.storage.models import Base


def test_a_fresh_database_is_built_to_the_newest_revision_and_matches_the_models(database_url):
    engine = sa.create_engine(database_url)
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        tables = set(sa.inspect(connection).get_table_names())
    assert {"intakes", "intake_tallies", "handoff_requests", "counsellors", "counsellor_sessions"} <= tables
    assert {"failed_attempts", "audit_log", "alembic_version"} <= tables
    engine.dispose()


def test_down_to_nothing_and_up_again(database_url):
    command.downgrade(alembic_config(database_url), "base")
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        assert set(sa.inspect(connection).get_table_names()) <= {"alembic_version"}
    assert upgrade(database_url) == head_revision()
    engine.dispose()


def test_upgrading_twice_changes_nothing(database_url):
    assert upgrade(database_url) == upgrade(database_url) == head_revision()


def test_a_database_of_the_first_release_is_taken_over_with_its_handoff_requests(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:  # the table as the first release's create_all made it
        connection.execute(
            sa.text(
                "CREATE TABLE handoff_requests (id INTEGER PRIMARY KEY, code VARCHAR(8) NOT NULL, "
                "created_at DATETIME NOT NULL, expires_at DATETIME NOT NULL, crisis BOOLEAN NOT NULL, "
                "themes JSON NOT NULL, taken_at DATETIME)"
            )
        )
        connection.execute(sa.text("CREATE UNIQUE INDEX ix_handoff_requests_code ON handoff_requests (code)"))
        connection.execute(
            sa.text(
                "INSERT INTO handoff_requests (code, created_at, expires_at, crisis, themes) "
                "VALUES ('ACDE7FGH', '2026-11-01 10:00:00', '2026-12-30 10:00:00', 1, '{}')"
            )
        )
    assert upgrade(url) == head_revision()
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT code, taken_by FROM handoff_requests")).all() == [("ACDE7FGH", None)]
    engine.dispose()
