"""Commands a doctor can give at any time. The ML classifier suggests them; these patterns confirm them,
so an answer like "I can't stop crying" is never taken for "stop"."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.core.answers import normalise

_COMMANDS: dict[str, re.Pattern] = {
    "stop": re.compile(
        r"^(please )?(stop|quit|cancel|exit|end|enough|let'?s stop|i want to stop|i'?d like to stop|"
        r"stop (here|now|this|it|the (questions|assessment|self-assessment|chat))|"
        r"end (this|the (chat|assessment|self-assessment))|"
        r"i don'?t want to (continue|go on)( with this)?|no more questions)\W*$"
    ),
    "restart": re.compile(
        r"^(please )?(restart|reset|start (over|again)( from (the beginning|scratch))?|begin again( from scratch)?|"
        r"can we start (over|again|from the beginning)|i want to start (over|again)|"
        r"clear everything( and restart)?)\W*$"
    ),
    "skip": re.compile(
        r"^(skip|pass|next( question)?|move on|skip (this|that|it)( question| one)?|can we skip (this|that|it)|"
        r"i'?d rather not (say|answer)|i prefer not to (say|answer)|i don'?t want to answer( that| this)?)\W*$"
    ),
    "request_handoff": re.compile(
        r"\b(a|real|actual|live) (person|human|human being)\b|\b(counsell?or|support colleague|st\u00f8ttekollega)\b|"
        r"\b(call|contact|ring|phone) me\b|\bconnect me\b|\b(talk|speak|chat) (to|with) (someone|somebody) "
        r"(real|now|today|right now|tonight|urgently)\b|\bhandoff\b|\bhand me over\b"
    ),
    "withdraw_summary": re.compile(
        r"\b(withdraw|delete|remove|take back|cancel|revoke|retract|undo|erase)\b.{0,40}"
        r"\b(summary|summaries|intake|consent|code)\b|"
        r"\b(withdraw|delete|remove|revoke|cancel)\b(\s+(code|summary))?\s+"
        r"(?=[a-z -]{0,8}\d)[a-z0-9]{4}[ -]?[a-z0-9]{4}\b|"
        r"\bchanged my mind about (the |my )?(summary|sharing)\b|\bdon'?t want to share (the|my) summary\b"
    ),
    "ask_why": re.compile(
        r"^(but )?why\W*$|^why (do|are|would|is|does|should|did) (you|this|that|it|i)\b|"
        r"\bwhy (do|are|would) you (ask|need|want)|\bwhy (does|would|should) (it|that|this) matter\b|"
        r"\bwhat('?s| is) (this|that) (question )?for\b|\bhow is (this|that) relevant\b|"
        r"\bwhat does (this|that) have to do\b|\bwhy is (this|that) (relevant|important|needed)\b"
    ),
}


def confirms_command(intent: str, text: str) -> bool:
    """True when `text` really is the command `intent` names (or `intent` is not a command at all)."""
    pattern = _COMMANDS.get(intent)
    return pattern is None or bool(pattern.search(normalise(text)))


COMMAND_INTENTS = frozenset(_COMMANDS)
# The intent an unconfirmed command falls back to when the classifier has nothing better: an answer.
ANSWER_INTENT = "inform"
# Rasa's intent for a guess below the fallback threshold: after an unconfirmed command it is an answer too.
NLU_FALLBACK = "nlu_fallback"


def intent_after_commands(intent: str | None, text: str, ranking: Iterable[str]) -> str | None:
    """The intent to act on once commands are checked: `intent` itself unless it is a command its words do not
    confirm; then the classifier's next guess in `ranking` (its intent names, best first) that is not a command,
    and an answer when that is none or the fallback ("I can't stop crying" is an answer, never "stop")."""
    if intent not in COMMAND_INTENTS or confirms_command(intent, text):
        return intent
    fallback = next((name for name in ranking if name not in COMMAND_INTENTS), ANSWER_INTENT)
    return ANSWER_INTENT if fallback == NLU_FALLBACK else fallback
