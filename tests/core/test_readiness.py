"""What a counsellor is told to be ready for: the ladder over the coded themes, as a table."""

from pathlib import Path

import pytest

from bot.core.content import READY_FOR, load_content
from bot.core.readiness import LADDER, ready_for

CONTENT = load_content(Path(__file__).resolve().parents[2] / "bot" / "core" / "content" / "no.yml")


@pytest.mark.parametrize(
    "themes, crisis, expected",
    [
        ({}, False, ()),
        ({}, True, ("crisis",)),
        ({"self_harm": True}, False, ("crisis",)),
        ({"self_harm": False}, False, ()),
        ({"sick_leave": "dilemma"}, False, ("sick_leave_dilemma",)),
        ({"sick_leave": "on_leave"}, False, ()),
        ({"expectation": "referral"}, False, ("wants_treatment",)),
        ({"expectation": "referral", "treatment": False}, False, ("wants_treatment",)),
        ({"expectation": "referral", "treatment": True}, False, ("in_treatment",)),  # already has it
        ({"treatment": True}, False, ("in_treatment",)),
        ({"expectation": "way_back"}, False, ("way_back",)),
        ({"expectation": "advice"}, False, ()),
        ({"conflict": True}, False, ("conflict",)),
        ({"conflict": False}, False, ()),
        ({"coping": "not_coping"}, False, ("not_coping",)),
        ({"coping": "struggling"}, False, ()),
        ({"sleep": "poor"}, False, ("sleep_poor",)),
        ({"sleep": "some_problems"}, False, ()),
        ({"self_harm": "yes"}, False, ()),  # only the coded True counts
        (
            {
                "sleep": "poor",
                "coping": "not_coping",
                "conflict": True,
                "expectation": "way_back",
                "treatment": True,
                "sick_leave": "dilemma",
                "self_harm": True,
            },
            False,
            ("crisis", "sick_leave_dilemma", "in_treatment", "way_back", "conflict", "not_coping", "sleep_poor"),
        ),
        (
            {"sleep": "poor", "expectation": "referral", "sick_leave": "dilemma"},
            True,
            ("crisis", "sick_leave_dilemma", "wants_treatment", "sleep_poor"),
        ),
    ],
)
def test_the_ladder(themes, crisis, expected):
    assert ready_for(themes, crisis) == expected


def test_every_rung_has_words_in_the_content_file_and_the_content_check_asks_for_each():
    keys = [key for key, _ in LADDER]
    assert len(set(keys)) == len(keys)
    assert set(keys) == {*READY_FOR, "way_back"}
    assert all(CONTENT.labels["ready_for"][key] for key in keys)
