"""This machine's PostgreSQL (127.0.0.1:5432, trust auth; TEST_POSTGRES_URL overrides it) and Redis
(127.0.0.1:6379; TEST_REDIS_URL): every test that uses them gets a database of its own, dropped after."""

import os

import pytest
import sqlalchemy as sa

from bot.ops.cluster import scratch_postgres_database

POSTGRES = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def fresh_postgres_database() -> tuple[str, callable]:
    try:
        return scratch_postgres_database(POSTGRES, "ds_test_")
    except sa.exc.OperationalError as exc:
        pytest.fail(f"PostgreSQL is needed for these tests ({POSTGRES}): {exc.orig}")


def redis_or_fail():
    import redis

    client = redis.Redis.from_url(REDIS, socket_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.fail(f"Redis is needed for these tests ({REDIS}): {exc}")
    return client
