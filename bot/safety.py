"""How the crisis lexicon and the ML classifier's intent combine into the intent the dialogue acts on."""

from __future__ import annotations

from bot.crisis import Risk, assess_risk

CRISIS = "crisis_disclosure"
UNCLEAR = "risk_unclear"


def decide_intent(text: str, ml_intent: str | None, ml_confidence: float, ml_crisis_confidence: float) -> str:
    """The lexicon decides when it is sure; the classifier alone never raises a crisis on a weak guess.

    - a disclosure the lexicon recognises is a crisis, whatever the classifier said;
    - a denial ("no, I've never thought of harming myself") is an answer, never a crisis;
    - a confident classifier crisis the lexicon did not see is a crisis; a weak one gets the direct question.
    """
    risk = assess_risk(text).risk
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
