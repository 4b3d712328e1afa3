"""components/speedups.py section 1: the action-response check that decides each event's kind by its name gives
jsonschema's verdict on the whole schema, for every event Rasa writes and for broken responses of every shape."""

from __future__ import annotations

import copy

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    AgentUttered,
    AllSlotsReset,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    EntitiesAdded,
    Event,
    FollowupAction,
    LoopInterrupted,
    ReminderCancelled,
    ReminderScheduled,
    Restarted,
    SessionStarted,
    SlotSet,
    StoryExported,
    UserUtteranceReverted,
    UserUttered,
)

from components import speedups

SCHEMA = RemoteAction.action_response_format_spec()
WHOLE = speedups.validator_for(SCHEMA)(SCHEMA)


def fast() -> speedups._ResponseValidator:
    return speedups._ResponseValidator(copy.deepcopy(SCHEMA))


def events_rasa_writes() -> list[dict]:
    from datetime import datetime

    made: list[Event] = [
        UserUttered(
            "I can't sleep",
            {"name": "inform", "confidence": 0.9},
            [{"entity": "x", "value": "y", "start": 0, "end": 1}],
            parse_data={"intent_ranking": [{"name": "inform", "confidence": 0.9}]},
        ),
        ActionExecuted("action_listen", policy="RulePolicy", confidence=1.0),
        ActionExecuted("utter_greet"),
        SlotSet("sleep", "poor"),
        SlotSet("unasked_topics", ["a", "b"]),
        SlotSet("progress", {"n": 3, "of": 8}),
        SlotSet("result_shown", True),
        SlotSet("nothing", None),
        EntitiesAdded([{"entity": "x", "value": "y"}]),
        ReminderCancelled(name="r"),
        ReminderScheduled("EXTERNAL_x", datetime(2026, 12, 5, 12, 0), name="r"),
        ActionExecutionRejected("validate_form", "rejected"),
        LoopInterrupted(True),
        ActiveLoop("assessment_form"),
        ActiveLoop(None),
        AllSlotsReset(),
        ConversationResumed(),
        ConversationPaused(),
        FollowupAction("utter_x"),
        StoryExported("a.yml"),
        Restarted(),
        UserUtteranceReverted(),
        ActionReverted(),
        BotUttered("Hei", {"buttons": [{"title": "Ja", "payload": "ja"}], "custom": {"kind": "crisis"}}),
        SessionStarted(),
        AgentUttered("x"),
    ]
    written = [event.as_dict() for event in made]
    kinds = {k["properties"]["event"]["const"] for k in SCHEMA["properties"]["events"]["items"]["oneOf"]}
    legacy = {"form", "form_validation", "user_featurization"}  # in the schema; Rasa 3.6 writes none of them
    assert {e["event"] for e in written} == kinds - legacy
    return written


WRONG = [None, 1, 1.5, "x", True, [], [1], {}, {"a": 1}]


def broken(event: dict) -> list[dict]:
    """The event with each field given each wrong kind of value, and each field left out."""
    out = []
    for key in event:
        out.append({k: v for k, v in event.items() if k != key})
        for value in WRONG:
            out.append({**event, key: value})
    for name in ("no-such-event", "", "USER", "slot ", "form", "form_validation", "user_featurization"):
        out.append({**event, "event": name})
    return out


def test_the_same_verdict_on_every_event_rasa_writes_and_every_broken_one():
    validator = fast()
    assert validator.kinds is not None, "the fast path must be in use for this schema"
    cases = 0
    for event in events_rasa_writes():
        for one in [event, *broken(event)]:
            for response in ({"events": [one], "responses": []}, {"events": [event, one]}):
                assert validator.is_valid(response) == WHOLE.is_valid(response), response
                cases += 1
    assert cases > 1000


@pytest.mark.parametrize(
    "response",
    [
        {},
        {"events": []},
        {"responses": [{"text": "x"}]},
        {"events": None},
        {"events": {}},
        {"events": [1]},
        {"events": [[]]},
        {"events": [None]},
        {"events": [{}]},
        {"events": [{"event": 1}]},
        {"responses": None},
        {"responses": [1]},
        {"responses": {}},
        {"extra": 1},
        [],
        "events",
        None,
        1,
    ],
)
def test_the_same_verdict_on_responses_of_every_shape(response):
    assert fast().is_valid(response) == WHOLE.is_valid(response)


def test_a_bad_response_raises_jsonschemas_own_error():
    bad = {"events": [{"event": "slot", "name": 1, "value": "x"}], "responses": []}
    with pytest.raises(ValidationError) as fast_error:
        fast().validate(bad)
    with pytest.raises(ValidationError) as whole_error:
        WHOLE.validate(bad)
    assert fast_error.value.message == whole_error.value.message


def test_a_schema_with_a_kind_that_has_no_constant_name_is_left_to_jsonschema():
    schema = copy.deepcopy(SCHEMA)
    schema["properties"]["events"]["items"]["oneOf"].append({"properties": {"text": {"type": "string"}}})
    validator = speedups._ResponseValidator(schema)
    assert validator.kinds is None
    whole = speedups.validator_for(schema)(schema)
    for response in ({"events": [{"event": "slot", "name": "a", "value": 1}]}, {"events": [{"event": "x"}]}):
        assert validator.is_valid(response) == whole.is_valid(response)


def test_two_kinds_of_one_name_must_not_both_fit():
    schema = copy.deepcopy(SCHEMA)
    kinds = schema["properties"]["events"]["items"]["oneOf"]
    kinds.append(copy.deepcopy(next(k for k in kinds if k["properties"]["event"].get("const") == "restart")))
    validator = speedups._ResponseValidator(schema)
    whole = speedups.validator_for(schema)(schema)
    for response in ({"events": [{"event": "restart"}]}, {"events": [{"event": "slot", "name": "a", "value": 1}]}):
        assert validator.is_valid(response) == whole.is_valid(response)
    assert not validator.is_valid({"events": [{"event": "restart"}]})
