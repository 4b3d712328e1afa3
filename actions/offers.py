"""The offers at the result (a person, then an intake summary), the doctor's yes or no to them, and
withdrawing a summary. The summary itself is built in bot/core/summary.py from coded answers only."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.handoff import save_handoff
from actions.resources import content, settings, storage
from bot.core.summary import describe, find_code, summarise
from bot.storage.records import as_utc

logger = logging.getLogger(__name__)
# Codes a conversation may try that match nothing, before withdrawing is refused there.
WITHDRAW_TRIES = 5


def offer_summary(dispatcher: CollectingDispatcher, tracker: Tracker) -> str | None:
    """Offer the intake summary unless one was made already; returns the offer now pending."""
    if tracker.get_slot("intake_code"):
        dispatcher.utter_message(response="utter_result_outro")
        return None
    dispatcher.utter_message(response="utter_offer_summary", intake_days=settings().intake_retention_days)
    return "summary"


def _save_summary(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
    texts = content()
    summary = summarise(tracker.slots, texts)
    try:
        intake = storage().record_intake(summary)
    except SQLAlchemyError as exc:
        logger.error("intake summary not saved: %s", type(exc).__name__)
        dispatcher.utter_message(response="utter_intake_failed")
        return []
    dispatcher.utter_message(
        response="utter_intake_saved",
        intake_code=intake.code,
        stored="\n".join(f"• {line}" for line in describe(summary, texts)),
        expires=as_utc(intake.expires_at).strftime("%d %B %Y"),
    )
    return [SlotSet("intake_code", intake.code)]


class ActionAcceptOffer(Action):
    """Yes to whichever offer is pending: a person (then the summary is offered), or the summary."""

    def name(self) -> str:
        return "action_accept_offer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        pending = tracker.get_slot("pending_offer")
        if pending == "handoff":
            events = save_handoff(dispatcher, tracker)
            return [*events, SlotSet("pending_offer", offer_summary(dispatcher, tracker))]
        if pending == "summary":
            events = _save_summary(dispatcher, tracker)
            dispatcher.utter_message(response="utter_result_outro")
            return [*events, SlotSet("pending_offer", None)]
        dispatcher.utter_message(response="utter_result_outro")
        return []


class ActionDeclineOffer(Action):
    """No to whichever offer is pending: nothing is stored."""

    def name(self) -> str:
        return "action_decline_offer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        pending = tracker.get_slot("pending_offer")
        if pending == "handoff":
            dispatcher.utter_message(response="utter_crisis_declined")
            return [SlotSet("pending_offer", offer_summary(dispatcher, tracker))]
        if pending == "summary":
            dispatcher.utter_message(response="utter_intake_declined")
        dispatcher.utter_message(response="utter_result_outro")
        return [SlotSet("pending_offer", None)]


class ActionWithdrawSummary(Action):
    """ "Withdraw my summary" (the one made in this conversation), or "withdraw 7KQX4MTA" (any, by its code)."""

    def name(self) -> str:
        return "action_withdraw_summary"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        code = find_code(tracker.latest_message.get("text")) or tracker.get_slot("intake_code")
        if not code:
            dispatcher.utter_message(response="utter_ask_intake_code")
            return []
        tries = int(tracker.get_slot("withdraw_tries") or 0)
        if tries >= WITHDRAW_TRIES:
            dispatcher.utter_message(response="utter_withdraw_limit")
            return []
        try:
            withdrawn = storage().withdraw_intake(code)
        except SQLAlchemyError as exc:
            logger.error("intake summary not withdrawn: %s", type(exc).__name__)
            dispatcher.utter_message(response="utter_withdraw_failed")
            return []
        if not withdrawn:
            dispatcher.utter_message(response="utter_intake_not_found", intake_code=code)
            return [SlotSet("withdraw_tries", tries + 1)]
        dispatcher.utter_message(response="utter_intake_withdrawn", intake_code=code)
        return [SlotSet("intake_code", None)] if code == tracker.get_slot("intake_code") else []
