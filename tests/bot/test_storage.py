"""Handoff requests keep coded themes only, under a code that is easy to read aloud, and expire."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from bot.storage import CODE_ALPHABET, CODE_LENGTH, Storage, coded_themes, new_code


@pytest.fixture
def store(tmp_path):
    storage = Storage(f"sqlite:///{tmp_path / 'bot.db'}", handoff_retention_days=7)
    storage.create_schema()
    return storage


def test_codes_have_no_look_alike_characters():
    for _ in range(200):
        code = new_code()
        assert len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET)
    assert not set("0O1IL5S2Z8B") & set(CODE_ALPHABET)


def test_a_handoff_request_holds_coded_themes_and_never_free_text(store, tmp_path):
    slots = {
        "workload": "unreasonable",
        "sleep": "I lie awake planning my exit",
        "warning_signs": ["hopelessness"],
        "crisis": True,
        "help_category": "fear_of_not_coping",
        "handoff_code": "x",
    }
    request = store.record_handoff(slots, crisis=True)
    found = store.find_handoff(request.code.lower())
    assert found.themes == {
        "workload": "unreasonable",
        "warning_signs": ["hopelessness"],
        "help_category": "fear_of_not_coping",
    }
    assert found.crisis is True
    with store.engine.connect() as connection:
        dump = " ".join(str(row) for row in connection.execute(text("SELECT * FROM handoff_requests")))
    assert "planning my exit" not in dump


def test_expired_requests_are_purged(store):
    old = store.record_handoff({}, crisis=False, now=datetime.now(timezone.utc) - timedelta(days=8))
    fresh = store.record_handoff({}, crisis=False)
    assert store.purge_expired() == 1
    assert store.find_handoff(old.code) is None
    assert store.find_handoff(fresh.code) is not None


def test_coded_themes_drops_values_outside_the_contract():
    assert coded_themes({"coping": "fine", "conflict": "yes", "treatment": True}) == {"treatment": True}
