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
_WORD = re.compile(r"[a-zæøå]+(?:'[a-z]+)?")
_NB_LETTERS = re.compile("[æøå]")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Small words of one language and not the other (not "i", "me", "is", "men", "for", "er", "en", "so", "min":
# both have them; measured on the crisis corpus, where "i" alone was in 1,288 Norwegian rows).
_NB_WORDS = _words(
    "jeg eg meg ikke ikkje og det dette har hadde å på pa paa mye mykje litt veldig hva kva hvordan korleis kanskje"
    " også ogsa nå na bare berre noe noen nokon ingen ingenting sjøl selv kan hvis dersom fordi fikk får blir ble"
    " vært vore sover jobber føler trenger vet veit tror synes skal vil ville kunne må mitt deg dere oss vi jobb"
    " jobben hjemme ja nei takk"
)
_EN_WORDS = _words(
    "i'm i've i'd i'll the and of my it it's was have has had not don't can't didn't doesn't isn't with that this"
    " am you your what how yes but about because would could should been being they them their there work working"
    " sleep sleeping feel feeling need think know really just"
)


@lru_cache(maxsize=1)
def one_blas_thread() -> None:
    """One BLAS thread in every process that identifies languages (the Rasa server, the action server, the web
    server's relay): the identifier's small products made OpenBLAS's other threads spin for milliseconds after each
    one, on a machine whose two cores serve the doctors' turns (measured: 5.9 ms of CPU per check, 0.3 ms with one
    thread; the action server's CPU per turn 5.3-6.3 ms -> 2.1 ms, docs/performance.md)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")


@lru_cache(maxsize=1)
def _identifier():
    import py3langid.langid as langid

    one_blas_thread()

    identifier = langid.LanguageIdentifier.from_pickled_model(langid.MODEL_FILE, norm_probs=True)
    identifier.set_languages(["en", "no", "nn", "da", "sv"])
    return identifier


def too_short(text: str) -> bool:
    """Too few letters or words to tell a language by ("ok", "nei", "hei")."""
    return sum(ch.isalpha() for ch in text or "") < MIN_LETTERS or len((text or "").split()) < MIN_WORDS


def words_agree(text: str, found: str) -> bool:
    """Whether the message's small words agree with the identifier's `found` ("nb" or "en"): more of its own
    small words (and æ, ø, å for Norwegian) than of the other's."""
    words = _WORD.findall(text.lower())
    own, other = (_NB_WORDS, _EN_WORDS) if found == NORWEGIAN else (_EN_WORDS, _NB_WORDS)
    ours, theirs = sum(w in own for w in words), sum(w in other for w in words)
    if found == NORWEGIAN and _NB_LETTERS.search(text.lower()):
        ours += 1  # æ, ø or å: Norwegian's own letters
    return ours > theirs


def detect_language(text: str) -> str | None:
    """The language of one message, when it is clear enough to answer in."""
    if too_short(text):
        return None
    # The Scandinavian languages count together: a short Norwegian sentence is often shared between Norwegian,
    # Danish and Swedish, none of them sure on its own, yet plainly not English (measured: Norwegian messages of
    # 3-4 words named 43 % -> 74 % of the time, the same wrong readings; docs/language.md).
    english = dict(_identifier().rank(text)).get("en", 0.0)
    found, confidence = (ENGLISH, english) if english >= 0.5 else (NORWEGIAN, 1.0 - english)
    if confidence < MIN_CONFIDENCE:
        return None
    # The identifier alone switched conversations on one sentence ("Yes, I'm getting treatment for depression" is
    # Danish to it, 0.98): a language is only taken when the words agree. A message that cannot tell keeps the
    # conversation's language. Measured on short messages: docs/language.md (tools/language_eval.py).
    return found if words_agree(text, found) else None


@lru_cache(maxsize=512)  # the answer lexicons ask it of one message once per topic (bot/core/answers.py)
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
# What may follow the language's name in a request: the end, punctuation, or a word like "takk", "from now on"
# ("jeg jobber på norsk sykehus" names a hospital, not a wish).
_END = (
    r"(?=\s*[,.!?)]|\s*$|\s+(takk|please|fra|heller|i ?stedet|istedenfor|igjen|da|n[åa]|videre|resten"
    r"|from|instead|now|again|thanks?|for)\b)"
)
_ASKED = {
    NORWEGIAN: re.compile(
        r"\b(p[åa]a?|paa) (norsk|bokm[åa]a?l|nynorsk)" + _END + r"|\bsnakke?r? (du )?(norsk|bokm[åa]l)\b"
        r"|\bnorsk,? (takk|please)\b|\b(in|switch to) norwegian"
        + _END
        + r"|\b(do|can|could) (you|we) speak norwegian\b"
        r"|\bnorwegian,? please\b|^\s*(norsk|norwegian)\W*$"
    ),
    ENGLISH: re.compile(
        r"\b(p[åa]a?|paa) engelsk" + _END + r"|\bsnakke?r? (du )?engelsk\b|\bengelsk,? (takk|please)\b"
        r"|\b(in|switch to) english" + _END + r"|\b(do|can|could) (you|we) speak english\b"
        r"|\benglish,? please\b|^\s*(english|engelsk)\W*$"
    ),
}


def asked_for_language(text: str) -> str | None:
    """The language the doctor asks for in so many words, if they do (and only one)."""
    words = (text or "").lower()
    asked = [language for language, pattern in _ASKED.items() if pattern.search(words)]
    return asked[0] if len(asked) == 1 else None


# A message that is a request to change language and little else ("kan vi ta det på norsk?", "English please"):
# the dialogue says it switched and asks its question again, instead of reading the words as an answer.
LANGUAGE_REQUEST_MAX_WORDS = 12


def language_request(text: str) -> str | None:
    """The language asked for when the message is such a request, else None."""
    if len((text or "").split()) > LANGUAGE_REQUEST_MAX_WORDS:
        return None
    return asked_for_language(text)
