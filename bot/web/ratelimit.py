"""Message rate limits that a doctor never meets and a script does: token buckets per key, in memory only.

A doctor types or taps at most one message every few seconds; a burst of half a minute's allowance covers
fast button taps. Keys (a conversation id, a client address) are never logged or stored. A key unused long enough
for its bucket to be full again is forgotten (it would be allowed anyway), and the table has a hard size (the
least recently used key goes first), so neither many doctors nor a flood of new keys grows memory for long. Each web
server counts on its own (deploy/nginx-edge.conf limits per client in front of them all).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from sanic import response


@dataclass
class _Bucket:
    tokens: float
    at: float


class RateLimiter:
    def __init__(self, per_minute: int, max_keys: int = 100_000, clock: Callable[[], float] = time.monotonic):
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self.capacity = max(per_minute / 2, 1.0)
        self.per_second = per_minute / 60
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def allow(self, key: str) -> bool:
        """Take one token for `key`; False when it has none left (the caller answers 429)."""
        now = self.clock()
        bucket = self._buckets.pop(key, None)
        if bucket is None:
            bucket = _Bucket(self.capacity, now)
        else:
            bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.at) * self.per_second)
            bucket.at = now
        allowed = bucket.tokens >= 1
        if allowed:
            bucket.tokens -= 1
        self._buckets[key] = bucket  # most recently used last
        refilled = self.capacity / self.per_second  # seconds after which an unused bucket is full again
        while self._buckets:
            oldest = next(iter(self._buckets.values()))
            if len(self._buckets) <= self.max_keys and now - oldest.at < refilled:
                break
            self._buckets.popitem(last=False)
        return allowed

    def retry_after(self, key: str) -> int:
        """Whole seconds until `key` may send again (at least 1)."""
        bucket = self._buckets.get(key)
        missing = 1 - (bucket.tokens if bucket else 1)
        return max(1, int(missing / self.per_second + 0.999))

    def __len__(self) -> int:
        return len(self._buckets)


def too_fast(checks, error: str = "Messages are coming faster than I can read them. Please wait a few seconds."):
    """The 429 answer (JSON, Retry-After) for the first (limiter, key) pair out of tokens; None when all allow."""
    for limiter, key in checks:
        if not limiter.allow(key):
            return response.json({"error": error}, status=429, headers={"Retry-After": str(limiter.retry_after(key))})
    return None
