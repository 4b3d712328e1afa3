"""The crisis classifier: a logistic regression over character and word n-grams of the folded text.

It generalises where the patterns cannot: "har lagt selvmordet inn i kalenderen", "I've been pricing out
how much insulin it would take". Trained by tools/train_crisis.py on the training part of the project's crisis
corpus (tests/data/crisis/), both languages in one model; the weights and the bars chosen by cross-validation
are a data file (bot/core/lexicon/crisis_model.json) read once. Inference is plain Python (dictionary look-ups), so it
needs no scikit-learn at run time and costs well under a millisecond a message.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

MODEL_FILE = Path(__file__).parent / "lexicon" / "crisis_model.json"
CONCEPTS_FILE = Path(__file__).parent / "lexicon" / "crisis_concepts.yml"
CHAR_NGRAMS = (2, 5)
_WORD = re.compile(r"(?u)\b\w\w+\b")
_TOKEN = re.compile(r"[\w']+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
MAX_WINDOW_CHARS = 400
MAX_CACHED_WORDS = 100_000
SHORT_STEM = 3  # a stem this short must be the whole word ("do" is not "doctor")


@dataclass(frozen=True)
class Concepts:
    stems: dict[str, tuple[str, ...]]  # folded stem -> its word classes
    window: int

    def classes_of(self, word: str) -> frozenset[str]:
        found: set[str] = set()
        for n in range(len(word), 0, -1):
            classes = self.stems.get(word[:n])
            if classes and (n > SHORT_STEM or n == len(word)):
                found.update(classes)
        return frozenset(found)


def load_concepts(path: Path = CONCEPTS_FILE) -> Concepts:
    """Load and check the word classes; a bad entry fails at start-up."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    stems: dict[str, list[str]] = {}
    for name, words in raw["classes"].items():
        for word in words:
            if not isinstance(word, str) or not re.fullmatch(r"[a-z' ]+", word):
                raise ValueError(f"{path}: {name}: stems are folded lower-case words, not {word!r}")
            stems.setdefault(word.replace("'", "").replace(" ", ""), []).append(name)
    return Concepts({k: tuple(v) for k, v in stems.items()}, int(raw["window"]))


@lru_cache(maxsize=1)
def concepts() -> Concepts:
    return load_concepts()


# The classifier's bars differ by what else the message holds: a crisis word that does not say whose ("overdose",
# "selvmord": a pattern hint), a word of death, harm, means or a plan (`evidence_level` > 0), or neither ("I've
# been thinking about it", which is about sick leave as often as about dying).
CONTEXTS = ("hint", "worded", "unworded")
NEVER = math.inf


def context_of(hint: bool, evidence: int) -> str:
    return "hint" if hint else "worded" if evidence > 0 else "unworded"


STRONG_CLASSES = frozenset({"death", "harm"})
WEAK_CLASSES = frozenset({"means", "plan"})


def evidence_level(text: str) -> int:
    """2: a word of death or harm; 1: only means or a plan; 0: none (see bot.core.crisis.combine)."""
    table = concepts()
    found = set()
    for word in _TOKEN.findall(text):
        found |= table.classes_of(word.replace("'", ""))
    return 2 if found & STRONG_CLASSES else 1 if found & WEAK_CLASSES else 0


def concept_features(text: str) -> list[str]:
    """Word classes and ordered pairs of nearby classes ("self>death", "other>death", "negation>death")."""
    table = concepts()
    sequence = [table.classes_of(w.replace("'", "")) for w in _TOKEN.findall(text)]
    found = []
    for i, classes in enumerate(sequence):
        for name in classes:
            found.append("k" + name)
            for later in sequence[i + 1 : i + table.window]:
                found.extend(f"k{name}>{other}" for other in later)
    return found


def char_features(text: str) -> list[str]:
    """Character n-grams inside word boundaries (scikit-learn's char_wb), prefixed to keep them apart."""
    grams = []
    low, high = CHAR_NGRAMS
    for word in text.split():
        padded = f" {word} "
        for n in range(low, high + 1):
            if len(padded) < n:
                break
            grams.extend("c" + padded[i : i + n] for i in range(len(padded) - n + 1))
    return grams


def word_features(text: str) -> list[str]:
    """Words and pairs of words."""
    words = _WORD.findall(text)
    return ["w" + w for w in words] + ["w" + a + " " + b for a, b in zip(words, words[1:], strict=False)]


FEATURE_KINDS = (("c", char_features), ("w", word_features), ("k", concept_features))


def windows(text: str) -> list[str]:
    """What is scored: the whole message when it is short; when long, each sentence and each pair of neighbours.

    A disclosure in the middle of a long message about work is not diluted by the rest. (Scoring the windows of
    short messages too was measured: it raised false alarms more than recall.)"""
    if len(text) <= MAX_WINDOW_CHARS:
        return [text]
    sentences = [s.strip() for s in _SENTENCE.split(text) if s.strip()]
    found = sentences + [a + " " + b for a, b in zip(sentences, sentences[1:], strict=False)]
    return [w for w in dict.fromkeys(found) if w] or [text[:MAX_WINDOW_CHARS]]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


@dataclass(frozen=True)
class CrisisModel:
    weights: dict[str, tuple[float, float]]  # feature -> (idf, coefficient)
    intercept: float
    # per context (CONTEXTS): (crisis bar, unclear bar). At or above the first, a disclosure, crisis help at once;
    # at or above the second, uncertain: the direct question with the helplines. NEVER: that reading is not made.
    bars: dict[str, tuple[float, float]]
    denial_override_threshold: float  # at or above: a disclosure even where the patterns read a denial
    trained_on: str  # digest of the training rows, so a stale model is caught by the tests
    # word -> its character n-grams that have a weight: a doctor's words recur, and n-grams are most of the work
    _grams_of_word: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)

    def _known_char_grams(self, word: str) -> tuple[str, ...]:
        grams = self._grams_of_word.get(word)
        if grams is None:
            grams = tuple(g for g in char_features(word) if g in self.weights)
            if len(self._grams_of_word) < MAX_CACHED_WORDS:
                self._grams_of_word[word] = grams
        return grams

    def _known_features(self, text: str) -> list[str]:
        found = [g for word in text.split() for g in self._known_char_grams(word)]
        for _, extract in FEATURE_KINDS:
            if extract is not char_features:
                found += [f for f in extract(text) if f in self.weights]
        return found

    def _score(self, text: str) -> float:
        counts = Counter(self._known_features(text))
        parts: dict[str, list[tuple[float, float]]] = {}
        for feature, count in counts.items():
            idf, coef = self.weights[feature]
            parts.setdefault(feature[0], []).append(((1.0 + math.log(count)) * idf, coef))
        total = self.intercept
        for part in parts.values():  # each kind of feature is normalised on its own, as in training
            norm = math.sqrt(sum(v * v for v, _ in part))
            if norm:
                total += sum(v * c for v, c in part) / norm
        return total

    def probability(self, text: str) -> float:
        """The probability that this (folded) text discloses a crisis: the most worrying window of it."""
        return _sigmoid(max((self._score(w) for w in windows(text)), default=self.intercept))


def load_crisis_model(path: Path = MODEL_FILE) -> CrisisModel:
    """Load and check the model; a missing or malformed file fails at start-up."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    if raw.get("format") != 3 or tuple(raw.get("char_ngrams", ())) != CHAR_NGRAMS:
        raise ValueError(f"{path}: not a crisis model of this version (run make crisis-model)")
    bars = {}
    for context in CONTEXTS:
        crisis, unclear = (NEVER if bar is None else float(bar) for bar in raw["bars"][context])
        if not 0.0 < unclear <= crisis:
            raise ValueError(f"{path}: {context}: the bars must satisfy 0 < unclear <= crisis (null: never)")
        bars[context] = (crisis, unclear)
    override = float(raw["denial_override_threshold"])
    if not 0.0 < override <= 1.0:
        raise ValueError(f"{path}: the denial override must be in (0, 1]")
    weights = {f: (float(idf), float(coef)) for f, (idf, coef) in raw["weights"].items()}
    return CrisisModel(weights, float(raw["intercept"]), bars, override, str(raw["trained_on"]))


@lru_cache(maxsize=1)
def crisis_model() -> CrisisModel:
    return load_crisis_model()
