"""Actions run against trackers loaded from JSON files, with a CollectingDispatcher (financial-demo style)."""

import json
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def domain():
    """The domain as the action server gets it from the Rasa server: without the responses' texts
    (components/speedups.py, section 8)."""
    from rasa.shared.core.domain import Domain

    from components.speedups import lean_domain

    return lean_domain(Domain.load(ROOT / "domain.yml").as_dict())


@pytest.fixture(scope="session")
def domain_file():
    """The whole domain file, texts and all: for tests that read the words a response shows."""
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


@pytest.fixture
def dispatcher():
    return CollectingDispatcher()


def load_tracker(name: str, **slots) -> Tracker:
    """A tracker from tests/actions/data/<name>.json, with some slots changed."""
    state = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    state["slots"].update(slots)
    return Tracker.from_dict(state)


def user_says(tracker_name: str, text: str, intent: str = "inform", **slots) -> Tracker:
    """The tracker as the form validation sees it after the doctor's answer `text`."""
    state = json.loads((DATA / f"{tracker_name}.json").read_text(encoding="utf-8"))
    state["slots"].update(slots)
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": [],
    }
    state["latest_message"] = message
    state["events"].append({"event": "user", "text": text, "parse_data": message})
    return Tracker.from_dict(state)


@pytest.fixture
def store(tmp_path, monkeypatch):
    """A migrated SQLite database that the actions use instead of the configured one."""
    from actions import handoff, offers
    from bot.storage.migrate import upgrade
    from bot.storage.records import Storage

    url = f"sqlite:///{tmp_path / 'bot.db'}"
    upgrade(url)
    storage = Storage(url)
    monkeypatch.setattr(offers, "storage", lambda: storage)
    monkeypatch.setattr(handoff, "storage", lambda: storage)
    return storage
