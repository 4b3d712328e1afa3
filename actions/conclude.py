"""action_conclude_assessment: category, reasons and recommendation, all decided in bot/; and action_show_details,
the full text of each recommended option and the notes ("More about this")."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.offers import say
from actions.resources import content
from bot.core.assessment import Answers, classify_help_seeking, reasons_shown
from bot.core.offers import first_offer, offer_again
from bot.core.recommend import at_a_glance, recommend, service_lines


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
        glance = at_a_glance(recommend(assessment, answers, texts), texts)
        dispatcher.utter_message(
            response=f"utter_result_{assessment.category.value}",
            first_service=glance.first.name,
            first_how=glance.first.short_how,
        )
        shown = reasons_shown(assessment)
        if shown:
            dispatcher.utter_message(
                response="utter_result_reasons", reasons="\n".join("• " + texts.reasons[r] for r in shown)
            )
        if glance.others:
            dispatcher.utter_message(response="utter_result_others", services=service_lines(glance.others))
        dispatcher.utter_message(response="utter_note", note=" ".join(glance.short_notes))
        # One question at a time: after a crisis the offer of a person comes first, the summary after it.
        offer = first_offer(
            crisis=bool(tracker.get_slot("crisis")),
            handoff_requested=bool(tracker.get_slot("handoff_code")),
            summary_made=bool(tracker.get_slot("intake_code")),
        )
        say(dispatcher, offer.say, tracker, domain)
        return [
            SlotSet("help_category", assessment.category.value),
            SlotSet("assessment_reasons", list(assessment.reasons)),
            SlotSet("pending_offer", offer.pending_value),
            SlotSet("result_shown", True),  # words after it may put an answer right (data/rules.yml)
        ]


class ActionShowDetails(Action):
    """ "More about this": every recommended option in full (what it is, how to reach it) and every note, then the
    question still pending asked again, so the offer waiting for an answer is not lost."""

    def name(self) -> str:
        return "action_show_details"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if not tracker.get_slot("help_category"):
            dispatcher.utter_message(response="utter_default")  # no result yet: nothing to say more about
            return []
        answers = Answers.from_slots(tracker.slots)
        texts = content(tracker.get_slot("language"))
        advice = recommend(classify_help_seeking(answers), answers, texts)
        for service in advice.services:
            dispatcher.utter_message(response="utter_service", name=service.name, what=service.what, how=service.how)
        for note in advice.notes:
            dispatcher.utter_message(response="utter_note", note=note)
        say(dispatcher, offer_again(tracker.get_slot("pending_offer")).say, tracker, domain)
        return []
