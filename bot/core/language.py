"""Which language a doctor writes: Norwegian ("nb") or English ("en"), or None when a message cannot tell.

py3langid (its model ships inside the package) restricted to English and the Scandinavian languages: a doctor
on the Norwegian Medical Association's site who writes Nynorsk, dialect, or a Danish- or Swedish-looking
spelling is answered in Bokmål. Short messages ("ok", "nei") often cannot tell; the caller keeps the language
it had.
"""

from __future__ import annotations

from functools import lru_cache

NORWEGIAN, ENGLISH = "nb", "en"
LANGUAGES = (NORWEGIAN, ENGLISH)
_SCANDINAVIAN = {"no", "nn", "da", "sv"}
MIN_CONFIDENCE = 0.7
MIN_LETTERS = 8  # and two words: "hei", "ok" or "nei" alone cannot tell (measured: "hei" read as English)
MIN_WORDS = 2


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
