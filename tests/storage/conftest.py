"""Every storage test runs twice: on a fresh SQLite file and on a fresh PostgreSQL database (this machine's
server, 127.0.0.1:5432, trust auth; TEST_POSTGRES_URL overrides it). Both are built by the migrations."""

import secrets

import pytest
import sqlalchemy as sa

from bot.storage.counsellors import Counsellors
from bot.storage.migrate import upgrade
from bot.storage.records import Storage
from tests.services import fresh_postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'bot.db'}"
        upgrade(url)
        yield url
        return
    url, drop = fresh_postgres_database()
    try:
        upgrade(url)
        yield url
    finally:
        drop()


@pytest.fixture
def store(database_url):
    storage = Storage(database_url, handoff_retention_days=7, intake_retention_days=30)
    yield storage
    storage.engine.dispose()


@pytest.fixture
def accounts(store):
    return Counsellors(store, secret_key="test-" + secrets.token_hex(8), session_minutes=30)


def all_rows(engine) -> str:
    """Every row of every table, as one string: for 'this phrase is nowhere' checks."""
    dump = []
    with engine.connect() as connection:
        for table in sa.inspect(connection).get_table_names():
            for row in connection.execute(sa.text(f'SELECT * FROM "{table}"')):
                dump.append(" ".join(str(value) for value in row))
    return "\n".join(dump)
