"""The lock store from one URL (`LOCK_STORE_URL` in .env): Rasa's in-memory lock store when it is empty,
Rasa's Redis lock store for `redis://[user:password@]host[:port][/db]` (`rediss://` for TLS).

Several Rasa replicas must share one lock store: it makes the turns of one conversation wait for each
other, whichever replica they reach, so no two replicas read and write the same conversation at once.

Rasa's Redis lock store reads a lock, changes it and writes it back in three steps, so two replicas that
get a message of the same conversation at the same moment can both be given the first ticket and both go
in (RasaHQ/rasa#9213; the fix, ConcurrentRedisLockStore, is in Rasa Pro only): the cluster test that sends
two messages at once to two replicas saw exactly that. Here every change to a lock is one Redis
transaction (WATCH/MULTI, tried again when another replica changed the lock meanwhile), and a lock key
expires on its own a minute after its last ticket, so a replica that dies never leaves one behind.

Rasa waits a whole second between two looks at a lock that is taken; a turn here takes a few tens of
milliseconds, so a message that arrives while its conversation is busy looks again after `poll_seconds`
(default 0.02 s). The lock's lifetime (60 s), its tickets and its order are Rasa's.

    lock_store:
      type: components.lock_store.UrlLockStore
      url: ${LOCK_STORE_URL}
      key_prefix: doctorsupport        # optional, letters and digits
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncGenerator, Callable
from contextlib import asynccontextmanager
from typing import Any

from rasa.core.constants import DEFAULT_LOCK_LIFETIME
from rasa.core.lock import TicketLock
from rasa.core.lock_store import InMemoryLockStore, LockError, LockStore, RedisLockStore

from bot.settings import SettingsError, parse_redis_url

DEFAULT_POLL_SECONDS = 0.02


# A lock store URL that cannot be used: raised at start-up, never a silent fallback.
LockStoreConfigError = SettingsError


class _QuickPoll:
    poll_seconds = DEFAULT_POLL_SECONDS

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = DEFAULT_LOCK_LIFETIME,
        wait_time_in_seconds: float | None = None,
    ) -> AsyncGenerator[TicketLock, None]:
        wait = self.poll_seconds if wait_time_in_seconds is None else min(wait_time_in_seconds, self.poll_seconds)
        async with LockStore.lock(self, conversation_id, lock_lifetime, wait) as ticket_lock:
            yield ticket_lock


class QuickInMemoryLockStore(_QuickPoll, InMemoryLockStore):
    """One process only: the default, for one Rasa server."""


class QuickRedisLockStore(_QuickPoll, RedisLockStore):
    """Shared by every replica through Redis; every change to a lock is atomic."""

    def _change(self, conversation_id: str, change: Callable[[TicketLock | None], tuple[TicketLock | None, Any]]):
        """Apply `change` to the stored lock in one transaction: it returns (lock to keep or None, result)."""
        import redis

        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                    kept, result = change(lock)
                    pipe.multi()
                    if kept is not None and kept.tickets:
                        last = max(ticket.expires for ticket in kept.tickets)
                        pipe.set(key, kept.dumps(), ex=max(1, int(last - time.time()) + 60))
                    else:
                        pipe.delete(key)
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue  # another replica changed this lock between our read and our write: read again

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = DEFAULT_LOCK_LIFETIME) -> int:
        def issue(lock: TicketLock | None):
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except Exception as exc:
            raise LockError(f"Error while acquiring lock. Error:\n{exc}") from exc

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: TicketLock | None):
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        def finish(lock: TicketLock | None):
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, finish)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Our ticket is done; the lock goes with the last ticket (one step, so no new ticket is lost)."""
        self.finish_serving(conversation_id, ticket_number)


def parse_lock_store_url(url: str | None) -> dict[str, Any] | None:
    """None for the in-memory lock store, else the keyword arguments of Rasa's RedisLockStore."""
    url = (url or "").strip()
    if not url or url == "in_memory":
        return None
    return parse_redis_url(url)


class UrlLockStore:
    """Rasa builds custom lock stores as `cls(endpoint_config=...)`; this returns the store the URL names."""

    def __new__(cls, endpoint_config: Any = None) -> LockStore:  # type: ignore[misc]
        kwargs = dict(getattr(endpoint_config, "kwargs", None) or {})
        poll = float(kwargs.pop("poll_seconds", DEFAULT_POLL_SECONDS))
        redis = parse_lock_store_url(getattr(endpoint_config, "url", None))
        if redis is None:
            store: LockStore = QuickInMemoryLockStore()
        else:
            prefix = kwargs.pop("key_prefix", None)
            if prefix and not str(prefix).isalnum():
                raise LockStoreConfigError(f"key_prefix must be letters and digits, got {prefix!r}")
            store = QuickRedisLockStore(**redis, key_prefix=prefix or None)
            store.red.ping()  # fail at start-up, not at the first doctor's message
        store.poll_seconds = poll
        return store
