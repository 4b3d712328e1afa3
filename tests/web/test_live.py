"""The live handoff through the web server (docs/live-handoff.md), on SQLite and PostgreSQL, with no Rasa running:
the queue, one take only, consent gating what the counsellor sees, the doctor's words to the person only (a
disclosure alerts the counsellor; Rasa is never called: it is not even there), the streams with Last-Event-ID,
deletion, and no message text in the log."""

import json
import secrets
import threading
import urllib.request

from bot.storage.live import LiveChats
from tests.web.webclient import Browser

SLOTS_THEMES = {"sleep": "poor", "coping": "not_coping", "help_category": "fear_of_not_coping"}


def new_chat(web, crisis=False):
    conversation = secrets.token_hex(18)
    chat = LiveChats(web.storage).open_chat(conversation, "ACDE7FGH", SLOTS_THEMES, crisis=crisis, lang="en")
    return conversation, chat


def post_json(web, path, body):
    request = urllib.request.Request(
        web.url + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, json.loads(reply.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def read_events(url, until, headers=None, cookies=None, timeout=20):
    """Read an SSE stream with a plain HTTP client until `until(events)` holds: [(event, id, data)]."""
    headers = dict(headers or {})
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    events, current = [], {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout) as stream:
        assert stream.headers["Content-Type"].startswith("text/event-stream")
        for raw in stream:
            line = raw.decode().rstrip("\n")
            if not line:
                if "data" in current:
                    events.append((current.get("event"), current.get("id"), json.loads(current["data"])))
                    if until(events):
                        return events
                current = {}
            elif not line.startswith(":"):
                key, _, value = line.partition(": ")
                current[key] = value
    return events


def signed_in(web, name="kari"):
    browser = Browser(web.url)
    browser.sign_in(name)
    return browser, browser.csrf("/counsellor/live")


def test_the_queue_and_one_take_only(web):
    kari, kari_csrf = signed_in(web, "kari")
    ola, ola_csrf = signed_in(web, "ola")
    _, chat = new_chat(web, crisis=True)
    status, headers, body = kari.go("/counsellor/live")
    assert status == 200 and chat.code in body and "Crisis" in body
    assert "script-src 'self'" in headers["Content-Security-Policy"] and '<script src="/counsellor-live.js"' in body
    results = {}

    def take(name, browser, token):
        results[name] = browser.go(f"/counsellor/live/{chat.id}/take", {"csrf": token})[0]

    threads = [threading.Thread(target=take, args=a) for a in (("kari", kari, kari_csrf), ("ola", ola, ola_csrf))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results.values()) == [303, 409]
    winner = next(name for name, status in results.items() if status == 303)
    audit = [(e.username, e.action, e.target) for e in web.accounts.audit_log(50)]
    assert (winner, "live_take", chat.code) in audit
    loser = ola if winner == "kari" else kari
    assert loser.go(f"/counsellor/live/{chat.id}")[0] == 403, "only the counsellor who took it opens it"


def test_consent_gates_what_the_counsellor_sees(web):
    conversation, chat = new_chat(web)
    kari, token = signed_in(web)
    assert kari.go(f"/counsellor/live/{chat.id}/take", {"csrf": token})[0] == 303
    _, _, body = kari.go(f"/counsellor/live/{chat.id}")
    assert "Waiting for the doctor" in body and "Afraid of not coping" not in body
    assert post_json(web, f"/api/live/{conversation}/consent", {"themes": "yes"})[0] == 400
    status, state = post_json(web, f"/api/live/{conversation}/consent", {"themes": False, "history": True})
    assert status == 200 and state["consent"] == {"themes": False, "history": False}
    _, _, body = kari.go(f"/counsellor/live/{chat.id}")
    assert "chose not to share the themes" in body and "Afraid of not coping" not in body
    post_json(web, f"/api/live/{conversation}/consent", {"themes": True, "history": False})
    _, _, body = kari.go(f"/counsellor/live/{chat.id}")
    assert "Afraid of not coping" in body and "chose not to share the conversation" in body
    assert (("kari", "live_view", chat.code)) in [(e.username, e.action, e.target) for e in web.accounts.audit_log(50)]


def test_the_doctor_writes_to_the_person_only_and_a_disclosure_alerts_the_counsellor(web):
    conversation, chat = new_chat(web)
    kari, token = signed_in(web)
    kari.go(f"/counsellor/live/{chat.id}/take", {"csrf": token})
    # No Rasa server runs in these tests: relayed to Rasa, this would be a 502.
    status, answer = post_json(web, "/api/message", {"sender": conversation, "message": "a quiet word from me"})
    assert status == 200 and answer["messages"] == [] and answer["live"]["state"] == "active"
    assert answer["live"]["counsellor"] == "Kari" and answer["seq"] == 1
    status, answer = post_json(web, "/api/message", {"sender": conversation, "message": "I want to kill myself"})
    assert status == 200 and answer["messages"] == [] and answer["live"]["crisis"] is True
    events = read_events(
        f"{web.url}/counsellor/live/{chat.id}/events",
        lambda e: any(kind == "state" for kind, _, _ in e),
        cookies=kari.cookies,
    )
    texts = [data["text"] for kind, _, data in events if kind == "message"]
    assert texts == ["a quiet word from me", "I want to kill myself"]
    assert [ident for kind, ident, _ in events if kind == "message"] == ["1", "2"]
    assert next(data for kind, _, data in events if kind == "state")["crisis"] is True
    # The alert arrives live to a counsellor listening while the doctor writes.
    got = {}

    def listen():
        got["events"] = read_events(
            f"{web.url}/counsellor/live/{chat.id}/events",
            lambda e: any(kind == "alert" for kind, _, _ in e),
            headers={"Last-Event-ID": "2"},
            cookies=kari.cookies,
        )

    listener = threading.Thread(target=listen)
    listener.start()
    for _ in range(10):  # until the listener has subscribed and heard it
        post_json(web, "/api/message", {"sender": conversation, "message": "I know which tablets I would take"})
        listener.join(timeout=2)
        if not listener.is_alive():
            break
    assert not listener.is_alive()
    assert ("alert", None, {"kind": "crisis"}) in got["events"]
    assert all(int(ident) > 2 for kind, ident, _ in got["events"] if kind == "message"), "Last-Event-ID honoured"
    log = web.log.read_text(errors="replace")
    for words in ("quiet word", "kill myself", "tablets"):
        assert words not in log


def test_the_doctor_stream_resumes_after_last_id_and_the_counsellor_message_arrives(web):
    conversation, chat = new_chat(web)
    kari, token = signed_in(web)
    events = read_events(f"{web.url}/api/live/{conversation}/events", lambda e: any(k == "state" for k, _, _ in e))
    assert events[-1][2]["state"] == "queued" and events[-1][2]["position"] >= 1
    kari.go(f"/counsellor/live/{chat.id}/take", {"csrf": token})
    post_json(web, "/api/message", {"sender": conversation, "message": "hello"})
    status, _, _ = kari.go(
        f"/counsellor/live/{chat.id}/message", {"csrf": token, "text": "Hi, I'm Kari. I'm here."}, method="POST"
    )
    assert status == 303
    events = read_events(
        f"{web.url}/api/live/{conversation}/events?last_id=1", lambda e: any(k == "state" for k, _, _ in e)
    )
    messages = [data for kind, _, data in events if kind == "message"]
    assert messages == [
        {**messages[0], "seq": 2, "author": "counsellor", "name": "Kari", "text": "Hi, I'm Kari. I'm here."}
    ]
    assert events[-1][2]["state"] == "active" and events[-1][2]["counsellor"] == "Kari"
    assert read_events_status(f"{web.url}/api/live/{secrets.token_hex(18)}/events") == 404


def read_events_status(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code


def test_ending_and_deleting(web):
    conversation, chat = new_chat(web)
    kari, token = signed_in(web)
    kari.go(f"/counsellor/live/{chat.id}/take", {"csrf": token})
    post_json(web, "/api/message", {"sender": conversation, "message": "words to be deleted"})
    status, _, _ = kari.go(f"/counsellor/live/{chat.id}/end", {"csrf": token, "note": "Take care."}, method="POST")
    assert status == 303
    live = LiveChats(web.storage)
    assert live.get(chat.id).state == "ended" and live.open_chat_for(conversation) is None
    assert post_json(web, f"/api/live/{conversation}/end", {})[0] == 404, "nothing open to end"
    assert ("kari", "live_end", chat.code) in [(e.username, e.action, e.target) for e in web.accounts.audit_log(50)]
    request = urllib.request.Request(f"{web.url}/api/conversations/{conversation}", method="DELETE")
    assert urllib.request.urlopen(request, timeout=10).status == 204
    assert live.get(chat.id) is None and live.messages_after(chat.id) == []
    # the doctor leaving the queue
    conversation, chat = new_chat(web)
    status, state = post_json(web, f"/api/live/{conversation}/wait", {"keep_waiting": True})
    assert status == 200 and state["state"] == "queued" and state["timed_out"] is False
    status, state = post_json(web, f"/api/live/{conversation}/wait", {"keep_waiting": False})
    assert status == 200 and state["state"] == "ended"
    assert post_json(web, f"/api/live/{conversation}/consent", {"themes": True, "history": True})[0] == 404


def test_a_wait_past_the_limit_is_said_with_the_choice_to_keep_waiting(web):
    """HANDOFF_WAIT_MINUTES without anyone taking the chat: the doctor's stream says timed_out (the widget then shows
    113 and the 24/7 lines with "keep waiting" / "back to the assistant"); keeping waiting starts the count again."""
    from datetime import datetime, timedelta, timezone

    import sqlalchemy as sa

    from bot.storage.models import LiveChat

    conversation, chat = new_chat(web)
    long_ago = datetime.now(timezone.utc) - timedelta(minutes=5 + 1)  # HANDOFF_WAIT_MINUTES: 5 unless set
    with web.storage.engine.begin() as db:
        db.execute(sa.update(LiveChat).where(LiveChat.id == chat.id).values(wait_from=long_ago, queued_at=long_ago))
    url = f"{web.url}/api/live/{conversation}/events"
    state = read_events(url, lambda events: any(e[0] == "state" for e in events))[-1][2]
    assert state["state"] == "queued" and state["timed_out"] is True and state["waited_seconds"] >= 60
    status, state = post_json(web, f"/api/live/{conversation}/wait", {"keep_waiting": True})
    assert status == 200 and state["timed_out"] is False


def test_duty_is_switched_and_audited(web):
    kari, token = signed_in(web)
    assert kari.go("/counsellor/duty", {"csrf": token, "available": "1"})[0] == 303
    assert LiveChats(web.storage).is_available("kari") and "kari" in LiveChats(web.storage).on_duty()
    _, _, body = kari.go("/counsellor/live")
    assert "You are on duty" in body
    kari.go("/counsellor/duty", {"csrf": token, "available": "0"})
    assert not LiveChats(web.storage).is_available("kari")
    outcomes = [(e.action, e.outcome) for e in web.accounts.audit_log(50) if e.username == "kari"]
    assert ("duty", "on") in outcomes and ("duty", "off") in outcomes


def test_signing_out_takes_the_counsellor_off_duty(web):
    kari, token = signed_in(web)
    kari.go("/counsellor/duty", {"csrf": token, "available": "1"})
    assert "kari" in LiveChats(web.storage).on_duty()
    assert kari.go("/counsellor/sign-out", {"csrf": token})[0] == 303
    assert not LiveChats(web.storage).is_available("kari")
    assert ("duty", "off") in [(e.action, e.outcome) for e in web.accounts.audit_log(5) if e.username == "kari"]


def test_the_doctor_endpoints_are_rate_limited(web):
    conversation, _ = new_chat(web)
    statuses = []
    for _ in range(45):  # a burst of half a minute's allowance (2 x MESSAGES_PER_MINUTE = 60 a minute) passes
        request = urllib.request.Request(f"{web.url}/api/live/{conversation}/typing", data=b"", method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as reply:
                statuses.append(reply.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
            retry_after = error.headers.get("Retry-After")
    assert statuses[:25] == [204] * 25 and statuses[-1] == 429 and int(retry_after) >= 1
    for path, body in (("consent", {"themes": True, "history": True}), ("wait", {"keep_waiting": True}), ("end", {})):
        assert post_json(web, f"/api/live/{conversation}/{path}", body)[0] == 429, path
    other, _ = new_chat(web)
    assert post_json(web, f"/api/live/{other}/consent", {"themes": True, "history": True})[0] == 200
