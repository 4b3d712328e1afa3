"""Commands a doctor can give at any time. The ML classifier suggests them; these patterns confirm them,
so an answer like "I can't stop crying" ("klarer ikke slutte å gråte") is never taken for "stop"."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.core.textnorm import normalise, normalise_for_crisis

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
        r"\b(withdraw|delete|remove|revoke|cancel|slett|slette|fjern|fjerne|trekk tilbake|trekke tilbake)\b"
        r"(\s+(code|summary|koden?|oppsummering(en|a)?))?\s+"
        r"(?=[a-z -]{0,8}\d)[a-z0-9]{4}[ -]?[a-z0-9]{4}\b|"
        r"\bchanged my mind about (the |my )?(summary|sharing)\b|\bdon'?t want to share (the|my) summary\b"
    ),
    "change_answer": re.compile(
        r"\b(change|correct|edit|fix|redo) (an|my|one|one of my|some of my|the|that) (answers?|replies)\b|"
        r"\bchange (what|something) i (said|answered)\b|\bchange (one|some) of (my|the) answers\b|"
        r"\b(answered|said) (something|that|it|one) wrong\b.{0,30}\b(change|correct|fix)\b"
    ),
    "ask_why": re.compile(
        r"^(but )?why\W*$|^why (do|are|would|is|does|should|did) (you|this|that|it|i)\b|"
        r"\bwhy (do|are|would) you (ask|need|want)|\bwhy (does|would|should) (it|that|this) matter\b|"
        r"\bwhat('?s| is) (this|that) (question )?for\b|\bhow is (this|that) relevant\b|"
        r"\bwhat does (this|that) have to do\b|\bwhy is (this|that) (relevant|important|needed)\b"
    ),
}

# Norwegian, on the folded reading of bot/core/textnorm.py (as bot/core/lexicon/crisis_nb.yml): æ/ø/å and aa/ae/oe
# folded (spørsmål and spoersmaal are "sporsmal", noen is "non"), Nynorsk and dialect words mapped to Bokmål
# (eg → jeg, ikkje → ikke, kvifor → hvorfor, nokon → non). A code is read on the plain text (above): folding would
# change one.
_NB_LEAD = r"^((ok|okei|ja|nei|men|bare|please|var sa snill)\W+)*"
_COMMANDS_NB: dict[str, re.Pattern] = {
    "stop": re.compile(
        _NB_LEAD + r"(stopp+|avslutt|avbryt|slutt|nok( na)?,? stopp|(jeg )?(vil|vil gjerne|ma) (stoppe|avslutte)|"
        r"(kan|skal) vi (stoppe|slutte|avslutte)|la oss (stoppe|slutte|avslutte)|vi (stopper|slutter|avslutter)|"
        r"(stopp+|avslutt|avbryt) (dette|testen|samtalen|chatten|sporsmalene|kartlegging(en|a)|egenvurdering(en|a))|"
        r"(jeg )?(vil|gidder) ikke (fortsette|halde fram|holde fram)( med dette)?|ikke flere sporsmal|"
        r"(na )?(orker|gidder) jeg ikke flere sporsmal|det (far holde|holder))( na| no| her)?\W*$"
    ),
    "restart": re.compile(
        _NB_LEAD + r"((restart|reset)\W+)?((jeg |vi )?(vil|vil gjerne|kan|skal|ma) (vi |jeg )?|la oss )?"
        r"(start|starte|begynn|begynne|byrj|byrje|ta det|ta alt)( helt)? (pa nytt|forfra|fra starten|fra begynnelsen|"
        r"om igjen)( igjen)?\W*$|" + _NB_LEAD + r"(nullstill\w*)\W*$"
    ),
    "skip": re.compile(
        _NB_LEAD + r"((kan vi |kan jeg |jeg vil |vil |la oss )?(hopp|hoppe) (over|ovr)( det| dette| den| denne)?"
        r"( sporsmalet| her)?( takk)?|neste( sporsmal)?|(kan vi )?ta neste( sporsmal)?|ga videre|skip den|pass|"
        r"(jeg )?star over( denne| den| det)?( gangen)?|dropp (det|dette|den|denne)( sporsmalet)?|"
        r"(jeg )?(vil|vil helst|vil egentlig) ikke (svare|si)( pa)?( det| dette| den)?|"
        r"(det|dette|den) vil jeg (helst )?ikke (svare pa|si noe om|snakke om))\W*$"
    ),
    "request_handoff": re.compile(
        r"\b(snakke|prate|chatte)( litt)? med (et|ett|eit|en|ein) (ekte |levende |virkelig )?(menneske|person)\b|"
        r"\b(snakke|prate|chatte)( litt)? med non (na|no|i dag|i kveld|i natt|med en gang|snart|pa telefon|ekte)\b|"
        r"^((jeg )?(vil|vil gjerne|trenger a|ma|onsker a)|kan jeg( fa)?)( fa)? (snakke|prate|chatte) med non\W*$|"
        r"\b(ring|ringe|kontakt|kontakte) meg\b|\bsett meg (i kontakt|over)\b|\b(fa|gi) meg over til\b|"
        r"\bstottekolleg\w*|\bradgiver\w*"
    ),
    "withdraw_summary": re.compile(
        r"\b(trekk|trekke|trekkje|slett|slette|fjern|fjerne|annuller\w*|ta tilbake|angre\w*|angra)\b.{0,40}"
        r"\b(oppsum\w*|sammendrag\w*|samtykke\w*|koden)\b|\bombestemt meg\b.{0,30}\b(oppsum\w*|sammendrag\w*)|"
        r"\bikke (a )?dele (oppsum\w*|sammendrag\w*)"
    ),
    "change_answer": re.compile(
        r"\b(endre|endra|rette|retta|korrigere|bytte) (opp )?((et|eit|ett|mitt|noen av|et av|eit av) )?"
        r"(svar|svaret|svarene|svara|svarane)\b|\b(endre|endra|rette|retta) (noe|det) (jeg|eg) (svarte|svara)\b|"
        r"\b(svarte|svara) feil\b.{0,30}\b(endre|endra|rette|retta)\b"
    ),
    "ask_why": re.compile(
        _NB_LEAD + r"(hvorfor|why)( det| da)?\W*$|\b(hvorfor|why) (spor|vil|trenger|ma|skal) (du|dere)\b|"
        r"\bhvorfor (ma|skal) jeg (svare|si|fortelle)\b|"
        r"\bhvorfor er (det|dette) (sporsmalet )?(relevant|viktig|nodvendig)\b|\bhvordan er (det|dette) relevant\b|"
        r"\bhva (skal|trenger|vil) (du|dere) (med|a vite) (det|dette|svaret)\b|"
        r"\bhva har (det|dette) (med saken|med meg|med noe) a gjore\b|\bhva er (dette|det) sporsmalet (for|til)\b|"
        r"\bhva brukes (svaret|dette|det) til\b"
    ),
}


def confirms_command(intent: str, text: str) -> bool:
    """True when `text` really is the command `intent` names (or `intent` is not a command at all)."""
    pattern = _COMMANDS.get(intent)
    if pattern is None or pattern.search(normalise(text)):
        return True
    norwegian = _COMMANDS_NB.get(intent)
    return bool(norwegian and norwegian.search(normalise_for_crisis(text).folded))


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
