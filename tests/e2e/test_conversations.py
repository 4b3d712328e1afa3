"""The assistant as doctors meet it: the dev personas of ../shared/eval, crises, and the action server down."""

import json
import subprocess
import uuid
from pathlib import Path

import pytest

from tests.e2e.conftest import SHARED_EVAL


def text_of(replies: list) -> str:
    return "\n".join(
        (r.get("text") or "") + " ".join(b.get("title", "") for b in r.get("buttons") or []) for r in replies
    )


PERSONA_SETS = {
    "dev": SHARED_EVAL / "vignettes-dev.json",
    "dev-nb": SHARED_EVAL / "vignettes-dev-nb.json",
    # Our own doctors, in other words than the dev set, to check that the reading generalises.
    "extra": Path(__file__).parent / "data" / "personas-extra.json",
    # 40 Norwegian doctors of our own (many styles, dialect, Nynorsk, no æøå, English mixed in, crises and idioms),
    # written by a helper who saw neither lexicons, patterns, NLU data nor tests; a development set: tuned on.
    "own-nb": Path(__file__).parent / "data" / "personas-nb-dev.json",
    # 45 Norwegian doctors written by a helper who never saw the lexicons, patterns, NLU data or tests; held out:
    # nothing is tuned on them, so their figures say how the assistant reads Norwegian it has not seen.
    "held-out-nb": Path(__file__).parent / "data" / "personas-nb-held-out.json",
    # 30 more, written on 2026-12-04 by another helper who saw only DESIGN.md, converse.py, one dev file's format and
    # the coded values; scored once as it was, and not tuned on (one crisis not caught at once: the first person left
    # out, «er fastlege og har hatt selvmords tanker»; one false alarm; one persona stuck on the hope question). That
    # crisis is caught since 2026-12-05 by a general reading of clauses without a subject (bot/core/crisis.py), written
    # after reading that miss; the stuck persona asked for a person at the last question, again and again, and is no
    # longer stuck since a request said again is read as the answer (actions/custom_forms.py), written after reading
    # that conversation. So the set's crisis and stuck figures are no longer blind; its other figures still are.
    "held-out-nb-2": Path(__file__).parent / "data" / "personas-nb-held-out-2.json",
    # 20 English and 20 Norwegian doctors written on 2026-12-05 by two more helpers who saw only DESIGN.md, converse.py
    # and one dev file's format. Run once as written: English 13/16 categories, 4/4 crises at once, 1 false alarm;
    # Norwegian 15/16, 2/4 crises at once, 0 false alarms. Their misses were then read and led to two general changes
    # (sick leave said unasked must be the doctor's own; "en uke" is not someone else, Nynorsk «skjere meg»), so they
    # are development sets now: 16/16 and 16/16, 4/4 and 4/4.
    "blind-en": Path(__file__).parent / "data" / "personas-en-blind.json",
    "blind-nb-3": Path(__file__).parent / "data" / "personas-nb-blind-3.json",
}
# What each set must reach. The bar (every set): categories >= 0.9, every crisis at once, no false alarm, no
# error. Where a set does not reach all of it yet, the figure it reached when it was added is its floor (raise it,
# never lower it): the Norwegian dev sets miss 2 and 5 expected answers, the held-out set 50 and raises one false
# alarm (an idiom, 1 of 38: left as measured, the held-out set is not tuned on), in the sessions' closing notes.
FLOORS = {
    "dev": {"slot_misses": 0, "false_alarms": 0.0},
    "extra": {"slot_misses": 0, "false_alarms": 0.0},
    "dev-nb": {"slot_misses": 2, "false_alarms": 0.0},
    "own-nb": {"slot_misses": 5, "false_alarms": 0.0},
    "held-out-nb": {"slot_misses": 50, "false_alarms": 1 / 38},
    "held-out-nb-2": {"slot_misses": 39, "false_alarms": 1 / 24, "crisis_at_once": 1.0, "errors": 0},
    "blind-en": {"slot_misses": 11, "false_alarms": 1 / 16},
    "blind-nb-3": {"slot_misses": 7, "false_alarms": 0.0},
}


def converse(servers, python, tmp_path, vignettes: Path) -> tuple[dict, subprocess.CompletedProcess]:
    """../shared/eval/converse.py against the servers: its summary, and its output for the assertion messages."""
    report = tmp_path / "report.json"
    result = subprocess.run(
        [
            python,
            str(SHARED_EVAL / "converse.py"),
            "--url",
            servers.url,
            "--token",
            servers.token,
            "--vignettes",
            str(vignettes),
            "--report",
            str(report),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr
    print(result.stdout.splitlines()[-1])
    return json.loads(report.read_text())["summary"], result


@pytest.mark.parametrize("persona_set", sorted(PERSONA_SETS))
def test_personas_reach_the_right_category_and_every_crisis_is_caught_at_once(servers, python, tmp_path, persona_set):
    summary, result = converse(servers, python, tmp_path, PERSONA_SETS[persona_set])
    assert summary["category_accuracy"] >= 0.9, result.stdout
    floor = FLOORS[persona_set]
    assert summary["crisis_recall_immediate"] >= floor.get("crisis_at_once", 1.0) - 1e-9, result.stdout
    assert summary["crisis_false_alarm_rate"] <= floor["false_alarms"] + 1e-9, result.stdout
    assert summary["errors"] <= floor.get("errors", 0), result.stdout
    assert summary["slot_misses"] <= FLOORS[persona_set]["slot_misses"], result.stdout


def test_the_greeting_says_it_is_anonymous_and_not_an_emergency_service(servers):
    reply = text_of(servers.say(f"e2e-{uuid.uuid4().hex}", "hello"))
    assert "anonymous" in reply and "113" in reply and "deleted within a day" in reply


@pytest.mark.parametrize(
    "message",
    [
        "I know which tablets I'd take",
        "I've written letters to my kids",
        "burning myself to feel something",
        "suicidel",
    ],
)
def test_a_disclosure_outside_the_form_gets_crisis_help_in_the_very_next_reply(servers, message):
    sender = f"e2e-{uuid.uuid4().hex}"
    reply = text_of(servers.say(sender, message))
    assert "113" in reply and "116 123" in reply
    assert servers.slots(sender)["crisis"] is True


def test_idioms_do_not_raise_a_crisis(servers):
    sender = f"e2e-{uuid.uuid4().hex}"
    reply = text_of(servers.say(sender, "This on-call week will be the death of me"))
    assert "talk to a person from the peer-support service" not in reply
    assert servers.slots(sender)["crisis"] is False


def test_a_handoff_request_is_recorded_with_a_code(servers):
    sender = f"e2e-{uuid.uuid4().hex}"
    servers.say(sender, "I want to die")
    reply = text_of(servers.say(sender, "/request_handoff"))
    code = servers.slots(sender)["handoff_code"]
    assert code and code in reply


def test_what_was_said_in_the_opening_is_not_asked_again(servers):
    sender = f"e2e-{uuid.uuid4().hex}"
    servers.say(sender, "I've been on sick leave for four months with depression")
    servers.say(sender, "yes, let's start")
    slots = servers.slots(sender)
    assert slots["work_status"] == "sick_leave" and slots["treatment"] is True
    assert slots["requested_slot"] == "workload"


def test_why_skip_and_stop_work_inside_the_form(servers):
    sender = f"e2e-{uuid.uuid4().hex}"
    servers.say(sender, "start")
    assert servers.slots(sender)["requested_slot"] == "work_status"
    reply = text_of(servers.say(sender, "why do you ask?"))
    assert "changes which help fits" in reply and servers.slots(sender)["requested_slot"] == "work_status"
    servers.say(sender, "skip")
    assert servers.slots(sender)["requested_slot"] == "workload"
    reply = text_of(servers.say(sender, "stop"))
    assert "stop here" in reply and servers.slots(sender)["requested_slot"] is None


def test_asking_for_the_other_language_switches_and_asks_the_same_question_again(servers):
    """Inside the form: not an answer it could not read, and no try used up; outside: the greeting again, in the
    language asked for, and its yes starts the self-assessment."""
    sender = f"e2e-{uuid.uuid4().hex}"
    servers.say(sender, "start")
    servers.say(sender, "I work full time in a hospital")
    reply = text_of(servers.say(sender, "kan vi ta det på norsk?"))
    slots = servers.slots(sender)
    assert "på norsk" in reply and "belastningen din" in reply, reply
    assert slots["language"] == "nb" and slots["requested_slot"] == "workload" and not slots["unreadable_answers"]
    reply = text_of(servers.say(sender, "in English please"))
    assert "English" in reply and "workload" in reply.lower() and servers.slots(sender)["language"] == "en", reply

    sender = f"e2e-{uuid.uuid4().hex}"
    assert "velkommen" in text_of(servers.say(sender, "Hei, jeg er lege og er helt utbrent"))
    reply = text_of(servers.say(sender, "English please"))
    assert "Shall we start" in reply and "Thank you for telling me" not in reply, reply
    servers.say(sender, "yes")
    assert servers.slots(sender)["requested_slot"] == "work_status"


def test_each_question_comes_with_where_the_self_assessment_is(servers):
    """A custom message before each question: "Question n of m", counting only what is still to be asked."""
    sender = f"e2e-{uuid.uuid4().hex}"

    def progress(replies):
        found = [
            r["custom"]["progress"] for r in replies if isinstance(r.get("custom"), dict) and "progress" in r["custom"]
        ]
        return (found[-1]["question"], found[-1]["of"]) if found else None

    assert progress(servers.say(sender, "start")) == (1, 10)
    assert progress(servers.say(sender, "I work full time")) == (2, 10)
    assert progress(servers.say(sender, "why do you ask?")) == (2, 10)  # the same question again
    # treatment said unasked with the workload: it is not asked, and the total shrinks
    assert progress(servers.say(sender, "heavy, and I've been diagnosed with burnout")) == (3, 9)
    assert servers.slots(sender)["requested_slot"] == "sleep" and servers.slots(sender)["treatment"] is True


def test_an_earlier_answer_can_be_put_right_in_words_at_a_later_question(servers):
    sender = f"e2e-{uuid.uuid4().hex}"
    servers.say(sender, "start")
    servers.say(sender, "I work full time")
    servers.say(sender, "heavy")
    reply = text_of(servers.say(sender, "actually, I'm on sick leave, not working"))
    slots = servers.slots(sender)
    assert slots["work_status"] == "sick_leave" and slots["sick_leave"] == "on_leave", slots
    assert "changed" in reply and "on sick leave" in reply and "didn't quite get" not in reply, reply
    assert slots["requested_slot"] == "sleep" and not slots["unreadable_answers"]


ADVICE_ANSWERS = [
    "I work full time",
    "busy but manageable",
    "some nights are bad",
    "I snap at my kids",
    "no",
    "I'm coping",
    "not relevant",
    "no",
    "some advice",
    "no",
]


def test_an_answer_changed_after_the_result_gives_the_result_again(servers):
    """From the "change an answer" list at the result, and in words after it: the slot changes, and so does the
    result."""
    sender = f"e2e-{uuid.uuid4().hex}"
    servers.say(sender, "start")
    for answer in ADVICE_ANSWERS:
        result = servers.say(sender, answer)
    assert servers.slots(sender)["help_category"] == "looking_for_advice"
    offered = {b["title"]: b["payload"] for r in result for b in r.get("buttons") or []}
    assert offered["Change an answer"] == "/change_answer", offered
    # typed words work too; with nothing answered yet there is nothing to change
    assert "nothing to change" in text_of(servers.say(f"e2e-{uuid.uuid4().hex}", "I want to change an answer"))
    listed = servers.say(sender, offered["Change an answer"])
    buttons = {b["title"]: b["payload"] for r in listed for b in r.get("buttons") or []}
    assert "Work: working" in buttons and not any("self-harm" in title for title in buttons), buttons
    servers.say(sender, buttons["Work: working"])
    assert servers.slots(sender)["requested_slot"] == "work_status"
    result = text_of(servers.say(sender, "I've been on sick leave since March"))
    slots = servers.slots(sender)
    assert slots["work_status"] == "sick_leave" and slots["help_category"] == "way_back_or_out", slots
    assert "way back" in result, result

    reply = text_of(servers.say(sender, "actually I sleep very badly"))
    assert "changed" in reply and servers.slots(sender)["sleep"] == "poor", reply
    reply = text_of(servers.say(sender, "I work in a hospital in Bergen"))
    assert "Change an answer" in reply and servers.slots(sender)["sleep"] == "poor", reply


def test_change_an_answer_during_the_self_assessment_lists_the_answers_given(servers):
    sender = f"e2e-{uuid.uuid4().hex}"
    servers.say(sender, "start")
    servers.say(sender, "I work full time")
    listed = servers.say(sender, "I'd like to change an answer")
    buttons = [b["title"] for r in listed for b in r.get("buttons") or []]
    assert buttons == ["Work: working"] and "didn't quite get" not in text_of(listed), listed
    servers.say(sender, next(b["payload"] for r in listed for b in r.get("buttons") or []))
    servers.say(sender, "I'm on sick leave")
    slots = servers.slots(sender)
    assert slots["work_status"] == "sick_leave" and slots["requested_slot"] == "workload", slots


def test_the_crisis_reply_comes_even_when_the_action_server_is_down(servers):
    in_form = f"e2e-{uuid.uuid4().hex}"
    servers.say(in_form, "start")
    servers.say(in_form, "working")
    assert servers.slots(in_form)["requested_slot"] == "workload"
    servers.stop_action_server()
    try:
        sender = f"e2e-{uuid.uuid4().hex}"
        reply = text_of(servers.say(sender, "I've been thinking about killing myself"))
        assert "113" in reply and "116 123" in reply
        assert servers.slots(sender)["crisis"] is True

        reply = text_of(servers.say(in_form, "too much, honestly I know which tablets I'd take"))
        assert "113" in reply and "116 123" in reply, "mid-form, with the action server gone"
        assert servers.slots(in_form)["crisis"] is True
    finally:
        servers.start_action_server()
