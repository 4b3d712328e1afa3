"""A live chat across two web servers of the cluster (issue 16): the doctor on web server A, the counsellor signed in
on web server B, each reading the event stream on their own server. Every message reaches both streams once, in
order, within moments: Redis pub/sub wakes the other server's streams (not the 15 s keep-alive)."""

import json
import secrets
import threading
import time
import urllib.request

import pytest

from bot.storage.counsellors import Counsellors
from bot.storage.records import Storage
from tests.services import redis_or_fail
from tests.web.webclient import PASSWORD, Browser

ROUNDS = 5  # messages each way, alternating
PROMPT_SECONDS = 3.0  # well under the 15 s keep-alive: only a pub/sub wake-up gets a message across this fast


@pytest.fixture(scope="module")
def second_web(cluster):
    """Web server B: a second process on the cluster's PostgreSQL and Redis (A is the cluster's own)."""
    with cluster.another_web_server("web-live-2") as port:
        yield f"http://127.0.0.1:{port}"


class Stream(threading.Thread):
    """Reads one SSE stream and notes when each event arrived, until `state: ended` (or the stream closes)."""

    def __init__(self, url: str, cookies: dict | None = None):
        super().__init__(daemon=True)
        self.url, self.cookies, self.events, self.opened = url, cookies, [], threading.Event()

    def run(self) -> None:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        current = {}
        with urllib.request.urlopen(urllib.request.Request(self.url, headers=headers), timeout=60) as stream:
            for raw in stream:
                line = raw.decode().rstrip("\n")
                if line and not line.startswith(":"):
                    key, _, value = line.partition(": ")
                    current[key] = value
                    continue
                if "data" not in current:
                    current = {}
                    continue
                kind, data = current.get("event"), json.loads(current["data"])
                self.events.append((time.monotonic(), kind, data))
                current = {}
                if kind == "state":
                    self.opened.set()
                    if data["state"] == "ended":
                        return

    def messages(self) -> list[tuple[float, dict]]:
        return [(at, data) for at, kind, data in self.events if kind == "message"]


def relay(web: str, sender: str, text: str) -> dict:
    body = json.dumps({"sender": sender, "message": text, "lang": "en"}).encode()
    request = urllib.request.Request(web + "/api/message", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as reply:
        return json.loads(reply.read())


def test_a_doctor_on_one_web_server_and_a_counsellor_on_the_other_talk_without_loss(cluster, second_web):
    web_a = f"http://127.0.0.1:{cluster.settings.web_port}"
    storage = Storage(cluster.settings.database_url)
    try:
        Counsellors(storage, cluster.settings.secret_key).add("live.kari", PASSWORD)
    finally:
        storage.engine.dispose()
    redis = redis_or_fail()
    for _ in range(50):  # each server subscribes (`live:*`) just after it starts; a note to no chat wakes nothing
        if redis.publish("live:" + "0" * 32, json.dumps({"kind": "wake"})) >= 2:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the two web servers do not both listen on Redis")

    kari = Browser(second_web)
    assert kari.sign_in("live.kari")[0] == 303
    token = kari.csrf("/counsellor/live")
    assert kari.go("/counsellor/duty", {"csrf": token, "available": "1"})[0] == 303

    doctor = secrets.token_hex(18)
    relay(web_a, doctor, "hello")
    answer = relay(web_a, doctor, "/request_handoff")
    assert answer["live"]["state"] == "queued", answer
    _, _, page = kari.go("/counsellor/live")
    chat_id = page.split("/counsellor/live/")[1].split("/take")[0]
    assert kari.go(f"/counsellor/live/{chat_id}/take", {"csrf": token})[0] == 303

    doctor_stream = Stream(f"{web_a}/api/live/{doctor}/events")
    counsellor_stream = Stream(f"{second_web}/counsellor/live/{chat_id}/events", kari.cookies)
    for stream in (doctor_stream, counsellor_stream):
        stream.start()
    assert doctor_stream.opened.wait(10) and counsellor_stream.opened.wait(10)

    sent = []  # (text, author, when)
    for round_ in range(ROUNDS):
        text = f"doctor {round_} on A"
        sent.append((text, "doctor", time.monotonic()))
        assert relay(web_a, doctor, text)["live"]["state"] == "active"
        text = f"counsellor {round_} on B"
        sent.append((text, "counsellor", time.monotonic()))
        status, _, _ = kari.go(f"/counsellor/live/{chat_id}/message", {"csrf": token, "text": text})
        assert status == 303
    ended_at = time.monotonic()
    with urllib.request.urlopen(urllib.request.Request(f"{web_a}/api/live/{doctor}/end", method="POST")) as reply:
        assert reply.status == 200
    doctor_stream.join(30)
    counsellor_stream.join(30)
    assert not doctor_stream.is_alive() and not counsellor_stream.is_alive(), "both streams closed after ended"

    for name, stream in (("doctor on A", doctor_stream), ("counsellor on B", counsellor_stream)):
        messages = stream.messages()
        seqs = [data["seq"] for _, data in messages]
        assert seqs == list(range(1, len(seqs) + 1)), f"{name}: every message once, in order: {seqs}"
        said = [(data["text"], data["author"]) for _, data in messages]
        assert said[: len(sent)] == [(text, author) for text, author, _ in sent], name
        closing = [author for _, author in said[len(sent) :]]
        assert closing and set(closing) == {"assistant"}, f"{name}: the closing reply, nothing else after"
        delays = [at - when for (at, _), (_, _, when) in zip(messages, sent, strict=False)]
        assert max(delays) < PROMPT_SECONDS, f"{name}: delivery took {max(delays):.2f} s"
        print(f"{name}: {len(messages)} messages, slowest delivery {max(delays) * 1000:.0f} ms")
        assert messages[-1][0] - ended_at < PROMPT_SECONDS + 10, f"{name}: the closing reply came late"
        assert stream.events[-1][1] == "state" and stream.events[-1][2]["state"] == "ended"
