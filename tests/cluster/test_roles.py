"""A container runs one role: `python -m bot.launch --role actions|rasa|web` becomes that server (docs/deploy.md)."""

import os
import signal
import subprocess
import sys

from bot.launch import free_port, wait_until_ready
from tests.cluster.conftest import MODEL, ROOT


def start_role(role: str, tmp_path, **env) -> subprocess.Popen:
    environment = {
        **os.environ,
        "TRACKER_DB": str(tmp_path / "rasa.db"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "RASA_API_TOKEN": "role-test",
        "SECRET_KEY": "role-test",
        **env,
    }
    log = open(tmp_path / f"{role}.log", "ab")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(
        [sys.executable, "-m", "bot.launch", "--role", role, "--model", str(MODEL)],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def test_the_action_server_role_serves_and_stops_on_sigterm(tmp_path):
    port = free_port()
    process = start_role("actions", tmp_path, ACTION_PORT=str(port))
    try:
        assert wait_until_ready(f"http://127.0.0.1:{port}/health", 60)
    finally:
        process.send_signal(signal.SIGTERM)  # exec'd: the signal reaches the server itself
        assert process.wait(timeout=30) is not None


def test_a_role_without_its_secret_refuses_to_start(tmp_path):
    process = start_role("web", tmp_path, SECRET_KEY="", WEB_PORT=str(free_port()))
    assert process.wait(timeout=30) == 2
    assert "SECRET_KEY is empty" in (tmp_path / "web.log").read_text()
