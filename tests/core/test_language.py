"""Which language to answer in. Short messages may not tell (None): the conversation keeps its language."""

import pytest

from bot.core.language import detect_language


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
