"""A command the classifier suggests but the words do not confirm gives way (components/safety_net.py acts on this)."""

import pytest

from bot.core.commands import intent_after_commands

CRISIS = "crisis_disclosure"


@pytest.mark.parametrize(
    "intent,text,ranking,expected,why",
    [
        ("stop", "stop", ["stop", "inform"], "stop", "a command its words confirm stands"),
        ("request_handoff", "I want to talk to a person", ["request_handoff"], "request_handoff", "confirmed"),
        ("inform", "heavy", ["inform", "stop"], "inform", "not a command: passed on as it is"),
        ("affirm", "stop", ["affirm", "stop"], "affirm", "only a suggested command is checked"),
        (None, "hmm", [], None, "no intent at all: left for the crisis net to decide"),
        (
            "stop",
            "I can't stop crying in the car",
            ["stop", "inform"],
            "inform",
            "an answer that uses the command's word",
        ),
        (
            "skip",
            "I skip lunch every day",
            ["skip", "restart", "out_of_scope", "inform"],
            "out_of_scope",
            "the next guess that is not a command, however far down",
        ),
        ("stop", "I can't stop crying", ["stop", CRISIS, "inform"], CRISIS, "a crisis guess next is passed on"),
        (
            "restart",
            "I want to restart my career",
            ["restart", "nlu_fallback", "inform"],
            "inform",
            "never the fallback",
        ),
        ("ask_why", "why me", ["ask_why", "stop", "skip"], "inform", "only commands ranked: an answer"),
        ("request_handoff", "someone to talk it through with", [], "inform", "no ranking at all: an answer"),
    ],
)
def test_an_unconfirmed_command_falls_back_to_the_next_intent(intent, text, ranking, expected, why):
    assert intent_after_commands(intent, text, ranking) == expected, why


def test_the_ranking_is_read_only_for_an_unconfirmed_command():
    """The Rasa server passes the ranking lazily: an ordinary turn never reads it."""

    def unread():
        raise AssertionError("the ranking was read")
        yield

    assert intent_after_commands("inform", "heavy", unread()) == "inform"
    assert intent_after_commands("stop", "stop", unread()) == "stop"
