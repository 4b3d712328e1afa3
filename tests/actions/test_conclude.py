"""action_conclude_assessment: the result, its reasons and the recommendation, as named responses."""

import asyncio
import re

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.conclude import ActionConcludeAssessment, ActionShowDetails
from actions.resources import content
from bot.core.values import HelpCategory
from tests.actions.conftest import load_tracker


def test_the_result_names_the_pattern_and_the_first_step_first_then_the_reasons_the_others_and_the_barriers(
    dispatcher, domain
):
    events = asyncio.run(ActionConcludeAssessment().run(dispatcher, load_tracker("completed"), domain))
    responses = [m["response"] for m in dispatcher.messages]
    assert responses == [
        "utter_result_fear_of_not_coping",
        "utter_result_reasons",
        "utter_result_others",
        "utter_note",
        "utter_offer_summary",
    ]
    first = dispatcher.messages[0]
    assert first["first_service"].startswith("A counselling day at Villa Sana") and "modum-bad.no" in first["first_how"]
    assert "not coping" in dispatcher.messages[1]["reasons"]
    others = dispatcher.messages[2]["services"].splitlines()
    assert [line.split(":")[0] for line in others] == [
        "• A support colleague (støttekollega)",
        "• Your GP (fastlege) or a specialist",
    ]
    assert (
        "confidential" in dispatcher.messages[3]["note"] and "torn about sick leave" in dispatcher.messages[3]["note"]
    )
    assert dispatcher.messages[-1]["intake_days"] == 30
    assert {
        "event": "slot",
        "timestamp": None,
        "name": "help_category",
        "value": "fear_of_not_coping",
    } in events
    assert {"event": "slot", "timestamp": None, "name": "pending_offer", "value": "summary"} in events


CATEGORY_SLOTS = {
    "looking_for_advice": dict(
        workload="heavy",
        sleep="some_problems",
        warning_signs=["constant_worry"],
        coping="coping",
        sick_leave="not_relevant",
        expectation="advice",
    ),
    "fear_of_not_coping": {},
    "way_back_or_out": dict(work_status="sick_leave", sick_leave="on_leave", treatment=True, expectation="way_back"),
}


def rendered(domain: dict, message: dict, language: str) -> str:
    """A response's text as the doctor reads it: the variation for the language, its placeholders filled."""
    variations = domain["responses"][message["response"]]
    variation = next(
        v
        for v in variations
        if (v.get("condition") or [{}])[0].get("value") == (language if language == "nb" else None)
    )
    return re.sub(r"\{(\w+)\}", lambda m: str(message[m.group(1)]), variation["text"])


@pytest.mark.parametrize("language", ["en", "nb"])
@pytest.mark.parametrize("category", sorted(CATEGORY_SLOTS))
def test_the_first_bubble_names_the_pattern_and_the_first_step_in_at_most_80_words(
    domain, domain_file, category, language
):
    """A tired doctor on a phone reads the first bubble, maybe only that: the pattern, that it is not a diagnosis, and
    the one service to contact first and how."""
    dispatcher = CollectingDispatcher()
    tracker = load_tracker("completed", language=language, **CATEGORY_SLOTS[category])
    asyncio.run(ActionConcludeAssessment().run(dispatcher, tracker, domain))
    first = dispatcher.messages[0]
    assert first["response"] == f"utter_result_{category}"
    text = rendered(domain_file, first, language)
    texts = content(language)
    first_service = texts.services[texts.recommendations[HelpCategory(category)].services[0]]
    assert texts.category_names[HelpCategory(category)].lower() in text.lower()
    assert first_service.name in text and first_service.short_how in text
    assert ("not a diagnosis" if language == "en" else "ikke en diagnose") in text
    assert len(text.split()) <= 80, (len(text.split()), text)
    # Rasa's REST channel makes a bubble of each paragraph: a blank line would split the first step off
    assert "\n\n" not in text.strip()


def test_the_whole_result_is_much_shorter_than_before_and_the_details_hold_every_long_text(domain, domain_file):
    """Before issue 15 this result was 449 words in 8 bubbles."""
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionConcludeAssessment().run(dispatcher, load_tracker("completed"), domain))
    words = sum(len(rendered(domain_file, m, "en").split()) for m in dispatcher.messages)
    assert len(dispatcher.messages) == 5 and words <= 280, words


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
    english = ("not coping", "sleep", "work")
    assert reasons and not any(word in reasons for word in english)
    assert dispatcher.messages[0]["first_service"].startswith("En rådgivningsdag på Villa Sana")
    assert "Bestill time hos fastlegen din" in dispatcher.messages[2]["services"]
    assert "fortrolig" in dispatcher.messages[3]["note"]


def test_more_about_this_gives_every_option_in_full_and_every_note_then_the_pending_offer_again(dispatcher, domain):
    tracker = load_tracker("completed", help_category="fear_of_not_coping", pending_offer="summary")
    assert asyncio.run(ActionShowDetails().run(dispatcher, tracker, domain)) == []
    responses = [m["response"] for m in dispatcher.messages]
    assert responses == ["utter_service"] * 3 + ["utter_note"] * 2 + ["utter_offer_summary"]
    services = {m["name"]: m for m in dispatcher.messages if m["response"] == "utter_service"}
    texts = content("en")
    for service_id in ("villa_sana_day", "stottekollega", "gp"):
        service = texts.services[service_id]
        assert services[service.name]["what"] == service.what and services[service.name]["how"] == service.how
    notes = [m["note"] for m in dispatcher.messages if m["response"] == "utter_note"]
    assert notes == [texts.notes["sick_leave_dilemma"], texts.notes["barriers"]]


@pytest.mark.parametrize(
    "pending,last", [("handoff", "utter_offer_handoff"), (None, "utter_note"), ("summary", "utter_offer_summary")]
)
def test_more_about_this_after_the_offer_was_answered_leaves_it_answered(dispatcher, domain, pending, last):
    tracker = load_tracker("completed", help_category="fear_of_not_coping", pending_offer=pending, language="nb")
    assert asyncio.run(ActionShowDetails().run(dispatcher, tracker, domain)) == []
    assert dispatcher.messages[-1]["response"] == last
    assert dispatcher.messages[0]["what"] == content("nb").services["villa_sana_day"].what


def test_more_about_this_before_any_result_says_what_the_assistant_does(dispatcher, domain):
    asyncio.run(ActionShowDetails().run(dispatcher, load_tracker("completed"), domain))
    assert [m["response"] for m in dispatcher.messages] == ["utter_default"]
