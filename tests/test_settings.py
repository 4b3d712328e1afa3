"""Settings come from .env once, with defaults; bad values fail at start-up."""

import pytest

from bot.settings import SettingsError, load_settings


def test_defaults_and_env_file(tmp_path, monkeypatch):
    for key in (
        "RASA_PORT",
        "RASA_API_TOKEN",
        "CONVERSATION_RETENTION_HOURS",
        "DATABASE_URL",
    ):
        monkeypatch.delenv(key, raising=False)
    env = tmp_path / ".env"
    env.write_text("RASA_API_TOKEN=abc\nRASA_PORT=6000\n")
    settings = load_settings(env)
    assert settings.rasa_api_token == "abc" and settings.rasa_port == 6000
    assert settings.conversation_retention_hours == 24
    assert settings.database_url.startswith("sqlite:///")


def test_a_bad_number_fails_loudly(tmp_path, monkeypatch):
    monkeypatch.delenv("RASA_PORT", raising=False)
    env = tmp_path / ".env"
    env.write_text("RASA_PORT=five\n")
    with pytest.raises(SettingsError, match="RASA_PORT"):
        load_settings(env)


def test_settings_are_frozen(tmp_path):
    settings = load_settings(tmp_path / "missing.env")
    with pytest.raises(AttributeError):
        settings.rasa_port = 1


def test_the_tracker_store_is_the_sqlite_file_unless_a_url_is_given(tmp_path, monkeypatch):
    for key in ("TRACKER_STORE_URL", "TRACKER_DB", "LOCK_STORE_URL"):
        monkeypatch.delenv(key, raising=False)
    settings = load_settings(tmp_path / "missing.env", {"TRACKER_DB": str(tmp_path / "rasa.db")})
    assert settings.tracker_db_url == f"sqlite:///{tmp_path / 'rasa.db'}"
    assert settings.lock_store_url == ""
    url = "postgresql://rasa:secret@db.internal:5432/conversations"
    settings = load_settings(tmp_path / "missing.env", {"TRACKER_STORE_URL": url, "LOCK_STORE_URL": "redis://r:6379/1"})
    assert settings.tracker_db_url == url and settings.lock_store_url == "redis://r:6379/1"


@pytest.mark.parametrize(
    "key, value",
    [
        ("TRACKER_STORE_URL", "not a url"),
        ("TRACKER_STORE_URL", "mongodb://localhost/rasa"),
        ("LOCK_STORE_URL", "127.0.0.1:6379"),
        ("LOCK_STORE_URL", "memcached://127.0.0.1"),
        ("FORWARDED_PROXIES", "-1"),
    ],
)
def test_a_store_url_that_cannot_work_fails_at_start_up_and_never_shows_the_value(tmp_path, key, value):
    with pytest.raises(SettingsError, match=key) as raised:
        load_settings(tmp_path / "missing.env", {key: value})
    if "://" in value:
        assert value not in str(raised.value)
