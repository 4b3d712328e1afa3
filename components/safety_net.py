"""The crisis safety net and command check as a Rasa NLU component, last in the pipeline.

It runs inside the Rasa server, so a disclosure becomes the `crisis_disclosure` intent (and the crisis
rule answers) even when the action server is down. On a crisis or an unclear reading it also reports the
language of the message as a `language` entity, which fills the `language` slot in the same turn (a
from_entity mapping, no action server), so the crisis reply is already in the doctor's language.
All decisions are made in bot/.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_RANKING_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.core.commands import intent_after_commands
from bot.core.language import one_blas_thread
from bot.core.safety import CRISIS_RISK_KEY, LANGUAGE_ENTITY, LANGUAGE_KEY, PAGE_LANGUAGE_KEY, read_message

one_blas_thread()  # from the model's load on: the classifiers before this component use BLAS too


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyNet(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"ml_crisis_confidence": 0.85}

    def __init__(self, config: dict[str, Any]) -> None:
        self.ml_crisis_confidence = float(config["ml_crisis_confidence"])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyNet:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if not text or text.startswith("/"):
                continue  # button payloads name their intent already
            predicted = message.get(INTENT) or {}
            ranking = message.get(INTENT_RANKING_KEY) or []
            name = intent_after_commands(predicted.get("name"), text, (r["name"] for r in ranking))
            reading = read_message(text, name, float(predicted.get("confidence") or 0.0), self.ml_crisis_confidence)
            # The widget's language: the page's with the greeting, then the one the doctor is reading (components/
            # channels.py passes nb or en). Taken only when the words cannot tell ("hello", "ja", "ok").
            page = (message.get("metadata") or {}).get(PAGE_LANGUAGE_KEY)
            if not reading.language and page:
                reading = replace(reading, language=page)
            message.set(CRISIS_RISK_KEY, reading.risk, add_to_output=True)  # the form reads it, not the words again
            if reading.language:
                message.set(LANGUAGE_KEY, reading.language, add_to_output=True)  # for the form's reading
            # The entity fills the `language` slot in this very turn, so this reply is already in the doctor's
            # language (the responses have a variation per language). On the message that starts the form it made
            # Rasa validate the slot before any question was asked; actions/custom_forms.py counts that as the start
            # (tested: tests/e2e/test_conversations.py, the opening).
            if reading.language:
                entities = [e for e in message.get(ENTITIES, []) if e.get(ENTITY_ATTRIBUTE_TYPE) != LANGUAGE_ENTITY]
                entities.append(
                    {
                        ENTITY_ATTRIBUTE_TYPE: LANGUAGE_ENTITY,
                        ENTITY_ATTRIBUTE_VALUE: reading.language,
                        ENTITY_ATTRIBUTE_START: 0,
                        ENTITY_ATTRIBUTE_END: 0,
                        EXTRACTOR: type(self).__name__,
                    }
                )
                message.set(ENTITIES, entities, add_to_output=True)
            decided = reading.intent
            if decided != predicted.get("name"):
                message.set(INTENT, {"name": decided, "confidence": 1.0}, add_to_output=True)
                message.set(
                    INTENT_RANKING_KEY,
                    [{"name": decided, "confidence": 1.0}] + [r for r in ranking if r["name"] != decided],
                    add_to_output=True,
                )
        return messages
