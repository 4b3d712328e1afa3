"""A failed action answers the doctor instead of leaving them in silence.

Rasa 3.6 logs an action that raised (the action server down, slow, or failing), drops its events and goes on
predicting; with the form failing every time, the turn ends without a word after up to ten attempts. Here
an action that raises is answered with `utter_something_went_wrong` (an apology and the helplines) and the
turn ends there: the conversation stays where it was (an active form stays active and asks again when the
doctor answers), so it continues when the action server is back. The crisis path needs no custom action
(components/crisis_policy.py) and is not affected. Calls to the action server give up after
ACTION_TIMEOUT_SECONDS instead of Rasa's five minutes.

The tracker store gets no in-memory fallback. Rasa wraps it in a `FailSafeTrackerStore` that, when the
database is down or locked, logs the failed SQL with its parameters (the doctor's words) and carries on in
memory: a conversation that cannot be read starts again from nothing, and one that cannot be saved lives on in
one replica's memory until the database returns beside it. Here a store failure fails the turn instead:
nothing is written, the REST channel answers with the apology and the helplines (or crisis help), the cause
is logged by its type alone, and the next message reads the conversation as it was stored.

Importing this module changes nothing: `components.patches.apply_all()` puts these in Rasa's place at the
server's start-up.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.actions.action import Action, ActionExecutionRejection, create_bot_utterance
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import Event, FollowupAction
from rasa.shared.exceptions import RasaException

from bot.settings import get_settings

logger = logging.getLogger(__name__)
FAULT_RESPONSE = "utter_something_went_wrong"
_original_run_action = MessageProcessor._run_action


class TrackerStoreUnavailable(RasaException):
    """The conversation could not be read or saved; the message names only the error's type."""


async def fault_events(nlg: Any, tracker: Any, output_channel: Any) -> list[Event]:
    """The apology with the helplines, then listening: nothing else runs in this turn."""
    message = await nlg.generate(FAULT_RESPONSE, tracker, output_channel.name())
    return [create_bot_utterance(message or {"text": ""}), FollowupAction(ACTION_LISTEN_NAME)]


def guard(action: Action) -> Action:
    """Make `action.run` answer with the apology instead of raising (a form's rejection still propagates)."""
    if getattr(action, "_fault_guarded", False) or action.name() == ACTION_LISTEN_NAME:
        return action
    run = action.run

    async def guarded_run(output_channel: Any, nlg: Any, tracker: Any, domain: Any, *args: Any, **kwargs: Any):
        try:
            return await run(output_channel, nlg, tracker, domain, *args, **kwargs)
        except ActionExecutionRejection:
            raise
        except Exception as exc:
            logger.error("action %s failed: %s", action.name(), type(exc).__name__)
            return await fault_events(nlg, tracker, output_channel)

    action.run = guarded_run  # type: ignore[method-assign]
    action._fault_guarded = True  # type: ignore[attr-defined]
    return action


async def _run_action(self: MessageProcessor, action: Action, *args: Any, **kwargs: Any) -> bool:
    return await _original_run_action(self, guard(action), *args, **kwargs)


async def _store_call(store: FailSafeTrackerStore, method: str, *args: Any) -> Any:
    try:
        return await getattr(store._tracker_store, method)(*args)
    except Exception as exc:
        # `from None`: the original error's text holds the SQL parameters, i.e. the doctor's words.
        raise TrackerStoreUnavailable(f"tracker store {method} failed: {type(exc).__name__}") from None


async def _retrieve(self: FailSafeTrackerStore, sender_id: str) -> Any:
    return await _store_call(self, "retrieve", sender_id)


async def _retrieve_full_tracker(self: FailSafeTrackerStore, sender_id: str) -> Any:
    return await _store_call(self, "retrieve_full_tracker", sender_id)


async def _save(self: FailSafeTrackerStore, tracker: Any) -> None:
    await _store_call(self, "save", tracker)


def action_timeout_seconds() -> int:
    """What Rasa's calls to the action server wait at most (components/patches.py sets it at start-up)."""
    return get_settings().action_timeout_seconds
