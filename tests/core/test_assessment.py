"""Answers -> category with reasons, including the borders between the three categories."""

import pytest

from bot.core.assessment import Answers, Assessment, classify_help_seeking, reasons_shown
from bot.core.values import HelpCategory

ADVICE = dict(
    work_status="working",
    workload="heavy",
    sleep="some_problems",
    warning_signs=["crying", "irritability"],
    conflict=False,
    coping="coping",
    sick_leave="not_relevant",
    treatment=False,
    expectation="advice",
)
NOT_COPING = dict(
    work_status="working",
    workload="unreasonable",
    sleep="poor",
    warning_signs=["concentration", "exhaustion"],
    conflict=False,
    coping="not_coping",
    sick_leave="dilemma",
    treatment=False,
    expectation="tools",
)
WAY_BACK = dict(
    work_status="sick_leave",
    workload="heavy",
    sleep="poor",
    warning_signs=["anxiety", "memory"],
    conflict=False,
    coping="struggling",
    sick_leave="on_leave",
    treatment=True,
    expectation="way_back",
)


def category(**slots):
    return classify_help_seeking(Answers.from_slots(slots)).category.value


@pytest.mark.parametrize(
    "answers,expected,why",
    [
        (ADVICE, "looking_for_advice", "coping with warning signs, wants advice"),
        (
            NOT_COPING,
            "fear_of_not_coping",
            "unreasonable load, no sleep, not coping, torn about leave",
        ),
        (WAY_BACK, "way_back_or_out", "on sick leave, in treatment, wants a way back"),
        (
            {**WAY_BACK, "work_status": "out_of_work", "sick_leave": None},
            "way_back_or_out",
            "out of work",
        ),
        (
            {**ADVICE, "sick_leave": "dilemma", "sleep": "poor"},
            "looking_for_advice",
            "still coping and wanting advice: a sick-leave worry alone does not make it 'not coping'",
        ),
        (
            {**ADVICE, "coping": "not_coping"},
            "fear_of_not_coping",
            "not coping tips a heavy load into fear of not coping",
        ),
        (
            {**ADVICE, "conflict": True, "coping": "struggling", "sleep": "poor"},
            "fear_of_not_coping",
            "conflict, struggling, poor sleep",
        ),
        (
            {
                **NOT_COPING,
                "work_status": "sick_leave",
                "sick_leave": "on_leave",
                "treatment": True,
            },
            "way_back_or_out",
            "the same strain, but already on sick leave and in treatment",
        ),
        (
            {
                **ADVICE,
                "work_status": "reduced_hours",
                "treatment": True,
                "expectation": "way_back",
            },
            "way_back_or_out",
            "reduced hours, in treatment, wants a way back",
        ),
        (
            {**ADVICE, "work_status": "reduced_hours"},
            "looking_for_advice",
            "reduced hours alone is not a way back",
        ),
        (
            {},
            "looking_for_advice",
            "nothing answered: the least alarming pattern, never a guess at illness",
        ),
    ],
)
def test_categories_and_borders(answers, expected, why):
    assert category(**answers) == expected, why


def test_reasons_are_given_most_telling_first():
    assessment = classify_help_seeking(Answers.from_slots(NOT_COPING))
    assert assessment.reasons[0] == "not_coping"
    assert {"workload_unreasonable", "sleep_poor", "sick_leave_dilemma"} <= set(assessment.reasons)


def test_way_back_reasons_come_before_strain():
    assessment = classify_help_seeking(Answers.from_slots(WAY_BACK))
    assert assessment.reasons[:3] == ("on_sick_leave", "wants_way_back", "in_treatment")


def test_free_text_in_slots_is_ignored():
    answers = Answers.from_slots({"workload": "I sleep badly", "conflict": "yes", "warning_signs": ["bad"]})
    assert answers.workload is None and answers.conflict is None and not answers.warning_signs


def assessed(reasons):
    return Assessment(category=HelpCategory.LOOKING_FOR_ADVICE, reasons=reasons, way_back_score=0.0, strain_score=0.0)


@pytest.mark.parametrize(
    "reasons,shown,why",
    [
        ((), (), "no reasons: the result names none (and says no reasons at all)"),
        (("wants_advice",), ("wants_advice",), "fewer than the limit: all of them"),
        (("a", "b", "c", "d"), ("a", "b", "c", "d"), "exactly the limit: all of them"),
        (("a", "b", "c", "d", "e"), ("a", "b", "c", "d"), "one too many: the least telling is left out"),
        (("e", "d", "c", "b", "a", "z"), ("e", "d", "c", "b"), "the order is kept, not sorted: most telling first"),
    ],
)
def test_the_result_names_at_most_four_reasons_most_telling_first(reasons, shown, why):
    assert reasons_shown(assessed(reasons)) == shown, why


@pytest.mark.parametrize(
    "answers,shown,why",
    [
        (
            NOT_COPING,
            ("not_coping", "workload_unreasonable", "sleep_poor", "sick_leave_dilemma"),
            "six reasons: warning signs and wanting tools are left out",
        ),
        (
            WAY_BACK,
            ("on_sick_leave", "wants_way_back", "in_treatment", "sleep_poor"),
            "the way back's reasons first, then the strain",
        ),
        ({}, (), "nothing answered: no reasons to name"),
    ],
)
def test_reasons_shown_for_whole_assessments(answers, shown, why):
    assert reasons_shown(classify_help_seeking(Answers.from_slots(answers))) == shown, why
