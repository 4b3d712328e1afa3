"""Crisis help first, inside the self-assessment too, and without the action server.

While a form is active, Rasa runs the form before any rule, and the form calls the action server to
validate the answer; only when the form rejects the message do rules such as the crisis rule apply. With
the action server down, the form fails instead of rejecting, and the doctor who just disclosed suicidal
thoughts would get no reply at all. This policy, ranked above RulePolicy, answers a `crisis_disclosure`
during a form with Rasa's own `action_deactivate_loop` and then the `utter_crisis` response: no custom
action on that path. Everywhere else it predicts nothing and the rules decide.
"""

from __future__ import annotations

from typing import Any

from rasa.core.constants import POLICY_PRIORITY, RULE_POLICY_PRIORITY
from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_DEACTIVATE_LOOP_NAME, ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class CrisisFirstPolicy(Policy):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            POLICY_PRIORITY: RULE_POLICY_PRIORITY + 1,
            "crisis_intent": "crisis_disclosure",
            "crisis_response": "utter_crisis",
        }

    def train(self, training_trackers: list[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource  # nothing to learn: the behaviour is fixed

    def next_action(self, tracker: DialogueStateTracker) -> str | None:
        """The action this policy insists on, or None to leave the choice to the rules."""
        intent = (tracker.latest_message.intent or {}).get("name") if tracker.latest_message else None
        if intent != self.config["crisis_intent"]:
            return None
        if tracker.latest_action_name == ACTION_LISTEN_NAME and tracker.active_loop_name:
            return ACTION_DEACTIVATE_LOOP_NAME
        if tracker.latest_action_name == ACTION_DEACTIVATE_LOOP_NAME:
            return self.config["crisis_response"]
        return None

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        action = self.next_action(tracker)
        if action is None:
            return self._prediction(probabilities)
        probabilities[domain.index_for_action(action)] = 1.0
        # Rasa ranks a form's own "happy path" prediction above every other kind; marking this one the same
        # way lets the priority above RulePolicy decide.
        return self._prediction(probabilities, is_no_user_prediction=True)
