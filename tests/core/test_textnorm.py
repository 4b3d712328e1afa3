"""The normalisation shared by both languages. Each row: what a doctor typed, what the crisis net reads, and why."""

import pytest

from bot.core.textnorm import Speller, correct_spelling, fold, folded_reading, load_forms, normalise_for_crisis


@pytest.mark.parametrize(
    "typed,folded,why",
    [
        ("Jeg vil ikke være her lenger", "jeg vil ikke vare her lenger", "æ folded"),
        ("jeg vil ikke vaere her lengre", "jeg vil ikke vare her lenger", "ae typed for æ, lengre for lenger"),
        ("Eg orkar ikkje meir", "jeg orker ikke mer", "Nynorsk to Bokmål"),
        ("æ orke itte mer", "jeg orker ikke mer", "dialect: æ for jeg, itte for ikke"),
        ("har tenkt paa aa ta livet mitt", "har tenkt pa a ta livet mitt", "aa typed for å"),
        ("har tenkt på å ta livet mitt", "har tenkt pa a ta livet mitt", "the same, with å"),
        ("Døden", "doden", "ø folded"),
        ("mæ sjøl", "meg selv", "dialect pronoun and sjøl"),
    ],
)
def test_the_folded_reading(typed, folded, why):
    assert normalise_for_crisis(typed).folded == folded, why


@pytest.mark.parametrize(
    "typed,meant",
    [
        ("suicidel", "suicidal"),
        ("sucidal", "suicidal"),
        ("selvmor", "selvmord"),
        ("tabeltter", "tabletter"),
        ("overdsoe", "overdose"),
    ],
)
def test_misspelt_crisis_words_are_corrected(typed, meant):
    assert correct_spelling(typed) == meant


@pytest.mark.parametrize("word", ["tablets", "sleeping", "killer", "selvsagt", "morgen", "hospital", "letter"])
def test_real_words_are_never_corrected_into_crisis_words(word):
    assert correct_spelling(word) == word


def test_fold_is_the_same_for_every_spelling_of_aeoeaa():
    assert fold("død") == fold("doed") == fold("dod") == "dod"
    assert fold("får") == fold("faar") == "far"


def test_a_variant_of_more_than_one_word_is_refused(tmp_path):
    bad = tmp_path / "forms.yml"
    bad.write_text("to_bokmal:\n  jeg: ['e g']\ncrisis_words: [suicide]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="one word"):
        load_forms(bad)


SPELLER = Speller(["utbrent", "konsentrasjon", "vakter", "dårlig"])


@pytest.mark.parametrize(
    "typed,read",
    [
        ("Eg er heilt utbrendt", "jeg er helt utbrent"),  # a misspelling corrected to a word of the vocabulary
        ("konsentarsjon", "konsentrasjon"),
        ("vakner tidlig", "vakner tidlig"),  # "våkner" typed without å: a word, never "corrected" to "vakter"
        ("vaakner tidlig", "vakner tidlig"),
        ("sover darlig", "sover darlig"),
    ],
)
def test_the_folded_reading_with_a_lexicons_own_words(typed, read):
    assert folded_reading(typed, SPELLER) == read


@pytest.mark.parametrize("typed", ["Eg orkar ikkje meir", "har tenkt paa aa ta livet mitt", "suicidel", "mæ sjøl"])
def test_the_folded_reading_is_the_crisis_checks_own(typed):
    assert folded_reading(typed) == normalise_for_crisis(typed).folded
