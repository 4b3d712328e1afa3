"""The live handoff's storage, on SQLite and PostgreSQL: duty, the queue, one take only, numbered messages under
concurrent writers, consent, ending, deletion with the conversation and the purge."""

import threading
from datetime import datetime, timedelta, timezone

import pytest

from bot.storage.live import LiveChats
from tests.storage.conftest import all_rows
from tests.web.webclient import PASSWORD

NOW = datetime(2026, 12, 4, 22, 0, tzinfo=timezone.utc)
CONVERSATION = "c0ffee" * 6


@pytest.fixture
def live(store):
    return LiveChats(store)


def open_chat(live, conversation=CONVERSATION, crisis=False, at=NOW, code="ACDE7FGH"):
    return live.open_chat(conversation, code, {"sleep": "poor"}, crisis=crisis, lang="nb", now=at)


def test_on_duty_needs_the_switch_and_a_live_session(live, accounts):
    accounts.add("kari", PASSWORD)
    accounts.add("ola", PASSWORD)
    assert live.on_duty() == []
    live.set_duty("kari", True)
    assert live.on_duty() == [], "available but not signed in"
    token = accounts.sign_in("kari", PASSWORD, "client").token
    accounts.sign_in("ola", PASSWORD, "client")
    assert live.on_duty() == ["kari"], "ola is signed in but not available"
    accounts.sign_out(token, "kari")
    assert live.on_duty() == []
    live.set_duty("kari", False)
    assert not live.is_available("kari")


def test_one_open_chat_per_conversation_and_the_queue_order(live):
    first = open_chat(live, at=NOW - timedelta(minutes=9))
    assert open_chat(live).id == first.id, "asking again gives the chat already open"
    calm = open_chat(live, "b" * 36, at=NOW - timedelta(minutes=20))
    crisis = open_chat(live, "c" * 36, crisis=True, at=NOW - timedelta(minutes=1))
    assert [c.id for c in live.queue()] == [crisis.id, calm.id, first.id]
    assert live.position(live.get(first.id)) == 3
    assert live.take(crisis.id, "kari", NOW)
    assert [c.id for c in live.queue()] == [calm.id, first.id]
    assert live.position(live.get(first.id)) == 2 and live.position(live.get(crisis.id)) is None
    assert [c.id for c in live.active("kari")] == [crisis.id]


def test_two_counsellors_take_at_once_and_only_one_wins(live):
    for round_ in range(5):
        chat = open_chat(live, f"race{round_}".ljust(36, "x"))
        barrier = threading.Barrier(2)
        results = {}

        def take(name, chat_id=chat.id, barrier=barrier, results=results):
            barrier.wait()
            results[name] = live.take(chat_id, name)

        threads = [threading.Thread(target=take, args=(name,)) for name in ("kari", "ola")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results.values()) == [False, True]
        winner = next(name for name, won in results.items() if won)
        assert live.get(chat.id).taken_by == winner and live.get(chat.id).state == "active"


def test_messages_are_numbered_without_gaps_under_concurrent_writers(live):
    chat = open_chat(live)
    seqs = []
    lock = threading.Lock()

    def write(author):
        for i in range(10):
            seq = live.add_message(chat.id, author, f"{author} {i}")
            with lock:
                seqs.append(seq)

    threads = [threading.Thread(target=write, args=(a,)) for a in ("doctor", "counsellor", "assistant", "doctor")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(seqs) == list(range(1, 41))
    assert [m.seq for m in live.messages_after(chat.id, 35)] == [36, 37, 38, 39, 40]
    assert live.add_message("no-such-chat", "doctor", "x") is None


def test_a_later_chat_numbers_on_from_the_earlier_one(live):
    first = open_chat(live)
    live.add_message(first.id, "doctor", "one")
    live.add_message(first.id, "counsellor", "two")
    assert live.end(first.id, "doctor")
    assert not live.end(first.id, "counsellor"), "ended once only"
    second = open_chat(live, code="BCDF2GHJ")
    assert second.id != first.id
    assert live.add_message(second.id, "doctor", "three") == 3
    assert live.latest_chat_for(CONVERSATION).id == second.id


def test_consent_and_keeping_waiting(live):
    chat = open_chat(live)
    assert live.set_consent(chat.id, themes=False, history=True)
    assert (live.get(chat.id).consent_themes, live.get(chat.id).consent_history) == (False, False)
    assert live.set_consent(chat.id, themes=True, history=True)
    assert (live.get(chat.id).consent_themes, live.get(chat.id).consent_history) == (True, True)
    assert live.keep_waiting(chat.id, NOW + timedelta(minutes=6))
    live.end(chat.id, "left_queue")
    assert not live.set_consent(chat.id, themes=True, history=True) and not live.keep_waiting(chat.id)


def test_deleting_the_conversation_and_the_purge_remove_the_words(live, store):
    chat = open_chat(live)
    live.add_message(chat.id, "doctor", "a phrase only the doctor wrote", now=NOW)
    other = open_chat(live, "d" * 36, code="BCDF2GHJ", at=NOW - timedelta(hours=30))
    live.add_message(other.id, "doctor", "words from yesterday", now=NOW - timedelta(hours=25))
    assert live.purge(timedelta(hours=24), NOW) == 1
    assert live.get(other.id) is None and "words from yesterday" not in all_rows(store.engine)
    assert "a phrase only the doctor wrote" in all_rows(store.engine)
    assert live.delete_conversation(CONVERSATION) == 1
    assert "a phrase only the doctor wrote" not in all_rows(store.engine)
    assert live.latest_chat_for(CONVERSATION) is None


def test_ending_is_claimed_once_and_the_state_ends_after(live):
    chat = open_chat(live)
    assert live.start_ending(chat.id, "left_queue")
    assert not live.start_ending(chat.id, "doctor"), "claimed once only"
    ending = live.get(chat.id)
    assert ending.state == "queued" and ending.ended_by == "left_queue", "still open while the closing words come"
    assert not live.take(chat.id, "kari") and not live.keep_waiting(chat.id)
    assert not live.set_consent(chat.id, themes=True, history=True)
    assert live.open_chat_for(CONVERSATION).id == chat.id
    assert live.end(chat.id, "doctor")
    ended = live.get(chat.id)
    assert (ended.state, ended.ended_by, ended.open_conversation) == ("ended", "left_queue", None)
    assert not live.end(chat.id, "doctor")


def test_a_session_that_expired_leaves_no_one_on_duty(live, accounts):
    accounts.add("kari", PASSWORD)
    accounts.add("ola", PASSWORD)
    accounts.sign_in("kari", PASSWORD, "client", now=NOW - timedelta(hours=1))
    accounts.sign_in("ola", PASSWORD, "client", now=NOW)  # every moment given: the test must not depend on the day
    live.set_duty("kari", True, now=NOW)
    live.set_duty("ola", True, now=NOW)
    assert live.on_duty(NOW) == ["ola"], "kari's session has expired: not on duty even before the switch goes off"
    assert live.off_duty_without_session(NOW, username="ola") == 0, "ola is signed in"
    assert live.off_duty_without_session(NOW) == 1
    assert not live.is_available("kari") and live.is_available("ola")
    live.set_duty("kari", True, now=NOW)
    assert live.off_duty_without_session(NOW + timedelta(days=1)) == 2, "both sessions over by then"
