"""One way in for configuration: `.env` (python-dotenv) read once into a frozen, typed object."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from dotenv import dotenv_values
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """Bad configuration: raised at start-up so a misconfigured server never runs."""


# Every key .env may hold (README, "Configuration"); the process environment may override them.
KEYS = frozenset(
    {
        "RASA_API_TOKEN",
        "DATABASE_URL",
        "TRACKER_DB",
        "TRACKER_STORE_URL",
        "LOCK_STORE_URL",
        "FORWARDED_PROXIES",
        "CONTENT_FILE",
        "RASA_PORT",
        "ACTION_PORT",
        "ACTION_SERVER_URL",
        "ACTION_TIMEOUT_SECONDS",
        "MESSAGES_PER_MINUTE",
        "TRACKER_COMPACT_AFTER_EVENTS",
        "MESSAGES_PER_MINUTE_PER_ADDRESS",
        "CONVERSATION_RETENTION_HOURS",
        "HANDOFF_RETENTION_DAYS",
        "LOG_LEVEL",
        "WEB_PORT",
        "ALLOWED_ORIGINS",
        "RASA_URL",
        "INTAKE_RETENTION_DAYS",
        "AUDIT_RETENTION_DAYS",
        "SECRET_KEY",
        "COUNSELLOR_SESSION_MINUTES",
        "SECURE_COOKIES",
        "HANDOFF_HOURS",
        "HANDOFF_WAIT_MINUTES",
        "REDIS_URL",
    }
)


@dataclass(frozen=True)
class Settings:
    rasa_api_token: str
    database_url: str
    tracker_db_path: Path
    content_file: Path
    rasa_port: int
    action_port: int
    action_server_url: str
    conversation_retention_hours: int
    handoff_retention_days: int
    log_level: str
    web_port: int
    allowed_origins: tuple[str, ...]
    rasa_url: str
    intake_retention_days: int = 30
    audit_retention_days: int = 365
    secret_key: str = ""
    counsellor_session_minutes: int = 30
    secure_cookies: bool = True
    tracker_store: str = ""  # TRACKER_STORE_URL as given; empty = the SQLite file at tracker_db_path
    lock_store_url: str = ""  # empty = Rasa's in-memory lock store (one Rasa server only)
    forwarded_proxies: int = 0  # proxies in front of the web server whose X-Forwarded-For is trusted
    action_timeout_seconds: int = 10  # a slower action server gets the doctor an apology and the helplines
    tracker_compact_after_events: int = 400  # a longer session is rewritten compactly (components/tracker_store.py)
    messages_per_minute: int = 30  # per conversation, at the web server (bot/web/ratelimit.py)
    messages_per_minute_per_address: int = 600  # per client address: a hospital's doctors may share one
    handoff_hours: str = (
        ""  # when a counsellor on duty may be offered, Norwegian time (bot/core/live.py); empty: always
    )
    handoff_wait_minutes: int = 5  # a doctor queued longer is told so, with the helplines, and may go back
    redis_url: str = ""  # the live chats' pub/sub between web servers; empty: LOCK_STORE_URL's Redis, else in-process

    @property
    def live_redis_url(self) -> str:
        """Redis for the live chats' notifications: REDIS_URL, else the cluster's lock store; empty on one machine."""
        return self.redis_url or self.lock_store_url

    @property
    def tracker_db_url(self) -> str:
        """SQLAlchemy URL of Rasa's tracker store (Rasa's own, and ours for deleting and purging conversations)."""
        return self.tracker_store or f"sqlite:///{self.tracker_db_path}"


def _int(values: dict, key: str, default: int, minimum: int = 0) -> int:
    raw = values.get(key) or str(default)
    try:
        number = int(raw)
    except ValueError as exc:
        raise SettingsError(f"{key} must be a whole number, got {raw!r}") from exc
    if number < minimum:
        raise SettingsError(f"{key} must be at least {minimum}, got {number}")
    return number


def _bool(values: dict, key: str, default: bool) -> bool:
    raw = (values.get(key) or "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{key} must be true or false, got {raw!r}")


def _path(values: dict, key: str, default: str) -> Path:
    path = Path(values.get(key) or default)
    return path if path.is_absolute() else ROOT / path


def _origins(raw: str) -> tuple[str, ...]:
    """Origins allowed to embed the widget: scheme://host[:port], nothing else."""
    origins = tuple(o.strip().rstrip("/") for o in raw.split(",") if o.strip())
    for origin in origins:
        scheme, _, rest = origin.partition("://")
        if scheme not in ("http", "https") or not rest or "/" in rest:
            raise SettingsError(f"ALLOWED_ORIGINS: {origin!r} is not an origin like https://www.legeforeningen.no")
    return origins


def _sql_url(values: dict, key: str) -> str:
    """An SQLAlchemy URL, or empty; checked here so a typo stops the start-up with its name."""
    raw = (values.get(key) or "").strip()
    if not raw:
        return ""
    try:
        url = make_url(raw)
    except Exception as exc:  # sqlalchemy raises ArgumentError; never echo the URL (it may hold a password)
        raise SettingsError(f"{key} is not a database URL like postgresql://user@host:5432/name") from exc
    if url.get_backend_name() not in ("sqlite", "postgresql", "mysql"):
        raise SettingsError(f"{key}: {url.get_backend_name()!r} databases are not supported")
    return raw


def parse_redis_url(url: str) -> dict:
    """`redis://[user:password@]host[:port][/db]` (`rediss://` for TLS) as the keyword arguments of Rasa's
    RedisLockStore; the messages name LOCK_STORE_URL and never show a password."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("redis", "rediss"):
        raise SettingsError(
            f"LOCK_STORE_URL must be empty (one Rasa server) or start with redis:// or rediss://, "
            f"got {parts.scheme!r}://"
        )
    if not parts.hostname:
        raise SettingsError("LOCK_STORE_URL has no host, e.g. redis://127.0.0.1:6379/0")
    database = parts.path.strip("/") or "0"
    if not database.isdigit():
        raise SettingsError(f"LOCK_STORE_URL: the Redis database must be a number, got {database!r}")
    try:
        port = parts.port or 6379
    except ValueError as exc:
        raise SettingsError("LOCK_STORE_URL has a port that is not a number") from exc
    return {
        "host": parts.hostname,
        "port": port,
        "db": int(database),
        "username": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password else None,
        "use_ssl": parts.scheme == "rediss",
    }


def _lock_url(values: dict, key: str) -> str:
    raw = (values.get(key) or "").strip()
    if raw:
        try:
            parse_redis_url(raw)
        except SettingsError as exc:
            raise SettingsError(str(exc).replace("LOCK_STORE_URL", key)) from None
    return raw


def load_settings(env_file: Path | None = None, overrides: dict | None = None) -> Settings:
    """Read `.env` (or `env_file`), then the process environment, then `overrides`; later wins."""
    values: dict = {}
    env_path = env_file or ROOT / ".env"
    if env_path.exists():
        values.update({k: v for k, v in dotenv_values(env_path).items() if v is not None})
    values.update({k: v for k, v in os.environ.items() if k in KEYS})
    values.update(overrides or {})
    rasa_port = _int(values, "RASA_PORT", 5005, 1)
    web_port = _int(values, "WEB_PORT", 8080, 1)
    action_port = _int(values, "ACTION_PORT", 5055, 1)
    return Settings(
        rasa_api_token=values.get("RASA_API_TOKEN", ""),
        database_url=values.get("DATABASE_URL") or f"sqlite:///{ROOT / 'var' / 'bot.db'}",
        tracker_db_path=_path(values, "TRACKER_DB", "var/rasa.db"),
        content_file=_path(values, "CONTENT_FILE", "bot/core/content/no.yml"),
        rasa_port=rasa_port,
        action_port=action_port,
        action_server_url=values.get("ACTION_SERVER_URL") or f"http://127.0.0.1:{action_port}/webhook",
        conversation_retention_hours=_int(values, "CONVERSATION_RETENTION_HOURS", 24, 1),
        handoff_retention_days=_int(values, "HANDOFF_RETENTION_DAYS", 7, 1),
        log_level=(values.get("LOG_LEVEL") or "INFO").upper(),
        web_port=web_port,
        allowed_origins=_origins(
            values.get("ALLOWED_ORIGINS") or f"http://localhost:{web_port},http://127.0.0.1:{web_port}"
        ),
        rasa_url=(values.get("RASA_URL") or f"http://127.0.0.1:{rasa_port}").rstrip("/"),
        intake_retention_days=_int(values, "INTAKE_RETENTION_DAYS", 30, 1),
        audit_retention_days=_int(values, "AUDIT_RETENTION_DAYS", 365, 1),
        secret_key=values.get("SECRET_KEY", ""),
        counsellor_session_minutes=_int(values, "COUNSELLOR_SESSION_MINUTES", 30, 1),
        secure_cookies=_bool(values, "SECURE_COOKIES", True),
        tracker_store=_sql_url(values, "TRACKER_STORE_URL"),
        lock_store_url=_lock_url(values, "LOCK_STORE_URL"),
        forwarded_proxies=_int(values, "FORWARDED_PROXIES", 0, 0),
        action_timeout_seconds=_int(values, "ACTION_TIMEOUT_SECONDS", 10, 1),
        messages_per_minute=_int(values, "MESSAGES_PER_MINUTE", 30, 1),
        tracker_compact_after_events=_int(values, "TRACKER_COMPACT_AFTER_EVENTS", 400, 20),
        messages_per_minute_per_address=_int(values, "MESSAGES_PER_MINUTE_PER_ADDRESS", 600, 1),
        handoff_hours=(values.get("HANDOFF_HOURS") or "").strip(),
        handoff_wait_minutes=_int(values, "HANDOFF_WAIT_MINUTES", 5, 1),
        redis_url=_lock_url(values, "REDIS_URL"),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
