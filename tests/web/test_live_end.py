"""Ending a live chat while a stream wakes (issue 16): the doctor's stream sends every message stored before
`ended`, the assistant's closing words included, even when it wakes while the web server waits on Rasa's resume
and closing reply. A stand-in for Rasa's HTTP API holds the closing reply back until the test lets it go."""

import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.ops.launch import free_port
from bot.storage.live import LiveChats
from tests.web.conftest import running_web
from tests.web.test_live import SLOTS_THEMES, read_events, signed_in

CLOSING = "Thank you for talking with us. You can call 113 or 116 123 at any time."


class FakeRasa(ThreadingHTTPServer):
    """Answers the tracker events API at once and `trigger_intent` only once `gate` is set (`asked` says it came)."""

    daemon_threads = True

    def __init__(self, port: int):
        self.asked, self.gate, self.calls = threading.Event(), threading.Event(), []
        super().__init__(("127.0.0.1", port), Handler)


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's name)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path = self.path.split("?")[0]
        self.server.calls.append(path.rsplit("/", 1)[-1])
        body = {}
        if path.endswith("/trigger_intent"):
            self.server.asked.set()
            self.server.gate.wait(20)
            body = {"messages": [{"text": CLOSING, "buttons": [{"title": "Go on", "payload": "/go_on"}]}]}
        raw = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *_args):
        pass


@pytest.fixture(scope="module")
def rasa():
    server = FakeRasa(free_port())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


@pytest.fixture(scope="module")
def web(rasa, tmp_path_factory):
    with running_web(
        tmp_path_factory.mktemp("web-end"), "sqlite", RASA_URL=f"http://127.0.0.1:{rasa.server_port}"
    ) as w:
        yield w


def test_a_stream_woken_while_rasa_writes_the_closing_reply_still_gets_it_before_ended(web, rasa):
    live = LiveChats(web.storage)
    conversation = secrets.token_hex(18)
    chat = live.open_chat(conversation, "ACDE7FGH", SLOTS_THEMES, crisis=False, lang="en")
    kari, token = signed_in(web)
    assert kari.go(f"/counsellor/live/{chat.id}/take", {"csrf": token})[0] == 303
    listening, got = threading.Event(), {}

    def until_ended(events):
        if any(kind == "state" for kind, _, _ in events):
            listening.set()
        return any(kind == "state" and data["state"] == "ended" for kind, _, data in events)

    def doctor():
        got["events"] = read_events(f"{web.url}/api/live/{conversation}/events", until_ended, timeout=30)

    reader = threading.Thread(target=doctor)
    reader.start()
    assert listening.wait(10), "the doctor's stream is open"

    ender = threading.Thread(
        target=lambda: kari.go(f"/counsellor/live/{chat.id}/end", {"csrf": token, "note": "Take care."}, "POST")
    )
    ender.start()
    try:
        assert rasa.asked.wait(10), "the web server asks Rasa for the closing reply"
        # Meanwhile the queue changes (another chat taken): every doctor's stream wakes and reads its chat again,
        # as it does at every keep-alive.
        other = live.open_chat(secrets.token_hex(18), "BCDF2GHJ", SLOTS_THEMES, crisis=False, lang="en")
        assert kari.go(f"/counsellor/live/{other.id}/take", {"csrf": token})[0] == 303
        reader.join(timeout=1.5)
        state_meanwhile = live.get(chat.id).state
    finally:
        rasa.gate.set()
        ender.join(timeout=30)
        reader.join(timeout=30)
    events = got["events"]
    kinds = [kind for kind, _, _ in events]
    assert kinds[-1] == "state" and events[-1][2]["state"] == "ended"
    messages = [data for kind, _, data in events if kind == "message"]
    assert [(m["author"], m["text"]) for m in messages] == [("counsellor", "Take care."), ("assistant", CLOSING)]
    assert state_meanwhile == "active", "not ended before the closing words are stored"
    assert messages[-1]["buttons"] == [{"title": "Go on", "payload": "/go_on"}]
    assert [m["seq"] for m in messages] == [1, 2]
    assert rasa.calls.count("trigger_intent") == 1 and live.get(chat.id).ended_by == "counsellor"
