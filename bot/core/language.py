"""Which language a doctor writes: Norwegian ("nb") or English ("en"), or None when a message cannot tell.

py3langid (its model ships inside the package) restricted to English and the Scandinavian languages: a doctor
on the Norwegian Medical Association's site who writes Nynorsk, dialect, or a Danish- or Swedish-looking
spelling is answered in Bokmål. Short messages ("ok", "nei") often cannot tell; the caller keeps the language
it had.
"""

from __future__ import annotations

import re
from functools import lru_cache

NORWEGIAN, ENGLISH = "nb", "en"
LANGUAGES = (NORWEGIAN, ENGLISH)
_SCANDINAVIAN = {"no", "nn", "da", "sv"}
MIN_CONFIDENCE = 0.7
MIN_LETTERS = 8  # and two words: "hei", "ok" or "nei" alone cannot tell (measured: "hei" read as English)
MIN_WORDS = 2
CLEARLY = 0.9  # is_clearly: the share of the words' probability one side must have


@lru_cache(maxsize=1)
def _identifier():
    import py3langid.langid as langid

    identifier = langid.LanguageIdentifier.from_pickled_model(langid.MODEL_FILE, norm_probs=True)
    identifier.set_languages(["en", "no", "nn", "da", "sv"])
    return identifier


def detect_language(text: str) -> str | None:
    """The language of one message, when it is clear enough to answer in."""
    if sum(ch.isalpha() for ch in text or "") < MIN_LETTERS or len((text or "").split()) < MIN_WORDS:
        return None
    code, confidence = _identifier().classify(text)
    if confidence < MIN_CONFIDENCE:
        return None
    return NORWEGIAN if code in _SCANDINAVIAN else ENGLISH


def is_clearly(text: str, language: str) -> bool:
    """Whether a message is clearly in `language` ("nb" or "en") rather than the other. Unlike `detect_language`,
    the Scandinavian languages count together: a Norwegian sentence is often shared between Norwegian, Danish and
    Swedish, none of them sure on its own, yet plainly not English."""
    if sum(ch.isalpha() for ch in text or "") < MIN_LETTERS:
        return False
    english = dict(_identifier().rank(text)).get("en", 0.0)
    return (english if language == ENGLISH else 1.0 - english) >= CLEARLY


# A doctor asks for the other language in words ("på norsk", "in English", "kan vi snakke engelsk?"): that decides,
# whatever language the asking is written in. Read on the lower-cased words; æøå or its stand-ins.
_ASKED = {
    NORWEGIAN: re.compile(
        r"\b(p[åa]a?|paa) (norsk|bokm[åa]a?l|nynorsk)\b|\bsnakke (norsk|bokm[åa]l)\b|\bnorsk,? (takk|please)\b"
        r"|\b(in|switch to) norwegian\b|\bnorwegian,? please\b|^\s*norsk\W*$"
    ),
    ENGLISH: re.compile(
        r"\b(p[åa]a?|paa) engelsk\b|\bsnakke engelsk\b|\bengelsk,? (takk|please)\b"
        r"|\b(in|switch to) english\b|\benglish,? please\b|^\s*english\W*$"
    ),
}


def asked_for_language(text: str) -> str | None:
    """The language the doctor asks for in so many words, if they do (and only one)."""
    words = (text or "").lower()
    asked = [language for language, pattern in _ASKED.items() if pattern.search(words)]
    return asked[0] if len(asked) == 1 else None
