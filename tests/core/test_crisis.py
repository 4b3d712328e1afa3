"""The crisis safety net. Each row: what a doctor wrote, what it must be read as, and why."""

import pytest

from bot.core.crisis import Risk, assess_risk, pattern_risk

DISCLOSURES = [
    ("I've been thinking about killing myself", "ideation"),
    ("Honestly I don't want to be alive anymore", "ideation"),
    ("what's the point of going on", "ideation"),
    ("I wish I could disappear for good", "ideation"),
    ("sometimes I think everyone would be better off without me", "ideation"),
    ("I have thoughts that I would be better off dead", "ideation"),
    ("I want to die", "ideation"),
    ("suicidel", "ideation"),
    ("i feel sucidal", "ideation"),
    ("I know which tablets I'd take", "plan_or_means"),
    ("I've written letters to my kids", "plan_or_means"),
    ("I've been stockpiling my sleeping pills", "plan_or_means"),
    ("I have a plan to end it", "plan_or_means"),
    ("I've started cutting myself to get through the evenings", "self_harm"),
    ("burning myself to feel something", "self_harm"),
    ("selfharm", "self_harm"),
    ("Since my patient's suicide I keep thinking about killing myself", "ideation"),
    ("Too much. Honestly I don't want to be alive anymore", "ideation"),
]


@pytest.mark.parametrize("text,kind", DISCLOSURES)
def test_disclosures_are_recognised(text, kind):
    result = assess_risk(text)
    assert result.risk is Risk.DISCLOSURE
    assert result.kind == kind


NOT_A_CRISIS = [
    ("this on-call week will be the death of me", "an idiom"),
    ("I could murder a coffee", "an idiom"),
    ("This job is killing me", "an idiom"),
    ("I'm dead tired", "an idiom"),
    (
        "My patient committed suicide last month",
        "someone else's suicide: a traumatic incident",
    ),
    ("a patient's suicide has stayed with me", "someone else's suicide"),
    ("my colleague killed himself", "someone else's suicide"),
    ("I do suicide risk assessments all day", "work, not the doctor's own thoughts"),
    (
        "After a patient's relative threatened to kill me I've been on sick leave",
        "a threat from someone else",
    ),
    ("A child died during a procedure I did", "a traumatic incident"),
    ("No, nothing like that, I'm just worn out", "a denial without crisis words"),
    (
        "Everything has come to a halt. I can't think straight at work.",
        "distress, not a disclosure",
    ),
]


@pytest.mark.parametrize("text,why", NOT_A_CRISIS)
def test_idioms_and_others_suicides_are_not_a_crisis(text, why):
    assert assess_risk(text).risk is Risk.NONE, why


@pytest.mark.parametrize(
    "text",
    [
        "No, I've never thought about harming myself",
        "No, I'm not thinking of hurting myself",
        "I'm not suicidal",
        "I don't want to kill myself but I am so tired",
    ],
)
def test_denials_are_answers_not_disclosures(text):
    assert assess_risk(text).risk is Risk.DENIAL


@pytest.mark.parametrize(
    "text",
    ["I can't go on like this", "I feel like dying", "I just want everything to stop"],
)
def test_unclear_words_are_never_left_without_help(text):
    """Unclear at least (the direct question with the helplines); the classifier may read a disclosure."""
    assert assess_risk(text).risk in (Risk.UNCLEAR, Risk.DISCLOSURE)


def test_a_disclosure_wins_over_a_denial_in_the_same_message():
    assert assess_risk("I'm not suicidal. But I keep thinking about killing myself").risk is Risk.DISCLOSURE


@pytest.mark.parametrize(
    "text",
    [
        "I've been looking up lethal doses of the drugs I prescribe",
        "on the way home I keep thinking about driving into a tree",
        "I've been googling painless ways to die",
        "I have the pills ready",  # the means made ready
        "I've got my sleeping tablets counted out next to my bed",
        "har pillene klare",
        "jeg har selvmords tanker igjen",  # særskriving: the compound written apart
        "tenker mye på selv mord for tiden, jeg",
        "jeg har selvmords planer",
        "driver med selv skading igjen",
        "jeg har lagt fram sovetablettene på bordet",
    ],
)
def test_plans_and_means_in_other_words(text):
    assert assess_risk(text).risk is Risk.DISCLOSURE


@pytest.mark.parametrize(
    "text",
    [
        "I drive into the hospital car park every day",
        "I checked the lethal dose of paracetamol for a patient",
        "I have the patient's tablets ready for the ward round",
        "har du tablettene klare til visitten?",
    ],
)
def test_ordinary_work_talk_is_not_a_plan(text):
    assert assess_risk(text).risk is Risk.NONE


# More of doctors' words, each with what it must be read as.
MORE = [
    ("I think about ending it all", Risk.DISCLOSURE),
    ("sometimes I wish I wouldn't wake up", Risk.DISCLOSURE),
    ("I've thought about taking an overdose", Risk.DISCLOSURE),
    ("I have the means at home", Risk.UNCLEAR),
    ("everyone would be better off if I was gone", Risk.DISCLOSURE),
    ("I'm thinking of killing myself", Risk.DISCLOSURE),
    ("I want to end my life", Risk.DISCLOSURE),
    ("I've tried to kill myself before", Risk.DISCLOSURE),
    ("I've been self-harming again", Risk.DISCLOSURE),
    ("I scratch my arms until they bleed", Risk.DISCLOSURE),
    ("I don't see the point in living", Risk.DISCLOSURE),
    ("life feels pointless", Risk.UNCLEAR),
    ("I've been having suicidal ideation", Risk.DISCLOSURE),
    ("I have thoughts of suicide", Risk.DISCLOSURE),
    ("I've been hitting myself", Risk.DISCLOSURE),
    ("I hurt myself on purpose", Risk.DISCLOSURE),
    ("I want to go to sleep and never wake up", Risk.DISCLOSURE),
    ("I'm ready to die", Risk.DISCLOSURE),
    ("I'd be better off not being here", Risk.DISCLOSURE),
    ("I could just disappear and nobody would notice", (Risk.UNCLEAR, Risk.DISCLOSURE)),  # help shown either way
    ("I've stopped caring if I live or die", Risk.DISCLOSURE),
    ("I thought about hanging myself", Risk.DISCLOSURE),
    ("I stood on the bridge last night", Risk.DISCLOSURE),  # a rehearsal (issue 12)
    ("a patient died on my shift", Risk.NONE),
    ("the patient had a suicide attempt", Risk.NONE),
    ("I work in a suicide prevention team", Risk.NONE),
    ("I'm dying to get some sleep", Risk.NONE),
    ("killing time between patients", Risk.NONE),
    ("this deadline is killing me", Risk.NONE),
    ("my dad died last year and I miss him", Risk.NONE),
    ("I'm not going to hurt myself", Risk.DENIAL),
    ("I would never kill myself, I have kids", Risk.DENIAL),
    ("no suicidal thoughts", Risk.DENIAL),
    ("no thoughts like that", Risk.NONE),
    ("I cut myself shaving", Risk.NONE),
    ("I had to tell a family their son had killed himself", Risk.NONE),
    ("we lost a patient to suicide", Risk.NONE),
    ("I'm sick to death of the rota", Risk.NONE),
    ("my back is killing me", Risk.NONE),
    ("I burned myself on the coffee machine", Risk.NONE),
]


@pytest.mark.parametrize("text,expected", MORE)
def test_more_words(text, expected):
    assert assess_risk(text).risk in (expected if isinstance(expected, tuple) else (expected,))


@pytest.mark.parametrize(
    "text,expected",
    [
        ("I want to kil myself", Risk.DISCLOSURE),
        ("i dont wanna be alive", Risk.DISCLOSURE),
        ("I don't think I can keep living like this", Risk.DISCLOSURE),
        ("I've had enough of life", Risk.DISCLOSURE),
        ("I'm tired of living", Risk.DISCLOSURE),
        ("wanna die", Risk.DISCLOSURE),
        ("kms", Risk.DISCLOSURE),
        ("Ive been cutting", Risk.DISCLOSURE),
        ("I took too many pills on purpose", Risk.DISCLOSURE),
        ("no one would miss me", Risk.UNCLEAR),
        ("I've been cutting back on coffee", Risk.NONE),
        ("I have been cutting down my hours", Risk.NONE),
        ("I'm tired of the rota", Risk.NONE),
        ("I took too many shifts", Risk.NONE),
        ("I'm about to die of boredom in this meeting", Risk.NONE),
    ],
)
def test_misspellings_slang_and_near_misses(text, expected):
    assert assess_risk(text).risk is expected


# --- fuzzing (hypothesis): any text at all, and disclosures hidden in it ---------------------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

NEUTRAL_WORDS = ["the", "rota", "was", "long", "and", "I", "slept", "badly", "on-call", "ward", "tired", "patients",
                 "today", "honestly", "😩", "...", "ok", "my", "boss", "shift", "nights", "again", "so"]  # fmt: skip
filler = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(NEUTRAL_WORDS), max_size=30).map(" ".join),
)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=2000))
def test_any_text_is_read_without_raising(text):
    assert assess_risk(text).risk in set(Risk)


@settings(max_examples=300, deadline=None)
@given(filler, st.sampled_from([text for text, _ in DISCLOSURES]), filler, st.sampled_from([". ", "! ", "\n", "? "]))
def test_a_disclosure_between_any_other_sentences_is_still_found(before, disclosure, after, stop):
    text = f"{before}{stop}{disclosure}{stop}{after}"
    assert assess_risk(text).risk is Risk.DISCLOSURE, text


def test_an_idiom_is_not_read_across_a_line_break():
    """Found by the fuzzing above: "…better off dead" then "tired" on the next line was read as "dead tired"."""
    assert assess_risk("I have thoughts that I would be better off dead\nTIRED").risk is Risk.DISCLOSURE
    assert assess_risk("this on-call week will be the death of me").risk is Risk.NONE


# Norwegian, in the ways doctors write it (written for these tests; not rows of the crisis corpus).
NORWEGIAN_DISCLOSURES = [
    ("Jeg vil ta livet mitt", "bokmål, direct"),
    ("jeg tenker på selvmord", "bokmål, direct"),
    ("jeg orker ikke leve lenger", "cannot go on living"),
    ("har spart opp sovetabletter", "saving up pills"),
    ("Eg orkar ikkje leve lenger", "nynorsk"),
    ("æ har tenkt på å ta livet mitt", "dialect: æ for jeg"),
    ("har tenkt paa aa ta livet mitt", "no æøå: aa"),
    ("har tenkt pa a ta livet mitt", "no æøå: a"),
    ("jeg har tenkt på selvmor", "a typo"),
    ("honestly, jeg vil bare dø", "English mixed in"),
    ("familien hadde hatt det bedre uten meg", "others better off"),
    ("jeg har skrevet avskjedsbrev til ungene", "preparation"),
    ("jeg har begynt å kutte meg igjen", "self-harm"),
    ("Eg har byrja å planleggje korleis eg skal gjere slutt på det.", "nynorsk: planning how to end it"),
    (
        "Lang vakt igjen, tre innleggelser og ingen pause. Jeg har tenkt på å ta livet mitt. "
        "Vet ikke hvem jeg skal si det til.",
        "in the middle of a long message",
    ),
]


@pytest.mark.parametrize("text,why", NORWEGIAN_DISCLOSURES)
def test_norwegian_disclosures_are_recognised(text, why):
    result = assess_risk(text)
    assert result.risk is Risk.DISCLOSURE, why
    assert result.language == "nb" or result.source == "classifier", why


NORWEGIAN_NOT_A_CRISIS = [
    ("denne uka dreper meg", "an idiom"),
    ("jeg holdt på å dø av latter", "an idiom"),
    ("Denne vaktplanen kommer til å ta livet av meg", "an idiom"),
    ("vurderte suicidalfare hos en pasient", "clinical talk"),
    ("nei, det har jeg aldri tenkt", "a denial"),
    ("Nei, ingen selvmordstanker", "a denial"),
    ("selvmordstanker? Nei, aldri.", "a denial after the question"),
    ("pasienten min tok livet sitt i fjor", "someone else's suicide"),
    ("jeg klarer meg fint i hverdagen", "an ordinary answer"),
]


@pytest.mark.parametrize("text,why", NORWEGIAN_NOT_A_CRISIS)
def test_norwegian_idioms_others_and_denials_are_not_a_crisis(text, why):
    assert assess_risk(text).risk in (Risk.NONE, Risk.DENIAL), why


# Exceptions found on the Norwegian dev personas (tests/e2e/data/personas-nb-dev.json), each beside its near
# neighbour, which must still be a disclosure: whose the crisis words are, said after them; leaving the profession;
# someone else's words after a colon or "sa at han".
EXCEPTIONS_AND_NEIGHBOURS = [
    (
        "Nei, ingen egne. Jeg snakker om selvmordstanker hele dagen, men det er pasientenes, ikke mine.",
        "Jeg snakker om selvmordstanker hele dagen, men selvmordstankene er mine.",
    ),
    (
        "Selvmordstanker? Pasientene har dem hver dag, ikke meg.",
        "Selvmordstanker? Pasientene har dem hver dag, og mine egne selvmordstanker blir ikke borte.",
    ),
    (
        "I talk about suicidal thoughts all day, but they're my patients', not mine.",
        "I talk to patients about suicide all day, but the suicidal thoughts are mine too.",
    ),
    (
        "Suicidal thoughts? My patients have them every day, not me.",
        "Suicidal thoughts? My patients have them every day, and I have my own suicidal thoughts too.",
    ),
    (
        "Jeg vil ut av dette yrket, men vet ikke hva annet en lege kan gjøre.",
        "Jeg vil ut av livet, men vet ikke hvordan.",
    ),
    ("Jeg vil bare ut av medisinen.", "Jeg vil bare ut av verden."),
    ("Har bestemt meg for at klinikken er et avsluttet kapittel.", "Jeg har bestemt meg. Det blir i helgen."),
    ("Har sagt opp, bestemt meg for å slutte som fastlege.", "Har bestemt meg for å ta livet mitt."),
    ("I want out of medicine.", "I want out of life."),
    # The patterns no longer read this as a plan; the classifier still does (a decision and a weekend).
    ("I've decided to quit my job this weekend.", "I've decided to end it this weekend."),
    (
        "Pasienten sa rett ut: jeg skal ta livet mitt i helga.",
        "Jeg sa det rett ut til kona: jeg skal ta livet mitt i helga.",
    ),
    (
        "Broren min sa i telefonen at han ikke orker å leve lenger.",
        "Jeg sa i telefonen at jeg ikke orker å leve lenger.",
    ),
    (
        "The med student shadowing me said he wanted to end it all.",
        "I told the med student shadowing me that I wanted to end it all.",
    ),
]


@pytest.mark.parametrize("exception,neighbour", EXCEPTIONS_AND_NEIGHBOURS)
def test_each_exception_leaves_its_near_neighbour_a_disclosure(exception, neighbour):
    assert pattern_risk(exception).risk is not Risk.DISCLOSURE
    assert pattern_risk(neighbour).risk is Risk.DISCLOSURE


@pytest.mark.parametrize(
    "text",
    [
        "Nei, ingen egne. Jeg snakker om selvmordstanker hele dagen, men det er pasientenes, ikke mine.",
        "Hei. Jeg har vært sykmeldt for depresjon i et halvt år og har bestemt meg for at klinikken er et avsluttet "
        "kapittel. Jeg vil ut av dette yrket, men vet ikke hva annet en lege kan gjøre.",
    ],
)
def test_the_dev_personas_pattern_false_alarms_get_no_crisis_help(text):
    assert assess_risk(text).risk is not Risk.DISCLOSURE


@pytest.mark.parametrize(
    "pattern, message",
    [
        (r"\b(kill|end) (myself", "bad crisis pattern"),
        # Both readings are lower case (bot/core/textnorm.py) and the patterns run without IGNORECASE, so a capital
        # would silently never match.
        (r"\bI want to die\b", "lower case"),
    ],
)
def test_a_bad_lexicon_fails_at_start_up(tmp_path, pattern, message):
    import yaml

    from bot.core.crisis import LEXICON_FILE, load_crisis_lexicon

    raw = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8"))
    raw["disclosure"][0]["patterns"].append(pattern)
    path = tmp_path / "crisis.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_crisis_lexicon(path)


def test_escapes_in_upper_case_are_allowed():
    from bot.core.crisis import _compile

    assert _compile(r"\bend\W+it\b").search("i want to end... it")


def test_a_folded_pattern_with_letters_the_folded_reading_never_has_fails_at_start_up(tmp_path):
    """A Norwegian pattern that spells "noen" would never match: the folded reading has "non"."""
    import yaml

    from bot.core.crisis import LEXICON_DIR, load_crisis_lexicon

    raw = yaml.safe_load((LEXICON_DIR / "crisis_nb.yml").read_text(encoding="utf-8"))
    raw["disclosure"][0]["patterns"].append(r"\bingen grunn til at noen skal savne meg\b")
    path = tmp_path / "crisis_nb.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match="noen"):
        load_crisis_lexicon(path)
    assert assess_risk("Ser ikke noen grunn til å leve").is_crisis  # the pattern as the lexicon spells it: "non"


# Chat drops the subject: a clause that starts with a verb and names no one is the writer's own (the lexicon's
# implicit_subject). Whose it is is still decided on the words as written: a question to someone, someone else named
# after the verb, or someone else earlier in the clause, stays someone else's. Each written for this test, not taken
# from any persona or corpus row.
SUBJECT_DROPPED = [
    ("er overlege og har hatt selvmordstanker i vinter", Risk.DISCLOSURE),
    ("Sliter. har hatt selvmordstanker siste uka", Risk.DISCLOSURE),
    ("jobber for mye, men har hatt selvmordstanker en stund", Risk.DISCLOSURE),
    ("hadde selvmordstanker i helga, første gang", Risk.DISCLOSURE),
    ("kjenner på selvmordstanker nesten hver kveld", Risk.DISCLOSURE),
    ("hun er 50 og har hatt selvmordstanker lenge", Risk.NONE),
    ("har pasienten selvmordstanker må hun henvises", Risk.NONE),
    ("har dere rutiner for pasienter med selvmordstanker?", Risk.NONE),
    ("har hatt mange pasienter med selvmordstanker i høst", Risk.NONE),
    ("er ikke suicidal, bare sliten", Risk.DENIAL),
]


# "en" before a word of time is not someone else ("en uke", "en gang"), and Nynorsk's «skjere meg» is cutting oneself.
# Found on a blind Norwegian persona set (2026-12-05); each written here in words of this test's own.
TIME_IS_NOT_SOMEONE_ELSE = [
    ("jobbet fire netter på en uke, og nå tenker jeg på selvmord", Risk.DISCLOSURE),
    ("det er en stund siden, men jeg har tenkt på selvmord igjen", Risk.DISCLOSURE),
    ("eg har byrja å skjere meg i armen att", Risk.DISCLOSURE),
    ("en kollega av meg tenker på selvmord", Risk.NONE),
    ("hadde en pasient i går som snakket om selvmord", Risk.NONE),
]


@pytest.mark.parametrize("text,expected", SUBJECT_DROPPED + TIME_IS_NOT_SOMEONE_ELSE)
def test_whose_a_clause_is_without_a_subject_or_after_en_and_nynorsk_cutting(text, expected):
    result = assess_risk(text).risk
    assert result is expected or (expected is Risk.NONE and result is Risk.DENIAL), (text, result)
