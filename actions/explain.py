"""action_explain_question: answers "why do you ask?" for whichever topic the form is asking."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher


class ActionExplainQuestion(Action):
    def name(self) -> str:
        return "action_explain_question"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[dict[str, Any]]:
        topic = tracker.get_slot("requested_slot")
        response = f"utter_explain_{topic}"
        if topic and response in domain.get("responses", {}):
            dispatcher.utter_message(response=response)
            if topic != "self_harm":
                dispatcher.utter_message(response="utter_why_skip_note")
        else:
            dispatcher.utter_message(response="utter_explain_assistant")
        return []
