"""Counsellor accounts: Argon2 hashes, sessions that expire, the sign-in rate limit, the audit log, and the
purge of what is past its time. On SQLite and on PostgreSQL, with a controllable clock."""

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from bot.storage.counsellors import (
    ACCOUNT_FAILURES,
    CLIENT_FAILURES,
    FAILURE_WINDOW,
    SESSION_LIFETIME,
    WITHDRAW_FAILURES,
    AccountError,
)
from tests.storage.conftest import all_rows

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
PASSWORD = "a long enough passphrase"


@pytest.fixture
def kari(accounts):
    accounts.add("Kari", PASSWORD)
    return accounts


def test_passwords_are_stored_as_argon2id_hashes_only(kari, store):
    dump = all_rows(store.engine)
    assert PASSWORD not in dump and "$argon2id$" in dump


@pytest.mark.parametrize(
    "name,password,says",
    [("k", PASSWORD, "user name"), ("kari smith", PASSWORD, "user name"), ("ola", "short", "12 characters")],
)
def test_bad_accounts_are_refused_with_a_clear_message(accounts, name, password, says):
    with pytest.raises(AccountError, match=says):
        accounts.add(name, password)


def test_a_name_can_be_taken_only_once(kari):
    with pytest.raises(AccountError, match="exists"):
        kari.add("KARI", PASSWORD)


def test_the_right_password_gives_a_session_and_the_wrong_one_does_not(kari):
    result = kari.sign_in("kari", PASSWORD, "client-a", now=NOW)
    who = kari.session_for(result.token, now=NOW)
    assert who.username == "kari" and not who.is_admin and len(who.csrf_token) >= 32
    assert kari.sign_in("kari", "wrong password", "client-a", now=NOW).token is None
    assert kari.sign_in("nobody", PASSWORD, "client-a", now=NOW).token is None
    assert kari.session_for("made-up-token", now=NOW) is None


def test_the_database_holds_only_a_hash_of_the_session_token(kari, store):
    token = kari.sign_in("kari", PASSWORD, "client-a", now=NOW).token
    assert token not in all_rows(store.engine)


def test_a_session_ends_after_idle_minutes_and_after_eight_hours_however_active(kari):
    token = kari.sign_in("kari", PASSWORD, "c", now=NOW).token
    assert kari.session_for(token, now=NOW + timedelta(minutes=29))
    assert kari.session_for(token, now=NOW + timedelta(minutes=58))  # the idle expiry slides with use
    assert kari.session_for(token, now=NOW + timedelta(minutes=58 + 31)) is None
    token = kari.sign_in("kari", PASSWORD, "c", now=NOW).token
    moment = NOW
    while moment < NOW + SESSION_LIFETIME - timedelta(minutes=20):
        moment += timedelta(minutes=20)
        assert kari.session_for(token, now=moment)
    assert kari.session_for(token, now=NOW + SESSION_LIFETIME + timedelta(minutes=1)) is None


def test_sign_in_is_refused_after_too_many_failures_even_with_the_right_password(kari):
    for i in range(ACCOUNT_FAILURES):
        assert kari.sign_in("kari", f"guess {i}", f"client-{i}", now=NOW).token is None
    locked = kari.sign_in("kari", PASSWORD, "client-x", now=NOW + timedelta(minutes=1))
    assert locked.token is None and locked.locked_minutes == 14
    assert kari.sign_in("kari", PASSWORD, "client-x", now=NOW + FAILURE_WINDOW + timedelta(seconds=1)).token


def test_one_client_trying_many_accounts_is_refused_too(kari):
    for i in range(CLIENT_FAILURES):
        kari.sign_in(f"user{i}", "guess", "one-client", now=NOW)
    assert kari.sign_in("kari", PASSWORD, "one-client", now=NOW).locked_minutes > 0
    assert kari.sign_in("kari", PASSWORD, "another-client", now=NOW).token


def test_the_rate_limit_keeps_no_client_address(kari, store):
    kari.sign_in("kari", "wrong", "192.0.2.77", now=NOW)
    assert "192.0.2.77" not in all_rows(store.engine)


def test_a_disabled_account_cannot_sign_in_and_its_sessions_end(kari):
    token = kari.sign_in("kari", PASSWORD, "c", now=NOW).token
    kari.set_active("kari", False)
    assert kari.session_for(token, now=NOW) is None
    assert kari.sign_in("kari", PASSWORD, "c", now=NOW).token is None


def test_a_new_password_signs_the_account_out_everywhere(kari):
    token = kari.sign_in("kari", PASSWORD, "c", now=NOW).token
    kari.set_password("kari", "another long passphrase")
    assert kari.session_for(token, now=NOW) is None
    assert kari.sign_in("kari", "another long passphrase", "c", now=NOW).token


def test_sign_ins_are_audited_and_unknown_names_are_not_kept(kari):
    kari.sign_in("kari", PASSWORD, "c", now=NOW)
    kari.sign_in("my secret password", "x", "c", now=NOW)  # a password typed into the name box
    kari.audit("kari", "lookup", "7KQX4MTA", "not_found", now=NOW + timedelta(minutes=1))
    entries = [(e.username, e.action, e.target, e.outcome) for e in kari.audit_log()]
    assert entries == [
        ("kari", "lookup", "7KQX4MTA", "not_found"),
        ("(unknown account)", "sign_in", None, "refused"),
        ("kari", "sign_in", None, "ok"),
    ]


def test_withdrawal_attempts_are_limited_per_client(accounts):
    for _ in range(WITHDRAW_FAILURES):
        assert accounts.withdrawal_allowed("client", now=NOW)
        accounts.note_failed_withdrawal("client", now=NOW)
    assert not accounts.withdrawal_allowed("client", now=NOW)
    assert accounts.withdrawal_allowed("other", now=NOW)
    assert accounts.withdrawal_allowed("client", now=NOW + FAILURE_WINDOW + timedelta(seconds=1))


def test_the_purge_removes_ended_sessions_old_failures_and_old_audit_entries(kari, store):
    kari.sign_in("kari", PASSWORD, "c", now=NOW)
    kari.sign_in("kari", "wrong", "c", now=NOW)
    assert kari.purge(now=NOW + timedelta(days=1)) == 3  # the session and the two failure keys
    with store.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM audit_log")).scalar() == 2
    assert kari.purge(now=NOW + timedelta(days=366)) == 2
