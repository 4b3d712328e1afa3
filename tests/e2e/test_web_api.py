"""The web server's API and headers over HTTP: bad input gets a clear 4xx, only allowed origins get CORS."""

import json
import uuid

import pytest

from tests.e2e.conftest import http


def request(servers, path, method="GET", body=None, headers=None):
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    status, reply_headers, reply = http(servers.web_url + path, method, data, headers, timeout=30)
    return status, dict(reply_headers), reply


def conversation_id():
    return uuid.uuid4().hex


def test_a_message_is_relayed_to_the_assistant(servers):
    status, headers, body = request(
        servers,
        "/api/message",
        "POST",
        {"sender": conversation_id(), "message": "hello"},
        {"Content-Type": "application/json"},
    )
    assert status == 200
    messages = json.loads(body)["messages"]
    assert "anonymous" in messages[0]["text"] and messages[0]["buttons"]


def say(servers, sender, text, lang=None):
    body = {"sender": sender, "message": text, **({"lang": lang} if lang else {})}
    status, _, reply = request(servers, "/api/message", "POST", body, {"Content-Type": "application/json"})
    assert status == 200, reply
    return " ".join(m.get("text") or "" for m in json.loads(reply)["messages"])


def test_the_widget_starts_the_conversation_in_its_language_and_the_doctors_words_then_decide(servers):
    """data-lang="nb" on the host page: the silent "hello" that opens the widget is answered in Norwegian; a doctor
    who then writes English is answered in English, and can ask for Norwegian back in so many words."""
    sender = conversation_id()
    assert "velkommen" in say(servers, sender, "hello", "nb")
    assert "Shall we start" in say(servers, conversation_id(), "hello", "en")
    assert "Shall we start" in say(servers, conversation_id(), "hello")
    said = say(servers, sender, "Sorry, I don't speak Norwegian, what is this about?")
    assert "Norwegian" not in said and any(word in said for word in ("self-assessment", "start", "doctors"))
    assert "Hei" in say(servers, sender, "på norsk, takk") or servers.slots(sender)["language"] == "nb"
    assert servers.slots(sender)["language"] == "nb"


def test_a_restart_keeps_the_language_the_doctor_is_reading(servers):
    """A restart forgets every slot, the language too; the widget sends the language of the replies the doctor is
    reading with each message, and a short "ja" after the restart is answered in it."""
    sender = conversation_id()
    assert "velkommen" in say(servers, sender, "hello", "nb")
    say(servers, sender, "ja", "nb")
    assert servers.slots(sender)["requested_slot"] == "work_status"
    say(servers, sender, "start på nytt", "nb")
    reply = say(servers, sender, "ja", "nb")
    slots = servers.slots(sender)
    assert slots["language"] == "nb" and slots["requested_slot"] == "work_status" and "jobb" in reply, reply
    # the words decide when they can: English words on the same widget are answered in English
    assert "workload" in say(servers, sender, "I work full time in a hospital", "nb").lower()


@pytest.mark.parametrize(
    "body,status,says",
    [
        (b"not json", 400, "not valid JSON"),
        ({"sender": "short", "message": "hi"}, 400, "conversation id"),
        ({"sender": uuid.uuid4().hex, "message": "   "}, 400, "empty"),
        ({"sender": uuid.uuid4().hex, "message": "x" * 2001}, 413, "2000"),
        ({"sender": uuid.uuid4().hex, "message": "hei", "lang": "sv"}, 400, "nb"),
        ({"sender": uuid.uuid4().hex, "message": 42}, 400, "empty"),
    ],
)
def test_bad_messages_get_a_clear_answer(servers, body, status, says):
    got, _, reply = request(servers, "/api/message", "POST", body, {"Content-Type": "application/json"})
    assert got == status and says in json.loads(reply)["error"]


def test_delete_refuses_what_is_not_a_conversation_id(servers):
    assert request(servers, "/api/conversations/..%2F..%2Fetc", "DELETE")[0] in (400, 404)
    assert request(servers, "/api/conversations/" + conversation_id(), "DELETE")[0] == 204


def test_only_allowed_origins_get_cors(servers):
    allowed = servers.web_url
    _, headers, _ = request(servers, "/api/message", "OPTIONS", headers={"Origin": allowed})
    assert headers.get("Access-Control-Allow-Origin") == allowed
    _, headers, _ = request(servers, "/api/message", "OPTIONS", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in headers


@pytest.mark.parametrize(
    "path, method", [("/api/message", "POST"), ("/api/conversations/0123456789abcdef0123", "DELETE")]
)
def test_a_browser_preflight_from_the_host_site_is_answered(servers, path, method):
    """The widget on another site sends JSON and DELETE: the browser asks first (OPTIONS) and goes on only on a 2xx
    answer that allows the method and the Content-Type header. A 405 here meant the widget could not talk at all."""
    ask = {"Origin": servers.web_url, "Access-Control-Request-Method": method}
    status, headers, _ = request(
        servers, path, "OPTIONS", headers={**ask, "Access-Control-Request-Headers": "content-type"}
    )
    assert 200 <= status < 300, status
    assert headers.get("Access-Control-Allow-Origin") == servers.web_url
    assert method in headers.get("Access-Control-Allow-Methods", "")
    assert "content-type" in headers.get("Access-Control-Allow-Headers", "").lower()


@pytest.mark.parametrize("path", ["/", "/example-host.html", "/widget.js", "/healthz", "/api/message"])
def test_every_response_has_the_security_headers_and_no_cookie(servers, path):
    _, headers, _ = request(servers, path)
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "Set-Cookie" not in headers


def test_the_widget_script_can_be_loaded_by_other_sites(servers):
    status, headers, body = request(servers, "/widget.js")
    assert status == 200 and headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert b"customElements.define" in body
