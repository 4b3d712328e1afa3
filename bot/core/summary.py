"""The intake summary a doctor may share with a counsellor: built from coded answers only, and told back
to the doctor in plain words, exactly as it is stored.

Category, reasons and the advice's notes are computed again here from the coded answers (never taken
from what a client sent), so a summary can only ever hold values from the contract.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from bot.core.answers import Outcome, interpret
from bot.core.assessment import Answers, classify_help_seeking
from bot.core.content import Content
from bot.core.recommend import recommend
from bot.core.values import FORM_SLOTS, LIST_SLOTS, HelpCategory, is_valid_value

# Easy to read aloud on the phone: no 0/O, 1/I/L, 5/S, 2/Z, 8/B.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 8  # the column bot/storage/models.py stores it in is this wide
_CODE_IN_TEXT = re.compile(
    rf"(?<![A-Za-z0-9])((?:[{CODE_ALPHABET}][ -]?){{{CODE_LENGTH - 1}}}[{CODE_ALPHABET}])(?![A-Za-z0-9])", re.I
)


@dataclass(frozen=True)
class IntakeSummary:
    help_category: str
    reasons: tuple[str, ...]
    themes: dict  # slot -> coded value, only what the doctor answered
    barriers: tuple[str, ...]  # note keys the advice gave
    crisis: bool


def coded_themes(slots: dict) -> dict:
    """Only the contract's coded values: anything else (free text above all) is dropped."""
    themes = {name: slots.get(name) for name in FORM_SLOTS}
    return {k: v for k, v in themes.items() if v is not None and is_valid_value(k, v)}


def summarise(slots: dict, content: Content) -> IntakeSummary:
    answers = Answers.from_slots(slots)
    assessment = classify_help_seeking(answers)
    advice = recommend(assessment, answers, content)
    return IntakeSummary(
        help_category=assessment.category.value,
        reasons=assessment.reasons,
        themes=coded_themes(slots),
        barriers=advice.note_keys,
        crisis=slots.get("crisis") is True or slots.get("self_harm") is True,
    )


def normalise_code(text: object) -> str | None:
    """'acde fgh7', 'ACDE-FGH7' -> 'ACDEFGH7'; None when it is not a code this service could have made."""
    if not isinstance(text, str):
        return None
    code = re.sub(r"[\s-]", "", text).upper()
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return code


def find_code(text: object) -> str | None:
    """The first code written somewhere in a message ("withdraw ACDE FGH7 please")."""
    if not isinstance(text, str):
        return None
    for match in _CODE_IN_TEXT.finditer(text):
        code = normalise_code(match.group(1))
        if code and any(c.isdigit() for c in code):  # every code has a digit, so words are never taken for one
            return code
    return None


def new_code() -> str:
    """A random code with at least one digit and one letter (so it never looks like a word or a number)."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if any(c.isdigit() for c in code) and any(c.isalpha() for c in code):
            return code


def week_start(day: date) -> date:
    """Monday of the ISO week: the only time the trends keep."""
    return day - timedelta(days=day.weekday())


def describe(summary: IntakeSummary, content: Content) -> list[str]:
    """The summary in plain words, one line per stored field, in the order a counsellor reads it."""
    labels = content.labels
    heading = labels["summary"]
    lines = [f"{heading['pattern']}: {content.category_names[HelpCategory(summary.help_category)]}"]
    if summary.reasons:
        lines.append(f"{heading['why']}: " + "; ".join(content.reasons[r] for r in summary.reasons))
    lines.extend(theme_lines(summary.themes, labels))
    if summary.barriers:
        lines.append(f"{heading['addressed']}: " + "; ".join(labels["barriers"][b] for b in summary.barriers))
    lines.append(f"{heading['crisis_flag']}: {labels['yes'] if summary.crisis else labels['no']}")
    return lines


def theme_lines(themes: dict, labels: dict) -> list[str]:
    """One line per topic answered ("Sleep: poor"), in the order the form asks them."""
    lines = []
    for slot in FORM_SLOTS:
        if slot not in themes:
            continue
        value = themes[slot]
        if slot in LIST_SLOTS:
            shown = ", ".join(labels[slot][v] for v in value) if value else labels[slot]["none"]
        elif isinstance(value, bool):
            shown = labels["yes"] if value else labels["no"]
        else:
            shown = labels[slot][value]
        lines.append(f"{labels['topics'][slot]}: {shown}")
    return lines


# The doctor's words read back are cut here (at a word), so a long message does not bury the question.
READ_BACK_MAX_CHARS = 200


def hope_in_own_words(events: Iterable[dict], button_answers: Iterable[str]) -> str | None:
    """What the doctor wrote to answer the expectation question, to read back before a summary is stored (shown in
    the chat only, never stored). None when the coded value came from a button (`button_answers`: the question's
    button payloads), was volunteered in another answer, or the words are not there (a restart, a new session)."""
    buttons = {b.strip().casefold() for b in button_answers}
    asking = words = found = None
    for event in events:
        kind, name = event.get("event"), event.get("name")
        if kind in ("restart", "session_started"):
            asking = words = found = None
        elif kind == "user":
            words = event.get("text") if asking == "expectation" else None
        elif kind == "slot" and name == "requested_slot":
            asking = event.get("value")
        elif kind == "slot" and name == "expectation":
            found = words if asking == "expectation" and event.get("value") is not None else None
    if not isinstance(found, str) or not found.strip() or found.strip().casefold() in buttons:
        return None
    found = " ".join(found.split())
    if len(found) > READ_BACK_MAX_CHARS:
        found = found[:READ_BACK_MAX_CHARS].rsplit(" ", 1)[0] + " …"
    return found


def chosen_hope(text: object, labels: dict[str, str], language: str | None) -> str | None:
    """The coded hope the doctor chose when the read-back was wrong: a label tapped or typed ("tools and a next
    step"), else the words read as the expectation question reads them ("some advice"); None when neither fits."""
    if not isinstance(text, str):
        return None
    plain = " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())
    for value, label in labels.items():
        if plain == " ".join(re.sub(r"[^\w\s]", " ", label.casefold()).split()):
            return value
    reading = interpret("expectation", text, language)
    if reading.outcome is Outcome.VALUE and is_valid_value("expectation", reading.value):
        return reading.value
    return "unsure" if reading.outcome is Outcome.UNSURE else None
