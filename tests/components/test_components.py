"""The NLU safety net component, the crisis policy and the Rasa speed-ups."""

import tempfile
from pathlib import Path

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.utils.common import all_subclasses

from components import speedups
from components.safety_net import SafetyNet


def parsed(text, intent, confidence=0.9, ranking=None):
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": intent, "confidence": confidence})
    message.set(INTENT_RANKING_KEY, ranking or [{"name": intent, "confidence": confidence}])
    SafetyNet({"ml_crisis_confidence": 0.85}).process([message])
    return message.get(INTENT)["name"]


@pytest.mark.parametrize(
    "text,ml_intent,expected",
    [
        ("I know which tablets I'd take", "inform", "crisis_disclosure"),
        ("No, I've never thought about harming myself", "crisis_disclosure", "deny"),
        ("I could murder a coffee", "inform", "inform"),
        ("heavy", "inform", "inform"),
        ("/request_handoff", "request_handoff", "request_handoff"),
    ],
)
def test_the_safety_net_has_the_last_word_on_crises(text, ml_intent, expected):
    assert parsed(text, ml_intent) == expected


def test_a_command_the_words_do_not_confirm_falls_back_to_the_next_intent():
    ranking = [{"name": "stop", "confidence": 0.5}, {"name": "inform", "confidence": 0.4}]
    assert parsed("I can't stop crying in the car", "stop", 0.5, ranking) == "inform"


def test_action_responses_are_still_validated():
    speedups.apply()
    action = RemoteAction("validate_x", None)
    assert action._validate_action_result({"events": [{"event": "slot", "name": "a", "value": 1}], "responses": []})
    with pytest.raises(ValidationError):
        action._validate_action_result({"events": [{"event": "no-such-event"}], "responses": []})


def test_event_classes_resolve_as_rasa_resolves_them():
    speedups.apply()
    for cls in all_subclasses(Event):
        assert Event.resolve_by_type(cls.type_name) is speedups._original_resolve_by_type(cls.type_name)
    with pytest.raises(ValueError):
        Event.resolve_by_type("no-such-event")


def crisis_policy():
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    from components.crisis_policy import CrisisFirstPolicy

    config = CrisisFirstPolicy.get_default_config()
    storage = LocalModelStorage.create(Path(tempfile.mkdtemp()))
    return CrisisFirstPolicy(config, storage, Resource("crisis"), ExecutionContext(GraphSchema({}), "test"))


def tracker_after(intent, *actions, loop="self_assessment_form"):
    from rasa.shared.core.events import ActionExecuted, ActiveLoop, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    events = [ActionExecuted("action_listen")]
    if loop:
        events += [ActionExecuted(loop), ActiveLoop(loop), ActionExecuted("action_listen")]
    events += [UserUttered("...", {"name": intent, "confidence": 1.0})]
    events += [ActionExecuted(a) for a in actions]
    return DialogueStateTracker.from_events("t", events)


def test_a_disclosure_during_the_form_pauses_it_and_gets_the_crisis_response():
    policy = crisis_policy()
    assert policy.next_action(tracker_after("crisis_disclosure")) == "action_deactivate_loop"
    assert policy.next_action(tracker_after("crisis_disclosure", "action_deactivate_loop")) == "utter_crisis"
    assert policy.next_action(tracker_after("crisis_disclosure", "action_deactivate_loop", "utter_crisis")) is None


def test_otherwise_the_crisis_policy_leaves_the_choice_to_the_rules():
    policy = crisis_policy()
    assert policy.next_action(tracker_after("inform")) is None
    assert policy.next_action(tracker_after("crisis_disclosure", loop=None)) is None
