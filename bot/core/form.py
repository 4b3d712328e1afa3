"""The self-assessment's flow decisions: which topic comes next, and what an answer means for the form.

Pure Python: the form validation action (actions/) is a thin adapter around these functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.answers import Outcome, interpret, volunteered
from bot.core.crisis import Risk, assess_risk
from bot.core.language import asked_for_language
from bot.core.values import FORM_SLOTS, is_valid_value

# After this many answers to one question that the assistant cannot read, it moves on instead of asking again.
MAX_UNREADABLE = 2


def remaining_topics(skipped: list[str] | None, safety_check_due: bool) -> list[str]:
    """The form's required topics: skipped ones dropped; the safety question first when a message worried us.

    The safety question is only ever in `skipped` after an unsure answer was met with the crisis numbers
    (see `read_answer`)."""
    topics = [slot for slot in FORM_SLOTS if slot not in set(skipped or [])]
    if safety_check_due and "self_harm" in topics:
        topics.remove("self_harm")
        topics.insert(0, "self_harm")
    return topics


def progress(asked: list[str], next_topic: str | None, slots: dict, required: list[str]) -> tuple[int, int] | None:
    """Where the self-assessment is, as ("question", "of") for "Question 4 of 10": the questions asked so far (`asked`,
    each once, the one about to be asked included) and those still to be asked. Topics answered unasked, skipped or
    no longer required are not counted, so the total can only shrink as the doctor goes on. None when no question is
    next (the form is done)."""
    if next_topic is None:
        return None
    seen = list(dict.fromkeys([t for t in asked if t in FORM_SLOTS] + [next_topic]))
    still = [t for t in required if t not in seen and slots.get(t) is None]
    return len(seen), len(seen) + len(still)


@dataclass(frozen=True)
class AnswerStep:
    """What one answer does to the form: slot values to set, and the named response to say, if any."""

    slots: dict = field(default_factory=dict)
    response: str | None = None


# Intents the classifier may guess for an answer it does not understand. The words decide first: a readable
# answer is taken whatever the guess; only an unreadable one is treated as the aside the classifier saw.
ASIDES = {"out_of_scope": "utter_out_of_scope", "bot_challenge": "utter_iamabot"}


def read_answer(
    slot: str,
    value: object,
    unreadable_so_far: int,
    skipped: list[str] | None,
    intent: str | None = None,
    language: str | None = None,
) -> AnswerStep:
    """Turn the doctor's answer (free text, a button's text, or an already coded value) into form events.

    The count of unreadable answers is only set when it changes, so an ordinary turn adds no event for it.
    The words are read in the doctor's `language` first ("nb" or "en"; bot.core.answers.interpret).
    The intent classifier knows English only: its off-topic guess on Norwegian words is not taken as an aside
    (else words it cannot read would hold the form on one question for ever).
    """
    step, response, unreadable = _read(slot, value, unreadable_so_far, skipped, language)
    aside = intent in ASIDES and language != "nb"
    if step.get(slot) is None and aside and response in ("utter_not_understood", "utter_moving_on"):
        # An off-topic question or "are you a bot?": answer it and ask the same question again.
        step, response, unreadable = {slot: None}, ASIDES[intent], unreadable_so_far
    if unreadable != unreadable_so_far:
        step["unreadable_answers"] = unreadable
    return AnswerStep(step, response)


def _read(
    slot: str, value: object, unreadable_so_far: int, skipped: list[str] | None, language: str | None
) -> tuple[dict, str | None, int]:
    if is_valid_value(slot, value):
        return {slot: value}, None, 0
    text = value if isinstance(value, str) else " ".join(map(str, value)) if isinstance(value, list) else ""
    reading = interpret(slot, text, language)
    if reading.outcome is Outcome.VALUE:
        if slot == "self_harm" and reading.value is True:
            return {slot: True, "crisis": True}, "utter_crisis", 0
        return {slot: reading.value}, None, 0
    if asked_for_language(text):
        # "på norsk", "in English" (also what the page's language switch sends): not an answer the assistant failed
        # to read, so no apology and nothing counted; the same question is asked again, now in that language.
        return {slot: None}, None, unreadable_so_far
    give_up = reading.outcome in (Outcome.SKIP, Outcome.UNSURE) or unreadable_so_far + 1 >= MAX_UNREADABLE
    if not give_up:
        again = "utter_ask_self_harm_again" if slot == "self_harm" else "utter_not_understood"
        return {slot: None}, again, unreadable_so_far + 1
    skipped_now = sorted(set(skipped or []) | {slot})
    if slot == "self_harm":
        # The safety question is never skipped silently: an unsure answer gets the numbers and a gentle word.
        return {slot: None, "safety_unsure": True, "skipped_topics": skipped_now}, "utter_safety_unsure", 0
    response = "utter_moving_on" if reading.outcome is Outcome.UNKNOWN else "utter_skipped"
    return {slot: None, "skipped_topics": skipped_now}, response, 0


def volunteered_answers(
    texts: list[str],
    slots: dict,
    skipped: list[str] | None,
    asked: str | None,
    risks: list[str | None] | None = None,
    language: str | None = None,
) -> dict:
    """Topics the doctor answered unasked, for topics still open: the form will not ask them again.

    `risks` are the crisis readings the Rasa server already made of these texts (bot.core.crisis.Risk values, from
    the parse data), so the action server need not read them again; a text without one is read here. The words are
    read in the doctor's `language` first ("nb" or "en")."""
    found: dict = {}
    for text, risk in zip(texts, risks or [None] * len(texts), strict=True):
        if _risk(text, risk) is Risk.DISCLOSURE:
            continue
        for slot, value in volunteered(text, language).items():
            if slot == asked or slot in (skipped or []) or slots.get(slot) is not None or slot in found:
                continue
            found[slot] = value
    return found


def needs_safety_check(text: str, risk: str | None = None) -> bool:
    """A message that is not a disclosure but worries us: the form asks the safety question next."""
    return _risk(text, risk) is Risk.UNCLEAR


def _risk(text: str, known: str | None) -> Risk:
    return Risk(known) if known in {r.value for r in Risk} else assess_risk(text).risk
