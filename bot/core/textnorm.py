"""One normalisation step for both languages, before any crisis pattern or classifier reads a message.

A doctor at 3 a.m. types "eg orkar ikkje meir", "har tenkt pa a ta livet mitt" or "suicidel"; the patterns
and the classifier should see one spelling of each. Two readings come out of `normalise_for_crisis`:

- `plain`: lower case, straight apostrophes, single spaces, misspelt crisis words corrected (English patterns);
- `folded`: the same with æ/ø/å and their ASCII spellings (ae/oe/aa, a/o) folded to one skeleton and Nynorsk
  and dialect function words mapped to Bokmål (Norwegian patterns and the classifier).

Spelling correction uses rapidfuzz (OSA distance: a swapped pair of letters counts once) against the crisis
vocabulary of the lexicons, and only for words that simplemma does not know in English, Bokmål or Nynorsk,
so a real word is never "corrected" into a crisis word.

The Norwegian answer lexicon (bot/core/answers.py) reads the same folded reading (`folded_reading`), with one
more correction: a word simplemma does not know is also corrected to the words the answer lexicon names
(`Speller`), in the same way, so "utbrendt" reads "utbrent" and "konsentarsjon" "konsentrasjon".
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import simplemma
import yaml
from rapidfuzz import process
from rapidfuzz.distance import OSA

FORMS_FILE = Path(__file__).parent / "lexicon" / "normalisation.yml"
_TOKEN = re.compile(r"[\w']+", re.UNICODE)
_LANGS = ("en", "nb", "nn")
_FOLD_CHARS_FROM = {"æ": "a", "ø": "o", "å": "a", "ä": "a", "ö": "o", "é": "e", "è": "e", "ü": "u"}
_FOLD_CHARS = str.maketrans(_FOLD_CHARS_FROM)
_FOLD_PAIRS = re.compile(r"aa|ae|oe")
_PAIR_TO = {"aa": "a", "ae": "a", "oe": "o"}
_UNFOLD = {"a": "aåæ", "o": "oø"}


# What the folded reading never holds (fold() maps them away): a pattern for it that has one can never match.
_NOT_FOLDED = re.compile(r"\w*(?:[" + "".join(_FOLD_CHARS_FROM) + r"]|" + "|".join(_PAIR_TO) + r")\w*")
_ESCAPE = re.compile(r"\\.")


def is_lower_case(pattern: str) -> bool:
    """Whether a lexicon pattern is written in lower case, as both readings are (escapes like \\W aside): lexicons are
    compiled without IGNORECASE, which made Python's regex engine skip an alternative on its first letter."""
    bare = _ESCAPE.sub(" ", pattern)
    return bare == bare.lower()


def not_in_folded_reading(pattern: str) -> list[str]:
    """The words of a pattern that the folded reading can never contain ("noen" reads "non", "være" "vare")."""
    return sorted(set(_NOT_FOLDED.findall(_ESCAPE.sub(" ", pattern))))


def normalise(text: str) -> str:
    """Lower case, straight apostrophes, no control characters, single spaces."""
    text = unicodedata.normalize("NFKC", text or "")
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return re.sub(r"\s+", " ", text).strip().lower()


@dataclass(frozen=True)
class Normalised:
    plain: str
    folded: str


def fold(text: str) -> str:
    """æ/ø/å and ae/oe/aa (and a/o) to one skeleton: "død", "doed" and "dod" all become "dod"."""
    return _FOLD_PAIRS.sub(lambda m: _PAIR_TO[m.group()], text.translate(_FOLD_CHARS))


@dataclass(frozen=True)
class _Forms:
    to_bokmal: dict[str, str]
    vocabulary: tuple[str, ...]


def load_forms(path: Path = FORMS_FILE) -> _Forms:
    """Load and check the normalisation table; a bad entry fails at start-up."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    mapping: dict[str, str] = {}
    for bokmal, variants in raw["to_bokmal"].items():
        for variant in variants:
            key = normalise(str(variant))
            if not key or " " in key:
                raise ValueError(f"{path}: a variant must be one word: {variant!r}")
            mapping[key] = fold(normalise(bokmal))
            if len(fold(key)) >= 4:  # "mæ" folded is "ma", which is also "må": short words keep their letters
                mapping.setdefault(fold(key), fold(normalise(bokmal)))
    vocabulary = []
    for word in raw["crisis_words"]:
        word = fold(normalise(str(word)))
        if not word.isalpha() or len(word) < 4:
            raise ValueError(f"{path}: a crisis word must be one word of letters: {word!r}")
        vocabulary.append(word)
    return _Forms(mapping, tuple(sorted(set(vocabulary))))


@lru_cache(maxsize=1)
def _forms() -> _Forms:
    return load_forms()


@lru_cache(maxsize=20000)
def _known(word: str) -> bool:
    return any(simplemma.is_known(word, lang) for lang in _LANGS)


@lru_cache(maxsize=20000)
def correct_spelling(word: str) -> str:
    """The crisis word a misspelt word stands for ("suicidel" → "suicidal"), or the word itself."""
    if len(word) < 5 or not word.isalpha() or _known(word):
        return word
    return _nearest(word, _forms().vocabulary) or word


def _nearest(word: str, vocabulary: tuple[str, ...]) -> str | None:
    """The word of a (folded) vocabulary that `word` is a misspelling of: OSA distance 1 for words of 5-7 letters,
    2 for longer ones, the same first letter; None when there is none, or when the word is in it already."""
    folded = fold(word)
    if word in vocabulary or folded in vocabulary:
        return None
    limit = 1 if len(word) < 8 else 2
    best = process.extractOne(folded, vocabulary, scorer=OSA.distance, score_cutoff=limit)
    if best is None or best[0][0] != folded[0]:
        return None
    return best[0]


@lru_cache(maxsize=50000)
def _word(word: str) -> tuple[str, str]:
    """One word's plain (spelling corrected) and folded (æøå folded, mapped to Bokmål) forms."""
    plain = correct_spelling(word)
    forms = _forms().to_bokmal
    return plain, forms.get(plain) or forms.get(fold(plain)) or fold(plain)


# Norwegian compounds written apart (særskriving, the commonest Norwegian spelling slip): «selvmords tanker», «selv
# mord», «selv skading» are read as the one word they mean, so the crisis patterns written for the compound see them.
_SPLIT_COMPOUNDS = (
    (re.compile(r"\b(selv|sjølv|sjolv)[ -]?(mord\w*|skading\w*|skade|skader)\b"), r"\1\2"),
    (
        re.compile(
            r"\b(selvmords|sjølvmords|sjolvmords|selvmord|sjølvmord)[ -](tank\w*|tenk\w*|plan\w*|forsøk\w*|"
            r"forsok\w*|fare\w*|risiko\w*|brev\w*)\b"
        ),
        r"\1\2",
    ),
)


def join_split_compounds(text: str) -> str:
    """«selvmords tanker» -> «selvmordstanker» (lower-case text), «selv-mord» -> «selvmord»."""
    for pattern, joined in _SPLIT_COMPOUNDS:
        text = pattern.sub(joined, text)
    return text


def normalise_for_crisis(text: str) -> Normalised:
    """The two readings of one line of a message (see the module's docstring)."""
    text = join_split_compounds(normalise(text))
    plain, folded, last = [], [], 0
    for match in _TOKEN.finditer(text):
        between = text[last : match.start()]
        plain_word, folded_word = _word(match.group())
        plain += [between, plain_word]
        folded += [between, folded_word]
        last = match.end()
    plain.append(text[last:])
    folded.append(text[last:])
    return Normalised("".join(plain), "".join(folded))


class Speller:
    """Misspelt words corrected to the words of a lexicon (folded), as crisis words are: only words of five letters
    or more that simplemma does not know in English, Bokmål or Nynorsk."""

    def __init__(self, vocabulary: list[str] | tuple[str, ...]) -> None:
        self.vocabulary = tuple(sorted({fold(normalise(word)) for word in vocabulary}))
        self.folded = lru_cache(maxsize=50000)(self._folded)

    def _folded(self, word: str) -> str:
        """The folded reading of one word (see `_word`), corrected to the vocabulary when it is misspelt."""
        plain, folded = _word(word)
        if plain == word and len(word) >= 5 and word.isalpha() and not _known(word) and not _known_folded(fold(word)):
            return _nearest(folded, self.vocabulary) or folded
        return folded


@lru_cache(maxsize=20000)
def _known_folded(folded: str) -> bool:
    """True when the word, typed without æ/ø/å, is a word simplemma knows: "vakner" is "våkner", never "vakter"."""
    letters = [_UNFOLD.get(ch, ch) for ch in folded]
    if sum(len(options) > 1 for options in letters) > 4:
        return True  # too many spellings to try: leave the word as it is
    return any(_known("".join(spelling)) for spelling in itertools.product(*letters))


def folded_reading(text: str, speller: Speller | None = None) -> str:
    """The folded reading of a message (see the module's docstring), misspelt words corrected to `speller`'s too."""
    text = join_split_compounds(normalise(text))
    fold_word = speller.folded if speller is not None else (lambda word: _word(word)[1])
    return _TOKEN.sub(lambda match: fold_word(match.group()), text)
