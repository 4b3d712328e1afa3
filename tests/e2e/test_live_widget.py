"""The doctor's side of the live chat with a counsellor (issue 16, docs/live-handoff.md) in the page and the widget,
in both languages, on a phone and a desktop. The server side is faked here with `page.route`, as the contract says it
behaves: the relay's `live` answer, the event stream (every message after Last-Event-ID or ?last_id=, then the state;
each fulfilled body ends the connection, so EventSource reconnects after `retry: 500` with a Last-Event-ID header,
which is a stream, a restart of the web server and a resume at once), and the POST endpoints, whose bodies are kept."""

import http.server
import json
import re
import threading
from urllib.parse import parse_qs, urlparse

import pytest

from tests.e2e.test_chat_access import ACTIVE, DESKTOP, PHONE
from tests.e2e.test_web import CHAT, SHOTS, axe_violations

playwright = pytest.importorskip("playwright.sync_api")

SIZES = pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
LANGS = pytest.mark.parametrize("lang", ["en", "nb"])
ASK = {"en": "I want to talk to a person", "nb": "Jeg vil snakke med et menneske"}
T = {
    "en": {
        "welcome": "Welcome. Shall we start?",
        "queued": "A counsellor can join this chat now. Acute danger: 113. Mental Helse, any hour: 116 123.",
        "closing": "The chat has ended. Acute danger: 113, 116 123. Shall we go on with the self-assessment?",
        "waiting": "you are number 2 in the queue",
        "first": "you are number 1 in the queue",
        "no_answer": "No one has answered yet",
        "keep": "Keep waiting",
        "back": "Back to the assistant",
        "joined": "Kari is now in the chat",
        "writing": "Kari is writing",
        "share_themes": "Yes, share the themes",
        "no": "No",
        "share_history": "Yes, share my messages",
        "end": "End chat",
        "label": "Your message to Kari",
        "ended": "The chat with Kari has ended",
        "left": "no longer in the queue",
        "input": "Your message",
    },
    "nb": {
        "welcome": "Hei og velkommen. Skal vi begynne?",
        "queued": "En rådgiver kan bli med i samtalen nå. Akutt fare: 113. Mental Helse, hele døgnet: 116 123.",
        "closing": "Samtalen er avsluttet. Akutt fare: 113, 116 123. Vil du fortsette egenvurderingen?",
        "waiting": "du er nummer 2 i køen",
        "first": "du er nummer 1 i køen",
        "no_answer": "Ingen har svart ennå",
        "keep": "Fortsett å vente",
        "back": "Tilbake til assistenten",
        "joined": "Kari er nå med i samtalen",
        "writing": "Kari skriver",
        "share_themes": "Ja, del temaene",
        "no": "Nei",
        "share_history": "Ja, del meldingene",
        "end": "Avslutt samtalen",
        "label": "Din melding til Kari",
        "ended": "Samtalen med Kari er avsluttet",
        "left": "ikke lenger i køen",
        "input": "Din melding",
    },
}
LINKS = [{"text": "113", "href": "tel:113"}, {"text": "116 123", "href": "tel:116123"}]
NO_CONSENT = {"themes": None, "history": None}


class FakeServer:
    """The web server's side of the contract, in the test: the relay, the chat's messages (seq), its state."""

    def __init__(self, tab, lang):
        self.lang = lang
        self.messages = []  # the chat's messages, seq = index + 1
        self.state = None  # no chat yet
        self.once = []  # events sent on the next connection only (typing)
        self.connects = []  # (Last-Event-ID header, ?last_id=) of every connection to the stream
        self.posts = []  # (what, body) of the POSTs to /api/live/<id>/<what>
        self.refuse = False  # the web server is down: connections fail
        tab.route("**/api/message", self.relay)
        tab.route("**/api/live/**", self.live)
        self.serve()

    def add(self, author, text, **extra):
        seq = len(self.messages) + 1
        data = {"seq": seq, "author": author, "text": text, "at": "2026-12-04T22:01:05Z", "lang": self.lang}
        self.messages.append({**data, **extra})
        return seq

    def set(self, **changes):
        self.state = {**self.state, **changes}

    @property
    def open(self):
        return bool(self.state) and self.state["state"] in ("queued", "active")

    def relay(self, route):
        text = json.loads(route.request.post_data)["message"]
        L = T[self.lang]
        if self.open:  # to the person, not to the assistant
            seq = self.add("doctor", text)
            return route.fulfill(json={"messages": [], "progress": None, "live": self.state, "seq": seq})
        if text == ASK[self.lang]:
            self.messages, self.state = (
                [],
                {
                    "state": "queued",
                    "position": 2,
                    "waited_seconds": 0,
                    "timed_out": False,
                    "consent": dict(NO_CONSENT),
                    "crisis": False,
                },
            )
            reply = {"text": L["queued"], "buttons": [], "lang": self.lang, "links": LINKS}
            return route.fulfill(json={"messages": [reply], "progress": None, "live": {"state": "queued"}})
        buttons = [{"title": "Start", "payload": "/start"}]
        return route.fulfill(json={"messages": [{"text": L["welcome"], "buttons": buttons, "lang": self.lang}]})

    def end(self):
        self.add("assistant", T[self.lang]["closing"])
        self.set(state="ended")

    def live(self, route):
        request = route.request
        url = urlparse(request.url)
        what = url.path.rsplit("/", 1)[-1]
        if what == "events":
            # Chromium adds Last-Event-ID below the interception (a route never sees it), so the stream itself is
            # answered by a small HTTP server of the test's, which does.
            if self.refuse:
                return route.abort()
            return route.continue_(url=f"http://127.0.0.1:{self.http.server_port}{url.path}?{url.query}")
        body = json.loads(request.post_data) if request.post_data else None
        self.posts.append((what, body))
        if what == "consent":
            self.set(consent=body)
        elif what == "end" or (what == "wait" and not body["keep_waiting"]):
            self.end()
        elif what == "wait":
            self.set(timed_out=False)
        return route.fulfill(json={"state": self.state["state"]})

    def stream(self, last_event_id, query):
        """One connection's body: the messages after the last one seen, the state, the one-off events."""
        last_id = parse_qs(query).get("last_id", [None])[0]
        self.connects.append((last_event_id, last_id))
        if not self.state:
            return 404, "application/json", json.dumps({"error": "No chat."})
        last = int(last_event_id or last_id or 0)
        lines = ["retry: 500", ""]
        for m in self.messages[last:]:
            lines += [f"id: {m['seq']}", "event: message", "data: " + json.dumps(m), ""]
        lines += ["event: state", "data: " + json.dumps(self.state), ""]
        for kind, data in self.once:
            lines += [f"event: {kind}", "data: " + json.dumps(data), ""]
        self.once.clear()
        return 200, "text/event-stream", "\n".join(lines) + "\n"

    def serve(self):
        fake = self

        class Stream(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                status, kind, body = fake.stream(self.headers.get("Last-Event-ID"), urlparse(self.path).query)
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args):
                pass

        self.http = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Stream)
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def close(self):
        self.http.shutdown()
        self.http.server_close()


@pytest.fixture(autouse=True)
def fakes():
    """The fake servers a test made, stopped after it."""
    made = []
    yield made
    for fake in made:
        fake.close()


def root(tab):
    return tab.locator(CHAT)


def until(tab, condition, what, timeout=8000):
    """Waits while the routes answer (they run inside Playwright's waits)."""
    for _ in range(timeout // 100):
        if condition():
            return
        tab.wait_for_timeout(100)
    raise AssertionError(f"not seen: {what}; connections: {getattr(tab, 'fake', None) and tab.fake.connects}")


def start(tab, servers, lang, where="page", fakes=None):
    fake = tab.fake = FakeServer(tab, lang)
    if fakes is not None:
        fakes.append(fake)
    if where == "page":
        tab.goto(servers.web_url + f"/?lang={lang}")
    else:
        tab.goto(servers.web_url + "/example-host.html")
        tab.locator(f"{CHAT} .launcher").click()
    root(tab).locator(".msg.bot", has_text=T[lang]["welcome"]).wait_for()
    box = tab.get_by_label(T[lang]["input"], exact=True)
    box.fill(ASK[lang])
    box.press("Enter")
    return fake


def live_bar(tab):
    return root(tab).locator(".live")


def bubbles(tab, kind):
    """The bubbles' words as a screen reader has them ("Kari (Counsellor): Hi")."""
    return root(tab).locator(f".log .msg.{kind}").all_text_contents()


@SIZES
@LANGS
def test_waiting_shows_the_place_in_the_queue_and_the_helplines_then_no_answer_yet_and_back(
    tab_for, servers, fakes, size, lang
):
    tab = tab_for(size, lang)
    fake = start(tab, servers, lang, fakes=fakes)
    L = T[lang]
    status = live_bar(tab).locator("[role=status]")
    status.get_by_text(L["waiting"]).wait_for()
    assert fake.connects[0] == (None, None), "a new chat's stream from its start"
    for href in ("tel:113", "tel:116123", "tel:22400040"):
        link = live_bar(tab).locator(f"a[href='{href}']")
        assert link.is_visible(), href
    live_bar(tab).locator("a[href='tel:113']").click(trial=True)
    assert root(tab).locator(".choices button").count() == 0, "no assistant's choices while waiting"
    leave = live_bar(tab).get_by_role("button", name="Leave the queue" if lang == "en" else "Gå ut av køen")
    assert leave.is_visible()
    assert axe_violations(tab) == [], "waiting"
    if size == PHONE and lang == "en":
        SHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SHOTS / "live-waiting-phone.png"))

    fake.set(position=1)
    status.get_by_text(L["first"]).wait_for()
    fake.set(timed_out=True, waited_seconds=600)
    alert = live_bar(tab).locator(".alert", has_text=L["no_answer"])
    alert.wait_for()
    calls = alert.locator("a.call")
    assert [calls.nth(i).get_attribute("href") for i in range(calls.count())] == [
        "tel:113",
        "tel:116123",
        "tel:22400040",
    ]
    for i in range(calls.count()):
        box = calls.nth(i).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, box
    keep = live_bar(tab).get_by_role("button", name=L["keep"])
    back = live_bar(tab).get_by_role("button", name=L["back"])
    assert keep.is_visible() and back.is_visible()
    assert axe_violations(tab) == [], "no answer yet"
    if size == PHONE and lang == "en":
        tab.screenshot(path=str(SHOTS / "live-timeout-phone.png"))
    keep.focus()
    tab.keyboard.press("Enter")
    until(tab, lambda: ("wait", {"keep_waiting": True}) in fake.posts, "keep waiting")
    status.get_by_text(L["first"]).wait_for()
    assert alert.count() == 0

    fake.set(timed_out=True)
    live_bar(tab).get_by_role("button", name=L["back"]).click()
    root(tab).locator(".msg.note", has_text=L["left"]).wait_for()
    assert ("wait", {"keep_waiting": False}) in fake.posts
    assert bubbles(tab, "bot")[-1].endswith(L["closing"])
    closing_113 = root(tab).locator(".log .msg.bot").last.locator("a[href='tel:113']")
    assert closing_113.count() == 1
    assert live_bar(tab).is_hidden()
    assert tab.get_by_label(L["input"], exact=True).is_visible()
    # The assistant again: the next message goes to it (the fake relay's welcome), not to a person.
    connections = len(fake.connects)
    tab.wait_for_timeout(1200)
    assert len(fake.connects) == connections, "the stream is closed once the chat has ended"
    assert axe_violations(tab) == [], "ended"
    assert tab.errors == []


def join(fake, tab, lang):
    """Kari takes the chat and greets the doctor at once, before the doctor has answered the consent questions."""
    fake.set(state="active", counsellor="Kari", position=None)
    fake.add("counsellor", "Hi, I am Kari." if lang == "en" else "Hei, jeg heter Kari.", name="Kari")


@SIZES
@LANGS
def test_a_counsellor_joins_consent_first_then_their_messages_typing_and_the_end(tab_for, servers, fakes, size, lang):
    tab = tab_for(size, lang)
    fake = start(tab, servers, lang, fakes=fakes)
    L = T[lang]
    live_bar(tab).locator("[role=status]").get_by_text(L["waiting"]).wait_for()
    join(fake, tab, lang)
    consent = live_bar(tab).locator(".consent")
    consent.get_by_role("button", name=L["share_themes"]).wait_for()
    live_bar(tab).locator("[role=status]").get_by_text(L["joined"]).wait_for()
    tab.wait_for_timeout(1200)  # a few reconnects: Kari's message is in the stream, but not shown yet
    assert bubbles(tab, "person") == [], "nothing from the counsellor before the consent questions are answered"
    assert consent.get_by_role("heading").is_visible()
    assert axe_violations(tab) == [], "the consent question"
    if size == PHONE and lang == "nb":
        SHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SHOTS / "live-consent-phone-nb.png"))
    consent.get_by_role("button", name=L["share_themes"]).click()
    consent.get_by_role("button", name=L["share_history"]).wait_for()
    assert tab.evaluate(ACTIVE)["text"] == L["share_history"], "the keyboard stays on the question"
    consent.get_by_role("button", name=L["no"], exact=True).click()
    until(tab, lambda: ("consent", {"themes": True, "history": False}) in fake.posts, "the consent")
    person = root(tab).locator(".log .msg.person")
    person.first.wait_for()
    assert person.first.locator(".who").inner_text() == "Kari"
    assert person.first.get_attribute("lang") == lang
    assert consent.is_hidden()
    label = tab.get_by_label(L["label"])
    assert label.is_visible(), "who the doctor writes to now"
    assert tab.evaluate(ACTIVE)["tag"] == "TEXTAREA"

    fake.once.append(("typing", {"who": "counsellor"}))
    root(tab).locator(".typing", has_text=L["writing"]).wait_for()
    label.press_sequentially("I have not slept", delay=30)
    assert [p for p in fake.posts if p[0] == "typing"] == [("typing", {})], "one ping in 3 s"
    label.press("Enter")
    root(tab).locator(".log .msg.me", has_text="I have not slept").wait_for()
    fake.add("counsellor", "That sounds hard." if lang == "en" else "Det høres tungt ut.", name="Kari")
    until(tab, lambda: len(bubbles(tab, "person")) == 2, "Kari's answer")
    tab.wait_for_timeout(1200)  # the doctor's own message comes back in the stream: shown once
    assert bubbles(tab, "me").count("You: I have not slept" if lang == "en" else "Du: I have not slept") == 1
    assert len(bubbles(tab, "person")) == 2
    assert tab.evaluate(ACTIVE)["tag"] == "TEXTAREA", "focus stays in the text box"
    assert axe_violations(tab) == [], "active"
    if size == PHONE and lang == "en":
        SHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SHOTS / "live-active-phone.png"))

    end = live_bar(tab).get_by_role("button", name=L["end"])
    end.click()
    confirm = root(tab).locator(".confirm")
    confirm.get_by_role("button", name=L["end"]).click()
    root(tab).locator(".msg.note", has_text=L["ended"]).wait_for()
    assert ("end", {}) in fake.posts
    assert bubbles(tab, "bot")[-1].endswith(L["closing"]) and live_bar(tab).is_hidden()
    assert tab.get_by_label(L["input"], exact=True).is_visible()
    assert axe_violations(tab) == [], "ended"
    assert tab.errors == []


@pytest.mark.parametrize("where", ["page", "widget"])
def test_a_reload_and_a_web_server_restart_mid_chat_lose_nothing_and_show_nothing_twice(tab_for, servers, fakes, where):
    tab = tab_for(DESKTOP, "en")
    fake = start(tab, servers, "en", where, fakes)
    live_bar(tab).locator("[role=status]").get_by_text(T["en"]["waiting"]).wait_for()
    join(fake, tab, "en")
    consent = live_bar(tab).locator(".consent")
    consent.get_by_role("button", name="Yes, share the themes").click()
    consent.get_by_role("button", name="Yes, share my messages").click()
    root(tab).locator(".log .msg.person").wait_for()
    box = tab.get_by_label("Your message to Kari")
    box.fill("Thank you")
    box.press("Enter")
    root(tab).locator(".log .msg.me", has_text="Thank you").wait_for()
    until(tab, lambda: fake.connects[-1][0] == "2", "the doctor's message read back from the stream")
    before = root(tab).locator(".log .msg").all_text_contents()

    tab.reload()
    if where == "widget":
        tab.locator(f"{CHAT} .launcher").click()
    root(tab).locator(".log .msg.person").wait_for()
    assert live_bar(tab).locator("[role=status]").get_by_text(T["en"]["joined"]).is_visible(), "the bar as it was"
    until(tab, lambda: (None, "2") in fake.connects, "the stream from the last message seen (?last_id=)")
    assert tab.get_by_label("Your message to Kari").is_visible()

    # The web server is down for a while; Kari writes meanwhile; then it is back: all comes, once.
    fake.refuse = True
    tab.wait_for_timeout(1500)
    fake.add("counsellor", "Are you still there?", name="Kari")
    fake.add("counsellor", "Take your time.", name="Kari")
    fake.refuse = False
    until(tab, lambda: len(bubbles(tab, "person")) == 3, "the messages written while the server was down", 40000)
    tab.wait_for_timeout(1200)
    after = root(tab).locator(".log .msg").all_text_contents()
    assert after[: len(before)] == before, "the transcript kept over the reload"
    assert after[len(before) :] == ["Kari (Counsellor): Are you still there?", "Kari (Counsellor): Take your time."]
    assert any(header == "4" for header, _ in fake.connects), "resumed with Last-Event-ID"
    assert tab.errors == []


def test_quick_exit_ends_the_live_chat_too(tab_for, servers, fakes):
    tab = tab_for(PHONE, "en")
    fake = start(tab, servers, "en", fakes=fakes)
    live_bar(tab).locator("[role=status]").get_by_text(T["en"]["waiting"]).wait_for()
    tab.get_by_role("button", name="Quick exit").click()
    tab.wait_for_url(re.compile("yr.no"))
    assert ("end", None) in fake.posts, "the beacon to /end"
    assert tab.evaluate("() => sessionStorage.length") == 0
