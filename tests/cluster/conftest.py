"""A real cluster on this machine for the tests: two Rasa replicas and an action server behind nginx, one
PostgreSQL tracker store and one Redis lock store (bot/ops/cluster.py, as `make cluster` starts it)."""

import contextlib
import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from bot.ops.cluster import Cluster, find_nginx, scratch_cluster_settings
from bot.ops.launch import free_port, wait_until_ready
from tests.services import REDIS, fresh_postgres_database, redis_or_fail

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "doctor-support.tar.gz"
VIGNETTES = ROOT.parent / "shared" / "eval" / "vignettes-dev.json"


class TestCluster(Cluster):
    __test__ = False

    def say(self, url: str, sender: str, text: str) -> list:
        body = json.dumps({"sender": sender, "message": text}).encode()
        request = urllib.request.Request(
            url + "/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read() or b"[]")

    @contextlib.contextmanager
    def another_web_server(self, name: str):
        """A second web server process on the cluster's PostgreSQL and Redis, as a load balancer would spread them;
        yields its port."""
        port = free_port()
        env = dict(self.env(), WEB_PORT=str(port))
        with open(self.folder / f"{name}.log", "ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "bot.web.app"], cwd=self.folder, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        try:
            assert wait_until_ready(f"http://127.0.0.1:{port}/healthz", 60), f"{name} did not start"
            yield port
        finally:
            process.terminate()
            process.wait(timeout=30)

    def tracker(self, sender: str, url: str | None = None) -> dict:
        address = f"{url or self.balancer_url}/conversations/{sender}/tracker?token={self.settings.rasa_api_token}"
        with urllib.request.urlopen(address, timeout=30) as response:
            return json.loads(response.read())


@pytest.fixture(scope="session")
def cluster(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` first")
    if find_nginx() is None:
        pytest.fail("nginx is needed: `make cluster-setup` installs it")
    redis_or_fail()
    tracker_url, drop_tracker = fresh_postgres_database()
    database_url, drop_database = fresh_postgres_database()
    settings = scratch_cluster_settings(tracker_url, database_url, REDIS)
    running = TestCluster(
        settings, MODEL, tmp_path_factory.mktemp("cluster"), [free_port(), free_port()], [free_port()]
    )
    try:
        running.start()
        yield running
    finally:
        running.stop()
        drop_tracker()
        drop_database()


@pytest.fixture(scope="session")
def personas():
    if not VIGNETTES.exists():
        pytest.fail(f"the dev vignettes are needed at {VIGNETTES}")
    return [p for p in json.loads(VIGNETTES.read_text()) if not p.get("crisis")]
