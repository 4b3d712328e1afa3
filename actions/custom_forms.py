"""validate_self_assessment_form: every answer is read by bot.core.form; this class only moves values around."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.change import say_changed
from bot.core import form
from bot.core.safety import CRISIS_RISK_KEY, LANGUAGE_KEY

FORM = "self_assessment_form"


def _user_messages_since_restart(tracker: Tracker) -> list[tuple[str, str | None]]:
    """Each text the doctor wrote, with the crisis reading the Rasa server made of it (components/safety_net.py)."""
    messages: list[tuple[str, str | None]] = []
    for event in tracker.events:
        if event.get("event") == "restart":
            messages = []
        elif event.get("event") == "user" and event.get("text") and not event["text"].startswith("/"):
            messages.append((event["text"], (event.get("parse_data") or {}).get(CRISIS_RISK_KEY)))
    return messages


def _language(tracker: Tracker) -> str | None:
    """The language of the doctor's latest message that told it (components/safety_net.py reads each one)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user" and (event.get("parse_data") or {}).get(LANGUAGE_KEY):
            return event["parse_data"][LANGUAGE_KEY]
    return tracker.get_slot("language")


class AnswerValidation(FormValidationAction, ABC):
    """Shared by every question: read the answer with bot.core.form, say the named response, return slots."""

    @abstractmethod
    def name(self) -> str:
        """Abstract, so the SDK does not register this base class as an action."""

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        return form.remaining_topics(
            tracker.get_slot("skipped_topics"),
            bool(tracker.get_slot("safety_check_due")),
        )

    async def next_requested_slot(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> EventType | None:
        """The SDK's choice of the next topic, and before its question, where the self-assessment is: a custom
        message {"progress": {"question": 4, "of": 10}}, which the web server passes on to the widget."""
        chosen = await super().next_requested_slot(dispatcher, tracker, domain)
        required = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        next_topic = next((topic for topic in required if tracker.slots.get(topic) is None), None)
        skipped, unasked = tracker.get_slot("skipped_topics"), tracker.get_slot("unasked_topics")
        at = form.progress(next_topic, tracker.slots, required, skipped, unasked)
        if at and not tracker.get_slot("result_shown"):  # changing an answer after the result: no count
            dispatcher.utter_message(json_message={"progress": {"question": at[0], "of": at[1]}})
        return chosen

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Fill topics the doctor already answered unasked (at the start: everything said so far)."""
        # Starting: the form is not active yet, or Rasa activated it in this very turn and asks us to validate a slot
        # the message set (the language), before any question was asked.
        starting = tracker.active_loop.get("name") != FORM or not tracker.get_slot("requested_slot")
        latest = [(tracker.latest_message.get("text") or "", tracker.latest_message.get(CRISIS_RISK_KEY))]
        messages = _user_messages_since_restart(tracker) if starting else latest
        texts, risks = [text for text, _ in messages], [risk for _, risk in messages]
        events: list[EventType] = []
        if (
            not starting
            and tracker.get_slot("requested_slot") != "self_harm"
            and form.needs_safety_check(texts[-1], risks[-1])
        ):
            dispatcher.utter_message(response="utter_safety_check_intro")
            events.append(SlotSet("safety_check_due", True))
        found = form.volunteered_answers(
            texts,
            tracker.slots,
            tracker.get_slot("skipped_topics"),
            tracker.get_slot("requested_slot"),
            risks,
            _language(tracker),
        )
        asked = tracker.get_slot("requested_slot")
        open_question = not starting and asked not in (None, "self_harm") and tracker.get_slot(asked) is None
        if open_question and _asks_again_for_a_person(tracker):
            # The request is on record already, and the doctor said it again at this question: the words are meant
            # as the answer ("someone to talk to, a støttekollega" to "what would help most"), and are read as one,
            # so an answer the assistant cannot read moves the form on instead of asking for ever.
            events.append(SlotSet(asked, texts[-1]))
        if found and starting:
            dispatcher.utter_message(response="utter_noted_from_opening")
        if found:  # answered unasked: not counted in the progress ("Question 4 of 9")
            events.append(SlotSet("unasked_topics", sorted(set(tracker.get_slot("unasked_topics") or []) | set(found))))
        return events + [SlotSet(slot, value) for slot, value in found.items()]

    def answer(self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        language = _language(tracker)
        step = form.read_answer(
            slot,
            value,
            int(tracker.get_slot("unreadable_answers") or 0),
            tracker.get_slot("skipped_topics"),
            (tracker.latest_message.get("intent") or {}).get("name"),
            language,
        )
        changed = self.corrected(slot, value, step, tracker, language)
        if changed:
            # "Actually, I'm on sick leave" at a later question: the earlier answers change, the doctor is told
            # what changed, and an answer that says nothing about this question is not counted as unreadable.
            read_now = step.slots.get(slot) is not None
            step = form.AnswerStep(
                {**(step.slots if read_now else {slot: None}), **changed},
                step.response if read_now else None,
            )
            say_changed(dispatcher, changed, language)
        if step.response:
            dispatcher.utter_message(response=step.response)
        if slot == "self_harm":
            step.slots.setdefault("safety_check_due", None)
        return step.slots

    @staticmethod
    def corrected(slot: str, value: Any, step: form.AnswerStep, tracker: Tracker, language: str | None) -> dict:
        """Earlier answers put right in the words of this answer (bot.core.form.corrections): looked for when the
        words say so ("actually", «egentlig») or do not answer the question asked."""
        if not isinstance(value, str) or slot == "self_harm" or step.slots.get("crisis"):
            return {}
        if step.slots.get(slot) is not None and not form.is_correction(value):
            return {}
        return form.corrections(value, tracker.slots, slot, language)


def _asks_again_for_a_person(tracker: Tracker) -> bool:
    """The latest message asks for a person (intent request_handoff) and a request was recorded before it."""
    if (tracker.latest_message.get("intent") or {}).get("name") != "request_handoff":
        return False
    before_it = False
    for event in reversed(tracker.events):  # from the latest message back
        if event.get("event") == "user":
            before_it = True
        elif before_it and event.get("event") == "slot" and event.get("name") == "handoff_code" and event.get("value"):
            return True
    return False


class ValidateSelfAssessmentForm(AnswerValidation):
    def name(self) -> str:
        return f"validate_{FORM}"

    def validate_work_status(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ):
        return self.answer("work_status", value, dispatcher, tracker)

    def validate_workload(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ):
        return self.answer("workload", value, dispatcher, tracker)

    def validate_sleep(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ):
        return self.answer("sleep", value, dispatcher, tracker)

    def validate_warning_signs(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ):
        return self.answer("warning_signs", value, dispatcher, tracker)

    def validate_conflict(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ):
        return self.answer("conflict", value, dispatcher, tracker)

    def validate_coping(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ):
        return self.answer("coping", value, dispatcher, tracker)

    def validate_sick_leave(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ):
        return self.answer("sick_leave", value, dispatcher, tracker)

    def validate_treatment(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ):
        return self.answer("treatment", value, dispatcher, tracker)

    def validate_expectation(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ):
        return self.answer("expectation", value, dispatcher, tracker)

    def validate_self_harm(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ):
        return self.answer("self_harm", value, dispatcher, tracker)
