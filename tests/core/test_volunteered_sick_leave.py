"""Sick leave said unasked is taken only when it is plainly the doctor's own and now: not someone else's, not a wish
or a thought, not denied (bot/core/lexicon/answers_*.yml, volunteered). Written for this test, in words of its own."""

import pytest

from bot.core.answers import volunteered

NOT_THEIRS = [
    ("en", "Sick leave isn't really a topic for me"),
    ("en", "two of our consultants are off sick so I cover their lists"),
    ("en", "I keep thinking about a sick note but I never ask for one"),
    ("en", "some days I wish I could just go on sick leave"),
    ("nb", "Sykmelding er ikke aktuelt for min del"),
    ("nb", "to av overlegene er sykmeldt, så vi dekker listene deres"),
    ("nb", "tenker på sykmelding hver dag, men ber aldri om det"),
    ("nb", "skulle ønske jeg kunne bli sykmeldt"),
]
THEIRS = [
    ("en", "I've been off sick since the autumn", "sick_leave"),
    ("en", "signed off with exhaustion, 6 weeks now", "sick_leave"),
    ("en", "currently on sick leave and feeling guilty about it", "sick_leave"),
    ("nb", "jeg er sykmeldt for utmattelse", "sick_leave"),
    ("nb", "sykmeldt siden januar", "sick_leave"),
    ("nb", "no er eg sjukmeld", "sick_leave"),
    ("nb", "jeg går til fastlegen og er sykmeldt", "sick_leave"),
    ("nb", "jeg er 40 % sykmeldt", "reduced_hours"),
]


@pytest.mark.parametrize("language,text", NOT_THEIRS)
def test_someone_elses_leave_a_wish_or_a_denial_is_not_taken(language, text):
    found = volunteered(text, language)
    assert found.get("work_status") != "sick_leave" and found.get("sick_leave") != "on_leave", found


@pytest.mark.parametrize("language,text,status", THEIRS)
def test_the_doctors_own_leave_now_is_taken(language, text, status):
    found = volunteered(text, language)
    assert found.get("work_status") == status and found.get("sick_leave") == "on_leave", found
