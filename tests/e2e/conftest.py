"""End-to-end: the real Rasa server and action server on free ports, talked to over HTTP as the page does."""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.ops.launch import child_env, free_port, server_commands
from bot.settings import load_settings
from bot.storage.migrate import upgrade

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "doctor-support.tar.gz"
SHARED_EVAL = ROOT.parent / "shared" / "eval"


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise TimeoutError(f"{what} not ready after {timeout} s")


def http(url: str, method: str = "GET", body: bytes | None = None, headers: dict | None = None, timeout: float = 60):
    """One HTTP request: (status, headers, body), for refusals as for successes."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            return reply.status, reply.headers, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except OSError:
        return False


class Servers:
    def __init__(self, tmp: Path):
        token = "e2e-" + os.urandom(8).hex()
        self.rasa_port, self.action_port, self.web_port = free_port(), free_port(), free_port()
        self.settings = load_settings(
            overrides={
                "RASA_API_TOKEN": token,
                "RASA_PORT": str(self.rasa_port),
                "WEB_PORT": str(self.web_port),
                "ACTION_PORT": str(self.action_port),
                "TRACKER_DB": str(tmp / "rasa.db"),
                "DATABASE_URL": f"sqlite:///{tmp / 'bot.db'}",
                # Every e2e conversation is rewritten compactly every few turns (components/tracker_store.py),
                # so all these tests also check that compaction changes nothing a doctor sees.
                "TRACKER_COMPACT_AFTER_EVENTS": "20",
                "ACTION_TIMEOUT_SECONDS": "3",
            }
        )
        self.env = child_env(self.settings)
        self.env.update(
            DATABASE_URL=self.settings.database_url,
            RASA_API_TOKEN=token,
            WEB_PORT=str(self.web_port),
            RASA_URL=f"http://127.0.0.1:{self.rasa_port}",
            ALLOWED_ORIGINS=f"http://127.0.0.1:{self.web_port}",
            SECRET_KEY="e2e-" + os.urandom(16).hex(),
            ACTION_TIMEOUT_SECONDS="3",
        )
        self.web_url = f"http://127.0.0.1:{self.web_port}"
        self.web_server = None
        self.logs = tmp
        self.url = f"http://127.0.0.1:{self.rasa_port}"
        self.token = token
        self.action_server = None
        self.rasa_server = None

    def _start(self, command, name):
        with open(self.logs / f"{name}.log", "ab") as log:
            return subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def start_action_server(self):
        self.action_server = self._start(server_commands(self.settings, MODEL)[0], "actions")
        wait_until(lambda: answers(f"http://127.0.0.1:{self.action_port}/health"), 60, "action server")

    def stop_action_server(self):
        self.action_server.terminate()
        self.action_server.wait(timeout=20)
        wait_until(lambda: not answers(f"http://127.0.0.1:{self.action_port}/health"), 20, "action server stop")

    def start_rasa_server(self, wait: bool = True):
        self.rasa_server = self._start(server_commands(self.settings, MODEL)[1], "rasa")
        if wait:
            wait_until(lambda: answers(self.url + "/"), 240, "Rasa server")

    def start_web_server(self, wait: bool = True):
        self.web_server = self._start([sys.executable, "-m", "bot.web.app"], "web")
        if wait:
            wait_until(lambda: answers(self.web_url + "/healthz"), 60, "web server")

    @staticmethod
    def stop_process(process):
        if process and process.poll() is None:
            process.terminate()
            process.wait(timeout=30)

    def start(self):
        upgrade(self.settings.database_url)
        self.start_action_server()
        self.start_rasa_server(wait=False)
        self.start_web_server(wait=False)
        wait_until(lambda: answers(self.url + "/"), 240, "Rasa server")
        wait_until(lambda: answers(self.web_url + "/healthz"), 60, "web server")

    def stop(self):
        for process in (self.rasa_server, self.action_server, self.web_server):
            self.stop_process(process)

    def log_text(self) -> str:
        return "".join(log.read_text(errors="replace") for log in sorted(self.logs.glob("*.log")))

    def stored_events(self, sender: str) -> int:
        import sqlite3

        with sqlite3.connect(self.settings.tracker_db_path) as db:
            return db.execute("SELECT count(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[0]

    def say(self, sender: str, text: str) -> list:
        body = json.dumps({"sender": sender, "message": text}).encode()
        request = urllib.request.Request(
            self.url + "/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"[]")

    def slots(self, sender: str) -> dict:
        url = f"{self.url}/conversations/{sender}/tracker?token={self.token}"
        with urllib.request.urlopen(url, timeout=30) as response:
            return json.loads(response.read())["slots"]


@pytest.fixture(scope="session")
def servers(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` first")
    running = Servers(tmp_path_factory.mktemp("e2e"))
    try:
        running.start()
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def python():
    return sys.executable


CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is missing: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    # No internet here: the neutral site that "quick exit" goes to is answered locally.
    context.route("https://www.yr.no/**", lambda route: route.fulfill(body="<p>Weather</p>", content_type="text/html"))
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    yield tab
    context.close()


@pytest.fixture
def tab_for(browser):
    """Tabs of a given size and language (nb: a Norwegian Accept-Language), each in its own context."""
    contexts = []

    def make(size=None, lang="en"):
        context = browser.new_context(
            viewport=size or {"width": 1280, "height": 800}, locale="nb-NO" if lang == "nb" else "en-GB"
        )
        context.route("https://www.yr.no/**", lambda r: r.fulfill(body="<p>Weather</p>", content_type="text/html"))
        contexts.append(context)
        tab = context.new_page()
        tab.errors = []
        tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
        return tab

    yield make
    for context in contexts:
        context.close()
