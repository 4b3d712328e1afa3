"""components/faults.py: a failing action answers with the apology; a failing tracker store fails the turn
(no in-memory fallback, no SQL with the doctor's words in the log) and works again when the database is back."""

import asyncio
import contextlib
import logging
import socket
import threading
from pathlib import Path

import pytest
from rasa.core.actions.action import Action, ActionExecutionRejection
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, FollowupAction, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url

from components import faults
from components.tracker_store import LeanSQLTrackerStore
from tests.services import fresh_postgres_database

DOMAIN = Domain.load(str(Path(__file__).resolve().parents[2] / "domain.yml"))


class Failing(Action):
    def __init__(self, error: Exception):
        self.error = error

    def name(self) -> str:
        return "action_conclude_assessment"

    async def run(self, output_channel, nlg, tracker, domain):
        raise self.error


class NLG:
    async def generate(self, name, tracker, channel, **kwargs):
        return {"text": DOMAIN.responses[name][0]["text"]}


class Channel:
    @staticmethod
    def name():
        return "rest"


def test_an_action_that_raises_answers_with_the_apology_and_listens():
    tracker = DialogueStateTracker("doc", DOMAIN.slots)
    events = asyncio.run(faults.guard(Failing(ConnectionError("refused"))).run(Channel(), NLG(), tracker, DOMAIN))
    assert isinstance(events[0], BotUttered) and "116 123" in events[0].text and "113" in events[0].text
    assert events[1] == FollowupAction("action_listen")


def test_a_form_rejection_is_not_turned_into_an_apology():
    action = faults.guard(Failing(ActionExecutionRejection("validate_x")))
    with pytest.raises(ActionExecutionRejection):
        asyncio.run(action.run(Channel(), NLG(), DialogueStateTracker("doc", DOMAIN.slots), DOMAIN))


class CuttableProxy:
    """A TCP proxy to PostgreSQL that can be cut (the database 'down') and restored on the same port."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections: list[socket.socket] = []
        self.up = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            server = socket.create_connection(self.target)
            self.connections += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def cut(self):
        self.up = False
        for connection in self.connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        self.connections.clear()

    def restore(self):
        self.up = True

    def close(self):
        self.cut()
        self.listener.close()


@pytest.fixture
def proxied_postgres():
    url, drop = fresh_postgres_database()
    real = make_url(url)
    proxy = CuttableProxy((real.host, real.port or 5432))
    try:
        yield real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False), proxy
    finally:
        proxy.close()
        drop()


def conversation(sender):
    return DialogueStateTracker.from_events(
        sender,
        [ActionExecuted("action_listen"), UserUttered("Zorbleford hospital is where I work", {"name": "inform"})],
        DOMAIN.slots,
    )


def test_a_database_down_fails_the_turn_without_words_in_the_log_and_recovers(proxied_postgres, caplog, patched):
    url, proxy = proxied_postgres
    lean = LeanSQLTrackerStore(DOMAIN, host=url)
    store = FailSafeTrackerStore(lean)
    asyncio.run(store.save(conversation("doc-down")))
    lean.forget("doc-down")
    proxy.cut()
    caplog.set_level(logging.DEBUG)
    with pytest.raises(faults.TrackerStoreUnavailable) as failed:
        asyncio.run(store.retrieve("doc-down"))
    assert "Zorbleford" not in str(failed.value) and failed.value.__cause__ is None
    with pytest.raises(faults.TrackerStoreUnavailable):
        asyncio.run(store.save(conversation("doc-other")))
    assert "Zorbleford" not in caplog.text
    proxy.restore()
    for _attempt in range(3):  # a pooled connection the cut left broken fails once, then is replaced
        try:
            tracker = asyncio.run(store.retrieve("doc-down"))
            break
        except faults.TrackerStoreUnavailable:
            continue
    assert tracker is not None and tracker.latest_message.text.startswith("Zorbleford")
    assert asyncio.run(store.retrieve("doc-other")) is None, "nothing of the failed save was written"
    lean.engine.dispose()
