"""The content file is checked at start-up: a missing fact or a broken reference stops the servers."""

from pathlib import Path

import pytest
import yaml

from bot.core.content import ContentError, content_from, load_content
from bot.core.values import HelpCategory

CONTENT_FILE = Path(__file__).resolve().parents[2] / "bot" / "core" / "content" / "no.yml"


def test_the_norwegian_content_loads_with_a_source_for_every_fact():
    content = load_content(CONTENT_FILE)
    assert {line.phone for line in content.crisis_lines} >= {
        "113",
        "116 117",
        "116 123",
        "22 40 00 40",
    }
    assert all(line.source for line in content.crisis_lines)
    assert all(service.source and service.how for service in content.services.values())
    assert set(content.recommendations) == set(HelpCategory)


def test_every_reason_the_assessment_can_give_has_a_text():
    from bot.core import assessment

    codes = {r for r, _ in assessment._WAY_BACK.values()} | {r for r, _ in assessment._STRAIN.values()}
    codes |= set(assessment._ADVICE_REASONS.values()) | {"warning_signs"}
    assert codes <= set(load_content(CONTENT_FILE).reasons)


def _broken(tmp_path, change):
    raw = yaml.safe_load(CONTENT_FILE.read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "content.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda raw: raw["services"][0].pop("source"), "source"),
        (
            lambda raw: raw["recommendations"]["fear_of_not_coping"]["services"].append("nowhere"),
            "nowhere",
        ),
        (lambda raw: raw["crisis_lines"][0].pop("phone"), "phone"),
        (lambda raw: raw["notes"].pop("barriers"), "barriers"),
        (lambda raw: raw["services"][1].pop("short_how"), "short_how"),
        (lambda raw: raw["short_notes"].pop("barriers"), "barriers"),
        (lambda raw: raw["short_notes"].update(elsewhere="a note with no long form"), "elsewhere"),
    ],
)
def test_a_broken_content_file_fails_loudly(tmp_path, change, message):
    with pytest.raises(ContentError, match=message):
        load_content(_broken(tmp_path, change))


NORWEGIAN_FILE = CONTENT_FILE.with_name("no_nb.yml")


@pytest.mark.parametrize("path", [CONTENT_FILE, NORWEGIAN_FILE], ids=["en", "nb"])
def test_the_short_way_to_reach_a_service_names_the_place_the_long_one_does(path):
    """The result shows `short_how` first; the long `how` (with `what`) comes with the details, so the short form
    may leave things out but never send the doctor somewhere else."""
    for service in load_content(path).services.values():
        assert len(service.short_how.split()) <= 16, service.id
        places = {w.strip('.,()«»"') for w in service.how.split() if "." in w.strip('.,()«»"') or w.istitle()}
        assert any(place and place in service.short_how for place in places), service.id
        assert len(service.short_how) < len(service.how), service.id


# Fields that are facts or codes, the same in every language; every other string is text a reader sees.
SAME_IN_EVERY_LANGUAGE = ("id", "phone", "chat", "source")


def _leaves(node, path=()):
    """Every string of a content file by its path; a list of items with ids is keyed by id, not by position."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, str(key)))
    elif isinstance(node, list) and all(isinstance(item, dict) and "id" in item for item in node):
        for item in node:
            yield from _leaves(item, (*path, item["id"]))
    elif isinstance(node, list):
        yield path, tuple(node)
    else:
        yield path, str(node)


def _raw(path: Path) -> dict[tuple, object]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {path: value for path, value in _leaves(raw) if path[0] not in ("country", "language")}


def test_the_norwegian_content_file_loads_and_passes_the_checks():
    content = load_content(NORWEGIAN_FILE)
    assert content.category_names == {
        HelpCategory.LOOKING_FOR_ADVICE: "Bekymret – ute etter råd",
        HelpCategory.FEAR_OF_NOT_COPING: "Redd for ikke å mestre lenger",
        HelpCategory.WAY_BACK_OR_OUT: "Ute etter en vei tilbake eller ut",
    }
    assert yaml.safe_load(NORWEGIAN_FILE.read_text(encoding="utf-8"))["language"] == "nb"


def test_both_languages_have_the_same_ids_numbers_sources_and_recommendations():
    english, norwegian = load_content(CONTENT_FILE), load_content(NORWEGIAN_FILE)
    assert _raw(NORWEGIAN_FILE).keys() == _raw(CONTENT_FILE).keys(), "the same ids, topics and values in both"
    assert [(c.id, c.phone, c.chat, c.source) for c in norwegian.crisis_lines] == [
        (c.id, c.phone, c.chat, c.source) for c in english.crisis_lines
    ]
    assert {s.id: s.source for s in norwegian.services.values()} == {s.id: s.source for s in english.services.values()}
    assert norwegian.recommendations == english.recommendations


def test_every_text_of_the_norwegian_file_was_written_in_norwegian_not_copied():
    english, norwegian = _raw(CONTENT_FILE), _raw(NORWEGIAN_FILE)
    facts = {p for p in english if p[-1] in SAME_IN_EVERY_LANGUAGE or p[0] == "recommendations"}
    assert {p: norwegian[p] for p in facts} == {p: english[p] for p in facts}
    copied = [p for p in english.keys() - facts if norwegian[p] == english[p]]
    assert not copied, f"the same text as in English: {copied}"
    read = english.keys() - facts
    assert {
        ("crisis_lines", "emergency", "name"),
        ("services", "gp", "what"),
        ("notes", "barriers"),
        ("categories", "way_back_or_out", "name"),
        ("reasons", "sleep_poor"),
        ("labels", "ready_for", "crisis"),
    } <= read, "the check reads every kind of text"


def test_the_doctors_language_picks_the_content_file_beside_the_countrys():
    from datetime import date

    from bot.core.content import content_file_for, long_date

    base = str(CONTENT_FILE)
    assert content_file_for(base, None) == base and content_file_for(base, "en") == base
    norwegian = content_file_for(base, "nb")
    assert norwegian.endswith("no_nb.yml") and content_from(norwegian).language == "nb"
    assert content_file_for(base, "sv") == base  # no Swedish file: the default, never an error
    assert long_date(date(2027, 3, 5), "nb") == "5. mars 2027"
    assert long_date(date(2027, 3, 5), "en") == "5 March 2027"
    assert long_date(date(2027, 12, 24), None) == "24 December 2027"


def test_a_summary_is_told_back_in_the_content_files_language():
    from bot.core.summary import describe, summarise

    slots = {"work_status": "working", "workload": "heavy", "sleep": "poor", "self_harm": False}
    english = content_from(str(CONTENT_FILE))
    norwegian = content_from(str(CONTENT_FILE.with_name("no_nb.yml")))
    said = describe(summarise(slots, norwegian), norwegian)
    assert said[0].startswith("Mønster: ") and said[-1] == "Krisemarkering: nei"
    assert describe(summarise(slots, english), english)[0].startswith("Pattern: ")
    assert not any(word in " ".join(said) for word in ("Pattern", "Why", "Crisis flag", "The advice"))
