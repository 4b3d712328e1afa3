"""Wake-ups for the live chats' event streams (docs/live-handoff.md, "Transport"): channel `live:<chat_id>` and
`live:queue`. A note says only what happened ({"kind": "wake"}, typing, an alert), never a word of a message: the
streams read the messages from the database, so a lost note loses nothing but a little time.

One web server: `Hub`, in memory. Several: `RedisHub`, the same through Redis pub/sub (REDIS_URL, else the cluster's
LOCK_STORE_URL), each server delivering what Redis sends it to its own streams.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict

logger = logging.getLogger(__name__)
QUEUE = "live:queue"
QUEUE_LIMIT = 100  # notes waiting for one slow stream; older ones are dropped (the database has the news)


def chat_channel(chat_id: str) -> str:
    return f"live:{chat_id}"


class Hub:
    """In-process fan-out: every stream has its own asyncio.Queue per channel it listens to."""

    def __init__(self):
        self.listeners: dict[str, set[asyncio.Queue]] = defaultdict(set)

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass

    def subscribe(self, *channels: str) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue(QUEUE_LIMIT)
        for channel in channels:
            self.listeners[channel].add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue) -> None:
        for channel in list(self.listeners):
            self.listeners[channel].discard(queue)
            if not self.listeners[channel]:
                del self.listeners[channel]

    def deliver(self, channel: str, note: dict) -> None:
        for queue in list(self.listeners.get(channel, ())):
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(note)

    async def publish(self, channel: str, note: dict) -> None:
        self.deliver(channel, note)


class RedisHub(Hub):
    """The same through Redis: publish goes to Redis, and one subscription per server (`live:*`) delivers."""

    def __init__(self, url: str):
        super().__init__()
        self.url = url
        self.redis = None
        self.listener: asyncio.Task | None = None

    async def start(self) -> None:
        import redis.asyncio as redis

        self.redis = redis.Redis.from_url(self.url)
        self.listener = asyncio.get_running_loop().create_task(self._listen())

    async def stop(self) -> None:
        if self.listener:
            self.listener.cancel()
        if self.redis is not None:
            await self.redis.close()

    async def publish(self, channel: str, note: dict) -> None:
        try:
            await self.redis.publish(channel, json.dumps(note))
        except Exception as exc:  # Redis away: this server's own streams still hear it
            logger.error("live notification not published: %s", type(exc).__name__)
            self.deliver(channel, note)

    async def _listen(self) -> None:
        while True:
            pubsub = self.redis.pubsub()
            try:
                await pubsub.psubscribe("live:*")
                async for message in pubsub.listen():
                    if message.get("type") != "pmessage":
                        continue
                    channel = message["channel"]
                    self.deliver(
                        channel.decode() if isinstance(channel, bytes) else channel, json.loads(message["data"])
                    )
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a lost connection: subscribe again shortly; the streams re-read the database
                logger.error("live notifications interrupted: %s", type(exc).__name__)
                await asyncio.sleep(1)
            finally:
                with contextlib.suppress(Exception):  # already gone
                    await pubsub.close()


def make_hub(redis_url: str) -> Hub:
    return RedisHub(redis_url) if redis_url else Hub()
