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
