"""The lock store from LOCK_STORE_URL: in memory for one server, Redis (this machine's) for replicas."""

import asyncio
import secrets
import threading
import time
from types import SimpleNamespace

import pytest
from rasa.core.lock import TicketLock

from components.lock_store import (
    LockStoreConfigError,
    QuickInMemoryLockStore,
    QuickRedisLockStore,
    UrlLockStore,
    parse_lock_store_url,
)
from tests.services import REDIS, redis_or_fail


def config(url, **kwargs):
    return SimpleNamespace(url=url, kwargs=kwargs)


@pytest.mark.parametrize("url", [None, "", "  ", "in_memory"])
def test_no_url_is_the_in_memory_lock_store(url):
    assert parse_lock_store_url(url) is None
    assert isinstance(UrlLockStore(endpoint_config=config(url)), QuickInMemoryLockStore)


def test_a_redis_url_gives_host_port_database_and_credentials():
    assert parse_lock_store_url("rediss://user:p%40ss@redis.internal:6380/3") == {
        "host": "redis.internal",
        "port": 6380,
        "db": 3,
        "username": "user",
        "password": "p@ss",
        "use_ssl": True,
    }
    assert parse_lock_store_url("redis://127.0.0.1")["port"] == 6379
    assert parse_lock_store_url("redis://127.0.0.1")["db"] == 0


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:6379", "redis://", "redis://host:port/0", "redis://host:6379/zero", "mongodb://x"]
)
def test_a_bad_url_stops_the_start(url):
    with pytest.raises(LockStoreConfigError):
        UrlLockStore(endpoint_config=config(url))


def test_an_unreachable_redis_stops_the_start_rather_than_the_first_message():
    import redis

    with pytest.raises(redis.exceptions.ConnectionError):
        UrlLockStore(endpoint_config=config("redis://127.0.0.1:1/0"))


def test_a_key_prefix_must_be_letters_and_digits():
    redis_or_fail()
    with pytest.raises(LockStoreConfigError):
        UrlLockStore(endpoint_config=config(REDIS, key_prefix="doctor-support"))


def hold_and_queue(store_a, store_b, conversation):
    """A takes the lock; B asks for it while A is in; A leaves only once B has been made to wait, or has gone in.
    Returns what happened, in order, with times."""
    seen = []

    async def both():
        a_in = asyncio.Event()
        b_waited_or_in = asyncio.Event()
        look_again = store_b.update_lock

        def b_waited(conversation_id):  # Rasa's lock store calls it after each wait for a lock that is taken
            if not b_waited_or_in.is_set():
                seen.append(("b waits", time.monotonic()))
                b_waited_or_in.set()
            look_again(conversation_id)

        store_b.update_lock = b_waited

        async def first():
            async with store_a.lock(conversation):
                seen.append(("a in", time.monotonic()))
                a_in.set()
                await asyncio.wait_for(b_waited_or_in.wait(), 10)
                seen.append(("a out", time.monotonic()))

        async def second():
            await a_in.wait()
            async with store_b.lock(conversation):
                seen.append(("b in", time.monotonic()))
                b_waited_or_in.set()

        await asyncio.gather(first(), second())

    asyncio.run(both())
    return seen


def test_two_replicas_sharing_redis_take_one_conversation_in_turn():
    redis_or_fail()
    prefix = "test" + secrets.token_hex(4)
    a = UrlLockStore(endpoint_config=config(REDIS, key_prefix=prefix))
    b = UrlLockStore(endpoint_config=config(REDIS, key_prefix=prefix))
    assert isinstance(a, QuickRedisLockStore) and a is not b
    seen = hold_and_queue(a, b, "doc-" + secrets.token_hex(4))
    assert [what for what, _ in seen] == ["a in", "b waits", "a out", "b in"]
    waited_after_release = seen[3][1] - seen[2][1]
    assert waited_after_release < 0.2, "Rasa's own lock store waits a whole second; ours looks again sooner"
    assert not a.red.keys(f"{prefix}:*"), "the lock is removed when the last turn is done"


def test_without_a_shared_store_two_servers_do_not_wait_for_each_other():
    """Why replicas need Redis: two in-memory lock stores let both in at once."""
    a, b = QuickInMemoryLockStore(), QuickInMemoryLockStore()
    seen = hold_and_queue(a, b, "doc-1")
    assert [what for what, _ in seen] == ["a in", "b in", "a out"]


def test_two_replicas_that_read_the_lock_at_the_same_moment_get_one_ticket_each(monkeypatch):
    """RasaHQ/rasa#9213 made to happen every time: both replicas have read the lock before either writes it back.
    Rasa's Redis lock store then gives both the first ticket and lets both in; ours changes the lock in a
    transaction, so the second write is refused, and that replica reads the lock again and takes the next ticket."""
    redis_or_fail()
    prefix = "test" + secrets.token_hex(4)
    conversation = "doc-" + secrets.token_hex(4)
    replicas = [UrlLockStore(endpoint_config=config(REDIS, key_prefix=prefix)) for _ in range(2)]
    both_have_read = threading.Barrier(len(replicas), timeout=10)
    first_try = threading.local()
    take_ticket = TicketLock.issue_ticket

    def when_both_have_read(lock, lifetime):  # called between a replica's read of the lock and its write
        if not getattr(first_try, "over", False):  # a replica that reads again after a refused write goes on
            first_try.over = True
            both_have_read.wait()
        return take_ticket(lock, lifetime)

    monkeypatch.setattr(TicketLock, "issue_ticket", when_both_have_read)
    tickets: dict[int, int] = {}

    def replica(n):
        tickets[n] = replicas[n].issue_ticket(conversation)

    threads = [threading.Thread(target=replica, args=(n,)) for n in range(len(replicas))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    monkeypatch.undo()
    assert sorted(tickets.values()) == [0, 1]
    lock = replicas[0].get_lock(conversation)
    assert [lock.is_locked(ticket) for ticket in sorted(tickets.values())] == [False, True], "one goes in, one waits"
    for n, ticket in tickets.items():
        replicas[n].cleanup(conversation, ticket)
    assert not replicas[0].red.exists(replicas[0].key_prefix + conversation)


def test_tickets_issued_at_once_by_many_replicas_are_all_different():
    """Rasa's Redis lock store reads, changes and writes a lock in three steps (RasaHQ/rasa#9213): two replicas
    could both be given the first ticket. Ours changes a lock in one transaction."""
    redis_or_fail()
    prefix = "test" + secrets.token_hex(4)
    conversation = "doc-" + secrets.token_hex(4)
    stores = [UrlLockStore(endpoint_config=config(REDIS, key_prefix=prefix)) for _ in range(4)]
    issued: list[int] = []
    start = threading.Barrier(len(stores))

    def replica(store):
        start.wait()
        for _ in range(25):
            issued.append(store.issue_ticket(conversation))

    threads = [threading.Thread(target=replica, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(issued) == list(range(100))
    for number in issued:
        stores[0].cleanup(conversation, number)
    assert not stores[0].red.exists(stores[0].key_prefix + conversation), "the last ticket takes the lock with it"


def test_a_lock_left_by_a_replica_that_died_expires_in_redis():
    redis_or_fail()
    store = UrlLockStore(endpoint_config=config(REDIS, key_prefix="test" + secrets.token_hex(4)))
    store.issue_ticket("doc-gone", lock_lifetime=5)
    ttl = store.red.ttl(store.key_prefix + "doc-gone")
    assert 0 < ttl <= 65
    store.red.delete(store.key_prefix + "doc-gone")
