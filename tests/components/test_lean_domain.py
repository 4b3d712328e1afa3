"""components/speedups.py section 8: the action server gets the domain without the responses' texts, and every
other part of it as Rasa sends it."""

from __future__ import annotations

import json
from pathlib import Path

from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from components import speedups

ROOT = Path(__file__).resolve().parents[2]


def whole_domain() -> dict:
    return Domain.load(ROOT / "domain.yml").as_dict()


def test_every_response_is_still_named_with_its_buttons_and_none_of_its_texts():
    whole = whole_domain()
    lean = speedups.lean_domain(whole)
    assert set(lean["responses"]) == set(whole["responses"])
    for name, variations in whole["responses"].items():
        assert len(lean["responses"][name]) == len(variations)
        for cut, variation in zip(lean["responses"][name], variations, strict=True):
            assert cut == ({"buttons": variation["buttons"]} if variation.get("buttons") else {})
    assert {k: v for k, v in lean.items() if k != "responses"} == {k: v for k, v in whole.items() if k != "responses"}
    assert '"text":' in json.dumps(whole["responses"]) and '"text":' not in json.dumps(lean["responses"])
    assert "116 123" in json.dumps(whole) and "116 123" not in json.dumps(lean)
    assert len(json.dumps(lean)) < len(json.dumps(whole)) / 2


def test_the_whole_domain_is_left_as_it_was_and_the_lean_one_is_made_once():
    whole = whole_domain()
    before = json.dumps(whole, sort_keys=True)
    first = speedups.lean_domain(whole)
    assert speedups.lean_domain(whole) is first
    assert json.dumps(whole, sort_keys=True) == before
    assert speedups.lean_domain(whole_domain()) == first  # another model's domain dict: made again, the same


def test_the_action_server_call_carries_the_lean_domain_and_the_whole_conversation(patched):
    domain = Domain.load(ROOT / "domain.yml")
    tracker = DialogueStateTracker.from_events(
        "doctor",
        [
            ActionExecuted("action_listen"),
            UserUttered("hei", {"name": "greet", "confidence": 1.0}),
            SlotSet("language", "nb"),
        ],
        slots=domain.slots,
    )
    action = RemoteAction("validate_self_assessment_form", EndpointConfig("http://127.0.0.1:1/webhook"))
    body = action._action_call_format(tracker, domain)
    assert body["domain"] == speedups.lean_domain(domain.as_dict())
    assert body["next_action"] == "validate_self_assessment_form" and body["sender_id"] == "doctor"
    assert [e["event"] for e in body["tracker"]["events"]] == ["action", "user", "slot"]
    assert body["tracker"]["slots"]["language"] == "nb"
