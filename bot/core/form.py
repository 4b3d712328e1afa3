"""The self-assessment's flow decisions: which topic comes next, and what an answer means for the form.

Pure Python: the form validation action (actions/) is a thin adapter around these functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.core.answers import Outcome, interpret, volunteered
from bot.core.crisis import Risk, assess_risk
from bot.core.language import asked_for_language
from bot.core.textnorm import fold
from bot.core.values import FORM_SLOTS, SickLeave, WorkStatus, is_valid_value

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


def progress(
    next_topic: str | None, slots: dict, required: list[str], skipped: list[str] | None, unasked: list[str] | None
) -> tuple[int, int] | None:
    """Where the self-assessment is, as (question, of) for "Question 4 of 10": the questions answered or skipped so
    far, then this one, then those still to be asked. Topics the doctor answered unasked (`unasked`) are counted
    nowhere, so the total shrinks as they do. None when no question is next (the form is done)."""
    if next_topic is None:
        return None
    left_out = set(unasked or [])
    done = [
        t
        for t in FORM_SLOTS
        if t != next_topic and t not in left_out and (slots.get(t) is not None or t in (skipped or []))
    ]
    still = [t for t in required if t != next_topic and slots.get(t) is None]
    return len(done) + 1, len(done) + 1 + len(still)


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


# --- correcting an earlier answer ---------------------------------------------------------------------------------
# Words that say the doctor is putting an earlier answer right ("actually", "I meant", «egentlig», «jeg mente»), read
# on the folded, lower-cased text (æøå folded: «rettelse», «jeg tok feil»).
_CORRECTION_CUE = re.compile(
    r"\b(actually|in fact|i meant|i mean|what i meant|correction|i got (it|that) wrong|i was wrong|my mistake|"
    r"i said (it )?wrong|change my answer|not \w+ but|sorry,? (i|that)|wait,? (i|no)|"
    r"egentlig|faktisk|jeg mente|eg meinte|mente jeg|meinte eg|rettelse|korreksjon|jeg tok feil|eg tok feil|"
    r"jeg svarte feil|eg svarte feil|skrev feil|feil svar|endre svaret|det stemmer ikke|det stemmer ikkje|"
    r"beklager,? (jeg|eg|det)|vent,? (jeg|eg|nei))\b"
)
# A correction's words are read for an earlier topic only when they name it (the answer lexicons read any words as
# an answer to the question asked: "I do work as usual" would be a manageable workload). Folded, lower case.
_TOPIC_WORDS = {
    "work_status": r"work|working|job|post|shifts?|part[- ]time|full[- ]time|sick leave|off sick|jobb\w*|arbeid\w*|"
    r"stilling\w*|deltid|fulltid|sykmeld\w*|sykemeld\w*|sjukmeld\w*|ufor\w*|permisjon",
    "workload": r"workload|busy|demands?|hours|load|pressure|too much|arbeidsmengd\w*|belastning\w*|travelt?|"
    r"mye a gjore|for mye|altfor mye|press\w*|krav",
    "sleep": r"sleep\w*|slept|insomnia|nights?|awake|sov\w*|sovn\w*|natt\w*|netter|vaken|vakner",
    "conflict": r"conflicts?|boss|colleagues?|manager|bullied|konflikt\w*|sjef\w*|kolleg\w*|leder\w*|mobb\w*|uenig",
    "coping": r"cope|coping|manage|managing|mestr\w*|klar(er|ar)|takl\w*|orke?r?",
    "sick_leave": r"sick leave|sick note|off sick|sykmeld\w*|sykemeld\w*|sjukmeld\w*|permisjon",
    "treatment": r"gp|doctor|therapist|psycholog\w*|psychiatr\w*|treatment|medication|fastleg\w*|behandl\w*|"
    r"psykolog\w*|psykiat\w*|terapeut\w*|medisin\w*",
    "expectation": r"hope|hoping|want|looking for|need|hap\w*|onsk\w*|trenger|vil ha|ute etter",
}
_TOPIC_PATTERNS = {slot: re.compile(rf"\b({words})\b") for slot, words in _TOPIC_WORDS.items()}
# Never changed by a correction in passing: the safety question is asked, and answered, on its own.
_NOT_CORRECTED = frozenset({"self_harm"})


def is_correction(text: str) -> bool:
    """Whether the words say an earlier answer is being put right."""
    return bool(_CORRECTION_CUE.search(fold((text or "").lower())))


def corrections(text: str, slots: dict, asked: str | None, language: str | None = None) -> dict:
    """Earlier answers the doctor puts right in `text` (asked about `asked` now): {slot: new value}, with the answers
    that no longer fit cleared (None: asked again). With a correction's words ("actually", «egentlig») every earlier
    topic the words answer is read; without them only what the words state clearly enough to count unasked (and
    the caller asks this only when the words do not answer the question asked)."""
    answered = [s for s in FORM_SLOTS if s != asked and s not in _NOT_CORRECTED and slots.get(s) is not None]
    found = {s: v for s, v in volunteered(text, language).items() if s in answered}
    if is_correction(text):
        rest = _CORRECTION_CUE.sub(" ", fold(text.lower()))  # read without the cue («egentlig» says sick-leave doubt)
        for slot in answered:
            if slot not in _TOPIC_PATTERNS or not _TOPIC_PATTERNS[slot].search(rest):
                continue  # warning signs are put right only by words clear enough to count unasked
            reading = interpret(slot, rest, language)
            if reading.outcome is Outcome.VALUE and slot not in found:
                found[slot] = reading.value
    changed = {s: v for s, v in found.items() if is_valid_value(s, v) and v != slots.get(s)}
    return _consistent(changed, slots) if changed else {}


def _consistent(changed: dict, slots: dict) -> dict:
    """Related answers kept in step: on sick leave means the sick-leave question is answered too; back at work
    means a sick-leave answer of "on leave" no longer holds (asked again), and the other way round."""
    after = {**slots, **changed}
    out = dict(changed)
    work, leave = after.get("work_status"), after.get("sick_leave")
    if "work_status" in changed:
        if work == WorkStatus.SICK_LEAVE.value and leave != SickLeave.ON_LEAVE.value:
            out["sick_leave"] = SickLeave.ON_LEAVE.value
        elif work == WorkStatus.WORKING.value and leave == SickLeave.ON_LEAVE.value:
            out["sick_leave"] = None
    elif "sick_leave" in changed and _leave_contradicts_work(leave, work):
        out["work_status"] = None  # on leave while "working", or no longer on leave while "on sick leave": ask again
    return out


def _leave_contradicts_work(leave: object, work: object) -> bool:
    on_leave = leave == SickLeave.ON_LEAVE.value
    return (on_leave and work == WorkStatus.WORKING.value) or (not on_leave and work == WorkStatus.SICK_LEAVE.value)


CHANGE_TOPIC_INTENT = "change_topic"


def change_topic_payload(topic: str) -> str:
    """The button payload that chooses `topic` to change (the web channel honours exactly these, bot/core/inbound)."""
    return f'/{CHANGE_TOPIC_INTENT}{{"topic": "{topic}"}}'


def change_topic_payloads() -> frozenset[str]:
    return frozenset(change_topic_payload(topic) for topic in FORM_SLOTS if topic not in _NOT_CORRECTED)


def changeable_topics(slots: dict) -> list[str]:
    """The answers a doctor may choose to change, in the form's order (not the safety question)."""
    return [s for s in FORM_SLOTS if s not in _NOT_CORRECTED and slots.get(s) is not None]


def clear_for_change(topic: str, slots: dict, skipped: list[str] | None) -> dict:
    """Slot values that make the form ask `topic` again (and an answer tied to it: work and sick leave go together
    when one said "on sick leave"); {} when `topic` is not one that can be changed."""
    if topic not in FORM_SLOTS or topic in _NOT_CORRECTED:
        return {}
    out: dict = {topic: None, "unreadable_answers": 0}
    tied = (
        slots.get("work_status") == WorkStatus.SICK_LEAVE.value or slots.get("sick_leave") == SickLeave.ON_LEAVE.value
    )
    if tied and topic in ("work_status", "sick_leave"):
        out["sick_leave" if topic == "work_status" else "work_status"] = None
    if topic in (skipped or []):
        out["skipped_topics"] = [t for t in skipped if t != topic] or None
    return out
