"""Rasa's SQL tracker store, doing less work per message. Same tables, same rows, same results.

Rasa's `SQLTrackerStore`, on every message, reads all of the conversation's events, decodes them and
rebuilds the tracker, then counts the rows to find which events are new and adds them one ORM object at
a time; with SQLite it also opens and closes a connection for each query. This store:

- keeps the trackers it has rebuilt, and before reusing one asks the database with one indexed query
  whether the conversation's rows are still exactly those it knows (their count and highest id). A change
  made anywhere else (another replica, the retention purge, a deletion) or an event added in memory but
  never saved makes it read from the database again. Kept trackers are dropped after `cache_seconds`
  without use (by `clock`, a monotonic clock unless a test gives its own) and beyond `cache_size`
  conversations;
- reads only the event data column, and writes the new events in one statement, knowing how many it read;
- pools SQLite connections.

A new conversation (no rows yet) is written the same way, all its events in one statement. Any other
tracker the store did not build itself (a whole-history read) is saved the way Rasa saves it, and never
kept. Measured in docs/performance.md.

A conversation's cost grows with its length: Rasa rebuilds and re-reads every event of the session on every
turn (at 100 turns a turn took 65 ms, at 850 turns 3 s). So once the session holds more than
`compact_after_events` events, the store writes a compact copy after the turn: a new session that starts
with the slot values and active form as they were before the previous message, then that message and the
last one again with all they caused, so the rules see the same recent steps. The next turn reads only
the compact copy; the older rows stay until the conversation is deleted or expires, like every other row.
"""

from __future__ import annotations

import itertools
import json
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.slots import Slot
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

# Set on trackers this store built from the latest session: how many of their events are in the database.
_STORED = "_events_in_store"


@dataclass
class _Kept:
    tracker: DialogueStateTracker
    stamp: tuple
    length: int
    used: float


def compact_events(events: list[Event], slots: list[Slot], now: float) -> list[Event] | None:
    """A new session equivalent to `events` for what comes next, or None when there is too little to compact.

    It starts as Rasa starts one (`action_session_start`, then `session_started`), sets the slots and the
    active form as they stood before the previous user message, and repeats that message and the last one
    with everything they caused. Every event gets a new, strictly increasing timestamp after `now`: Rasa
    finds a session's events by timestamp.
    """
    users = [i for i, event in enumerate(events) if isinstance(event, UserUttered)]
    if len(users) < 2:
        return None
    cut = users[-2]
    if cut and isinstance(events[cut - 1], ActionExecuted) and events[cut - 1].action_name == ACTION_LISTEN_NAME:
        cut -= 1
    before = DialogueStateTracker.from_events("compact", events[:cut], slots)
    initial = {slot.name: slot.initial_value for slot in slots}
    state: list[Event] = [
        SlotSet(name, value)
        for name, value in before.current_slot_values().items()
        if value != initial.get(name) and name in initial
    ]
    if before.active_loop_name:
        state.append(ActiveLoop(before.active_loop_name))
    start = max(now, max((e.timestamp for e in events), default=now))
    repeated = [Event.from_parameters(event.as_dict()) for event in events[cut:]]
    compact = [ActionExecuted(ACTION_SESSION_START_NAME), SessionStarted(), *state, *repeated]
    for step, event in enumerate(compact, start=1):
        event.timestamp = start + step * 1e-6
    return compact


class LeanSQLTrackerStore(SQLTrackerStore):
    def __init__(
        self,
        *args: Any,
        cache_size: int = 500,
        cache_seconds: float = 900,
        compact_after_events: int | str = 400,
        clock: Callable[[], float] = time.monotonic,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.clock = clock
        self.cache_size = int(cache_size)
        self.cache_seconds = float(cache_seconds)
        self.compact_after_events = int(compact_after_events or 400)
        self._kept: OrderedDict[str, _Kept] = OrderedDict()
        events = self.SQLEvent.__table__
        self._stamp_query = sa.select(sa.func.count(events.c.id), sa.func.max(events.c.id)).where(
            events.c.sender_id == sa.bindparam("sender_id")
        )
        if self.engine.dialect.name == "sqlite":
            url = self.engine.url
            self.engine.dispose()
            self.engine = sa.create_engine(url, poolclass=sa.pool.QueuePool, pool_size=1, max_overflow=4)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    # --- the kept trackers -------------------------------------------------------------------------
    def _stamp(self, sender_id: str) -> tuple:
        """(row count, highest id) of the conversation: any insert or delete elsewhere changes it."""
        with self.engine.connect() as connection:
            return tuple(connection.execute(self._stamp_query, {"sender_id": sender_id}).one())

    def _forget_stale(self, now: float) -> None:
        while self._kept:
            sender_id, kept = next(iter(self._kept.items()))
            if now - kept.used <= self.cache_seconds and len(self._kept) <= self.cache_size:
                break
            del self._kept[sender_id]

    def _keep(self, tracker: DialogueStateTracker, stamp: tuple) -> None:
        now = self.clock()
        self._kept[tracker.sender_id] = _Kept(tracker, stamp, len(tracker.events), now)
        self._kept.move_to_end(tracker.sender_id)
        self._forget_stale(now)

    def forget(self, sender_id: str) -> None:
        self._kept.pop(sender_id, None)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        stamp = self._stamp(sender_id)
        kept = self._kept.pop(sender_id, None)
        if kept and stamp[0] and kept.stamp == stamp and len(kept.tracker.events) == kept.length:
            self._keep(kept.tracker, stamp)
            return kept.tracker
        tracker = await self._retrieve(sender_id, fetch_events_from_all_sessions=False)
        if tracker is not None and stamp[0]:
            self._keep(tracker, stamp)
        return tracker

    # --- reading and writing -----------------------------------------------------------------------
    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
        with self.session_scope() as session:
            query = self._event_query(session, sender_id, fetch_events_from_all_sessions)
            rows = query.with_entities(self.SQLEvent.data).all()
        events = [json.loads(data) for (data,) in rows]
        if not (self.domain and events):
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        if not fetch_events_from_all_sessions:
            setattr(tracker, _STORED, len(tracker.events))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        stored = getattr(tracker, _STORED, None)
        self.forget(tracker.sender_id)
        if stored is None and self._stamp(tracker.sender_id)[0] == 0:
            stored = 0  # a new conversation: all its events are new, as Rasa's own save would find
        if stored is None or stored > len(tracker.events):
            await super().save(tracker)
            return
        await self.stream_events(tracker)
        rows = [self._row(tracker.sender_id, event) for event in itertools.islice(tracker.events, stored, None)]
        compact = None
        if len(tracker.events) > self.compact_after_events and self.domain:
            compact = compact_events(list(tracker.events), self.domain.slots, time.time())
            if compact:
                rows += [self._row(tracker.sender_id, event) for event in compact]
        if rows:
            with self.session_scope() as session:  # the turn and its compact copy: one transaction
                session.execute(self.SQLEvent.__table__.insert(), rows)
                session.commit()
        if compact:
            session_events = [e.as_dict() for e in compact[1:]]  # what a read of the latest session returns
            tracker = DialogueStateTracker.from_dict(tracker.sender_id, session_events, self.domain.slots)
        setattr(tracker, _STORED, len(tracker.events))
        self._keep(tracker, self._stamp(tracker.sender_id))

    @staticmethod
    def _row(sender_id: str, event: Any) -> dict:
        data = event.as_dict()
        return {
            "sender_id": sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }
