"""The crisis safety net: recognises disclosures of suicidal thoughts, self-harm, plans or means.

It backs the ML classifier (DESIGN.md, "Crisis, first"): pure pattern matching, no Rasa, no model,
so it answers in microseconds and cannot fail to load. It never keeps the words it reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path

import yaml

from bot.answers import normalise

LEXICON_FILE = Path(__file__).parent / "lexicon" / "crisis_en.yml"
_CLAUSE = re.compile(r"[.!?;\n]+|\s(?:but|although|though|because|since|after|when|and then)\s")


class Risk(str, Enum):
    DISCLOSURE = "disclosure"  # give crisis help now
    UNCLEAR = "unclear"  # ask the direct question
    DENIAL = "denial"  # "no, I've never thought about harming myself": an answer, not a disclosure
    NONE = "none"


@dataclass(frozen=True)
class RiskAssessment:
    risk: Risk
    kind: str | None = None  # ideation, plan_or_means, self_harm

    @property
    def is_crisis(self) -> bool:
        return self.risk is Risk.DISCLOSURE


@dataclass(frozen=True)
class _Disclosure:
    kind: str
    first_person: bool
    negatable: bool
    pattern: re.Pattern


@dataclass(frozen=True)
class CrisisLexicon:
    idioms: tuple[re.Pattern, ...]
    third_party: tuple[re.Pattern, ...]
    denial_window: re.Pattern
    disclosures: tuple[_Disclosure, ...]
    unclear: tuple[re.Pattern, ...]


def _compile(pattern: str) -> re.Pattern:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"bad crisis pattern {pattern!r}: {exc}") from exc


def load_crisis_lexicon(path: Path = LEXICON_FILE) -> CrisisLexicon:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
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
    return CrisisLexicon(
        idioms=tuple(_compile(p) for p in raw["idioms"]),
        third_party=tuple(_compile(p) for p in raw["third_party"]),
        denial_window=_compile(raw["denial_window"]),
        disclosures=tuple(disclosures),
        unclear=tuple(_compile(p) for p in raw["unclear"]),
    )


@lru_cache(maxsize=1)
def crisis_lexicon() -> CrisisLexicon:
    return load_crisis_lexicon()


def _clauses(text: str) -> list[str]:
    return [c.strip(" ,") for c in _CLAUSE.split(text) if c and c.strip(" ,")]


def _assess_clause(lex: CrisisLexicon, clause: str) -> RiskAssessment:
    about_someone_else = any(p.search(clause) for p in lex.third_party)
    denied = None
    for item in lex.disclosures:
        for match in item.pattern.finditer(clause):
            if not item.first_person and about_someone_else:
                continue
            before = clause[: match.start()]
            if item.negatable and lex.denial_window.search(before):
                denied = RiskAssessment(Risk.DENIAL, item.kind)
                continue
            return RiskAssessment(Risk.DISCLOSURE, item.kind)
    if denied:
        return denied
    if not about_someone_else and any(p.search(clause) for p in lex.unclear):
        return RiskAssessment(Risk.UNCLEAR)
    return RiskAssessment(Risk.NONE)


def assess_risk(text: str) -> RiskAssessment:
    """Read one message for a crisis. A disclosure anywhere in it wins over a denial elsewhere."""
    lex = crisis_lexicon()
    found = []
    # Line by line first: normalising joins lines, and an idiom must not be read across a line break
    # ("…better off dead" + "tired" is not "dead tired").
    for line in (text or "").splitlines():
        clean = normalise(line)
        for idiom in lex.idioms:
            clean = idiom.sub(" ", clean)
        found += [_assess_clause(lex, clause) for clause in _clauses(clean)]
    for risk in (Risk.DISCLOSURE, Risk.UNCLEAR, Risk.DENIAL):
        for item in found:
            if item.risk is risk:
                return item
    return RiskAssessment(Risk.NONE)
