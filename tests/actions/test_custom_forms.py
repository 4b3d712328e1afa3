"""validate_self_assessment_form as Rasa calls it: the answer in the tracker, events back."""

import asyncio

from rasa_sdk.events import SlotSet

from actions.custom_forms import ValidateSelfAssessmentForm
from bot.core.safety import LANGUAGE_KEY
from tests.actions.conftest import user_says


def run(tracker, dispatcher, domain):
    return asyncio.run(ValidateSelfAssessmentForm().run(dispatcher, tracker, domain))


def slot_events(events):
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def test_free_text_becomes_the_coded_value_and_the_next_question_is_requested(dispatcher, domain):
    tracker = user_says("mid_form", "70 hour weeks covering for colleagues")
    tracker.add_slots([SlotSet("workload", "70 hour weeks covering for colleagues")])
    slots = slot_events(run(tracker, dispatcher, domain))
    assert slots["workload"] == "unreasonable"
    # The order is the domain's, so Rasa's FormAction asks the next topic (sleep) itself.
    assert "requested_slot" not in slots
    # Nothing said but where the self-assessment is: sleep is the third question of ten.
    assert [m["custom"] for m in dispatcher.messages] == [{"progress": {"question": 3, "of": 10}}]


def test_progress_counts_only_what_is_still_to_be_asked(dispatcher, domain):
    """Workload answered, and treatment said unasked: the next question (sleep) is the third of nine, not of ten."""
    tracker = user_says("mid_form", "heavy, and I've been diagnosed with burnout")
    tracker.add_slots([SlotSet("workload", "heavy, and I've been diagnosed with burnout")])
    slots = slot_events(run(tracker, dispatcher, domain))
    assert slots["treatment"] is True
    assert [m["custom"] for m in dispatcher.messages] == [{"progress": {"question": 3, "of": 9}}]


def test_volunteered_words_fill_a_later_topic_without_asking(dispatcher, domain):
    tracker = user_says("mid_form", "heavy, and I've been diagnosed with burnout")
    tracker.add_slots([SlotSet("workload", "heavy, and I've been diagnosed with burnout")])
    slots = slot_events(run(tracker, dispatcher, domain))
    assert slots["workload"] == "heavy" and slots["treatment"] is True


def test_norwegian_words_are_read_in_the_language_the_rasa_server_found(dispatcher, domain):
    """components/safety_net.py puts the message's language in its parse data; the answer is read in it first."""
    text = "Den er ikke så hard egentlig, og jeg går til psykolog"  # English patterns would read "hard" as heavy
    tracker = user_says("mid_form", text)
    tracker.latest_message[LANGUAGE_KEY] = tracker.events[-1]["parse_data"][LANGUAGE_KEY] = "nb"
    tracker.add_slots([SlotSet("workload", text)])
    slots = slot_events(run(tracker, dispatcher, domain))
    assert slots["workload"] == "manageable" and slots["treatment"] is True


def test_an_unreadable_answer_is_asked_again_with_a_kind_word(dispatcher, domain):
    tracker = user_says("mid_form", "purple")
    tracker.add_slots([SlotSet("workload", "purple")])
    slots = slot_events(run(tracker, dispatcher, domain))
    assert slots["workload"] is None and slots["unreadable_answers"] == 1
    assert dispatcher.messages[0]["response"] == "utter_not_understood"


def test_skip_moves_to_the_next_topic(dispatcher, domain):
    tracker = user_says("mid_form", "skip", intent="skip")
    tracker.add_slots([SlotSet("workload", "skip")])
    slots = slot_events(run(tracker, dispatcher, domain))
    assert slots["skipped_topics"] == ["workload"] and slots["requested_slot"] == "sleep"
    assert dispatcher.messages[0]["response"] == "utter_skipped"


def test_worrying_words_bring_the_safety_question_forward(dispatcher, domain):
    tracker = user_says("mid_form", "too much, I can't go on like this", intent="risk_unclear")
    tracker.add_slots([SlotSet("workload", "too much, I can't go on like this")])
    slots = slot_events(run(tracker, dispatcher, domain))
    assert slots["workload"] == "unreasonable"
    assert slots["requested_slot"] == "self_harm"
    assert dispatcher.messages[0]["response"] == "utter_safety_check_intro"


def test_yes_to_the_safety_question_gives_crisis_help_in_the_same_reply(dispatcher, domain):
    tracker = user_says("mid_form", "yes", intent="affirm", requested_slot="self_harm")
    tracker.add_slots([SlotSet("self_harm", "yes")])
    slots = slot_events(run(tracker, dispatcher, domain))
    assert slots["self_harm"] is True and slots["crisis"] is True
    assert dispatcher.messages[0]["response"] == "utter_crisis"


def test_an_earlier_answer_put_right_at_a_later_question_is_changed_and_said(dispatcher, domain):
    """At the workload question: "actually, I'm on sick leave, not working". Work changes, sick leave follows it,
    the doctor is told, and the workload question is asked again without an apology or a try used up."""
    text = "actually, I'm on sick leave, not working"
    tracker = user_says("mid_form", text)
    tracker.add_slots([SlotSet("workload", text)])
    slots = slot_events(run(tracker, dispatcher, domain))
    assert slots["work_status"] == "sick_leave" and slots["sick_leave"] == "on_leave"
    assert slots["workload"] is None and "unreadable_answers" not in slots
    said = [m for m in dispatcher.messages if m.get("response")]
    assert [m["response"] for m in said] == ["utter_answer_changed"]
    assert "on sick leave" in said[0]["changes"]


def test_an_answer_to_the_question_asked_is_not_taken_for_a_correction(dispatcher, domain):
    tracker = user_says("mid_form", "busy but manageable, I'm working as usual")
    tracker.add_slots([SlotSet("workload", "busy but manageable, I'm working as usual")])
    slots = slot_events(run(tracker, dispatcher, domain))
    assert slots["workload"] == "manageable" and "work_status" not in slots
    assert not [m for m in dispatcher.messages if m.get("response") == "utter_answer_changed"]


def asking_for_a_person(text, recorded_before: bool):
    """The doctor at the workload question asks for a person (request_handoff), a request on record or not."""
    import json

    from rasa_sdk import Tracker

    from tests.actions.conftest import DATA

    state = json.loads((DATA / "mid_form.json").read_text(encoding="utf-8"))
    if recorded_before:
        state["events"].append({"event": "slot", "name": "handoff_code", "value": "7KQX4MTA"})
        state["slots"]["handoff_code"] = "7KQX4MTA"
    message = {"text": text, "intent": {"name": "request_handoff", "confidence": 1.0}, "entities": []}
    state["latest_message"] = message
    state["events"] += [{"event": "user", "text": text, "parse_data": message}, {"event": "action", "name": "x"}]
    return Tracker.from_dict(state)


def test_asking_again_for_a_person_at_a_question_is_read_as_the_answer(dispatcher, domain):
    """The request is recorded already: the same words again are the doctor's answer, so the form moves on."""
    slots = slot_events(run(asking_for_a_person("heavy, I just want someone to talk to", True), dispatcher, domain))
    assert slots["workload"] == "heavy"


def test_words_asking_again_that_do_not_answer_count_as_unreadable_so_the_form_moves_on(dispatcher, domain):
    slots = slot_events(run(asking_for_a_person("I want to talk to someone", True), dispatcher, domain))
    assert slots.get("workload") is None and slots["unreadable_answers"] == 1
    assert "utter_not_understood" in [m.get("response") for m in dispatcher.messages]


def test_a_first_request_for_a_person_is_not_taken_as_an_answer(dispatcher, domain):
    slots = slot_events(run(asking_for_a_person("heavy, I just want someone to talk to", False), dispatcher, domain))
    assert "workload" not in slots
