"""The handoff request: a code, the time and coded themes; a kind message if the database is down."""

import asyncio
from datetime import datetime

from actions import handoff
from actions.explain import ActionExplainQuestion
from bot.core.live import DAYS, OSLO
from bot.settings import load_settings
from bot.storage.counsellors import Counsellors
from bot.storage.live import LiveChats
from bot.storage.records import Storage
from tests.actions.conftest import load_tracker


def test_yes_records_a_request_and_tells_the_code(store, dispatcher, domain):
    tracker = load_tracker("completed", crisis=True)
    events = asyncio.run(handoff.ActionRequestHandoff().run(dispatcher, tracker, domain))
    code = events[0]["value"]
    assert dispatcher.messages[0]["response"] == "utter_live_nobody"
    assert dispatcher.messages[1]["response"] == "utter_handoff_recorded"
    assert dispatcher.messages[1]["handoff_code"] == code
    saved = store.find_handoff(code)
    assert saved.crisis is True and saved.themes["coping"] == "not_coping"


def test_a_second_request_in_the_same_conversation_gives_the_same_code(store, dispatcher, domain):
    tracker = load_tracker("completed", crisis=True, handoff_code="7KQX4MTA")
    assert asyncio.run(handoff.ActionRequestHandoff().run(dispatcher, tracker, domain)) == []
    assert dispatcher.messages[1]["response"] == "utter_handoff_already"
    assert dispatcher.messages[1]["handoff_code"] == "7KQX4MTA"


def test_a_database_fault_gives_the_numbers_instead(tmp_path, monkeypatch, dispatcher, domain):
    broken = Storage(f"sqlite:///{tmp_path / 'missing-dir' / 'x' / 'bot.db'}")
    monkeypatch.setattr(handoff, "storage", lambda: broken)
    events = asyncio.run(handoff.ActionRequestHandoff().run(dispatcher, load_tracker("completed"), domain))
    assert events == [] and dispatcher.messages[0]["response"] == "utter_handoff_failed"


def test_why_do_you_ask_explains_the_topic_being_asked(dispatcher, domain):
    tracker = load_tracker("mid_form", requested_slot="sleep")
    asyncio.run(ActionExplainQuestion().run(dispatcher, tracker, domain))
    assert [m["response"] for m in dispatcher.messages] == [
        "utter_explain_sleep",
        "utter_why_skip_note",
    ]


def on_duty(store, name="kari"):
    """A counsellor signed in and marked available."""
    accounts = Counsellors(store, secret_key="test-secret")
    accounts.add(name, "a long enough passphrase")
    accounts.sign_in(name, "a long enough passphrase", "client")
    LiveChats(store).set_duty(name, True)


def test_nobody_on_duty_is_said_honestly_before_the_code(store, dispatcher, domain):
    events = asyncio.run(handoff.ActionRequestHandoff().run(dispatcher, load_tracker("completed"), domain))
    assert [m["response"] for m in dispatcher.messages] == ["utter_live_nobody", "utter_handoff_recorded"]
    assert events[0]["name"] == "handoff_code" and LiveChats(store).queue() == []


def test_nobody_on_duty_with_opening_hours_says_them(store, dispatcher, domain, monkeypatch):
    monkeypatch.setattr(handoff, "settings", lambda: load_settings(overrides={"HANDOFF_HOURS": "mon-fri 08:00-16:00"}))
    asyncio.run(handoff.ActionRequestHandoff().run(dispatcher, load_tracker("completed", language="nb"), domain))
    assert dispatcher.messages[0]["response"] == "utter_live_nobody_hours"
    assert dispatcher.messages[0]["handoff_hours"] == "mandag–fredag kl. 08.00–16.00"


def test_on_duty_opens_a_queued_chat_with_the_code_and_themes(store, dispatcher, domain):
    on_duty(store)
    tracker = load_tracker("completed", crisis=True, language="en")
    events = asyncio.run(handoff.ActionRequestHandoff().run(dispatcher, tracker, domain))
    assert dispatcher.messages[0]["response"] == "utter_live_queued"
    assert dispatcher.messages[1]["custom"] == {"live": {"state": "queued"}}
    chat = LiveChats(store).open_chat_for(tracker.sender_id)
    assert chat.state == "queued" and chat.crisis and chat.lang == "en"
    assert chat.code == events[0]["value"] and chat.themes["coping"] == "not_coping"


def test_on_duty_but_outside_the_hours_is_nobody(store, dispatcher, domain, monkeypatch):
    on_duty(store)
    other_day = DAYS[(datetime.now(OSLO).weekday() + 3) % 7]  # a day that is not today in Oslo
    closed = load_settings(overrides={"HANDOFF_HOURS": f"{other_day} 08:00-16:00"})
    monkeypatch.setattr(handoff, "settings", lambda: closed)
    asyncio.run(handoff.ActionRequestHandoff().run(dispatcher, load_tracker("completed"), domain))
    assert dispatcher.messages[0]["response"] == "utter_live_nobody_hours"
