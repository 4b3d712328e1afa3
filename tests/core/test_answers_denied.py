"""A reassuring word said with a negation just before it is not reassuring: "not manageable", «ikke greit», "far from
ok", "I don't sleep well" (bot/core/answers.py: deniable rules, the slot's `denied` value). Written for this test,
not taken from any persona, corpus or held-out row."""

from pathlib import Path

import pytest
import yaml

from bot.core.answers import Outcome, interpret, load_lexicon, volunteered

ROWS = [
    # workload: a denied "fine" is at least heavy
    ("workload", "en", "not manageable any more", "heavy"),
    ("workload", "en", "far from ok", "heavy"),
    ("workload", "en", "honestly not good", "heavy"),
    ("workload", "en", "it isn't reasonable", "heavy"),
    ("workload", "en", "I can't manage it all", "heavy"),
    ("workload", "en", "no longer doable", "heavy"),
    ("workload", "nb", "Ikke bra", "heavy"),
    ("workload", "nb", "ikke greit i det hele tatt", "heavy"),
    ("workload", "nb", "ikkje handterbar lenger", "heavy"),
    ("workload", "nb", "langt ifra ok", "heavy"),
    ("workload", "nb", "ikke normal, altså", "heavy"),
    # the reassuring readings stay: the negation belongs to the phrase itself, or is not just before the word
    ("workload", "en", "not too bad", "manageable"),
    ("workload", "en", "not bad at all", "manageable"),
    ("workload", "en", "fine", "manageable"),
    ("workload", "en", "I manage, mostly", "manageable"),
    ("workload", "nb", "ikke så verst", "manageable"),
    ("workload", "nb", "ikke så mye", "manageable"),
    ("workload", "nb", "helt grei", "manageable"),
    ("workload", "nb", "ikke noe problem", "manageable"),
    # a stronger reading still wins over a denied one
    ("workload", "en", "not ok, way too many patients", "unreasonable"),
    ("workload", "nb", "ikke greit, altfor mye", "unreasonable"),
    # coping: a denied "fine" is at least struggling
    ("coping", "en", "not fine", "struggling"),
    ("coping", "en", "not doing ok", "struggling"),
    ("coping", "en", "fine", "coping"),
    ("coping", "nb", "langt fra bra", "struggling"),
    ("coping", "nb", "ikke ok", "struggling"),
    ("coping", "nb", "klarer meg fint", "coping"),
    # sleep: a denied "well" is at least some problems, and a worse reading later in the words still counts
    ("sleep", "en", "not ok", "some_problems"),
    ("sleep", "en", "far from good", "some_problems"),
    ("sleep", "en", "I don't sleep well, I wake at 3 every night", "poor"),
    ("sleep", "en", "not too bad", "good"),
    ("sleep", "en", "I sleep well", "good"),
    ("sleep", "nb", "ikke ok", "some_problems"),
    ("sleep", "nb", "langt fra bra", "some_problems"),
    ("sleep", "nb", "ikke så verst", "good"),
    ("sleep", "nb", "sover godt", "good"),
]


@pytest.mark.parametrize("slot,language,text,value", ROWS)
def test_a_denied_reassurance_is_not_read_as_one(slot, language, text, value):
    reading = interpret(slot, text, language)
    assert (reading.outcome, reading.value) == (Outcome.VALUE, value), (text, reading)


def test_a_denied_reassurance_is_not_taken_as_volunteered():
    assert volunteered("the workload is not manageable", "en").get("workload") != "manageable"
    assert volunteered("arbeidsmengden er ikke grei", "nb").get("workload") != "manageable"


def lexicon_file(tmp_path: Path, change) -> Path:
    raw = yaml.safe_load((Path(__file__).resolve().parents[2] / "bot/core/lexicon/answers_en.yml").read_text())
    change(raw)
    path = tmp_path / "answers.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True))
    return path


def test_a_denied_value_the_slot_does_not_have_fails_at_start_up(tmp_path):
    path = lexicon_file(tmp_path, lambda raw: raw["slots"]["workload"].update(denied="terrible"))
    with pytest.raises(ValueError, match="denied"):
        load_lexicon(path)


def test_a_deniable_rule_without_the_words_that_deny_fails_at_start_up(tmp_path):
    path = lexicon_file(tmp_path, lambda raw: raw.pop("denial_before"))
    with pytest.raises(ValueError, match="denial_before"):
        load_lexicon(path)
