"""Intake summaries and handoff requests: coded themes only, a code that is easy to read aloud, lookup by
code, withdrawal, expiry and the purge (with a controllable clock). On SQLite and on PostgreSQL."""

from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from bot.core.content import content_from
from bot.core.summary import CODE_ALPHABET, CODE_LENGTH, find_code, new_code, normalise_code, summarise
from bot.settings import ROOT
from bot.storage.models import IntakeTally
from tests.storage.conftest import all_rows

CONTENT = content_from(str(ROOT / "bot" / "core" / "content" / "no.yml"))
PLANTED = "Zebulon-Quartz-7741 my chief shouts at me"
SLOTS = {
    "work_status": "working",
    "workload": "unreasonable",
    "sleep": PLANTED,  # free text that reached a slot must never be stored
    "warning_signs": ["exhaustion", "concentration"],
    "conflict": True,
    "coping": "not_coping",
    "sick_leave": "dilemma",
    "treatment": False,
    "expectation": "tools",
    "self_harm": False,
    "help_category": "looking_for_advice",  # what a client claims is ignored: the category is computed
    "crisis": False,
}
NOW = datetime(2026, 11, 18, 21, 30, tzinfo=timezone.utc)


def test_codes_are_eight_characters_without_look_alikes_and_always_hold_a_digit():
    assert not set("0O1IL5S2Z8B") & set(CODE_ALPHABET)
    for _ in range(500):
        code = new_code()
        assert len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET)
        assert any(c.isdigit() for c in code) and any(c.isalpha() for c in code)


@pytest.mark.parametrize(
    "text,code",
    [
        ("7kqx 4mta", "7KQX4MTA"),
        ("7KQX-4MTA", "7KQX4MTA"),
        (" 7KQX4MTA ", "7KQX4MTA"),
        ("7KQX4MT0", None),  # 0 is never in a code
        ("7KQX4M", None),
        (None, None),
    ],
)
def test_codes_are_read_the_way_people_write_them(text, code):
    assert normalise_code(text) == code


def test_a_code_is_found_inside_a_message_but_a_word_never_is():
    assert find_code("please withdraw 7kqx 4mta, thanks") == "7KQX4MTA"
    assert find_code("withdraw the prepared summary") is None
    assert find_code("delete my summary") is None


def test_the_summary_is_computed_from_the_coded_answers_only():
    summary = summarise(SLOTS, CONTENT)
    assert summary.help_category == "fear_of_not_coping"
    assert "sleep" not in summary.themes and summary.themes["coping"] == "not_coping"
    assert "sick_leave_dilemma" in summary.reasons and "sick_leave_dilemma" in summary.barriers
    assert summary.crisis is False
    assert summarise({**SLOTS, "crisis": True}, CONTENT).crisis is True


def test_a_stored_intake_holds_no_free_text_and_is_found_by_its_code(store):
    intake = store.record_intake(summarise(SLOTS, CONTENT), now=NOW)
    assert PLANTED.split()[0] not in all_rows(store.engine)
    found = store.find_intake(intake.code.lower(), now=NOW + timedelta(days=1))
    assert found.help_category == "fear_of_not_coping"
    assert found.themes["warning_signs"] == ["exhaustion", "concentration"]
    assert found.expires_at.replace(tzinfo=timezone.utc) == NOW + timedelta(days=30)
    assert store.find_intake("7KQX4MTA") is None and store.find_intake("not a code") is None


def test_withdrawal_deletes_the_summary_and_its_place_in_the_trends(store):
    intake = store.record_intake(summarise(SLOTS, CONTENT), now=NOW)
    kept = store.record_intake(summarise(SLOTS, CONTENT), now=NOW)
    assert store.withdraw_intake(intake.code[:4] + " " + intake.code[4:].lower()) is True
    assert store.find_intake(intake.code, now=NOW) is None
    assert store.withdraw_intake(intake.code) is False
    with store.session() as session:
        tallies = session.execute(sa.select(IntakeTally.intake_id)).scalars().all()
    assert tallies == [kept.id]


def test_expiry_and_purge_with_a_controllable_clock(store):
    old = store.record_intake(summarise(SLOTS, CONTENT), now=NOW)
    fresh = store.record_intake(summarise(SLOTS, CONTENT), now=NOW + timedelta(days=20))
    handoff = store.record_handoff(SLOTS, crisis=True, now=NOW)
    later = NOW + timedelta(days=31)
    assert store.find_intake(old.code, now=later) is None  # expired: not shown even before the purge
    assert store.find_handoff(handoff.code, now=later) is None
    purged = store.purge_expired(now=later)
    assert (purged.intakes, purged.handoffs) == (1, 1)
    assert store.find_intake(fresh.code, now=later) is not None
    with store.session() as session:
        tallies = session.execute(sa.select(IntakeTally.week_start, IntakeTally.intake_id)).all()
    # The expired intake's tally stays in the weekly counts, but nothing links it to a code any more.
    assert sorted(tallies, key=lambda t: t[0]) == [(date(2026, 11, 16), None), (date(2026, 12, 7), fresh.id)]


def test_a_handoff_request_holds_coded_themes_and_can_be_taken_once(store):
    request = store.record_handoff({**SLOTS, "help_category": "fear_of_not_coping"}, crisis=True, now=NOW)
    other = store.record_handoff({}, crisis=False, now=NOW + timedelta(minutes=5))
    assert PLANTED.split()[0] not in all_rows(store.engine)
    found = store.find_handoff(request.code, now=NOW)
    assert found.crisis is True and found.themes["help_category"] == "fear_of_not_coping"
    assert [r.code for r in store.waiting_handoffs(now=NOW)] == [request.code, other.code]
    assert store.take_handoff(request.id, "kari", now=NOW) is True
    assert store.take_handoff(request.id, "ola", now=NOW) is False
    assert [r.code for r in store.waiting_handoffs(now=NOW)] == [other.code]
    assert store.find_handoff(request.code, now=NOW).taken_by == "kari"


def test_intake_and_handoff_codes_never_clash(store, monkeypatch):
    import bot.storage.records

    codes = iter(["7KQX4MTA", "7KQX4MTA", "3RFA9TKD"])
    monkeypatch.setattr(bot.storage.records, "new_code", lambda: next(codes))
    first = store.record_handoff({}, crisis=False)
    second = store.record_intake(summarise(SLOTS, CONTENT))
    assert (first.code, second.code) == ("7KQX4MTA", "3RFA9TKD")
