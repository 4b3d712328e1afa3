"""action_conclude_assessment: the result, its reasons and the recommendation, as named responses."""

import asyncio

from actions.conclude import ActionConcludeAssessment
from tests.actions.conftest import load_tracker


def test_the_result_names_the_pattern_the_reasons_the_services_and_the_barriers(dispatcher, domain):
    events = asyncio.run(ActionConcludeAssessment().run(dispatcher, load_tracker("completed"), domain))
    responses = [m["response"] for m in dispatcher.messages]
    assert responses[0] == "utter_result_fear_of_not_coping"
    assert responses[1] == "utter_result_reasons"
    assert "not coping" in dispatcher.messages[1]["reasons"]
    services = [m["name"] for m in dispatcher.messages if m["response"] == "utter_service"]
    assert services[0].startswith("A counselling day at Villa Sana")
    assert any("GP" in name for name in services)
    assert responses[-1] == "utter_offer_summary"
    assert dispatcher.messages[-1]["intake_days"] == 30
    assert {
        "event": "slot",
        "timestamp": None,
        "name": "help_category",
        "value": "fear_of_not_coping",
    } in events
    assert {"event": "slot", "timestamp": None, "name": "pending_offer", "value": "summary"} in events


def test_every_response_the_actions_use_exists_in_the_domain(domain):
    import re
    from pathlib import Path

    used = set()
    for path in (Path(__file__).resolve().parents[2] / "actions").glob("*.py"):
        used |= set(re.findall(r'"(utter_[a-z_]+)"', path.read_text()))
    for path in (Path(__file__).resolve().parents[2] / "bot").rglob("*.py"):
        used |= set(re.findall(r'"(utter_[a-z_]+)"', path.read_text()))
    assert used and used <= set(domain["responses"])


def test_after_a_crisis_the_result_ends_with_the_offer_of_a_person(dispatcher, domain):
    tracker = load_tracker("completed", crisis=True, self_harm=True)
    events = asyncio.run(ActionConcludeAssessment().run(dispatcher, tracker, domain))
    assert dispatcher.messages[-1]["response"] == "utter_offer_handoff"
    assert "utter_offer_summary" not in [m["response"] for m in dispatcher.messages]  # one question at a time
    assert {"event": "slot", "timestamp": None, "name": "pending_offer", "value": "handoff"} in events


def test_without_a_crisis_there_is_no_handoff_offer(dispatcher, domain):
    asyncio.run(ActionConcludeAssessment().run(dispatcher, load_tracker("completed"), domain))
    assert "utter_offer_handoff" not in [m["response"] for m in dispatcher.messages]


def test_a_norwegian_doctor_gets_the_reasons_and_the_services_in_norwegian(dispatcher, domain):
    asyncio.run(ActionConcludeAssessment().run(dispatcher, load_tracker("completed", language="nb"), domain))
    reasons = next(m["reasons"] for m in dispatcher.messages if m["response"] == "utter_result_reasons")
    services = [m["name"] for m in dispatcher.messages if m["response"] == "utter_service"]
    english = ("not coping", "sleep", "work")
    assert reasons and not any(word in reasons for word in english)
    assert services[0].startswith("En rådgivningsdag på Villa Sana")
    assert not services[0].startswith("A counselling day")
