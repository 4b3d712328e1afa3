"""How the lexicon and the ML classifier combine (components/safety_net.py acts on this)."""

import pytest

from bot.core.commands import confirms_command
from bot.core.safety import CRISIS, UNCLEAR, read_message


@pytest.mark.parametrize(
    "text,ml_intent,confidence,expected,why",
    [
        (
            "I know which tablets I'd take",
            "inform",
            0.9,
            CRISIS,
            "the lexicon overrides a missed disclosure",
        ),
        (
            "No, I've never thought about harming myself",
            CRISIS,
            0.99,
            "deny",
            "a denial is never a crisis",
        ),
        (
            "this on-call week will be the death of me",
            CRISIS,
            0.6,
            UNCLEAR,
            "a weak ML guess gets the direct question",
        ),
        (
            "I can't go on like this",
            CRISIS,
            0.95,
            CRISIS,
            "a confident ML crisis with worrying words",
        ),
        (
            "I can't go on like this",
            "inform",
            0.8,
            UNCLEAR,
            "worrying words alone: ask directly",
        ),
        ("heavy", "inform", 0.9, "inform", "ordinary answers pass through"),
        (
            "hmm",
            UNCLEAR,
            0.4,
            "inform",
            "the classifier alone never raises the question",
        ),
    ],
)
def test_decide_intent(text, ml_intent, confidence, expected, why):
    assert read_message(text, ml_intent, confidence, 0.85).intent == expected, why


@pytest.mark.parametrize(
    "intent,text,expected",
    [
        ("stop", "stop", True),
        ("stop", "I can't stop crying", False),
        ("restart", "start over", True),
        ("restart", "I want to restart my career", False),
        ("skip", "skip this one", True),
        ("skip", "I skip lunch every day", False),
        ("ask_why", "why do you ask?", True),
        ("request_handoff", "I want to talk to a person", True),
        ("request_handoff", "someone to talk it through with", False),
        ("inform", "anything", True),
    ],
)
def test_commands_are_confirmed_by_their_words(intent, text, expected):
    assert confirms_command(intent, text) is expected


@pytest.mark.parametrize(
    "intent,text,expected",
    [
        # Bokmål, Nynorsk, dialect, without æøå, typos
        ("stop", "stopp", True),
        ("stop", "Stopp her", True),
        ("stop", "avslutt samtalen", True),
        ("stop", "eg vil ikkje halde fram", True),
        ("stop", "nå orker jeg ikke flere spørsmål", True),
        ("stop", "ok, det får holde", True),
        ("stop", "klarer ikke slutte å gråte", False),
        ("stop", "jeg vil slutte i jobben", False),
        ("stop", "jeg vil slutte", False),  # often: quit the job
        ("stop", "jeg orker ikke mer", False),  # for the crisis net, not a command
        ("stop", "alt har stoppet opp", False),
        ("restart", "begynn på nytt", True),
        ("restart", "kan vi starte pa nytt?", True),
        ("restart", "byrje på nytt", True),
        ("restart", "nullstill", True),
        ("restart", "jeg vil starte på nytt i en annen jobb", False),
        ("skip", "hopp over", True),
        ("skip", "kan vi hoppe over det?", True),
        ("skip", "neste spoersmaal", True),
        ("skip", "det vil eg ikkje svare på", True),
        ("skip", "jeg hopper over lunsj hver dag", False),
        ("skip", "neste uke skal jeg på kurs", False),
        ("ask_why", "hvorfor spør du om det?", True),
        ("ask_why", "kvifor spør du om det", True),
        ("ask_why", "hvorfor spor dere om sovn", True),
        ("ask_why", "men hvorfor?", True),
        ("ask_why", "hva har det med saken å gjøre?", True),
        ("ask_why", "skjønner ikke hvorfor jeg er så sliten", False),
        ("ask_why", "nei, men skjønner hvorfor dere spør", False),
        ("request_handoff", "jeg vil snakke med et menneske", True),
        ("request_handoff", "eg vil snakke med nokon", True),
        ("request_handoff", "vil snakke med noen pa telefon", True),
        ("request_handoff", "kan noen ringe meg?", True),
        ("request_handoff", "kan en stottekollega kontakte meg", True),
        ("request_handoff", "noen å snakke med", False),
        ("request_handoff", "jeg vil snakke med noen om hvordan jeg kan sette grenser", False),
        ("request_handoff", "mamma ringer meg midt i konsultasjoner", False),
        ("request_handoff", "snakker jeg med et menneske?", False),
        ("withdraw_summary", "trekk tilbake oppsummeringen min", True),
        ("withdraw_summary", "eg vil trekkje tilbake samtykket", True),
        ("withdraw_summary", "slett AEAA4MTK", True),  # read on the plain text: folding would change the code
        ("withdraw_summary", "jeg vil ikke dele oppsummeringen likevel", True),
        ("withdraw_summary", "jeg sletter e-poster hele kvelden", False),
    ],
)
def test_norwegian_commands_are_confirmed_by_their_words(intent, text, expected):
    assert confirms_command(intent, text) is expected


@pytest.mark.parametrize(
    "text",
    ["I want to understand why I feel like this", "I don't know why I'm so tired", "why me"],
)
def test_an_answer_with_why_in_it_is_not_the_why_question(text):
    assert not confirms_command("ask_why", text)
