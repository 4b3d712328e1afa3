"""The web server's tests: a real server per module, on SQLite and on PostgreSQL."""

import contextlib
import os
import subprocess
import sys

import pytest

from bot.ops.launch import free_port, wait_until_ready
from bot.settings import ROOT
from bot.storage.counsellors import Counsellors
from bot.storage.migrate import upgrade
from bot.storage.records import Storage
from tests.services import fresh_postgres_database
from tests.web.webclient import PASSWORD


@contextlib.contextmanager
def running_web(tmp, kind: str, **extra_env: str):
    """A web server of its own on a fresh SQLite file or PostgreSQL database, with the accounts kari and ola (admin);
    `extra_env` on top (RASA_URL, limits)."""
    drop = None
    if kind == "sqlite":
        url = f"sqlite:///{tmp / 'bot.db'}"
    else:
        url, drop = fresh_postgres_database()
    upgrade(url)
    port = free_port()
    secret = "web-test-" + os.urandom(8).hex()
    env = dict(os.environ, DATABASE_URL=url, WEB_PORT=str(port), SECRET_KEY=secret, TRACKER_DB=str(tmp / "rasa.db"))
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra_env)
    with open(tmp / "web.log", "wb") as log:
        server = subprocess.Popen([sys.executable, "-m", "bot.web.app"], cwd=ROOT, env=env, stdout=log, stderr=log)
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


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def web(request, tmp_path_factory):
    with running_web(tmp_path_factory.mktemp("web"), request.param) as server:
        yield server
