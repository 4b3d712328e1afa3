"""How the crisis lexicon and the ML classifier's intent combine into the intent the dialogue acts on."""

from __future__ import annotations

from dataclasses import dataclass

from bot.crisis import Risk, RiskAssessment, assess_risk
from bot.language import detect_language

CRISIS = "crisis_disclosure"
UNCLEAR = "risk_unclear"


@dataclass(frozen=True)
class Reading:
    intent: str
    language: str | None  # "nb", "en", or None when the message cannot tell
    risk: str  # bot.crisis.Risk value, passed on so the action server need not read the words again


def read_message(text: str, ml_intent: str | None, ml_confidence: float, ml_crisis_confidence: float) -> Reading:
    """The intent the dialogue acts on, and the language to answer in (for the crisis reply above all)."""
    risk = assess_risk(text)
    intent = _intent(risk, ml_intent, ml_confidence, ml_crisis_confidence)
    language = detect_language(text) or (risk.language if risk.risk is not Risk.NONE else None)
    return Reading(intent, language, risk.risk.value)


def decide_intent(text: str, ml_intent: str | None, ml_confidence: float, ml_crisis_confidence: float) -> str:
    """The crisis net (bot/crisis.py) decides when it is sure; Rasa's intent classifier alone never raises a
    crisis on a weak guess.

    - a disclosure the crisis net recognises is a crisis, whatever the intent classifier said;
    - a denial ("no, I've never thought of harming myself") is an answer, never a crisis;
    - a confident intent-classifier crisis the net found unclear is a crisis; a weak one gets the direct question.
    """
    return _intent(assess_risk(text), ml_intent, ml_confidence, ml_crisis_confidence)


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
