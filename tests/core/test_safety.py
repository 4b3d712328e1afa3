"""How the lexicon and the ML classifier combine (components/safety_net.py acts on this)."""

import pytest

from bot.core.commands import confirms_command
from bot.core.safety import CRISIS, UNCLEAR, read_message


@pytest.mark.parametrize(
    "text,ml_intent,confidence,expected,why",
    [
        (
            "I know which tablets I'd take",
            "inform",
            0.9,
            CRISIS,
            "the lexicon overrides a missed disclosure",
        ),
        (
            "No, I've never thought about harming myself",
            CRISIS,
            0.99,
            "deny",
            "a denial is never a crisis",
        ),
        (
            "this on-call week will be the death of me",
            CRISIS,
            0.6,
            UNCLEAR,
            "a weak ML guess gets the direct question",
        ),
        (
            "I can't go on like this",
            CRISIS,
            0.95,
            CRISIS,
            "a confident ML crisis with worrying words",
        ),
        (
            "I can't go on like this",
            "inform",
            0.8,
            UNCLEAR,
            "worrying words alone: ask directly",
        ),
        ("heavy", "inform", 0.9, "inform", "ordinary answers pass through"),
        (
            "hmm",
            UNCLEAR,
            0.4,
            "inform",
            "the classifier alone never raises the question",
        ),
    ],
)
def test_decide_intent(text, ml_intent, confidence, expected, why):
    assert read_message(text, ml_intent, confidence, 0.85).intent == expected, why


@pytest.mark.parametrize(
    "intent,text,expected",
    [
        ("stop", "stop", True),
        ("stop", "I can't stop crying", False),
        ("restart", "start over", True),
        ("restart", "I want to restart my career", False),
        ("skip", "skip this one", True),
        ("skip", "I skip lunch every day", False),
        ("ask_why", "why do you ask?", True),
        ("request_handoff", "I want to talk to a person", True),
        ("request_handoff", "someone to talk it through with", False),
        ("inform", "anything", True),
    ],
)
def test_commands_are_confirmed_by_their_words(intent, text, expected):
    assert confirms_command(intent, text) is expected


@pytest.mark.parametrize(
    "text",
    ["I want to understand why I feel like this", "I don't know why I'm so tired", "why me"],
)
def test_an_answer_with_why_in_it_is_not_the_why_question(text):
    assert not confirms_command("ask_why", text)
