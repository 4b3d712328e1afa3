"""The live handoff end to end through the real servers (docs/live-handoff.md): nobody on duty -> the honest answer
with the helplines; on duty -> queued -> taken (Rasa's tracker paused) -> messages both ways over SSE (read with a
plain HTTP client) -> ended (resumed, the assistant's closing words in the stream) -> the next message goes to Rasa."""

import json
import secrets
import urllib.request

from bot.storage.counsellors import Counsellors
from bot.storage.records import Storage
from tests.e2e.conftest import http
from tests.web.test_live import read_events
from tests.web.webclient import PASSWORD, Browser


def relay(servers, sender, text):
    body = json.dumps({"sender": sender, "message": text, "lang": "en"}).encode()
    status, _, raw = http(
        servers.web_url + "/api/message", "POST", body, {"Content-Type": "application/json"}, timeout=60
    )
    assert status == 200, raw
    return json.loads(raw)


def tracker_events(servers, sender):
    url = f"{servers.url}/conversations/{sender}/tracker?token={servers.token}"
    with urllib.request.urlopen(url, timeout=30) as reply:
        return [e["event"] for e in json.loads(reply.read())["events"]]


def test_a_counsellor_joins_the_chat_and_hands_it_back(servers):
    storage = Storage(servers.settings.database_url)
    Counsellors(storage, servers.env["SECRET_KEY"]).add("live-kari", PASSWORD)
    storage.engine.dispose()

    nobody = secrets.token_hex(18)
    relay(servers, nobody, "hello")
    answer = relay(servers, nobody, "/request_handoff")
    words = " ".join(m["text"] for m in answer["messages"])
    assert "No counsellor is on duty" in words and "116 123" in words and "113" in words
    assert "live" not in answer

    kari = Browser(servers.web_url)
    kari.sign_in("live-kari")
    token = kari.csrf("/counsellor/live")
    assert kari.go("/counsellor/duty", {"csrf": token, "available": "1"})[0] == 303

    doctor = secrets.token_hex(18)
    relay(servers, doctor, "hello")
    answer = relay(servers, doctor, "/request_handoff")
    words = " ".join(m["text"] for m in answer["messages"])
    assert "A counsellor can join this chat now" in words and "116 123" in words
    assert "Would you like to go on" not in words, "the rule's follow-up waits until the chat is over"
    assert answer["live"]["state"] == "queued" and answer["live"]["position"] == 1
    _, _, page = kari.go("/counsellor/live")
    chat_id = page.split("/counsellor/live/")[1].split("/take")[0]
    assert kari.go(f"/counsellor/live/{chat_id}/take", {"csrf": token})[0] == 303
    assert "pause" in tracker_events(servers, doctor)

    answer = relay(servers, doctor, "thank you for coming")
    assert answer["messages"] == [] and answer["live"]["state"] == "active" and answer["seq"] == 1
    assert tracker_events(servers, doctor).count("user") == 2, "the doctor's words did not reach Rasa"
    kari.go(f"/counsellor/live/{chat_id}/message", {"csrf": token, "text": "I'm Kari, I'm here with you."})
    events = read_events(
        f"{servers.web_url}/api/live/{doctor}/events", lambda e: any(d.get("author") == "counsellor" for _, _, d in e)
    )
    said = [(d["author"], d["text"]) for kind, _, d in events if kind == "message"]
    assert said == [("doctor", "thank you for coming"), ("counsellor", "I'm Kari, I'm here with you.")]
    events = read_events(
        f"{servers.web_url}/counsellor/live/{chat_id}/events",
        lambda e: any(kind == "state" for kind, _, _ in e),
        cookies=kari.cookies,
    )
    assert ("doctor", "thank you for coming") in [(d["author"], d["text"]) for k, _, d in events if k == "message"]

    assert kari.go(f"/counsellor/live/{chat_id}/end", {"csrf": token, "note": "Take care."})[0] == 303
    assert "resume" in tracker_events(servers, doctor)
    events = read_events(
        f"{servers.web_url}/api/live/{doctor}/events",
        lambda e: any(k == "state" and d["state"] == "ended" for k, _, d in e),
        headers={"Last-Event-ID": "2"},
    )
    closing = [d for k, _, d in events if k == "message" and d["author"] == "assistant"]
    assert closing and "has ended" in closing[0]["text"] and "116 123" in closing[0]["text"]
    assert [d["text"] for k, _, d in events if k == "message" and d["author"] == "counsellor"] == ["Take care."]

    answer = relay(servers, doctor, "hello")
    assert answer["messages"] and "live" not in answer, "back with the assistant"
    assert "thank you for coming" not in servers.log_text() and "I'm here with you" not in servers.log_text()
