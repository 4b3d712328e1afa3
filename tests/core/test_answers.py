"""Doctors' own words -> coded values. Each row: the question, what a doctor wrote, the value, and why."""

import pytest

from bot.core.answers import Outcome, interpret, normalise, volunteered

CASES = [
    # work_status
    ("work_status", "I work full time at my practice", "working", "a practice is work"),
    (
        "work_status",
        "I have three part-time jobs, a clinic and some shifts",
        "working",
        "part-time jobs are not reduced hours",
    ),
    (
        "work_status",
        "reduced hours, 50% sick leave",
        "reduced_hours",
        "graded sick leave is reduced hours",
    ),
    ("work_status", "I'm on partial sick leave", "reduced_hours", "partial leave"),
    (
        "work_status",
        "I've been signed off for a month",
        "sick_leave",
        "signed off means sick leave",
    ),
    ("work_status", "Not working at the moment", "out_of_work", "not working"),
    (
        "work_status",
        "I haven't worked since the complaint",
        "out_of_work",
        "has not worked",
    ),
    ("work_status", "back at work now", "working", "back at work"),
    # workload
    ("workload", "Busy but manageable", "manageable", "the words after 'but' decide"),
    (
        "workload",
        "70 hour weeks covering for colleagues",
        "unreasonable",
        "70-hour weeks",
    ),
    ("workload", "Heavy, juggling three employers", "heavy", "heavy"),
    (
        "workload",
        "we're two registrars short and I cover every gap",
        "unreasonable",
        "understaffing",
    ),
    ("workload", "it was normal", "manageable", "normal"),
    (
        "workload",
        "insane but I'm used to it",
        "unreasonable",
        "the strongest word is not undone by 'but'",
    ),
    # sleep
    (
        "sleep",
        "I wake up at 4 and lie there, so some nights are bad",
        "some_problems",
        "only some nights",
    ),
    ("sleep", "Sleepless most nights", "poor", "most nights"),
    ("sleep", "four hours a night at most", "poor", "four hours"),
    ("sleep", "not bad actually", "good", "'not bad' is good"),
    ("sleep", "ok-ish, a bit short", "some_problems", "ok-ish"),
    ("sleep", "I sleep okay mostly", "good", "sleeps okay"),
    ("sleep", "nightmares and flashbacks", "poor", "nightmares"),
    # conflict
    ("conflict", "Not really conflict, just no support", False, "denies conflict"),
    ("conflict", "Yes, a power struggle with management", True, "power struggle"),
    ("conflict", "I'm being bullied by a consultant", True, "bullying"),
    ("conflict", "No, my colleagues are fine", False, "no"),
    # coping
    (
        "coping",
        "I'm coping with everyday life, it's just exhausting",
        "coping",
        "coping, tired",
    ),
    ("coping", "Managing, but my energy is running out", "struggling", "running out"),
    ("coping", "I can't cope, even small things are hard", "not_coping", "can't cope"),
    ("coping", "I'm not coping anymore", "not_coping", "not coping"),
    # sick leave
    (
        "sick_leave",
        "No, I haven't thought about sick leave",
        "not_relevant",
        "has not considered it",
    ),
    (
        "sick_leave",
        "I've thought about sick leave for months but I don't want to give them the satisfaction",
        "dilemma",
        "considers but holds back",
    ),
    (
        "sick_leave",
        "a sick note would feel like abandoning my team",
        "dilemma",
        "guilt about the team",
    ),
    ("sick_leave", "I keep postponing sick leave", "dilemma", "postponing"),
    ("sick_leave", "I'm on long-term sick leave", "on_leave", "on leave"),
    (
        "sick_leave",
        "I've never taken sick leave and don't plan to",
        "not_relevant",
        "never",
    ),
    # treatment
    ("treatment", "I see my GP and a psychiatrist", True, "in contact with doctors"),
    ("treatment", "No, I haven't seen my GP", False, "has not seen the GP"),
    ("treatment", "yes, a psychologist", True, "psychologist"),
    ("treatment", "my GP diagnosed PTSD", True, "diagnosed"),
    # expectation
    ("expectation", "I'd hope to be referred to a therapist", "referral", "referral"),
    ("expectation", "How to get back to work as a doctor", "way_back", "way back"),
    ("expectation", "Tools to handle this and the next step", "tools", "tools"),
    (
        "expectation",
        "someone to talk it through with and some advice",
        "advice",
        "advice",
    ),
    ("expectation", "I'm not sure", "unsure", "unsure is an answer here"),
    ("expectation", "A career change maybe", "way_back", "a way out"),
    # self_harm
    ("self_harm", "No, never", False, "no"),
    ("self_harm", "No, I've never thought about harming myself", False, "a denial"),
    ("self_harm", "yes", True, "yes"),
    ("self_harm", "sometimes, yes", True, "sometimes"),
    # "I have", "I do" open a yes only when no negation follows: these were read as a yes, and got crisis help.
    ("self_harm", "I have never thought about it", False, "I have never"),
    ("self_harm", "I do not", False, "I do not"),
    ("self_harm", "I have not", False, "I have not"),
    ("self_harm", "I have never wanted to hurt myself", False, "never wanted to"),
    ("self_harm", "I have, yes", True, "I have"),
    ("self_harm", "I did once, years ago", True, "I did once"),
    ("self_harm", "I have not been well, and yes I have thought about it", True, "a yes after a not"),
]


@pytest.mark.parametrize("slot,text,expected,why", CASES)
def test_answers_map_to_coded_values(slot, text, expected, why):
    reading = interpret(slot, text)
    assert reading.outcome is Outcome.VALUE, why
    assert reading.value == expected, why


@pytest.mark.parametrize(
    "text,expected",
    [
        ("I cry sometimes and I snap at my kids", {"crying", "irritability"}),
        (
            "I can't concentrate, I feel nauseous before work and I'm exhausted",
            {"concentration", "physical_symptoms", "exhaustion"},
        ),
        ("hopeless and isolated", {"hopelessness", "isolation"}),
        ("I'm afraid of making a mistake", {"fear_of_mistakes"}),
        ("I feel numb", {"numbness"}),
        (
            "Anxiety, memory problems, I don't see friends",
            {"anxiety", "memory", "isolation"},
        ),
    ],
)
def test_several_warning_signs_in_one_sentence_become_a_list(text, expected):
    reading = interpret("warning_signs", text)
    assert reading.outcome is Outcome.VALUE
    assert expected <= set(reading.value)


def test_fear_of_mistakes_is_not_counted_as_general_anxiety():
    assert "anxiety" not in interpret("warning_signs", "I'm afraid of making a mistake").value


def test_none_of_these_is_an_empty_list_not_a_skip():
    assert interpret("warning_signs", "none of these") == interpret("warning_signs", "no")
    assert interpret("warning_signs", "none").value == []


@pytest.mark.parametrize("text", ["skip", "I'd rather not say", "next question", "pass"])
def test_skip_moves_on_without_guessing(text):
    assert interpret("sleep", text).outcome is Outcome.SKIP


@pytest.mark.parametrize("slot", ["sleep", "conflict", "treatment", "work_status"])
def test_not_sure_is_not_guessed(slot):
    assert interpret(slot, "I'm not sure").outcome is Outcome.UNSURE


def test_not_sure_on_the_safety_question_is_never_read_as_no():
    assert interpret("self_harm", "I'm not sure").outcome is Outcome.UNSURE


def test_not_sure_with_an_answer_keeps_the_answer():
    assert interpret("sleep", "not sure, badly I guess").value == "poor"
    # What is wanted, named after a hedge, is what is wanted; "unsure" only when nothing else is said.
    assert interpret("expectation", "not sure, maybe a referral to a psychologist").value == "referral"
    assert interpret("expectation", "I don't know what I need").value == "unsure"


def test_a_hedged_yes_to_the_safety_question_is_a_yes_and_a_hedged_no_stays_unsure():
    assert interpret("self_harm", "not sure, sometimes at night").value is True
    assert interpret("self_harm", "I don't know, no").outcome is Outcome.UNSURE


@pytest.mark.parametrize("text", ["", "   ", "\x00\x01", "🙂🙂", "<script>alert(1)</script>"])
def test_unreadable_input_is_unknown_not_an_error(text):
    assert interpret("workload", text).outcome in (Outcome.UNKNOWN, Outcome.SKIP)


def test_normalise_straightens_apostrophes_and_spaces():
    assert normalise("  I\u2019m   OK\n") == "i'm ok"


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "I've been on sick leave for four months with depression",
            {"work_status": "sick_leave", "sick_leave": "on_leave", "treatment": True},
        ),
        (
            "I'm on partial sick leave and afraid to ask for accommodations",
            {"work_status": "reduced_hours", "sick_leave": "on_leave"},
        ),
        ("There's a serious conflict with my head of department", {"conflict": True}),
        (
            "I have chronic pain and I've been out of work for a year",
            {"work_status": "out_of_work"},
        ),
        ("Hi, I'm a GP and a mother of two", {}),
        ("I'd hope to be referred to a therapist", {}),
    ],
)
def test_volunteered_information_is_only_taken_when_clear(text, expected):
    assert volunteered(text) == expected


@pytest.mark.parametrize(
    "slot,text,expected",
    [
        ("sleep", "the kids wake me, so so", "some_problems"),
        ("sick_leave", "my GP suggested sick leave but I said no because of the rota", "dilemma"),
        ("sick_leave", "I know I should be off sick but who would see my patients?", "dilemma"),
        ("work_status", "working 40 percent, the rest is sick leave", "reduced_hours"),
    ],
)
def test_more_ways_of_saying_it(slot, text, expected):
    assert interpret(slot, text).value == expected


# How other doctors put it: a broader table than the dev personas, so that the reading generalises.
OTHER_WORDS = [
    ("work_status", "Yes, I work as a GP", "working"),
    ("work_status", "I'm a resident in paediatrics", "working"),
    ("work_status", "locum shifts mostly", "working"),
    ("work_status", "on leave at the moment", "sick_leave"),
    ("work_status", "I'm currently off work", "sick_leave"),
    ("work_status", "sick-listed since May", "sick_leave"),
    ("work_status", "unemployed", "out_of_work"),
    ("work_status", "I quit my job last month", "out_of_work"),
    ("work_status", "I'm between jobs", "out_of_work"),
    ("work_status", "I've gone down to 60%", "reduced_hours"),
    ("work_status", "part time because of my health", "reduced_hours"),
    ("work_status", "yes", "working"),
    ("workload", "crazy", "unreasonable"),
    ("workload", "I'm doing the work of two people", "unreasonable"),
    ("workload", "60 hours a week", "unreasonable"),
    ("workload", "pretty heavy", "heavy"),
    ("workload", "it's a lot", "heavy"),
    ("workload", "too much to be honest", "unreasonable"),
    ("workload", "fine", "manageable"),
    ("workload", "under control", "manageable"),
    ("workload", "quite high", "heavy"),
    ("workload", "OK", "manageable"),
    ("workload", "normal for a GP", "manageable"),
    ("workload", "hard, lots of admin", "heavy"),
    ("workload", "more than I can handle", "unreasonable"),
    ("workload", "completely unmanageable", "unreasonable"),
    ("sleep", "terrible", "poor"),
    ("sleep", "I wake up several times every night", "poor"),
    ("sleep", "fine", "good"),
    ("sleep", "I sleep like a log", "good"),
    ("sleep", "difficulty falling asleep", "some_problems"),
    ("sleep", "around 5 hours", "poor"),
    ("sleep", "insomnia", "poor"),
    ("sleep", "not too bad", "good"),
    ("sleep", "not well", "poor"),
    ("sleep", "so-so", "some_problems"),
    ("sleep", "I need sleeping pills to sleep", "poor"),
    ("sleep", "bad dreams", "poor"),
    ("conflict", "no", False),
    ("conflict", "not at all", False),
    ("conflict", "yes with my boss", True),
    ("conflict", "a colleague keeps undermining me", True),
    ("conflict", "there's a lot of tension in the department", True),
    ("conflict", "we disagree sometimes but it's fine", False),
    ("coping", "not really", "struggling"),
    ("coping", "I'm okay", "coping"),
    ("coping", "just about", "struggling"),
    ("coping", "badly", "struggling"),
    ("coping", "I can't do this anymore", "not_coping"),
    ("coping", "everything feels too much", "not_coping"),
    ("coping", "fine", "coping"),
    ("coping", "I'm managing", "coping"),
    ("coping", "it's getting harder", "struggling"),
    ("coping", "no", "not_coping"),
    ("coping", "yes", "coping"),
    ("coping", "I feel like I'm drowning", "not_coping"),
    ("sick_leave", "no", "not_relevant"),
    ("sick_leave", "I'd never take sick leave", "not_relevant"),
    ("sick_leave", "I'm off sick now", "on_leave"),
    ("sick_leave", "I'd like to but I can't", "dilemma"),
    ("sick_leave", "I've considered it", "dilemma"),
    ("sick_leave", "yes I've thought about it a lot", "dilemma"),
    ("sick_leave", "I feel guilty even thinking about it", "dilemma"),
    ("sick_leave", "not needed", "not_relevant"),
    ("sick_leave", "I'm on leave", "on_leave"),
    ("treatment", "yes, my GP", True),
    ("treatment", "I take antidepressants", True),
    ("treatment", "I'm in therapy", True),
    ("treatment", "no", False),
    ("treatment", "not yet", False),
    ("treatment", "I haven't told anyone", False),
    ("treatment", "I've got a diagnosis of depression", True),
    ("expectation", "someone to listen", "advice"),
    ("expectation", "practical help", "tools"),
    ("expectation", "to return to work", "way_back"),
    ("expectation", "a referral to a psychologist", "referral"),
    ("expectation", "I want to understand why I feel like this", "advice"),
    ("expectation", "no idea", "unsure"),
    ("expectation", "support", "advice"),
    ("expectation", "help", "unsure"),
    ("expectation", "medication advice", "referral"),
    ("expectation", "to find out if I should quit medicine", "way_back"),
    ("expectation", "a plan", "tools"),
    ("self_harm", "no", False),
    ("self_harm", "nope", False),
    ("self_harm", "yes, sometimes", True),
    ("self_harm", "occasionally", True),
    ("self_harm", "not really", False),
    ("self_harm", "I have had those thoughts", True),
    ("self_harm", "never", False),
]


@pytest.mark.parametrize("slot,text,expected", OTHER_WORDS)
def test_other_doctors_words(slot, text, expected):
    reading = interpret(slot, text)
    assert reading.outcome is Outcome.VALUE and reading.value == expected, reading


@pytest.mark.parametrize(
    "text,expected",
    [
        ("yes but I would never act on it", True),
        ("yeah sometimes", True),
        ("a bit", True),
        ("on occasion", True),
        ("only fleetingly", True),
        ("more than I would like", True),
        ("once or twice", True),
        ("not lately", False),
        ("I used to, not now", False),
        ("none", False),
        ("no I'm fine", False),
        ("No, I've never thought about harming myself", False),
    ],
)
def test_the_safety_question_hears_a_yes_even_with_a_but(text, expected):
    assert interpret("self_harm", text).value is expected


# A third round of other doctors' words (short answers, slang, the past tense, partial leave).
MORE_WORDS = [
    ("work_status", "working full-time as a GP", "working"),
    ("work_status", "Im working", "working"),
    ("work_status", "still at work but barely", "working"),
    ("work_status", "I work nights in the ICU", "working"),
    ("work_status", "on parental leave", "out_of_work"),
    ("work_status", "I'm a medical student", "working"),
    ("work_status", "sykmeldt", "sick_leave"),
    ("work_status", "I've been on leave for two months", "sick_leave"),
    ("work_status", "100% sick leave", "sick_leave"),
    ("work_status", "graded sick leave 50%", "reduced_hours"),
    ("work_status", "I'm a consultant", "working"),
    ("work_status", "in clinical practice", "working"),
    ("workload", "brutal", "unreasonable"),
    ("workload", "too high", "unreasonable"),
    ("workload", "extremely high", "unreasonable"),
    ("workload", "high", "heavy"),
    ("workload", "a bit much", "heavy"),
    ("workload", "ok I guess", "manageable"),
    ("workload", "light at the moment", "manageable"),
    ("workload", "very heavy", "heavy"),
    ("workload", "I never finish my tasks", "heavy"),
    ("workload", "I work every weekend", "unreasonable"),
    ("workload", "40 hours, fine", "manageable"),
    ("sleep", "I can't fall asleep", "poor"),
    ("sleep", "I sleep 7 hours", "good"),
    ("sleep", "restless", "some_problems"),
    ("sleep", "I wake up tired", "some_problems"),
    ("sleep", "I'm sleeping too much", "some_problems"),
    ("sleep", "good enough", "good"),
    ("sleep", "horrible", "poor"),
    ("sleep", "pretty good", "good"),
    ("coping", "I'm hanging in there", "struggling"),
    ("coping", "holding up", "coping"),
    ("coping", "falling behind on everything", "struggling"),
    ("coping", "I'm coping but it's hard", "struggling"),
    ("coping", "not coping well", "not_coping"),
    ("coping", "I manage, mostly", "coping"),
    ("coping", "I feel like I'm failing", "struggling"),
    ("coping", "I can't get out of bed", "not_coping"),
    ("coping", "it's okay", "coping"),
    ("sick_leave", "I'm scared of what colleagues would think", "dilemma"),
    ("sick_leave", "I don't need it", "not_relevant"),
    ("sick_leave", "no, not at all", "not_relevant"),
    ("sick_leave", "I would feel like a failure", "dilemma"),
    ("sick_leave", "I have been on leave before", "not_relevant"),
    ("treatment", "yes I see a psychiatrist", True),
    ("treatment", "my fastlege knows", True),
    ("treatment", "no one knows", False),
    ("treatment", "not at the moment", False),
    ("treatment", "I had therapy years ago", False),
    ("expectation", "advice on what to do", "advice"),
    ("expectation", "to feel better", "unsure"),
    ("expectation", "someone who understands", "advice"),
    ("expectation", "help to decide about sick leave", "advice"),
    ("expectation", "tips", "tools"),
    ("expectation", "to get treatment", "referral"),
    ("expectation", "a way out of medicine", "way_back"),
    ("expectation", "to go back to work", "way_back"),
    ("warning_signs", "I'm always tired and I've lost interest in things", "exhaustion"),
    ("warning_signs", "I have panic attacks", "anxiety"),
    ("warning_signs", "I snap at everyone", "irritability"),
    ("warning_signs", "headaches every day", "physical_symptoms"),
    ("warning_signs", "I feel nothing", "numbness"),
    ("warning_signs", "I keep making small errors", "fear_of_mistakes"),
]


@pytest.mark.parametrize("slot,text,expected", MORE_WORDS)
def test_more_of_other_doctors_words(slot, text, expected):
    reading = interpret(slot, text)
    assert reading.outcome is Outcome.VALUE, reading
    value = reading.value
    assert (expected in value) if isinstance(value, list) else value == expected


# --- fuzzing (hypothesis): whatever a doctor types, the answer is a coded value or nothing -------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from bot.core.values import FORM_SLOTS, is_valid_value  # noqa: E402


@settings(max_examples=600, deadline=None)
@given(st.sampled_from(FORM_SLOTS), st.text(max_size=500))
def test_any_answer_maps_to_a_coded_value_or_to_nothing(slot, text):
    result = interpret(slot, text)
    assert result.outcome in set(Outcome)
    if result.outcome is Outcome.VALUE:
        assert is_valid_value(slot, result.value), (slot, text, result.value)
    else:
        assert result.value is None


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=500))
def test_whatever_is_volunteered_is_a_coded_value(text):
    for slot, value in volunteered(text).items():
        assert slot in FORM_SLOTS and is_valid_value(slot, value), (slot, value)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([(slot, text, expected) for slot, text, expected, _ in CASES]),
    st.text(alphabet=" \t\n", max_size=3),
    st.text(alphabet=" \t\n", max_size=3),
    st.booleans(),
)
def test_case_and_surrounding_whitespace_change_nothing(case, before, after, upper):
    slot, text, expected = case
    typed = before + (text.upper() if upper else text) + after
    assert interpret(slot, typed) == interpret(slot, text), typed


def test_a_bad_answer_pattern_fails_at_start_up():
    from bot.core.answers import _compile

    with pytest.raises(ValueError, match="bad pattern in skip"):
        _compile([r"\b(too much"], "skip")
    # normalise() lowers the text and the patterns run without IGNORECASE: a capital would never match.
    with pytest.raises(ValueError, match="not in lower case"):
        _compile([r"\bSleep\b"], "skip")
    assert _compile([r"\bno\W+sleep\b"], "skip")[0].search("no... sleep")
