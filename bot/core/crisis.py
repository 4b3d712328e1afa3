"""The crisis safety net: recognises disclosures of suicidal thoughts, self-harm, plans or means.

Three layers, all plain Python with no Rasa (DESIGN.md, "Crisis, first"; issue 12):
1. one normalisation step for both languages (bot/core/textnorm.py): case, æøå folding, Nynorsk and dialect forms,
   misspelt crisis words corrected;
2. patterns for what must always fire, and for what is not a crisis (idioms, someone else's suicide, clinical
   talk, denials), in English (bot/core/lexicon/crisis_en.yml) and Norwegian (crisis_nb.yml);
3. a classifier trained on the project's crisis corpus (bot/core/crisis_model.py) for the ways of saying it that no
   pattern foresaw, with thresholds chosen for recall.
It never keeps the words it reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path

import yaml

from bot.core.crisis_model import CrisisModel, context_of, crisis_model, evidence_level
from bot.core.textnorm import Normalised, is_lower_case, normalise_for_crisis, not_in_folded_reading

LEXICON_DIR = Path(__file__).parent / "lexicon"
LEXICON_FILE = LEXICON_DIR / "crisis_en.yml"
LEXICON_FILES = (LEXICON_FILE, LEXICON_DIR / "crisis_nb.yml")
_CLAUSE = r"[.!?;\n]+|\s(?:but|although|though|because|since|after|when|and then)\s"
_READINGS = ("plain", "folded")
ALONE_WORDS = 4  # a clause this short that is a crisis word ("suicidal") is a disclosure
SHORT_LINE_WORDS = 12  # ... unless a line this short has a negation anywhere ("suicidal? no, never")
# Someone else's words quoted: '…', "…", «…», “…” (an apostrophe inside a word, as in "I'll", does not close one), or
# after a colon to the clause's end ("pasienten sa rett ut: jeg skal ta livet mitt"); either counts only after someone
# else's reporting verb (the lexicon's reported_speech).
_QUOTED = re.compile(r"""(?:(?<=[\s:])|^)(?:'(?:[^']|'\w)+'(?!\w)|"[^"]+"|«[^»]+»|“[^”]+”)|(?<=:)\s*[^'"«“]+$""")


class Risk(str, Enum):
    DISCLOSURE = "disclosure"  # give crisis help now
    UNCLEAR = "unclear"  # ask the direct question
    DENIAL = "denial"  # "no, I've never thought about harming myself": an answer, not a disclosure
    NONE = "none"


@dataclass(frozen=True)
class RiskAssessment:
    risk: Risk
    kind: str | None = None  # ideation, plan_or_means, self_harm (from a pattern)
    source: str = "pattern"  # "pattern" or "classifier": which layer decided
    hint: bool = False  # a crisis word without saying whose ("suicide", "overdose"): lowers the classifier's bar
    language: str | None = None  # the language of the patterns that matched, if any

    @property
    def is_crisis(self) -> bool:
        return self.risk is Risk.DISCLOSURE


@dataclass(frozen=True)
class _Disclosure:
    kind: str
    first_person: bool  # for hints: whether the word alone, in a short message, is a disclosure
    negatable: bool
    pattern: re.Pattern


@dataclass(frozen=True)
class CrisisLexicon:
    language: str
    reads: str  # "plain" or "folded": which reading of bot/core/textnorm.py the patterns are written for
    clause_breaks: re.Pattern
    idioms: tuple[re.Pattern, ...]
    third_party: tuple[re.Pattern, ...]
    # A clause with a third person in it and no first person ("she's 91 and tired of living") is about someone
    # else, for the patterns that do not say whose; with "I" anywhere in it, it counts as the doctor's own.
    someone_else_speaks: re.Pattern
    i_speak: re.Pattern
    reported_speech: re.Pattern  # "my co-resident said '…'": the quote that follows is someone else's words
    # "…selvmordstanker hele dagen, men det er pasientenes, ikke mine": whose they are, said after the crisis words;
    # everything in the line up to the end of this is about someone else.
    disowned: re.Pattern
    not_alone: re.Pattern  # "it was suicide", "det var selvmord": a crisis word alone that names an event, not a state
    denial_window: re.Pattern
    negation: re.Pattern
    just_negated: re.Pattern  # a negation right before, with at most one word between ("no dark thoughts")
    disclosures: tuple[_Disclosure, ...]
    hints: tuple[_Disclosure, ...]
    unclear: tuple[re.Pattern, ...]
    # Chat drops the subject ("er fastlege og har hatt selvmordstanker", "har tenkt på å avslutte det"): a clause that
    # starts with a verb and names no one is read with the writer as its subject (`subject`), as a reader would.
    implicit_subject: re.Pattern | None = None
    subject: str = ""


def _compile(pattern: str) -> re.Pattern:
    """Patterns are written in lower case, as both readings are (bot/core/textnorm.py); without IGNORECASE, Python's
    regex engine skips an alternative on its first letter, which made the crisis check about a third faster."""
    if not is_lower_case(pattern):
        raise ValueError(f"crisis patterns are written in lower case, as the text they read is: {pattern!r}")
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"bad crisis pattern {pattern!r}: {exc}") from exc


def load_crisis_lexicon(path: Path = LEXICON_FILE) -> CrisisLexicon:
    """Load and check one language's patterns; a bad pattern fails at start-up."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    reads = raw.get("reads", "plain")
    if reads not in _READINGS:
        raise ValueError(f"{path}: reads must be one of {_READINGS}")
    disclosures = []
    for group in raw["disclosure"]:
        if group["kind"] not in ("ideation", "plan_or_means", "self_harm"):
            raise ValueError(f"{path}: unknown disclosure kind {group['kind']!r}")
        for pattern in group["patterns"]:
            disclosures.append(
                _Disclosure(
                    kind=group["kind"],
                    first_person=bool(group["first_person"]),
                    negatable=bool(group.get("negatable", True)),
                    pattern=_compile(pattern),
                )
            )
    lexicon = CrisisLexicon(
        language=str(raw["language"]),
        reads=reads,
        clause_breaks=_compile(raw.get("clause_breaks", _CLAUSE)),
        idioms=tuple(_compile(p) for p in raw["idioms"]),
        third_party=tuple(_compile(p) for p in raw["third_party"]),
        someone_else_speaks=_compile(raw["someone_else_speaks"]),
        i_speak=_compile(raw["i_speak"]),
        not_alone=_compile(raw["not_alone"]),
        reported_speech=_compile(raw["reported_speech"]),
        disowned=_compile(raw["disowned"]),
        denial_window=_compile(raw["denial_window"]),
        negation=_compile(raw["negation"]),
        just_negated=_compile(f"(?:{raw['negation']})(?:\\W+\\w+)?\\W*$"),
        disclosures=tuple(disclosures),
        hints=tuple(
            _Disclosure(kind=g["kind"], first_person=bool(g.get("alone")), negatable=True, pattern=_compile(p))
            for g in raw.get("hints", [])
            for p in g["patterns"]
        ),
        unclear=tuple(_compile(p) for p in raw["unclear"]),
        implicit_subject=_compile(raw["implicit_subject"]["starts"]) if raw.get("implicit_subject") else None,
        subject=str((raw.get("implicit_subject") or {}).get("subject", "")),
    )
    if lexicon.implicit_subject is not None and not lexicon.subject.strip():
        raise ValueError(f"{path}: implicit_subject needs the subject to read in")
    if reads == "folded":
        # A pattern with a word the folded reading never has could never match (18 did, unnoticed, until this check).
        found = sorted({w for p in _patterns(lexicon) for w in not_in_folded_reading(p.pattern)})
        if found:
            raise ValueError(f"{path}: patterns on the folded reading cannot contain æ/ø/å or aa/ae/oe: {found}")
    return lexicon


def _patterns(lex: CrisisLexicon) -> list[re.Pattern]:
    """Every compiled pattern of a lexicon."""
    found = []
    for value in vars(lex).values():
        for item in value if isinstance(value, tuple) else (value,):
            if isinstance(item, re.Pattern):
                found.append(item)
            elif isinstance(item, _Disclosure):
                found.append(item.pattern)
    return found


@lru_cache(maxsize=1)
def crisis_lexicons() -> tuple[CrisisLexicon, ...]:
    return tuple(load_crisis_lexicon(path) for path in LEXICON_FILES)


def _clauses(lex: CrisisLexicon, text: str) -> list[str]:
    return [c.strip(" ,") for c in lex.clause_breaks.split(text) if c and c.strip(" ,")]


def _assess_clause(lex: CrisisLexicon, clause: str, short_line: bool = False, disowned: bool = False) -> RiskAssessment:
    about_someone_else = (
        disowned
        or any(p.search(clause) for p in lex.third_party)
        or bool(lex.someone_else_speaks.search(clause) and not lex.i_speak.search(clause))
    )
    if lex.implicit_subject is not None and lex.implicit_subject.match(clause):
        clause = f"{lex.subject} {clause}"  # whose it is was decided on the words as written, just above
    denied = None
    quoted = [
        m.span()
        for m in _QUOTED.finditer(clause)
        if about_someone_else or lex.reported_speech.search(clause[max(0, m.start() - 60) : m.start()])
    ]
    for item in lex.disclosures:
        if item.pattern.search(clause) is None:  # most patterns miss most clauses: no iterator for them
            continue
        for match in item.pattern.finditer(clause):
            if not item.first_person and about_someone_else:
                continue
            if any(start <= match.start() and match.end() <= end for start, end in quoted):
                continue  # "my colleague keeps saying 'I'll drive into a truck'": their words, not the doctor's
            before = clause[: match.start()]
            if item.negatable and lex.denial_window.search(before):
                denied = RiskAssessment(Risk.DENIAL, item.kind, language=lex.language)
                continue
            return RiskAssessment(Risk.DISCLOSURE, item.kind, language=lex.language)
    if denied:
        return denied
    if about_someone_else:
        return RiskAssessment(Risk.NONE)
    hint, denied_hint = None, None
    for item in lex.hints:
        if item.pattern.search(clause) is None:
            continue
        for match in item.pattern.finditer(clause):
            if lex.denial_window.search(clause[: match.start()]):
                # Only a word that alone is a disclosure can be denied ("I'm not suicidal"); "ikke … leve" is not
                # a denial of anything.
                denied_hint = denied_hint or (item.kind if item.first_person else None)
            else:
                hint = hint or item.kind
    if denied_hint and not hint:  # "I'm not suicidal", "no self-harm": an answer
        return RiskAssessment(Risk.DENIAL, denied_hint, language=lex.language)
    language = lex.language if hint else None
    if hint and short_line and not lex.denial_window.search(clause) and not lex.not_alone.search(clause):
        # "suicidal", "selvmordstanker", "selfharm again": said alone, the word is the disclosure.
        for item in lex.hints:
            if item.first_person and item.pattern.search(clause):
                return RiskAssessment(Risk.DISCLOSURE, item.kind, language=lex.language)
    # A negation right before an unclear phrase ("no dark thoughts") is an answer; a hedge further back
    # ("vet ikke om jeg orker mer av livet") is not.
    if any(not lex.just_negated.search(clause[: m.start()]) for p in lex.unclear for m in p.finditer(clause)):
        return RiskAssessment(Risk.UNCLEAR, hint, hint=hint is not None, language=lex.language)
    return RiskAssessment(Risk.NONE, hint, hint=hint is not None, language=language)


def _most_serious(found: list[RiskAssessment]) -> RiskAssessment:
    hinted = next((item for item in found if item.hint), None)
    for risk in (Risk.DISCLOSURE, Risk.UNCLEAR, Risk.DENIAL):
        for item in found:
            if item.risk is risk:
                if hinted and not item.hint and risk is not Risk.DISCLOSURE:
                    return RiskAssessment(risk, item.kind or hinted.kind, hint=True, language=item.language)
                return item
    return hinted or RiskAssessment(Risk.NONE)


def _without_idioms(lex: CrisisLexicon, text: str) -> str:
    for idiom in lex.idioms:
        text = idiom.sub(" ", text)
    return text


def _readings(text: str) -> list[Normalised]:
    """Each line's two readings with the idioms of both languages taken out ("this rota is killing me").

    Line by line: an idiom must not be read across a line break ("…better off dead" + "tired")."""
    readings = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        reading = normalise_for_crisis(line)
        for lex in crisis_lexicons():
            if lex.reads == "plain":
                plain = _without_idioms(lex, reading.plain)
                if plain != reading.plain:
                    reading = normalise_for_crisis(plain)
        for lex in crisis_lexicons():
            if lex.reads == "folded":
                reading = Normalised(reading.plain, _without_idioms(lex, reading.folded))
        readings.append(reading)
    return readings


def pattern_risk(text: str, readings: list[Normalised] | None = None) -> RiskAssessment:
    """What the patterns alone say of a message: a disclosure anywhere in it wins over a denial elsewhere.

    `readings`: the message's _readings, when the caller has them already."""
    found = []
    for reading in _readings(text) if readings is None else readings:
        for lex in crisis_lexicons():
            clean = getattr(reading, lex.reads)
            # A crisis word alone ("suicidal", "selfharm.") is a disclosure in a short clause, unless the clause
            # has a negation, or the line is short and has one anywhere ("selvmordstanker? Nei, aldri"): then the
            # classifier and the patterns decide. A negation sentences away ("ingen vikar i sommer") does not count.
            short_line = len(clean.split()) <= SHORT_LINE_WORDS
            negated_line = bool(lex.negation.search(clean))
            # What comes before the end of an ownership denial ("…, men det er pasientenes, ikke mine") is someone
            # else's; what follows it is read as usual. Words that say whose ("ta livet mitt") still fire.
            disowned = lex.disowned.search(clean)
            cut = disowned.end() if disowned else 0
            found += [
                _assess_clause(
                    lex,
                    clause,
                    len(clause.split()) <= ALONE_WORDS
                    and not lex.negation.search(clause)
                    and not (short_line and negated_line),
                    disowned=part == 0 and disowned is not None,
                )
                for part, piece in enumerate((clean[:cut], clean[cut:]))
                for clause in _clauses(lex, piece)
            ]
    return _most_serious(found)


def folded_text(text: str, readings: list[Normalised] | None = None) -> str:
    """The reading the classifier scores: folded, idioms out."""
    return "\n".join(reading.folded for reading in (_readings(text) if readings is None else readings))


def combine(pattern: RiskAssessment, probability: float, model: CrisisModel, evidence: int = 2) -> RiskAssessment:
    """Patterns and classifier together, erring toward safety.

    - a pattern disclosure is a crisis, whatever the classifier says;
    - a pattern denial ("no, never") stands unless the classifier is surer than its crisis bar and the override;
    - otherwise the classifier's bars for the message's context (bot.core.crisis_model.context_of: a crisis word that
      does not say whose, a word of death, harm, means or a plan, or neither) decide: a crisis at or above the first; at
      or above the second, or on an unclear pattern, the direct question with the helplines (DESIGN.md: where it is
      unclear, ask; a yes is a disclosure). The bars come from cross-validation (tools/train_crisis.py).
    """
    if pattern.risk is Risk.DISCLOSURE:
        return pattern
    if pattern.risk is Risk.DENIAL:
        if probability >= max(model.bars["worded"][0], model.denial_override_threshold):
            return RiskAssessment(Risk.DISCLOSURE, pattern.kind, "classifier", language=pattern.language)
        return pattern
    crisis_bar, unclear_bar = model.bars[context_of(pattern.hint, evidence)]
    if probability >= crisis_bar:
        return RiskAssessment(Risk.DISCLOSURE, pattern.kind, "classifier", language=pattern.language)
    if pattern.risk is Risk.UNCLEAR:
        return pattern
    if probability >= unclear_bar:
        return RiskAssessment(Risk.UNCLEAR, pattern.kind, "classifier", language=pattern.language)
    return RiskAssessment(Risk.NONE)


def assess_risk(text: str) -> RiskAssessment:
    """Read one message for a crisis."""
    if not (text or "").strip():
        return RiskAssessment(Risk.NONE)
    readings = _readings(text)
    pattern = pattern_risk(text, readings)
    if pattern.risk is Risk.DISCLOSURE:  # combine's first rule: the classifier need not be asked
        return pattern
    model, folded = crisis_model(), folded_text(text, readings)
    return combine(pattern, model.probability(folded), model, evidence_level(folded))
