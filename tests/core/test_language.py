"""Which language to answer in. Short messages may not tell (None): the conversation keeps its language."""

import pytest

from bot.core.language import asked_for_language, detect_language, is_clearly


@pytest.mark.parametrize(
    "text,language",
    [
        ("Jeg orker ikke leve lenger", "nb"),
        ("eg orkar ikkje meir, eg veit ikkje kva eg skal gjere", "nb"),
        ("har spart opp sovetabletter", "nb"),
        ("Ja. Nesten hver dag tenker jeg at familien hadde hatt det bedre uten meg.", "nb"),
        ("I've been thinking about killing myself", "en"),
        ("Too much. Honestly I don't want to be alive anymore", "en"),
        ("I know which tablets I'd take", "en"),
    ],
)
def test_clear_messages(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize("text", ["", "ok", "👍", "113"])
def test_messages_that_cannot_tell(text):
    assert detect_language(text) is None


@pytest.mark.parametrize(
    "text,language",
    [
        ("Jeg har aldri vært sykmeldt", "nb"),  # detect_language: Danish 0.62, so no answer
        ("det er komplisert", "nb"),
        ("I've been thinking about sick leave for months", "en"),
    ],
)
def test_clearly_one_language_even_when_the_scandinavian_ones_share_it(text, language):
    assert is_clearly(text, language)
    assert not is_clearly(text, "en" if language == "nb" else "nb")


@pytest.mark.parametrize("text", ["nei", "fine", "heavy", "sykmeldt", "jeg er helt burnout og overwhelmed by it all"])
def test_short_or_mixed_words_are_clearly_neither(text):
    assert not is_clearly(text, "nb") and not is_clearly(text, "en")


@pytest.mark.parametrize(
    "text, asked",
    [
        ("på norsk", "nb"),
        ("Kan vi ta dette på norsk?", "nb"),
        ("paa norsk takk", "nb"),
        ("pa norsk", "nb"),
        ("can we do this in Norwegian?", "nb"),
        ("norsk", "nb"),
        ("in English please", "en"),
        ("Kan vi snakke engelsk?", "en"),
        ("på engelsk", "en"),
        ("English", "en"),
        ("switch to english", "en"),
        # not a request: the language named in passing, or both named
        ("jeg er norsk lege i England", None),
        ("my English is not so good", None),
        ("Sorry, I don't speak Norwegian", None),  # the opposite of a request: the words (English) decide
        ("jeg snakker ikke engelsk", None),
        ("norsk eller engelsk, det er det samme", None),
        ("jeg jobber på norsk sykehus", "nb"),  # read as asking: harmless, the words are Norwegian anyway
        ("", None),
    ],
)
def test_a_doctor_can_ask_for_the_other_language_in_words(text, asked):
    assert asked_for_language(text) == asked


def test_asking_in_words_wins_over_the_language_it_is_written_in():
    from bot.core.crisis import assess_risk
    from bot.core.safety import answer_language

    text = "Could we please continue på norsk from here on"
    assert answer_language(text, assess_risk(text)) == "nb"
    text = "Kan vi fortsette in English, er det greit for deg?"
    assert answer_language(text, assess_risk(text)) == "en"


@pytest.mark.parametrize(
    "text, language",
    [
        # The identifier alone called this Danish (0.98): one such answer turned an English conversation Norwegian.
        ("Yes, I'm getting treatment for depression", None),
        ("I've been sleeping badly for months", "en"),
        ("Jeg sover dårlig og er sliten hele tiden", "nb"),
        ("Eg søv dårleg og er sliten heile tida", "nb"),
        ("jeg er helt burnout, heavy uke", "nb"),
    ],
)
def test_a_language_is_taken_only_when_the_words_agree_with_the_identifier(text, language):
    assert detect_language(text) == language
