"""Several Rasa servers behind one address, on one machine: for testing the set-up a national service needs.

    python -m bot.ops.cluster [--replicas 2] [--action-servers 1] [--model ...]      (make cluster)

Starts N Rasa replicas and M action servers on ports of their own, an nginx balancer in front of each
group (Debian's nginx; `make cluster` installs it when missing), and the web server pointing at the
balancer. Every replica shares one PostgreSQL tracker store and one Redis lock store, so any replica can
take any turn of any conversation:

- TRACKER_STORE_URL, LOCK_STORE_URL and DATABASE_URL from .env when set; otherwise this machine's
  PostgreSQL (databases `doctor_support_cluster` and `doctor_support_cluster_conversations`, created when
  missing) and Redis (127.0.0.1:6379, database 0);
- the Rasa balancer listens on RASA_PORT and the action-server balancer on ACTION_PORT, so the web server
  and the replicas find them where one server would be; replicas and action servers take the ports after
  those (RASA_PORT+1…, ACTION_PORT+1…).

Ctrl-C stops everything. A process that ends on its own is started again; nginx keeps sending turns to the
other replicas meanwhile (`proxy_next_upstream`).
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from bot.ops.launch import (
    DEFAULT_MODEL,
    ROLES,
    action_command,
    child_env,
    free_port,
    missing_secret,
    rasa_command,
    wait_until_ready,
)
from bot.ops.migrate import create_tracker_tables
from bot.settings import ROOT, Settings, get_settings, load_settings
from bot.storage.migrate import upgrade

LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432"
LOCAL_REDIS = "redis://127.0.0.1:6379/0"
NGINX_CANDIDATES = ("nginx", "/usr/sbin/nginx")


def find_nginx() -> str | None:
    for candidate in NGINX_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def ensure_postgres_database(url: str) -> None:
    """Create the PostgreSQL database `url` names when it is missing (logging in to `postgres`)."""
    target = sa.engine.make_url(url)
    if target.get_backend_name() != "postgresql":
        return
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT", future=True)
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
            ).first()
            if not exists:
                connection.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    finally:
        admin.dispose()


def scratch_postgres_database(server_url: str, prefix: str) -> tuple[str, Callable[[], None]]:
    """A new, empty database on the server of `server_url` (tests, benchmarks), and a function that drops it."""
    name = prefix + secrets.token_hex(6)
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT", future=True)
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except Exception:
        admin.dispose()
        raise

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(
                sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name}
            )
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()

    return str(sa.engine.make_url(server_url).set(database=name)), drop


def nginx_config(folder: Path, rasa_port: int, replicas: list[int], action_port: int, actions: list[int]) -> str:
    """A balancer for the Rasa replicas and one for the action servers, on loopback, logging no requests."""

    def upstream(name: str, ports: list[int]) -> str:
        servers = "\n".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in ports)
        return f"  upstream {name} {{\n{servers}\n    keepalive 64;\n  }}\n"

    def server(port: int, name: str, read_timeout: int) -> str:
        return (
            f"  server {{\n"
            f"    listen 127.0.0.1:{port};\n"
            f"    location / {{\n"
            f"      proxy_pass http://{name};\n"
            f"      proxy_http_version 1.1;\n"
            f'      proxy_set_header Connection "";\n'
            f"      proxy_set_header X-Forwarded-For $remote_addr;\n"
            # A replica that refuses or fails: the turn goes to the next one (a POST only when it was not
            # yet sent, nginx's rule, so a turn is never played twice).
            f"      proxy_next_upstream error timeout http_502 http_503;\n"
            f"      proxy_connect_timeout 2s;\n"
            f"      proxy_read_timeout {read_timeout}s;\n"
            f"    }}\n"
            f"  }}\n"
        )

    temp = folder / "tmp"
    return (
        f"worker_processes 1;\n"
        f"daemon off;\n"
        f"pid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'nginx-error.log'} warn;\n"
        f"events {{ worker_connections 4096; }}\n"
        f"http {{\n"
        f"  access_log off;\n"
        f"  client_max_body_size 1m;\n"
        # Rasa sends the action server the whole conversation (tens of kB) on every action: buffered to a
        # file and sent in pieces without TCP_NODELAY, that cost 40 ms a call (a delayed ACK), measured.
        f"  client_body_buffer_size 1m;\n"
        f"  proxy_request_buffering off;\n"
        f"  proxy_buffer_size 64k;\n"
        f"  proxy_buffers 16 64k;\n"
        f"  client_body_temp_path {temp}/body;\n"
        f"  proxy_temp_path {temp}/proxy;\n"
        f"  fastcgi_temp_path {temp}/fastcgi;\n"
        f"  uwsgi_temp_path {temp}/uwsgi;\n"
        f"  scgi_temp_path {temp}/scgi;\n"
        + upstream("rasa", replicas)
        + upstream("actions", actions)
        + server(rasa_port, "rasa", 60)
        + server(action_port, "actions", 30)
        + "}\n"
    )


@dataclass
class Cluster:
    """The processes of a one-machine cluster. `start()` returns when every one of them answers."""

    settings: Settings
    model: Path
    folder: Path
    replica_ports: list[int]
    action_ports: list[int]
    with_web: bool = True
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def balancer_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.rasa_port}"

    def replica_url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.replica_ports[index]}"

    def env(self) -> dict:
        env = child_env(self.settings)
        env.update(
            RASA_API_TOKEN=self.settings.rasa_api_token,
            SECRET_KEY=self.settings.secret_key,
            DATABASE_URL=self.settings.database_url,
            RASA_PORT=str(self.settings.rasa_port),
            ACTION_PORT=str(self.settings.action_port),
            WEB_PORT=str(self.settings.web_port),
            ALLOWED_ORIGINS=",".join(self.settings.allowed_origins),
            RASA_URL=self.balancer_url,
            # The live chats' wake-ups between web servers (bot/web/notify.py): REDIS_URL, else the lock store's.
            REDIS_URL=self.settings.live_redis_url,
            SQL_POOL_SIZE="10",
            SQL_MAX_OVERFLOW="20",
        )
        return env

    def commands(self) -> dict[str, list[str]]:
        commands = {"nginx": [find_nginx() or "nginx", "-c", str(self.folder / "nginx.conf"), "-p", str(self.folder)]}
        for index, port in enumerate(self.action_ports):
            commands[f"actions-{index + 1}"] = action_command(port)
        for index, port in enumerate(self.replica_ports):
            commands[f"rasa-{index + 1}"] = rasa_command(self.settings, self.model, port)
        if self.with_web:
            commands["web"] = [sys.executable, "-m", "bot.web.app"]
        return commands

    def prepare(self) -> None:
        if find_nginx() is None:
            raise RuntimeError("nginx is not installed: `make cluster` installs it (apt-get install nginx-light)")
        for url in (self.settings.database_url, self.settings.tracker_db_url):
            ensure_postgres_database(url)
        upgrade(self.settings.database_url)
        create_tracker_tables(self.settings.tracker_db_url)
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.folder / "tmp" / sub).mkdir(parents=True, exist_ok=True)
        (self.folder / "nginx.conf").write_text(
            nginx_config(
                self.folder, self.settings.rasa_port, self.replica_ports, self.settings.action_port, self.action_ports
            )
        )

    def start_process(self, name: str) -> subprocess.Popen:
        with open(self.folder / f"{name}.log", "ab") as log:
            process = subprocess.Popen(
                self.commands()[name], cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT
            )
        self.processes[name] = process
        return process

    def ready_url(self, name: str) -> str:
        kind, _, number = name.partition("-")
        if kind == "rasa":
            return self.replica_url(int(number) - 1) + "/"
        if kind == "actions":
            return f"http://127.0.0.1:{self.action_ports[int(number) - 1]}/health"
        if kind == "web":
            return f"http://127.0.0.1:{self.settings.web_port}/healthz"
        return f"http://127.0.0.1:{self.settings.action_port}/health"  # nginx, through to an action server

    def wait_ready(self, name: str, timeout: float = 240) -> None:
        if not wait_until_ready(self.ready_url(name), timeout):
            raise TimeoutError(f"{name} did not answer within {timeout:.0f} s (log: {self.folder / name}.log)")

    def start(self, timeout: float = 300) -> None:
        self.prepare()
        for name in self.commands():
            self.start_process(name)
        deadline = time.monotonic() + timeout
        for name in self.commands():
            self.wait_ready(name, max(5.0, deadline - time.monotonic()))

    def stop_process(self, name: str, timeout: float = 30) -> None:
        process = self.processes.get(name)
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def stop(self) -> None:
        for name in reversed(list(self.processes)):
            self.stop_process(name)

    def pids(self) -> dict[str, int]:
        return {name: process.pid for name, process in self.processes.items() if process.poll() is None}


def cluster_settings() -> Settings:
    """The settings a cluster runs with: .env's, with PostgreSQL and Redis on this machine where .env has none."""
    base = get_settings()
    extra = {}
    if not base.tracker_store:
        extra["TRACKER_STORE_URL"] = f"{LOCAL_POSTGRES}/doctor_support_cluster_conversations"
    if not base.lock_store_url:
        extra["LOCK_STORE_URL"] = LOCAL_REDIS
    if base.database_url.startswith("sqlite"):
        extra["DATABASE_URL"] = f"{LOCAL_POSTGRES}/doctor_support_cluster"
    return load_settings(overrides=extra) if extra else base


def scratch_cluster_settings(tracker_url: str, database_url: str, lock_url: str) -> Settings:
    """Settings for a throw-away cluster (tests, benchmark): fresh secrets and free ports on loopback."""
    web_port = free_port()
    return load_settings(
        overrides={
            "RASA_API_TOKEN": "scratch-" + secrets.token_hex(8),
            "SECRET_KEY": "scratch-" + secrets.token_hex(16),
            "RASA_PORT": str(free_port()),
            "ACTION_PORT": str(free_port()),
            "WEB_PORT": str(web_port),
            "ALLOWED_ORIGINS": f"http://127.0.0.1:{web_port}",
            "TRACKER_STORE_URL": tracker_url,
            "LOCK_STORE_URL": lock_url,
            "DATABASE_URL": database_url,
        }
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=int(os.environ.get("REPLICAS", "2")))
    parser.add_argument("--action-servers", type=int, default=int(os.environ.get("ACTION_SERVERS", "1")))
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    args = parser.parse_args(argv)
    if args.replicas < 1 or args.action_servers < 1:
        parser.error("at least one replica and one action server")
    settings = cluster_settings()
    problem = missing_secret(settings, ROLES)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    if not args.model.exists():
        print(f"no trained model at {args.model}: run `make train`", file=sys.stderr)
        return 2
    cluster = Cluster(
        settings,
        args.model,
        ROOT / "var" / "cluster",
        [settings.rasa_port + 1 + i for i in range(args.replicas)],
        [settings.action_port + 1 + i for i in range(args.action_servers)],
    )
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        cluster.start()
        print(
            f"Cluster ready: http://localhost:{settings.web_port}/ → nginx {cluster.balancer_url} → "
            f"{args.replicas} Rasa replicas (ports {', '.join(map(str, cluster.replica_ports))}) → nginx "
            f":{settings.action_port} → {args.action_servers} action servers; logs in {cluster.folder}",
            flush=True,
        )
        while not stopping:
            for name, process in list(cluster.processes.items()):
                if process.poll() is not None and not stopping:
                    print(f"{name} ended (exit {process.returncode}); starting it again", file=sys.stderr, flush=True)
                    cluster.start_process(name)
            time.sleep(0.5)
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
