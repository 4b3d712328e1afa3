"""The handoff request: a code, the time and coded themes; a kind message if the database is down."""

import asyncio

from actions import handoff
from actions.explain import ActionExplainQuestion
from bot.storage.records import Storage
from tests.actions.conftest import load_tracker


def test_yes_records_a_request_and_tells_the_code(store, dispatcher, domain):
    tracker = load_tracker("completed", crisis=True)
    events = asyncio.run(handoff.ActionRequestHandoff().run(dispatcher, tracker, domain))
    code = events[0]["value"]
    assert dispatcher.messages[0]["response"] == "utter_handoff_recorded"
    assert dispatcher.messages[0]["handoff_code"] == code
    saved = store.find_handoff(code)
    assert saved.crisis is True and saved.themes["coping"] == "not_coping"


def test_a_second_request_in_the_same_conversation_gives_the_same_code(store, dispatcher, domain):
    tracker = load_tracker("completed", crisis=True, handoff_code="7KQX4MTA")
    assert asyncio.run(handoff.ActionRequestHandoff().run(dispatcher, tracker, domain)) == []
    assert dispatcher.messages[0]["response"] == "utter_handoff_already"
    assert dispatcher.messages[0]["handoff_code"] == "7KQX4MTA"


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
