"""What each category is recommended, and the notes a doctor must see."""

from pathlib import Path

import pytest

from bot.core.assessment import Answers, classify_help_seeking
from bot.core.content import load_content
from bot.core.recommend import at_a_glance, recommend, service_lines
from tests.core.test_assessment import ADVICE, NOT_COPING, WAY_BACK

CONTENT = load_content(Path(__file__).resolve().parents[2] / "bot" / "core" / "content" / "no.yml")


def advice_for(slots):
    answers = Answers.from_slots(slots)
    return recommend(classify_help_seeking(answers), answers, CONTENT)


def ids(recommendation):
    return [s.id for s in recommendation.services]


def test_advice_gets_a_support_colleague_first_and_the_course_as_prevention():
    assert ids(advice_for(ADVICE)) == [
        "stottekollega",
        "villa_sana_day",
        "villa_sana_course",
    ]


def test_not_coping_gets_a_counselling_day_soon_and_the_gp_and_names_the_sick_leave_dilemma():
    rec = advice_for(NOT_COPING)
    assert ids(rec) == ["villa_sana_day", "stottekollega", "gp"]
    assert CONTENT.notes["sick_leave_dilemma"] in rec.notes


def test_way_back_says_peer_support_gives_no_treatment():
    rec = advice_for(WAY_BACK)
    assert ids(rec)[0] == "villa_sana_day"
    assert CONTENT.notes["no_treatment"] in rec.notes
    assert "gp" not in ids(rec)  # already in treatment


@pytest.mark.parametrize("slots", [ADVICE, NOT_COPING, WAY_BACK])
def test_every_result_answers_the_barriers_last(slots):
    assert advice_for(slots).notes[-1] == CONTENT.notes["barriers"]


def test_hoping_for_a_referral_is_told_peer_support_cannot_refer():
    rec = advice_for({**ADVICE, "expectation": "referral"})
    assert CONTENT.notes["wants_treatment"] in rec.notes
    assert CONTENT.notes["no_treatment"] in rec.notes


@pytest.mark.parametrize("slots", [ADVICE, NOT_COPING, WAY_BACK], ids=["advice", "not_coping", "way_back"])
def test_at_a_glance_the_first_service_is_the_first_step_and_nothing_recommended_is_lost(slots):
    advice = advice_for(slots)
    glance = at_a_glance(advice, CONTENT)
    assert (glance.first, *glance.others) == advice.services
    assert glance.short_notes[-1] == CONTENT.short_notes["barriers"]
    assert set(glance.short_notes) <= {CONTENT.short_notes.get(k) for k in advice.note_keys}


def test_at_a_glance_the_way_back_is_told_there_is_no_treatment_in_a_line():
    assert at_a_glance(advice_for(WAY_BACK), CONTENT).short_notes[0] == CONTENT.short_notes["no_treatment"]


def test_the_other_options_are_a_line_each_with_the_short_way_to_reach_them():
    services = (CONTENT.services["stottekollega"], CONTENT.services["gp"])
    assert service_lines(services).splitlines() == [
        f"• {CONTENT.services['stottekollega'].name}: {CONTENT.services['stottekollega'].short_how}",
        "• Your GP (fastlege) or a specialist: Book an appointment with your GP.",
    ]
