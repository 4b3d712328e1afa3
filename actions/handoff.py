"""Handoff to a person, and the crisis flag when a doctor says yes to the direct question.

With a counsellor on duty (and inside HANDOFF_HOURS, if set) the handoff is live: a queued chat that the web server
takes over (docs/live-handoff.md); otherwise the honest answer: nobody on duty now, the hours, the code, the lines."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.resources import settings, storage
from bot.core.live import describe_hours, live_offer_possible, parse_hours
from bot.storage.live import LiveChats

logger = logging.getLogger(__name__)


def save_handoff(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
    """Store a handoff request with the coded themes so far and tell the doctor its code."""
    try:
        request = storage().record_handoff(tracker.slots, crisis=bool(tracker.get_slot("crisis")))
    except SQLAlchemyError as exc:
        logger.error("handoff request not saved: %s", type(exc).__name__)
        dispatcher.utter_message(response="utter_handoff_failed")
        return []
    dispatcher.utter_message(response="utter_handoff_recorded", handoff_code=request.code)
    return [SlotSet("handoff_code", request.code)]


def say_nobody_on_duty(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """The honest answer before the code: nobody can join now, and when someone can (HANDOFF_HOURS)."""
    hours = parse_hours(settings().handoff_hours)
    if hours.always:
        dispatcher.utter_message(response="utter_live_nobody")
    else:
        lang = tracker.get_slot("language") or "nb"
        dispatcher.utter_message(response="utter_live_nobody_hours", handoff_hours=describe_hours(hours, lang))


def live_possible() -> bool:
    hours = parse_hours(settings().handoff_hours)
    return live_offer_possible(len(LiveChats(storage()).on_duty()), hours, datetime.now(timezone.utc))


def open_live_chat(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
    """A queued chat the web server takes over from here (docs/live-handoff.md): the request as today (its code and
    coded themes), the chat, the words that a counsellor can join now, and the marker the relay passes on."""
    events: list[dict[str, Any]] = []
    code = tracker.get_slot("handoff_code")
    crisis = bool(tracker.get_slot("crisis"))
    request = storage().find_handoff(code) if code else None
    if request is None:
        request = storage().record_handoff(tracker.slots, crisis=crisis)
        code = request.code
        events.append(SlotSet("handoff_code", code))
    themes = dict(request.themes)
    LiveChats(storage()).open_chat(tracker.sender_id, code, themes, crisis, tracker.get_slot("language") or "nb")
    dispatcher.utter_message(response="utter_live_queued")
    dispatcher.utter_message(json_message={"live": {"state": "queued"}})
    return events


class ActionRequestHandoff(Action):
    def name(self) -> str:
        return "action_request_handoff"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[dict[str, Any]]:
        try:
            if live_possible():
                return open_live_chat(dispatcher, tracker)
        except SQLAlchemyError as exc:
            logger.error("live chat not opened: %s", type(exc).__name__)
            dispatcher.utter_message(response="utter_handoff_failed")
            return []
        say_nobody_on_duty(dispatcher, tracker)
        if tracker.get_slot("handoff_code"):
            dispatcher.utter_message(response="utter_handoff_already", handoff_code=tracker.get_slot("handoff_code"))
            return []
        return save_handoff(dispatcher, tracker)


class ActionFlagCrisis(Action):
    def name(self) -> str:
        return "action_flag_crisis"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[dict[str, Any]]:
        return [SlotSet("crisis", True), SlotSet("self_harm", True)]
