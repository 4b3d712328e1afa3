"""The hope read back before a summary is stored: the doctor's own words for the expectation question (or none), and
the hope chosen when the read-back was wrong."""

import pytest

from bot.core.content import content_from
from bot.core.summary import READ_BACK_MAX_CHARS, chosen_hope, hope_in_own_words

BUTTONS = ("advice", "tools and a next step", "råd", "verktøy og neste steg", "/ask_why")


def asked(words, value="tools", then="self_harm"):
    return [
        {"event": "slot", "name": "requested_slot", "value": "expectation"},
        {"event": "user", "text": words},
        {"event": "slot", "name": "expectation", "value": words},
        {"event": "slot", "name": "expectation", "value": value},
        {"event": "slot", "name": "requested_slot", "value": then},
    ]


@pytest.mark.parametrize(
    "events,expected,why",
    [
        (asked("someone to tell me what to do next"), "someone to tell me what to do next", "typed: read back"),
        (asked("  Tools and a next step "), None, "a button's words: the coded value only"),
        (asked("verktøy og neste steg"), None, "a Norwegian button too"),
        (
            [{"event": "slot", "name": "requested_slot", "value": "expectation"}, {"event": "user", "text": "why?"}]
            + asked("a plan, please"),
            "a plan, please",
            "the words that answered, not the question about the question",
        ),
        (
            [{"event": "slot", "name": "requested_slot", "value": "coping"}, {"event": "user", "text": "I want advice"}]
            + [{"event": "slot", "name": "expectation", "value": "advice"}],
            None,
            "volunteered in another answer: the coded value only",
        ),
        (asked("a plan") + [{"event": "restart"}], None, "a restart forgets the words"),
        (asked("a plan", value=None), None, "an answer that could not be read is no hope"),
        ([], None, "never asked"),
        (asked("one\n\n  two"), "one two", "white space as one line"),
    ],
)
def test_the_doctors_own_words_for_the_hope(events, expected, why):
    assert hope_in_own_words(events, BUTTONS) == expected, why


def test_long_words_are_cut_at_a_word():
    words = "more time with my kids and less night shifts " * 10
    read = hope_in_own_words(asked(words), BUTTONS)
    assert len(read) <= READ_BACK_MAX_CHARS + 2 and read.endswith(" …") and words.startswith(read[:-2])


EN = content_from("bot/core/content/no.yml").labels["expectation"]
NB = content_from("bot/core/content/no_nb.yml").labels["expectation"]


@pytest.mark.parametrize(
    "text,labels,language,expected",
    [
        ("Treatment or a referral", EN, "en", "referral"),
        ("A way back to work, or out", EN, "en", "way_back"),
        ("Not sure yet", EN, "en", "unsure"),
        ("just some advice", EN, "en", "advice"),
        ("Verktøy og neste steg", NB, "nb", "tools"),
        ("Vet ikke ennå", NB, "nb", "unsure"),
        ("no", EN, "en", None),
        ("banana", EN, "en", None),
        (None, EN, "en", None),
    ],
)
def test_the_hope_chosen_from_the_list(text, labels, language, expected):
    assert chosen_hope(text, labels, language) == expected
