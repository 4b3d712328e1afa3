"""A container runs one role: `python -m bot.ops.launch --role actions|rasa|web` is that server (docs/deploy.md)."""

import os
import signal
import subprocess
import sys

from bot.ops.launch import free_port, wait_until_ready
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
        [sys.executable, "-m", "bot.ops.launch", "--role", role, "--model", str(MODEL)],
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


def test_make_run_listens_on_loopback_and_a_container_role_on_every_interface(monkeypatch):
    from bot.ops import launch
    from bot.settings import load_settings

    settings = load_settings(overrides={"RASA_API_TOKEN": "t", "SECRET_KEY": "k"})
    actions, rasa = launch.server_commands(settings, MODEL)
    assert rasa[rasa.index("--interface") + 1] == "127.0.0.1"
    assert launch.child_env(settings)["SANIC_HOST"] == "127.0.0.1"
    started = {}
    monkeypatch.setattr(launch.os, "chdir", lambda _path: None)
    monkeypatch.setattr(launch.os, "execvpe", lambda _file, command, env: started.update(command=command, env=env))
    for role in ("rasa", "actions"):
        launch.run_role(role, settings, MODEL)
        assert started["env"]["SANIC_HOST"] == "0.0.0.0", role
    launch.run_role("rasa", settings, MODEL)
    assert started["command"][started["command"].index("--interface") + 1] == "0.0.0.0"
