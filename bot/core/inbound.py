"""What a message must be before the assistant reads it: the same screen for Rasa's REST channel and the page.

A doctor may paste anything from a phone at 2 a.m.; someone else may type Rasa's `/intent{"slot": value}`
syntax to steer the assistant. Here text is cleaned (no control characters, no lone surrogates that a
database would refuse), a message without words is told so, an over-long one is asked to be shorter unless it
discloses a crisis, and a slash command is honoured only when it is exactly one the bot's own buttons send:
anything else that starts with "/" is refused and kept nowhere (it is neither an answer nor a skip), unless its
words disclose a crisis, which always gets crisis help.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from bot.core.crisis import assess_risk
from bot.core.safety import answer_language

MAX_MESSAGE_CHARS = 2000
MAX_SCANNED_CHARS = 120_000  # a 100 kB paste is still read for a crisis (~0.4 s); beyond this, only "too long"
COMMAND_PREFIX = "/"
CRISIS_COMMAND = "/crisis_disclosure"
_KEPT_CONTROLS = {"\n", "\t"}


class Verdict(str, Enum):
    READ = "read"  # pass `text` to the assistant
    EMPTY = "empty"  # no words in it: say so, keep nothing
    TOO_LONG = "too_long"  # ask for a shorter message, keep nothing
    COMMAND = "command"  # a slash command no button of the bot sends: refuse it, keep nothing


@dataclass(frozen=True)
class Screened:
    verdict: Verdict
    text: str
    language: str | None = None  # with the crisis command for a disclosure in other words: the language to answer in


def clean_text(text: str) -> str:
    """Printable text: Windows line ends unified, control characters and lone surrogates dropped.

    Emoji, accents and zero-width joiners stay: they are a doctor's words too.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cs" or (category == "Cc" and char not in _KEPT_CONTROLS):
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


def button_commands(payloads: Iterable[str]) -> frozenset[str]:
    """The slash commands among the payloads of the bot's own buttons: the only ones honoured."""
    return frozenset(p.strip() for p in payloads if isinstance(p, str) and p.strip().startswith(COMMAND_PREFIX))


def screen(text: str, commands: frozenset[str], max_chars: int = MAX_MESSAGE_CHARS) -> Screened:
    """Decide what the assistant reads of one message."""
    cleaned = clean_text(text).strip()
    if cleaned.startswith(COMMAND_PREFIX) and cleaned not in commands:
        words = cleaned.lstrip(COMMAND_PREFIX + " \t\n")[:MAX_SCANNED_CHARS]
        if words and (risk := assess_risk(words)).is_crisis:
            return Screened(Verdict.READ, CRISIS_COMMAND, answer_language(words[:max_chars], risk))
        return Screened(Verdict.COMMAND if words else Verdict.EMPTY, "")
    if not cleaned:
        return Screened(Verdict.EMPTY, "")
    if len(cleaned) > max_chars:
        # Too long to read as one answer, but a disclosure anywhere in it still gets crisis help at once.
        if len(cleaned) <= MAX_SCANNED_CHARS and (risk := assess_risk(cleaned)).is_crisis:
            return Screened(Verdict.READ, CRISIS_COMMAND, answer_language(cleaned[:max_chars], risk))
        return Screened(Verdict.TOO_LONG, "")
    return Screened(Verdict.READ, cleaned)
