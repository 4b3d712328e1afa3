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
        ("jeg jobber på norsk sykehus", None),  # a hospital, not a wish
        ("I trained in English hospitals", None),
        ("snakker du norsk?", "nb"),
        ("do you speak English?", "en"),
        ("kan vi ta resten på norsk, takk", "nb"),
        ("in English from now on", "en"),
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


@pytest.mark.parametrize(
    "text, asked_for",
    [
        ("kan vi ta det på norsk?", "nb"),
        ("in English please", "en"),
        ("Sorry, could we do the rest of this in English instead?", "en"),
        # an answer that names a language in passing, or a long message: read as what it says
        ("jeg jobber fullt på et norsk sykehus", None),
        ("Jeg jobber fullt, går i vaktturnus, har det travelt og vil helst ta det på norsk", None),
        ("", None),
    ],
)
def test_a_short_request_for_the_other_language_is_a_request(text, asked_for):
    from bot.core.language import language_request

    assert language_request(text) == asked_for


@pytest.mark.parametrize("text", ["kan vi ta det på norsk?", "in English please", "snakker du norsk?"])
def test_a_language_request_is_its_own_intent_whatever_the_classifier_guessed(text):
    from bot.core.safety import SWITCH_LANGUAGE, read_message

    for guess in ("deny", "inform", "greet", None):
        assert read_message(text, guess, 0.9, 0.85).intent == SWITCH_LANGUAGE


def test_a_crisis_that_also_asks_for_norwegian_is_a_crisis():
    from bot.core.safety import CRISIS, read_message

    reading = read_message("jeg vil ta livet mitt, på norsk takk", "inform", 0.5, 0.85)
    assert reading.intent == CRISIS and reading.language == "nb"
