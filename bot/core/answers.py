"""How a doctor's own words become the coded values of the contract. Pure Python, no Rasa.

One lexicon per language: lexicon/answers_en.yml reads the answer lower-cased (`normalise`), answers_nb.yml reads
the folded reading of bot/core/textnorm.py (æ/ø/å folded, Nynorsk and dialect forms mapped to Bokmål, misspellings
corrected), as the Norwegian crisis lexicon does. An answer is read with the doctor's language's lexicon first and,
when that finds nothing, with the other: doctors mix languages, and write English on the Norwegian page. The other
lexicon is not asked about words that are clearly in the doctor's language (bot/core/language.py): it could only
misread them (the English patterns read "er" as the emergency room, "sykmelde meg" as a sick leave taken).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import cache
from pathlib import Path

import yaml

from bot.core.language import is_clearly
from bot.core.textnorm import Speller, folded_reading, is_lower_case, normalise, not_in_folded_reading
from bot.core.values import FORM_SLOTS, is_valid_value

LEXICON_DIR = Path(__file__).parent / "lexicon"
LEXICON_FILE = LEXICON_DIR / "answers_en.yml"
LEXICON_FILES = {"en": LEXICON_FILE, "nb": LEXICON_DIR / "answers_nb.yml"}
_READINGS = ("plain", "folded")


class Outcome(str, Enum):
    VALUE = "value"  # a coded value was found
    SKIP = "skip"  # the doctor chose not to answer
    UNSURE = "unsure"  # the doctor does not know
    UNKNOWN = "unknown"  # nothing recognisable: ask again, or move on


@dataclass(frozen=True)
class Interpretation:
    outcome: Outcome
    value: object = None


@dataclass(frozen=True)
class _Rule:
    value: object
    patterns: tuple[re.Pattern, ...]
    # A word of this rule said with a negation just before it ("not manageable", «ikke greit», "far from ok") is
    # the opposite: it does not count (the slot's `denied` value is read instead, where it has one).
    deniable: bool = False

    def matches(self, text: str) -> bool:
        return any(p.search(text) for p in self.patterns)

    def matches_undenied(self, text: str, denial: re.Pattern) -> bool:
        return any(not denial.search(text[: m.start()]) for p in self.patterns for m in p.finditer(text))


@dataclass(frozen=True)
class _SlotLexicon:
    kind: str
    rules: tuple[_Rule, ...]
    none: tuple[re.Pattern, ...] = ()
    prefer_after_but: bool = False
    denied: object = None  # the value of a deniable rule's word said with a negation before it ("not ok": heavy)


@dataclass(frozen=True)
class Lexicon:
    skip: tuple[re.Pattern, ...]
    unsure: tuple[re.Pattern, ...]
    slots: dict[str, _SlotLexicon]
    volunteered: dict[str, tuple[_Rule, ...]]
    but: re.Pattern  # the words after which the answer turns ("busy but manageable")
    leave_words: re.Pattern  # volunteered: reduced hours or sick leave said with these words is also sick leave
    speller: Speller | None = None  # the folded reading's spelling correction (reads: folded), else plain
    denial: re.Pattern | None = None  # what, just before a deniable rule's word, denies it ("not", «ikke så»)

    def read(self, text: str) -> str:
        """The reading this lexicon's patterns are written for."""
        return normalise(text) if self.speller is None else folded_reading(text, self.speller)


def _compile(patterns: list[str], where: str) -> tuple[re.Pattern, ...]:
    """Patterns are written in lower case, as normalise() leaves the text; without IGNORECASE, Python's regex engine
    skips an alternative on its first letter (measured with the crisis patterns: 40 % faster)."""
    compiled = []
    for pattern in patterns or []:
        if not is_lower_case(pattern):
            raise ValueError(f"pattern in {where} not in lower case, as the text it reads is: {pattern!r}")
        try:
            compiled.append(re.compile(pattern))
        except re.error as exc:
            raise ValueError(f"bad pattern in {where}: {pattern!r}: {exc}") from exc
    return tuple(compiled)


def load_lexicon(path: Path = LEXICON_FILE) -> Lexicon:
    """Load and check the lexicon; a bad pattern or an off-contract value fails at start-up."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    reads = raw.get("reads", "plain")
    if reads not in _READINGS:
        raise ValueError(f"{path}: reads must be one of {_READINGS}")
    slots: dict[str, _SlotLexicon] = {}
    for slot, spec in raw["slots"].items():
        if slot not in FORM_SLOTS:
            raise ValueError(f"{path}: unknown slot {slot!r}")
        rules = []
        for rule in spec["rules"]:
            value = rule["value"]
            probe = [value] if spec["kind"] == "multi" else value
            if not is_valid_value(slot, probe):
                raise ValueError(f"{path}: {value!r} is not a value of {slot}")
            rules.append(_Rule(value, _compile(rule["patterns"], f"{slot}/{value}"), bool(rule.get("deniable"))))
        denied = spec.get("denied")
        if denied is not None and (spec["kind"] != "ordered" or not is_valid_value(slot, denied)):
            raise ValueError(f"{path}: denied {denied!r} is not a value of {slot}, or {slot} is not ordered")
        if any(r.deniable for r in rules) and "denial_before" not in raw:
            raise ValueError(f"{path}: {slot} has a deniable rule but the lexicon has no denial_before")
        slots[slot] = _SlotLexicon(
            kind=spec["kind"],
            rules=tuple(rules),
            none=_compile(spec.get("none", []), f"{slot}/none"),
            prefer_after_but=bool(spec.get("prefer_after_but")),
            denied=denied,
        )
    missing = set(FORM_SLOTS) - set(slots)
    if missing:
        raise ValueError(f"{path}: no rules for {sorted(missing)}")
    volunteered: dict[str, tuple[_Rule, ...]] = {}
    for slot, spec in raw.get("volunteered", {}).items():
        # The answer's own rules for some values (from_rules), and patterns of their own for others (said unasked, a
        # value must be plainly the doctor's own: "I'm on sick leave", not "three registrars off sick"). Both keep
        # the answer's order of values ("50 % sick leave" is reduced hours before it is sick leave).
        wanted = set(spec.get("from_rules") or [])
        own = {}
        for value, patterns in spec.items():
            if value == "from_rules":
                continue
            if not is_valid_value(slot, value):
                raise ValueError(f"{path}: volunteered {value!r} is not a value of {slot}")
            own[value] = _Rule(value, _compile(patterns, f"volunteered/{slot}"))
        rules, placed = [], set()
        for rule in slots[slot].rules:
            if rule.value in own:
                if rule.value not in placed:  # its own patterns, where the answer's first rule of that value stands
                    rules.append(own[rule.value])
                    placed.add(rule.value)
            elif rule.value in wanted:
                rules.append(rule)
        rules += [rule for value, rule in own.items() if value not in placed]
        volunteered[slot] = tuple(rules)
    lex = Lexicon(
        skip=_compile(raw["skip"], "skip"),
        unsure=_compile(raw["unsure"], "unsure"),
        slots=slots,
        volunteered=volunteered,
        but=_compile([raw["but"]], "but")[0],
        leave_words=_compile([raw["leave_words"]], "leave_words")[0],
        speller=Speller(raw.get("spelling") or []) if reads == "folded" else None,
        denial=_compile([raw["denial_before"]], "denial_before")[0] if "denial_before" in raw else None,
    )
    if reads == "folded":
        for pattern in _patterns(lex):
            # The folded reading has no æ, ø or å, and no aa, ae or oe either ("noen" reads "non"): such a pattern
            # could never match.
            if not_in_folded_reading(pattern.pattern):
                raise ValueError(
                    f"{path}: a pattern on the folded reading cannot contain æ/ø/å or aa/ae/oe: {pattern.pattern!r}"
                )
    return lex


def _patterns(lex: Lexicon) -> list[re.Pattern]:
    rules = [r for spec in lex.slots.values() for r in spec.rules] + [r for v in lex.volunteered.values() for r in v]
    nones = [p for spec in lex.slots.values() for p in spec.none]
    denial = [lex.denial] if lex.denial is not None else []
    return [*lex.skip, *lex.unsure, lex.but, lex.leave_words, *denial, *nones, *(p for r in rules for p in r.patterns)]


@cache
def lexicon(language: str = "en") -> Lexicon:
    return load_lexicon(LEXICON_FILES[language])


def _languages(language: str | None) -> tuple[str, str]:
    """The order the lexicons read an answer in: the doctor's language first (English when it is not known)."""
    return ("nb", "en") if language == "nb" else ("en", "nb")


def _other_may_read(text: str, first: str) -> bool:
    """Whether the other language's lexicon may read words the first found nothing in: not when they are clearly in
    the first language (short answers, mixed ones and the other language's may be read)."""
    return not is_clearly(text, first)


def _first_match(
    rules: tuple[_Rule, ...], text: str, denial: re.Pattern | None = None, denied: object = None
) -> object:
    was_denied = False
    for rule in rules:
        if not rule.matches(text):
            continue
        if rule.deniable and denial is not None and not rule.matches_undenied(text, denial):
            was_denied = True  # only said denied: not this rule's value; a later rule may still read the words
            continue
        return rule.value
    return denied if was_denied else None  # volunteered words have no denied value: nothing


def _ordered(spec: _SlotLexicon, text: str, but: re.Pattern, denial: re.Pattern | None = None) -> object:
    value = _first_match(spec.rules, text, denial, spec.denied)
    if value is None or not spec.prefer_after_but:
        return value
    parts = but.split(text)
    if len(parts) < 2 or spec.rules[0].matches(text):
        return value
    after = _first_match(spec.rules, parts[-1], denial, spec.denied)
    return after if after is not None else value


def interpret(slot: str, text: str, language: str | None = None) -> Interpretation:
    """Read the answer to the question about `slot`: in the doctor's `language` ("nb" or "en") first; when that
    reads nothing at all, in the other (see the module's docstring)."""
    first, second = _languages(language)
    reading = _interpret(lexicon(first), slot, text)
    if reading.outcome is not Outcome.UNKNOWN or not _other_may_read(text, first):
        return reading
    return _interpret(lexicon(second), slot, text)


def _interpret(lex: Lexicon, slot: str, text: str) -> Interpretation:
    spec = lex.slots[slot]
    clean = lex.read(text)
    if not clean:
        return Interpretation(Outcome.UNKNOWN)
    if any(p.search(clean) for p in lex.skip):
        return Interpretation(Outcome.SKIP)
    unsure = any(p.search(clean) for p in lex.unsure)
    if unsure:
        # Read what is left once "I'm not sure" is taken out: "not sure, badly I guess" still says poor.
        for p in lex.unsure:
            clean = p.sub(" ", clean)
        clean = normalise(clean)
        rest = _read(spec, clean, lex.but, lex.denial) if clean else None
        if slot == "expectation":
            # "I don't know whether I can go back; maybe a way out" names what is wanted: "unsure" only when nothing
            # else is said.
            return Interpretation(Outcome.VALUE, "unsure" if rest is None else rest)
        if slot == "self_harm":
            # A hedged yes ("not sure... but the thought has come often") is a yes: the doctor gets the helplines. A
            # hedged no stays unsure, and is asked about gently.
            return Interpretation(Outcome.VALUE, True) if rest is True else Interpretation(Outcome.UNSURE)
        if not clean:
            return Interpretation(Outcome.UNSURE)
    value = _read(spec, clean, lex.but, lex.denial)
    if value is not None:
        return Interpretation(Outcome.VALUE, value)
    return Interpretation(Outcome.UNSURE if unsure else Outcome.UNKNOWN)


def _read(spec: _SlotLexicon, clean: str, but: re.Pattern, denial: re.Pattern | None = None) -> object:
    if spec.kind == "multi":
        if any(p.search(clean) for p in spec.none):
            return []
        return [rule.value for rule in spec.rules if rule.matches(clean)] or None
    return _ordered(spec, clean, but, denial)


def volunteered(text: str, language: str | None = None) -> dict[str, object]:
    """Topics a doctor answered without being asked, stated clearly enough not to ask again: read in the doctor's
    `language` first; when that finds none, in the other."""
    first, second = _languages(language)
    found = _volunteered(lexicon(first), text)
    if found or not _other_may_read(text, first):
        return found
    return _volunteered(lexicon(second), text)


def _volunteered(lex: Lexicon, text: str) -> dict[str, object]:
    clean = lex.read(text)
    found: dict[str, object] = {}
    for slot, rules in lex.volunteered.items():
        value = _first_match(rules, clean, lex.denial)
        if value is not None:
            found[slot] = value
    on_leave = found.get("work_status") in ("sick_leave", "reduced_hours") and "sick_leave" not in found
    if on_leave and lex.leave_words.search(clean):
        found["sick_leave"] = "on_leave"
    return found
