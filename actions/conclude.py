"""action_conclude_assessment: category, reasons and recommendation, all decided in bot/."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.offers import say
from actions.resources import content
from bot.core.assessment import Answers, classify_help_seeking, reasons_shown
from bot.core.offers import first_offer
from bot.core.recommend import recommend


class ActionConcludeAssessment(Action):
    def name(self) -> str:
        return "action_conclude_assessment"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[dict[str, Any]]:
        answers = Answers.from_slots(tracker.slots)
        assessment = classify_help_seeking(answers)
        texts = content(tracker.get_slot("language"))
        dispatcher.utter_message(response=f"utter_result_{assessment.category.value}")
        shown = reasons_shown(assessment)
        if shown:
            dispatcher.utter_message(
                response="utter_result_reasons", reasons="; ".join(texts.reasons[r] for r in shown)
            )
        advice = recommend(assessment, answers, texts)
        for service in advice.services:
            dispatcher.utter_message(
                response="utter_service",
                name=service.name,
                what=service.what,
                how=service.how,
            )
        for note in advice.notes:
            dispatcher.utter_message(response="utter_note", note=note)
        # One question at a time: after a crisis the offer of a person comes first, the summary after it.
        offer = first_offer(
            crisis=bool(tracker.get_slot("crisis")),
            handoff_requested=bool(tracker.get_slot("handoff_code")),
            summary_made=bool(tracker.get_slot("intake_code")),
        )
        say(dispatcher, offer.say)
        return [
            SlotSet("help_category", assessment.category.value),
            SlotSet("assessment_reasons", list(assessment.reasons)),
            SlotSet("pending_offer", offer.pending_value),
            SlotSet("result_shown", True),  # words after it may put an answer right (data/rules.yml)
        ]
