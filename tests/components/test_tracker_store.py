"""LeanSQLTrackerStore keeps Rasa's rows and results, and never serves a stale conversation."""

import asyncio
import time
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from components.tracker_store import LeanSQLTrackerStore
from tests.services import fresh_postgres_database

DOMAIN = Domain.load(str(Path(__file__).resolve().parents[2] / "domain.yml"))


def run(coroutine):
    return asyncio.run(coroutine)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    """The tracker store's URL: a SQLite file, or a fresh PostgreSQL database (what replicas share)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'rasa.db'}"
        return
    url, drop = fresh_postgres_database()
    yield url
    drop()


def lean(db, **kwargs):
    store = LeanSQLTrackerStore(DOMAIN, host=db, **kwargs)
    STORES.append(store)
    return store


STORES: list = []


@pytest.fixture(autouse=True)
def close_stores():
    yield
    while STORES:
        STORES.pop().engine.dispose()


def conversation(store, sender="doc-1", turns=3):
    tracker = DialogueStateTracker.from_events(sender, [ActionExecuted("action_listen")], DOMAIN.slots)
    run(store.save(tracker))
    for n in range(turns):
        tracker = run(store.retrieve(sender))
        tracker.update(UserUttered(f"answer {n}", {"name": "inform", "confidence": 1.0}))
        tracker.update(SlotSet("workload", "heavy"))
        tracker.update(ActionExecuted("action_listen"))
        run(store.save(tracker))
    return tracker


def test_the_rows_and_the_tracker_are_the_ones_rasa_would_have(db):
    conversation(lean(db))
    ours = run(lean(db).retrieve("doc-1"))
    rasas = run(SQLTrackerStore(DOMAIN, host=db).retrieve("doc-1"))
    assert ours.current_state() == rasas.current_state()
    assert len(ours.events) == 1 + 3 * 3


def test_a_kept_tracker_is_reused_while_the_database_has_not_changed(db):
    store = lean(db)
    conversation(store)
    assert run(store.retrieve("doc-1")) is run(store.retrieve("doc-1"))


def test_a_change_by_another_server_is_seen(db):
    ours, theirs = lean(db), lean(db)
    conversation(ours)
    kept = run(ours.retrieve("doc-1"))
    other = run(theirs.retrieve("doc-1"))
    other.update(UserUttered("from the other replica", {"name": "inform", "confidence": 1.0}))
    run(theirs.save(other))
    fresh = run(ours.retrieve("doc-1"))
    assert fresh is not kept and fresh.latest_message.text == "from the other replica"


def test_a_deleted_conversation_is_gone_not_served_from_memory(db):
    store = lean(db)
    conversation(store)
    run(store.retrieve("doc-1"))
    with store.engine.begin() as connection:
        connection.execute(store.SQLEvent.__table__.delete())
    assert run(store.retrieve("doc-1")) is None


def test_events_added_but_never_saved_are_not_served(db):
    store = lean(db)
    conversation(store)
    tracker = run(store.retrieve("doc-1"))
    tracker.update(UserUttered("lost when the server failed", {"name": "inform", "confidence": 1.0}))
    assert run(store.retrieve("doc-1")).latest_message.text == "answer 2"


class Clock:
    """The store's clock, moved on by the test: no waiting for the real one."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_kept_trackers_are_bounded_in_number(db):
    store = lean(db, cache_size=2, clock=Clock())
    for sender in ("a", "b", "c"):
        conversation(store, sender, turns=1)
    assert list(store._kept) == ["b", "c"]


def test_kept_trackers_are_dropped_after_cache_seconds_without_use(db):
    clock = Clock()
    store = lean(db, cache_seconds=60, clock=clock)
    conversation(store, "a", turns=1)
    clock.now += 30
    conversation(store, "b", turns=1)
    clock.now += 30
    conversation(store, "c", turns=1)
    assert list(store._kept) == ["a", "b", "c"], "a, unused for exactly cache_seconds, is still kept"
    clock.now += 0.5
    run(store.retrieve("b"))
    assert list(store._kept) == ["c", "b"], "a, unused for longer, is dropped; b's use starts its time again"
    clock.now += 60
    run(store.retrieve("b"))
    assert list(store._kept) == ["b"]


def test_a_whole_history_read_is_never_kept(db):
    store = lean(db)
    conversation(store)
    store.forget("doc-1")
    full = run(store.retrieve_full_tracker("doc-1"))
    run(store.save(full))
    assert "doc-1" not in store._kept


def test_a_new_conversation_is_written_in_the_rows_rasa_writes(db, tmp_path):
    import sqlalchemy as sa

    events = [
        ActionExecuted("action_session_start", timestamp=1.0),
        ActionExecuted("action_listen", timestamp=2.0),
        UserUttered("first words", {"name": "greet", "confidence": 1.0}, timestamp=3.0),
        SlotSet("workload", "heavy", timestamp=4.0),
    ]
    ours = lean(db)
    run(ours.save(DialogueStateTracker.from_events("new-1", events, DOMAIN.slots)))
    assert "new-1" in ours._kept, "written by the quick path, and kept"
    rasa_db = f"sqlite:///{tmp_path / 'rasa-own.db'}"
    rasas = SQLTrackerStore(DOMAIN, host=rasa_db)
    run(rasas.save(DialogueStateTracker.from_events("new-1", events, DOMAIN.slots)))
    columns = "sender_id, type_name, timestamp, intent_name, action_name, data"

    def rows(url):
        engine = sa.create_engine(url)
        with engine.connect() as connection:
            found = [tuple(r) for r in connection.execute(sa.text(f"SELECT {columns} FROM events ORDER BY id"))]
        engine.dispose()
        return found

    assert rows(db) == rows(rasa_db)
    assert len(rows(db)) == 4


# --- compaction: a long conversation is rewritten as a short one that leads to the same next steps -------
import itertools  # noqa: E402
import json  # noqa: E402

from rasa.shared.core.events import Event  # noqa: E402

from components.tracker_store import compact_events  # noqa: E402

RECORDED = Path(__file__).parent / "data" / "long_conversation.json"  # 33 turns: form, result, offers, crisis, handoff


def recorded_events():
    return [Event.from_parameters(e) for e in json.loads(RECORDED.read_text())["events"]]


def turn_ends(events):
    """Where a turn has ended: right after each action_listen that follows a user message."""
    ends, seen_user = [], False
    for i, event in enumerate(events):
        seen_user = seen_user or isinstance(event, UserUttered)
        if seen_user and isinstance(event, ActionExecuted) and event.action_name == "action_listen":
            ends.append(i + 1)
    return ends


def session(events):
    return DialogueStateTracker.from_dict("c", [e.as_dict() for e in events], DOMAIN.slots)


@pytest.fixture(scope="module")
def predict():
    """The trained model's policies: the next action they choose for a tracker."""
    from rasa.core.agent import load_agent

    model = Path(__file__).resolve().parents[2] / "models" / "doctor-support.tar.gz"
    assert model.exists(), "make train first"
    agent = asyncio.run(load_agent(model_path=str(model)))

    def next_action(tracker):
        prediction = agent.processor._predict_next_with_tracker(tracker)
        return agent.domain.action_names_or_texts[prediction.max_confidence_index]

    return next_action


def test_after_every_turn_the_compact_session_leads_to_the_same_next_steps(predict):
    events = recorded_events()
    ends = turn_ends(events)
    assert len(ends) >= 30
    compacted = 0
    for end, following in zip(ends, ends[1:] + [len(events)], strict=True):
        original = session(events[:end])
        compact = compact_events(events[:end], DOMAIN.slots, time.time())
        if compact is None:
            continue
        compacted += 1
        assert compact[0].action_name == "action_session_start" and compact[1].type_name == "session_started"
        short = session(compact[1:])
        assert len(short.events) < 60, "bounded: the state and two turns"
        assert short.current_slot_values() == original.current_slot_values()
        assert short.active_loop_name == original.active_loop_name
        assert short.latest_action_name == original.latest_action_name
        assert short.latest_message.text == original.latest_message.text
        stamps = [e.timestamp for e in compact]
        assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
        # The doctor's next message, and the slots Rasa reads from it, then what the policies choose: the same.
        nxt = list(itertools.takewhile(lambda e: not isinstance(e, ActionExecuted), events[end:following]))
        for tracker in (original, short):
            for event in nxt:
                tracker.update(event)
        if nxt:
            assert predict(short) == predict(original), (end, nxt[0].as_dict().get("text"))
    assert compacted == len(ends) - 1


def test_a_long_conversation_is_read_back_short_and_the_same(db):
    events = recorded_events()
    store = lean(db, compact_after_events=40)
    ends = turn_ends(events)
    run(store.save(DialogueStateTracker.from_events("long", events[: ends[0]], DOMAIN.slots)))
    start = ends[0]
    for end in ends[1:]:
        tracker = run(store.retrieve("long"))
        for event in events[start:end]:
            tracker.update(event)
        start = end
        run(store.save(tracker))
        assert len(tracker.events) <= 40 + 60
    fresh = run(lean(db).retrieve("long"))
    rasas = run(SQLTrackerStore(DOMAIN, host=db).retrieve("long"))
    whole = session(events)
    assert len(fresh.events) < 100 < len(whole.events)
    assert fresh.current_slot_values() == whole.current_slot_values() == rasas.current_slot_values()
    assert fresh.active_loop_name == whole.active_loop_name and fresh.latest_message.text == whole.latest_message.text


def test_too_short_to_compact():
    assert compact_events([ActionExecuted("action_listen"), UserUttered("hi")], DOMAIN.slots, time.time()) is None
