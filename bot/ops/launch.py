"""Start the Rasa server and the action server together; Ctrl-C (or SIGTERM) stops both.

    python -m bot.ops.launch [--model models/doctor-support.tar.gz] [--shell] [--role rasa|actions|web]

With --shell, Rasa's interactive shell takes the place of the Rasa server (to chat in the terminal).

Ports, token and stores come from .env through bot.settings.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bot.settings import ROOT, Settings, get_settings
from bot.storage.migrate import upgrade

DEFAULT_MODEL = ROOT / "models" / "doctor-support.tar.gz"


# On one machine (make run, make cluster, the tests) the Rasa server and the action server listen on loopback only:
# the REST webhook and the action server take no token, and a forged tracker sent to the action server could store
# a summary or a handoff request. Only the web server faces the network. Containers (--role) listen on every
# interface of their own internal network (docs/deploy.md).
LOOPBACK = "127.0.0.1"
EVERY_INTERFACE = "0.0.0.0"


def child_env(settings: Settings, interface: str = LOOPBACK) -> dict:
    """The environment the servers get: endpoints.yml expands these (the store URLs may hold passwords)."""
    env = dict(os.environ)
    env.update(
        SANIC_HOST=interface,  # where the action server (rasa_sdk) listens
        ACTION_SERVER_URL=settings.action_server_url,
        TRACKER_DB=str(settings.tracker_db_path),
        TRACKER_STORE_URL=settings.tracker_db_url,
        LOCK_STORE_URL=settings.lock_store_url,
        TRACKER_COMPACT_AFTER_EVENTS=str(settings.tracker_compact_after_events),
        PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
        TF_CPP_MIN_LOG_LEVEL="3",
        RASA_TELEMETRY_ENABLED="false",  # Rasa's usage reports: nothing leaves the machine
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
    )
    return env


def action_command(port: int) -> list[str]:
    return [str(Path(sys.executable).with_name("rasa")), "run", "actions", "--port", str(port), "--actions", "actions"]


def rasa_command(settings: Settings, model: Path, port: int, interface: str = LOOPBACK) -> list[str]:
    """`rasa run`, through components/rasa_server.py: TensorFlow is not loaded for a model that needs none."""
    return [
        sys.executable,
        "-m",
        "components.rasa_server",
        "run",
        "--enable-api",
        "--auth-token",
        settings.rasa_api_token,
        "--interface",
        interface,
        "--port",
        str(port),
        "--model",
        str(model),
        "--endpoints",
        str(ROOT / "endpoints.yml"),
        "--credentials",
        str(ROOT / "credentials.yml"),
        "--cors",
        *settings.allowed_origins,
    ]


def server_commands(settings: Settings, model: Path, shell: bool = False) -> list[list[str]]:
    """[action server, Rasa server] on the ports of `settings`; with `shell`, Rasa's terminal chat instead."""
    if shell:
        rasa = str(Path(sys.executable).with_name("rasa"))
        shell_cmd = [rasa, "shell", "--model", str(model), "--endpoints", str(ROOT / "endpoints.yml")]
        return [action_command(settings.action_port), shell_cmd + ["--port", str(settings.rasa_port)]]
    return [action_command(settings.action_port), rasa_command(settings, model, settings.rasa_port)]


ROLES = ("rasa", "actions", "web")


def missing_secret(settings: Settings, roles: tuple[str, ...]) -> str | None:
    """What stops these servers from starting safely: the Rasa API token (Rasa and the web server), the secret
    key (the web server)."""
    if {"rasa", "web"} & set(roles) and not settings.rasa_api_token:
        return "RASA_API_TOKEN is empty: run `make .env` or set it in .env"
    if "web" in roles and not settings.secret_key:
        return "SECRET_KEY is empty: run `make .env` or set it in .env"
    return None


def run_role(role: str, settings: Settings, model: Path) -> int:
    """Become one of the servers (exec, so signals reach it directly), with the environment `make run` gives."""
    problem = missing_secret(settings, (role,))
    if problem:
        print(problem, file=sys.stderr)
        return 2
    if role == "rasa" and not model.exists():
        print(f"no trained model at {model}", file=sys.stderr)
        return 2
    command = {
        "rasa": lambda: rasa_command(settings, model, settings.rasa_port, EVERY_INTERFACE),
        "actions": lambda: action_command(settings.action_port),
        "web": lambda: [sys.executable, "-m", "bot.web.app"],
    }[role]()
    os.chdir(ROOT)
    os.execvpe(command[0], command, child_env(settings, EVERY_INTERFACE))
    return 0  # not reached


def free_port() -> int:
    """A free TCP port on the loopback interface (tests and the benchmark start servers on them)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_ready(url: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--shell", action="store_true", help="chat in the terminal instead of serving HTTP")
    parser.add_argument(
        "--role",
        choices=("all", *ROLES),
        default="all",
        help="one server only, in place of this process (a container's entry point: docs/deploy.md)",
    )
    args = parser.parse_args(argv)
    settings = get_settings()
    if args.role != "all":
        return run_role(args.role, settings, args.model)
    problem = missing_secret(settings, ROLES)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    upgrade(settings.database_url)  # before any server uses the database; replicas then find it ready
    if not args.model.exists():
        print(f"no trained model at {args.model}: run `make train`", file=sys.stderr)
        return 2
    settings.tracker_db_path.parent.mkdir(parents=True, exist_ok=True)
    env = child_env(settings)
    action_cmd, rasa_cmd = server_commands(settings, args.model, args.shell)
    action_server = subprocess.Popen(action_cmd, cwd=ROOT, env=env)
    rasa_server = subprocess.Popen(rasa_cmd, cwd=ROOT, env=env)
    web_server = None if args.shell else subprocess.Popen([sys.executable, "-m", "bot.web.app"], cwd=ROOT, env=env)
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True
        for process in (rasa_server, action_server, web_server):
            if process is not None and process.poll() is None:
                process.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if not args.shell and wait_until_ready(f"http://127.0.0.1:{settings.rasa_port}/", 180):
        print(f"Assistant ready: http://localhost:{settings.web_port}/ (Rasa on port {settings.rasa_port})", flush=True)
    try:
        # The Rasa server gives crisis help on its own, so it keeps running while a crashed action server
        # is started again; when the Rasa server itself ends, everything ends.
        while not stopping and rasa_server.poll() is None:
            if action_server.poll() is not None and not stopping:
                print("action server ended; starting it again", file=sys.stderr, flush=True)
                time.sleep(1)
                action_server = subprocess.Popen(action_cmd, cwd=ROOT, env=env)
            time.sleep(0.5)
    finally:
        stop()
        for process in (p for p in (rasa_server, action_server, web_server) if p is not None):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
