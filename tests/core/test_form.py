"""The form's flow decisions: order, skipping, re-asking, the safety question."""

import pytest

from bot.core.form import (
    MAX_UNREADABLE,
    needs_safety_check,
    read_answer,
    remaining_topics,
    volunteered_answers,
)
from bot.core.values import FORM_SLOTS


def test_topics_come_in_the_natural_order_with_the_safety_question_last():
    assert remaining_topics(None, False) == list(FORM_SLOTS)
    assert remaining_topics(None, False)[-1] == "self_harm"


def test_skipped_topics_are_dropped():
    assert "sleep" not in remaining_topics(["sleep"], False)


def test_the_safety_question_is_only_dropped_after_the_numbers_were_given():
    step = read_answer("self_harm", "I'd rather not say", 0, ["sleep"])
    assert step.response == "utter_safety_unsure"
    assert "self_harm" not in remaining_topics(step.slots["skipped_topics"], False)
    assert read_answer("self_harm", "purple", 0, None).response == "utter_ask_self_harm_again"


def test_a_worrying_message_brings_the_safety_question_forward():
    assert remaining_topics(None, True)[0] == "self_harm"


def test_a_readable_answer_fills_the_topic_and_adds_no_other_event():
    assert read_answer("sleep", "I barely sleep", 0, None).slots == {"sleep": "poor"}


def test_a_readable_answer_after_an_unreadable_one_resets_the_count():
    assert read_answer("sleep", "I barely sleep", 1, None).slots == {"sleep": "poor", "unreadable_answers": 0}


def test_a_coded_value_is_accepted_as_it_is():
    assert read_answer("warning_signs", ["crying"], 0, None).slots["warning_signs"] == ["crying"]


def test_an_unreadable_answer_is_asked_again_once_then_skipped():
    first = read_answer("workload", "banana", 0, None)
    assert first.slots == {"workload": None, "unreadable_answers": 1} and first.response == "utter_not_understood"
    second = read_answer("workload", "banana", MAX_UNREADABLE - 1, ["sleep"])
    assert second.slots["skipped_topics"] == ["sleep", "workload"] and second.response == "utter_moving_on"


def test_skip_is_recorded_and_said_kindly():
    step = read_answer("conflict", "skip", 0, None)
    assert step.slots["skipped_topics"] == ["conflict"] and step.response == "utter_skipped"


def test_yes_to_the_safety_question_is_a_crisis_with_help_at_once():
    step = read_answer("self_harm", "yes", 0, None)
    assert step.slots["self_harm"] is True and step.slots["crisis"] is True
    assert step.response == "utter_crisis"


def test_an_unsure_answer_to_the_safety_question_gets_the_numbers_not_a_guess():
    step = read_answer("self_harm", "I don't know", 0, None)
    assert step.slots["self_harm"] is None and step.response == "utter_safety_unsure"


def test_volunteered_answers_fill_only_open_topics_and_never_from_a_disclosure():
    texts = [
        "I've been on sick leave for four months with depression",
        "I've been cutting myself, I'm out of work",
    ]
    found = volunteered_answers(texts, {"treatment": False}, None, None)
    assert found == {"work_status": "sick_leave", "sick_leave": "on_leave"}


def test_the_topic_being_asked_is_not_filled_from_volunteered_words():
    assert "work_status" not in volunteered_answers(["I'm on sick leave"], {}, None, "work_status")


def test_unclear_words_need_the_safety_question():
    assert needs_safety_check("I can't go on like this")
    assert not needs_safety_check("this rota will be the death of me")


def test_a_readable_answer_is_taken_even_when_the_classifier_thought_it_off_topic():
    assert read_answer("work_status", "full time hospital consultant", 0, None, "out_of_scope").slots == {
        "work_status": "working"
    }


def test_an_off_topic_question_is_answered_and_the_question_asked_again_without_counting_against_the_doctor():
    step = read_answer("workload", "can you write me a prescription", 1, None, "out_of_scope")
    assert step.slots == {"workload": None} and step.response == "utter_out_of_scope"


def test_an_off_topic_guess_on_norwegian_words_is_an_answer_not_understood():
    """The intent classifier knows English only (issue 14): Norwegian words must not hold the form."""
    step = read_answer("workload", "Kommer an på hvordan man regner det", 1, None, "out_of_scope", "nb")
    assert step.response == "utter_moving_on" and "workload" in step.slots["skipped_topics"]
    # Words the Norwegian lexicon reads are an answer, whatever the classifier guessed.
    assert read_answer("workload", "Altfor mykje, me e for få", 1, None, "out_of_scope", "nb").slots == {
        "workload": "unreasonable",
        "unreadable_answers": 0,
    }


def test_answers_are_read_in_the_doctors_language_first():
    """English patterns read "sykmeldt" as a full sick leave; the Norwegian lexicon reads the 50 %."""
    assert read_answer("work_status", "Jeg er 50 % sykmeldt", 0, None, language="nb").slots == {
        "work_status": "reduced_hours"
    }
    assert read_answer("work_status", "Jeg er 50 % sykmeldt", 0, None, language="en").slots == {
        "work_status": "sick_leave"
    }
    assert read_answer("sleep", "I barely sleep", 0, None, language="nb").slots == {"sleep": "poor"}
    found = volunteered_answers(["Hei. Jeg er 50 % sykmeldt og går til psykolog"], {}, None, None, language="nb")
    assert found == {"work_status": "reduced_hours", "sick_leave": "on_leave", "treatment": True}


def test_the_crisis_reading_of_the_rasa_server_is_used_not_made_again():
    """The Rasa server's reading comes with the message; the action server trusts it rather than reading again."""
    text = "I'm on sick leave"
    assert volunteered_answers([text], {}, None, None, ["disclosure"]) == {}
    assert volunteered_answers([text], {}, None, None, ["none"])["work_status"] == "sick_leave"
    assert needs_safety_check("anything at all", "unclear") and not needs_safety_check(
        "I can't go on like this", "none"
    )


@pytest.mark.parametrize(
    "slot,text,language",
    [("workload", "på norsk", "nb"), ("sleep", "in English", "en"), ("self_harm", "kan vi snakke engelsk?", "en")],
)
def test_asking_for_the_other_language_asks_the_same_question_again_without_counting_it(slot, text, language):
    """The page's language switch sends these words: the question comes again in the new language, never skipped."""
    for unreadable_so_far in (0, MAX_UNREADABLE - 1):
        step = read_answer(slot, text, unreadable_so_far, None, "out_of_scope", language)
        assert step.slots == {slot: None} and step.response is None


def test_an_answer_with_a_language_request_in_it_is_still_an_answer():
    assert read_answer("sleep", "in English please: I sleep badly", 0, None, None, "en").slots == {"sleep": "poor"}


def test_progress_is_the_questions_done_and_those_still_to_ask():
    from bot.core.form import progress

    slots = dict.fromkeys(FORM_SLOTS)
    every = list(FORM_SLOTS)
    assert progress("work_status", slots, every, None, None) == (1, 10)
    slots.update(work_status="working", treatment=True)  # treatment said unasked at the first question
    assert progress("workload", slots, every, None, ["treatment"]) == (2, 9)
    # a skipped topic was asked: it counts among those done, and is no longer required
    required = [t for t in FORM_SLOTS if t != "workload"]
    assert progress("sleep", slots, required, ["workload"], ["treatment"]) == (3, 9)
    assert progress(None, slots, required, ["workload"], ["treatment"]) is None


ANSWERED = {
    "work_status": "working",
    "workload": "heavy",
    "sleep": "good",
    "conflict": False,
    "sick_leave": "not_relevant",
    "self_harm": False,
}


@pytest.mark.parametrize(
    "text, language, changed",
    [
        ("actually, I'm on sick leave, not working", "en", {"work_status": "sick_leave", "sick_leave": "on_leave"}),
        ("I meant that I sleep badly", "en", {"sleep": "poor"}),
        ("correction: my workload is unreasonable", "en", {"workload": "unreasonable"}),
        ("faktisk er jeg sykmeldt nå, jobber ikke", "nb", {"work_status": "sick_leave", "sick_leave": "on_leave"}),
        ("jeg mente at jeg sover elendig", "nb", {"sleep": "poor"}),
        ("egentlig sover jeg veldig dårlig", "nb", {"sleep": "poor"}),  # «egentlig» is not sick-leave doubt here
        ("eg tok feil, eg er i konflikt med sjefen", "nb", {"conflict": True}),
        # no correction: the same as before, a new topic, or the safety question (never changed in passing)
        ("actually I do work as usual", "en", {}),
        ("I'm not coping at all", "en", {}),
        ("actually, yes, I have thought of hurting myself", "en", {}),
    ],
)
def test_corrections_change_earlier_answers_and_keep_related_ones_in_step(text, language, changed):
    from bot.core.form import corrections

    assert corrections(text, ANSWERED, "coping", language) == changed


def test_back_at_work_asks_the_sick_leave_question_again():
    from bot.core.form import corrections

    on_leave = {**ANSWERED, "work_status": "sick_leave", "sick_leave": "on_leave"}
    assert corrections("sorry, I meant I'm working as usual now", on_leave, "coping", "en") == {
        "work_status": "working",
        "sick_leave": None,
    }
