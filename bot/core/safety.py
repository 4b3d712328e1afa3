"""How the crisis lexicon and the ML classifier's intent combine into the intent the dialogue acts on."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.crisis import Risk, RiskAssessment, assess_risk
from bot.core.language import asked_for_language, detect_language, language_request

CRISIS = "crisis_disclosure"
UNCLEAR = "risk_unclear"
SWITCH_LANGUAGE = "switch_language"
# Keys of the parse data components/safety_net.py writes and actions/custom_forms.py reads: the Rasa server's
# reading of each message travels with it, so the action server need not read the words again.
CRISIS_RISK_KEY = "crisis_risk"
LANGUAGE_KEY = "language"
LANGUAGE_ENTITY = "language"  # the domain's entity that fills the `language` slot in the same turn
PAGE_LANGUAGE_KEY = "lang"  # in a message's metadata: the page's language (the widget's data-lang), nb or en


@dataclass(frozen=True)
class Reading:
    intent: str
    language: str | None  # "nb", "en", or None when the message cannot tell
    risk: str  # bot.core.crisis.Risk value, passed on so the action server need not read the words again


def read_message(text: str, ml_intent: str | None, ml_confidence: float, ml_crisis_confidence: float) -> Reading:
    """The intent the dialogue acts on, and the language to answer in (for the crisis reply above all).

    The crisis net (bot/core/crisis.py) decides when it is sure; Rasa's intent classifier alone never raises a
    crisis on a weak guess:
    - a disclosure the crisis net recognises is a crisis, whatever the intent classifier said;
    - a denial ("no, I've never thought of harming myself") is an answer, never a crisis;
    - a confident intent-classifier crisis the net found unclear is a crisis; a weak one gets the direct question.
    """
    risk = assess_risk(text)
    intent = _intent(risk, ml_intent, ml_confidence, ml_crisis_confidence)
    if risk.risk is Risk.NONE and intent not in (CRISIS, UNCLEAR) and language_request(text):
        intent = SWITCH_LANGUAGE  # "på norsk, takk": a request, not an answer or a no
    return Reading(intent, answer_language(text, risk), risk.risk.value)


def answer_language(text: str, risk: RiskAssessment) -> str | None:
    """The language to answer in: the one the doctor asks for ("på norsk", "in English"), else the words' own, else
    that of the crisis patterns that matched them."""
    return asked_for_language(text) or detect_language(text) or (risk.language if risk.risk is not Risk.NONE else None)


def _intent(
    assessment: RiskAssessment, ml_intent: str | None, ml_confidence: float, ml_crisis_confidence: float
) -> str:
    risk = assessment.risk
    if risk is Risk.DISCLOSURE:
        return CRISIS
    if ml_intent == CRISIS:
        if risk is Risk.DENIAL:
            return "deny"
        return CRISIS if ml_confidence >= ml_crisis_confidence and risk is Risk.UNCLEAR else UNCLEAR
    if risk is Risk.UNCLEAR:
        return UNCLEAR
    if ml_intent == UNCLEAR:
        return "inform"
    return ml_intent or "inform"
