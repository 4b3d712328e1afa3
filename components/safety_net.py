"""The crisis safety net and command check as a Rasa NLU component, last in the pipeline.

It runs inside the Rasa server, so a disclosure becomes the `crisis_disclosure` intent (and the crisis
rule answers) even when the action server is down. All decisions are made in bot/.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.commands import COMMAND_INTENTS, confirms_command
from bot.safety import decide_intent
from components import speedups

speedups.apply()


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
            name = predicted.get("name")
            if name in COMMAND_INTENTS and not confirms_command(name, text):
                name = next(
                    (r["name"] for r in ranking if r["name"] not in COMMAND_INTENTS),
                    "inform",
                )
                if name == "nlu_fallback":
                    name = "inform"
            decided = decide_intent(
                text,
                name,
                float(predicted.get("confidence") or 0.0),
                self.ml_crisis_confidence,
            )
            if decided != predicted.get("name"):
                message.set(INTENT, {"name": decided, "confidence": 1.0}, add_to_output=True)
                message.set(
                    INTENT_RANKING_KEY,
                    [{"name": decided, "confidence": 1.0}] + [r for r in ranking if r["name"] != decided],
                    add_to_output=True,
                )
        return messages
