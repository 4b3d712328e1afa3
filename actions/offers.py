"""The offers at the result (a person, then an intake summary), the doctor's yes or no to them, the hope read back
before a summary is stored, and withdrawing a summary. Which offer comes when is decided in bot/core/offers.py; the
summary itself is built in bot/core/summary.py from coded answers only."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.handoff import save_handoff
from actions.resources import content, settings, storage
from bot.core.content import long_date
from bot.core.offers import Offer, answer_offer
from bot.core.summary import chosen_hope, describe, find_code, hope_in_own_words, summarise
from bot.core.values import is_valid_value
from bot.storage.records import as_utc

logger = logging.getLogger(__name__)
# Codes a conversation may try that match nothing, before withdrawing is refused there.
WITHDRAW_TRIES = 5


def say(dispatcher: CollectingDispatcher, responses: tuple[str, ...], tracker: Tracker, domain: dict[str, Any]) -> None:
    """Say an offer step's named responses, with what some of them need: how long a summary is kept, the hope read
    back (in the doctor's own words when there are some), the coded hopes to choose from as buttons."""
    for response in responses:
        if response == "utter_offer_summary":
            dispatcher.utter_message(response=response, intake_days=settings().intake_retention_days)
        elif response == "utter_confirm_hope":
            _read_back_hope(dispatcher, tracker, domain)
        elif response == "utter_ask_hope_choice":
            labels = content(tracker.get_slot("language")).labels["expectation"]
            buttons = [{"title": label[:1].upper() + label[1:], "payload": label} for label in labels.values()]
            dispatcher.utter_message(response=response, buttons=buttons)
        else:
            dispatcher.utter_message(response=response)


def _read_back_hope(dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> None:
    label = content(tracker.get_slot("language")).labels["expectation"][tracker.get_slot("expectation")]
    asked = (domain.get("responses") or {}).get("utter_ask_expectation") or []
    words = hope_in_own_words(tracker.events, (b.get("payload", "") for v in asked for b in v.get("buttons") or []))
    if words:
        dispatcher.utter_message(response="utter_confirm_hope", hope_words=words, hope_label=label)
    else:
        dispatcher.utter_message(response="utter_confirm_hope_label", hope_label=label)


def _save_summary(dispatcher: CollectingDispatcher, tracker: Tracker, expectation: str | None) -> list[dict[str, Any]]:
    texts = content(tracker.get_slot("language"))
    slots = dict(tracker.slots, expectation=expectation) if expectation else tracker.slots
    summary = summarise(slots, texts)
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
        expires=long_date(as_utc(intake.expires_at).date(), tracker.get_slot("language")),
    )
    chosen = [SlotSet("expectation", expectation)] if expectation else []
    return [*chosen, SlotSet("intake_code", intake.code)]


def _answer(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any], accepted: bool
) -> list[dict[str, Any]]:
    """The doctor's answer to the pending offer, decided in bot/core/offers.py: store, say, set what is pending.
    Words that are neither yes nor no (the rules send them here after an offer) may be a hope chosen from the list."""
    pending = tracker.get_slot("pending_offer")
    message = tracker.latest_message or {}
    choosing = pending == Offer.HOPE_CHOICE.value
    language = tracker.get_slot("language")
    step = answer_offer(
        accepted,
        pending,
        bool(tracker.get_slot("intake_code")),
        hope_answered=is_valid_value("expectation", tracker.get_slot("expectation")),
        chosen=chosen_hope(message.get("text"), content(language).labels["expectation"], language)
        if choosing
        else None,
        words_only=(message.get("intent") or {}).get("name") not in ("affirm", "deny"),
    )
    events = []
    if step.store is Offer.HANDOFF:
        events = save_handoff(dispatcher, tracker)
    elif step.store is Offer.SUMMARY:
        events = _save_summary(dispatcher, tracker, step.expectation)
    say(dispatcher, step.say, tracker, domain)
    return [*events, SlotSet("pending_offer", step.pending_value)] if step.set_pending else events


class ActionAcceptOffer(Action):
    """Yes to whichever offer is pending: a person (then the summary is offered), the summary (then the hope is read
    back), the hope read back (then the summary is stored); or a hope chosen from the list."""

    def name(self) -> str:
        return "action_accept_offer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        return _answer(dispatcher, tracker, domain, accepted=True)


class ActionDeclineOffer(Action):
    """No to whichever offer is pending: nothing is stored."""

    def name(self) -> str:
        return "action_decline_offer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        return _answer(dispatcher, tracker, domain, accepted=False)


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
