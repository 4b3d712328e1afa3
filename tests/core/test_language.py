"""Which language to answer in. Short messages may not tell (None): the conversation keeps its language."""

import pytest

from bot.core.language import detect_language, is_clearly


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
