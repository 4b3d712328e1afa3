"""This machine's PostgreSQL (127.0.0.1:5432, trust auth; TEST_POSTGRES_URL overrides it) and Redis
(127.0.0.1:6379; TEST_REDIS_URL): every test that uses them gets a database of its own, dropped after."""

import os
import secrets

import pytest
import sqlalchemy as sa

POSTGRES = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def fresh_postgres_database() -> tuple[str, callable]:
    name = "ds_test_" + secrets.token_hex(6)
    admin = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT", future=True)
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        pytest.fail(f"PostgreSQL is needed for these tests ({POSTGRES}): {exc.orig}")

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(
                sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name}
            )
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()

    return POSTGRES.rsplit("/", 1)[0] + "/" + name, drop


def redis_or_fail():
    import redis

    client = redis.Redis.from_url(REDIS, socket_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.fail(f"Redis is needed for these tests ({REDIS}): {exc}")
    return client
