"""Handoff to a person, and the crisis flag when a doctor says yes to the direct question."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.resources import storage

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


class ActionRequestHandoff(Action):
    def name(self) -> str:
        return "action_request_handoff"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[dict[str, Any]]:
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
