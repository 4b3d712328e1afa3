"""Changing an answer: the list of answers to choose from, the chosen one asked again, and words after the result
that put one right (the result is then given again). What changes is decided in bot/core/form.py."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.resources import content
from bot.core import form
from bot.core.summary import theme_lines


def say_changed(dispatcher: CollectingDispatcher, changed: dict, language: str | None) -> None:
    """Tell the doctor which answers changed and to what ("Work: on sick leave"); cleared ones are asked again."""
    shown = theme_lines({s: v for s, v in changed.items() if v is not None}, content(language).labels)
    dispatcher.utter_message(response="utter_answer_changed", changes="\n".join(shown))


class ActionOfferChange(Action):
    def name(self) -> str:
        return "action_offer_change"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        topics = form.changeable_topics(tracker.slots)
        if not topics:
            dispatcher.utter_message(response="utter_change_nothing")
            return []
        labels = content(tracker.get_slot("language")).labels
        buttons = [
            {
                "title": theme_lines({topic: tracker.get_slot(topic)}, labels)[0],
                "payload": form.change_topic_payload(topic),
            }
            for topic in topics
        ]
        dispatcher.utter_message(response="utter_change_which", buttons=buttons)
        return []


class ActionChangeAnswer(Action):
    def name(self) -> str:
        return "action_change_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        topic = next(tracker.get_latest_entity_values("topic"), None)
        cleared = form.clear_for_change(str(topic), tracker.slots, tracker.get_slot("skipped_topics"))
        return [SlotSet(slot, value) for slot, value in cleared.items()]


class ActionCorrectAfterResult(Action):
    """Words after the result ("actually, I'm on sick leave"): the answers they put right, then the result again
    (data/rules.yml, on answers_changed); nothing to change: a hint how to change an answer."""

    def name(self) -> str:
        return "action_correct_after_result"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        language = tracker.get_slot("language")
        text = tracker.latest_message.get("text") or ""
        changed = form.corrections(text, tracker.slots, None, language)
        if not changed:
            dispatcher.utter_message(response="utter_change_hint")
            return [SlotSet("answers_changed", False)]
        say_changed(dispatcher, changed, language)
        return [SlotSet(slot, value) for slot, value in changed.items()] + [SlotSet("answers_changed", True)]
