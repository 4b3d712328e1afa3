"""Every response in domain.yml in both languages: a Norwegian variation on the `language` slot beside the English
default, with the same placeholders and the same intent buttons, and buttons that read as the answer they name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.core.crisis import Risk, assess_risk
from bot.core.language import detect_language

RESPONSES = yaml.safe_load((Path(__file__).resolve().parents[1] / "domain.yml").read_text(encoding="utf-8"))[
    "responses"
]
PLACEHOLDER = re.compile(r"\{\w+\}")


def _in(language: str, variations: list[dict]) -> dict:
    """The variation for a language: English is the unconditioned default."""
    found = [
        v
        for v in variations
        if (language == "en" and not v.get("condition"))
        or any(c.get("name") == "language" and c.get("value") == language for c in v.get("condition") or [])
    ]
    assert len(found) == 1, f"{len(found)} variations for {language}"
    return found[0]


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_every_response_has_a_norwegian_variation_with_the_same_placeholders_and_intents(name):
    english, norwegian = _in("en", RESPONSES[name]), _in("nb", RESPONSES[name])
    assert sorted(PLACEHOLDER.findall(norwegian["text"])) == sorted(PLACEHOLDER.findall(english["text"]))
    assert norwegian["text"] != english["text"] or not PLACEHOLDER.sub("", english["text"]).strip()
    english_payloads = [b["payload"] for b in english.get("buttons") or []]
    norwegian_payloads = [b["payload"] for b in norwegian.get("buttons") or []]
    assert len(norwegian_payloads) == len(english_payloads)
    for en, nb in zip(english_payloads, norwegian_payloads, strict=True):
        assert nb == en if en.startswith("/") else not nb.startswith("/"), (en, nb)


ANSWER_BUTTONS = sorted(
    {
        (next((c["value"] for c in v.get("condition") or [] if c.get("name") == "language"), "en"), button["payload"])
        for variations in RESPONSES.values()
        for v in variations
        for button in v.get("buttons") or []
        if not button["payload"].startswith("/")
    }
)


@pytest.mark.parametrize("language,payload", ANSWER_BUTTONS)
def test_a_button_answer_is_never_read_as_a_crisis_or_as_the_other_language(language, payload):
    assert assess_risk(payload).risk is Risk.NONE
    assert detect_language(payload) in (None, language)
