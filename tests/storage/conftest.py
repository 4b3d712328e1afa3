"""Every storage test runs twice: on a fresh SQLite file and on a fresh PostgreSQL database (this machine's
server, 127.0.0.1:5432, trust auth; TEST_POSTGRES_URL overrides it). Both are built by the migrations."""

import os
import secrets
import subprocess
import sys

import pytest
import sqlalchemy as sa

from bot.counsellors import Counsellors
from bot.launch import free_port, wait_until_ready
from bot.migrate import upgrade
from bot.settings import ROOT
from bot.storage import Storage
from tests.services import fresh_postgres_database
from tests.storage.webclient import PASSWORD


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


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def web(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("web")
    drop = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp / 'bot.db'}"
    else:
        url, drop = fresh_postgres_database()
    upgrade(url)
    port = free_port()
    secret = "web-test-" + os.urandom(8).hex()
    env = dict(os.environ, DATABASE_URL=url, WEB_PORT=str(port), SECRET_KEY=secret, TRACKER_DB=str(tmp / "rasa.db"))
    env["PYTHONPATH"] = str(ROOT)
    with open(tmp / "web.log", "wb") as log:
        server = subprocess.Popen([sys.executable, "-m", "bot.webapp"], cwd=ROOT, env=env, stdout=log, stderr=log)
    storage = Storage(url)
    accounts = Counsellors(storage, secret)
    accounts.add("kari", PASSWORD)
    accounts.add("ola", PASSWORD, is_admin=True)
    try:
        if not wait_until_ready(f"http://127.0.0.1:{port}/healthz", 60):
            pytest.fail("web server did not start: " + (tmp / "web.log").read_text())
        yield type(
            "Web",
            (),
            {"url": f"http://127.0.0.1:{port}", "storage": storage, "accounts": accounts, "log": tmp / "web.log"},
        )
    finally:
        server.terminate()
        server.wait(timeout=20)
        storage.engine.dispose()
        if drop:
            drop()
