"""Answers written blind, in both languages (tests/core/data/answers_blind_*.yml): the share read right on the
development rows and, apart, on the held-out rows (every third), which were never read or tuned on. The floors are
what this build reads; they may rise, never fall."""

from pathlib import Path

import pytest
import yaml

from bot.core.answers import Outcome, interpret

DATA = Path(__file__).parent / "data"
# (development rows right, held-out rows right), of 90 and 45; on 2026-12-05 before the changes: en 80, 43; nb 83, 41.
FLOORS = {"en": (89, 43), "nb": (85, 41)}


def reads_as(reading, expected) -> bool:
    if expected == "skip":
        return reading.outcome is Outcome.SKIP
    if expected == "unsure":  # "not sure" answers the expectation question with a value of its own
        return reading.outcome is Outcome.UNSURE or (reading.outcome is Outcome.VALUE and reading.value == "unsure")
    if reading.outcome is not Outcome.VALUE:
        return False
    if isinstance(expected, list):  # the signs named must be among those read; "none of these" is exactly []
        return set(expected) <= set(reading.value) if expected else reading.value == []
    return reading.value == expected


@pytest.mark.parametrize("language", sorted(FLOORS))
def test_answers_written_blind_are_read_at_least_as_well_as_when_they_were_added(language):
    rows = yaml.safe_load((DATA / f"answers_blind_{language}.yml").read_text(encoding="utf-8"))
    assert len(rows) == 135 and {r["slot"] for r in rows} >= {"work_status", "workload", "sleep", "coping"}
    right = {"dev": 0, "held_out": 0}
    for index, row in enumerate(rows):
        part = "held_out" if index % 3 == 2 else "dev"
        right[part] += reads_as(interpret(row["slot"], row["text"], language), row["expect"])
    print(f"{language}: development {right['dev']} of 90, held out {right['held_out']} of 45 read right")
    dev_floor, held_out_floor = FLOORS[language]
    assert right["dev"] >= dev_floor and right["held_out"] >= held_out_floor, right


# What the development rows' misses taught, each in words of this test's own (not the blind rows'): declining in
# other words, a yes after a word or two, hours with "hrs", tearing up, beyond what one person can do, unsafe
# levels, not managing even the basics, "no, nothing like that".
SAID_OTHERWISE = [
    ("en", "sleep", "I'd rather not go into that", "skip"),
    ("en", "treatment", "I'll keep that to myself", "skip"),
    ("nb", "conflict", "vil helst ikke gå inn på det nå", "skip"),
    ("nb", "treatment", "det holder jeg for meg selv", "skip"),
    ("en", "conflict", "sadly yes, with the clinical lead", True),
    ("en", "treatment", "honestly yes, my GP knows", True),
    ("nb", "conflict", "dessverre ja, med avdelingsoverlegen", True),
    ("en", "sleep", "decent, 7 - 8 hrs", "good"),
    ("en", "warning_signs", "I tear up in the car most days", ["crying"]),
    ("en", "workload", "way beyond what one person can handle", "unreasonable"),
    ("en", "workload", "unsafe staffing every weekend", "unreasonable"),
    ("nb", "workload", "godt over det et menneske klarer", "unreasonable"),
    ("en", "coping", "I can't even manage the basic things any more", "not_coping"),
    ("en", "warning_signs", "nope, nothing like that", []),
]


@pytest.mark.parametrize("language,slot,text,expected", SAID_OTHERWISE)
def test_the_development_rows_lessons_hold_in_other_words(language, slot, text, expected):
    assert reads_as(interpret(slot, text, language), expected), interpret(slot, text, language)
