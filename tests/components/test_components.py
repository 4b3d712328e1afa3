"""The NLU safety net component, the crisis policy and the Rasa speed-ups."""

import json
import sys
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


def test_action_responses_are_still_validated(patched):
    action = RemoteAction("validate_x", None)
    assert action._validate_action_result({"events": [{"event": "slot", "name": "a", "value": 1}], "responses": []})
    with pytest.raises(ValidationError):
        action._validate_action_result({"events": [{"event": "no-such-event"}], "responses": []})


def test_event_classes_resolve_as_rasa_resolves_them(patched):
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


def test_calls_to_the_action_server_reuse_one_connection(patched):
    """Rasa opened a new session and connection per action call; ours keeps one per endpoint and event loop."""
    import asyncio

    from aiohttp import web
    from rasa.utils.endpoints import EndpointConfig

    peers: list = []

    async def handler(request):
        peers.append(request.transport.get_extra_info("peername"))
        raw = await request.text()
        return web.json_response({"seen": json.loads(raw, parse_constant=str)})

    async def scenario():
        app = web.Application()
        app.router.add_post("/webhook", handler)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        endpoint = EndpointConfig(url=f"http://127.0.0.1:{port}/webhook", headers={"X-Test": "1"})
        try:
            replies = [await endpoint.request(json={"n": n, "sent": SENT}, method="post") for n in range(3)]
            odd = await endpoint.request(json={"n": 3, "nan": float("nan")}, method="post")
        finally:
            await endpoint._kept_session.close()
            await runner.cleanup()
        return replies, odd

    replies, odd = asyncio.run(scenario())
    assert odd["seen"]["nan"] == "NaN", "what ujson refuses still goes, by the standard encoder"
    assert [r["seen"]["n"] for r in replies] == [0, 1, 2]
    assert all(r["seen"]["sent"] == SENT for r in replies), "the body arrives as the standard encoder sends it"
    assert len(set(peers)) == 1, "one TCP connection for all three calls"


SENT = {
    "text": 'Jeg er så sliten 😔 </script> \\ "quoted" a/b',
    "numbers": [0.1, 1e-7, 123456789.125, -0.0, 2**53, True, None],
    "nested": {"events": [{"event": "slot", "value": ["høy", "lav"]}]},
}


def test_the_graph_runs_without_dask_and_gives_what_dask_gives(patched):
    """Our graph runner and Rasa's dask runner, on the trained model: the same intents, the same confidences."""
    import asyncio

    from rasa.core.agent import load_agent
    from rasa.engine.runner.dask import DaskGraphRunner

    model = Path(__file__).resolve().parents[2] / "models" / "doctor-support.tar.gz"
    assert model.exists(), "no trained model: make train first (make test trains before the unit tests)"
    agent = asyncio.run(load_agent(model_path=str(model)))
    texts = ["hi", "start the self-assessment", "I sleep badly", "skip", "why do you ask?", "I want to die", "?"]
    ours = [asyncio.run(agent.parse_message(text)) for text in texts]
    try:
        DaskGraphRunner.run = speedups._original_graph_run
        dasks = [asyncio.run(agent.parse_message(text)) for text in texts]
    finally:
        DaskGraphRunner.run = speedups._run_graph
    for mine, theirs in zip(ours, dasks, strict=True):
        assert mine["intent"] == theirs["intent"]
        assert mine["intent_ranking"] == theirs["intent_ranking"]


def test_skops_finds_the_same_module_for_each_ufunc_as_it_did(tmp_path):
    """The quick `whichmodule` against skops's own, loaded from its file (so unpatched)."""
    import importlib.util

    import numpy as np
    import scipy.special

    source = Path(importlib.util.find_spec("skops").origin).parent / "io" / "_utils.py"
    spec = importlib.util.spec_from_file_location("skops.io._utils_as_shipped", source)
    shipped = importlib.util.module_from_spec(spec)
    shipped.__package__ = "skops.io"
    sys.modules[spec.name] = shipped  # its dataclasses look themselves up there
    try:
        spec.loader.exec_module(shipped)
    finally:
        del sys.modules[spec.name]
    ufuncs = [getattr(np, n) for n in dir(np) if isinstance(getattr(np, n), np.ufunc)][:40]
    ufuncs += [
        getattr(scipy.special, n) for n in dir(scipy.special) if isinstance(getattr(scipy.special, n), np.ufunc)
    ][:40]
    assert len(ufuncs) == 80
    for ufunc in ufuncs:
        assert speedups._skops_whichmodule(ufunc, ufunc.__name__) == shipped.whichmodule(ufunc, ufunc.__name__)
    assert speedups._skops_whichmodule(object(), "no_such_name_anywhere") == "__main__"
    assert speedups._skops_whichmodule(np.add, "core.umath.add") == shipped.whichmodule(np.add, "core.umath.add")
