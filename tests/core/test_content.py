"""The content file is checked at start-up: a missing fact or a broken reference stops the servers."""

from pathlib import Path

import pytest
import yaml

from bot.core.content import ContentError, load_content
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
    ],
)
def test_a_broken_content_file_fails_loudly(tmp_path, change, message):
    with pytest.raises(ContentError, match=message):
        load_content(_broken(tmp_path, change))
