"""The intake summary a doctor may share with a counsellor: built from coded answers only, and told back
to the doctor in plain words, exactly as it is stored.

Category, reasons and the advice's notes are computed again here from the coded answers (never taken
from what a client sent), so a summary can only ever hold values from the contract.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

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
