"""Measured speed-ups for Rasa 3.6's server, applied when this package's NLU component is loaded.

Each keeps Rasa's behaviour and only stops it from redoing the same work on every message.

1. Rasa checks every action-server response with `jsonschema.validate`, which re-checks the JSON schema
itself against its meta-schema on every call: 45 % of the Rasa server's CPU time in a form turn, seen with
py-spy (bench/README.md). Here the response is validated against the same schema with a validator
built once, so every response is still checked and a bad one still raises `ValidationError`.

2. Rasa looks up the class of every stored event, for every message, by walking all subclasses of `Event`
(11 % of the server's time, py-spy). Here the lookup table is built once and rebuilt only for an
unknown name, so the answer is the one Rasa's loop gives (its first match).

3. SQLite connections (the default tracker store) use write-ahead logging with `synchronous=NORMAL`:
a commit no longer waits for two fsyncs, and readers do not block the writer. Durable across a crash of
the process; only a power cut can lose the last commits, which for a chat of at most a day is acceptable.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses
from sqlalchemy import event
from sqlalchemy.engine import Engine

_original_resolve_by_type = Event.resolve_by_type
_event_types: dict[str, type] = {}


@lru_cache(maxsize=1)
def _response_validator():
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    try:
        _response_validator().validate(result)
        return True
    except ValidationError as e:
        e.message += (
            ". Failed to validate Action server response from API, make sure your response from the Action "
            f"endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise e


def _resolve_by_type(type_name: str, default: Any = None) -> Any:
    cls = _event_types.get(type_name)
    if cls is None:
        _event_types.clear()
        for subclass in all_subclasses(Event):
            _event_types.setdefault(subclass.type_name, subclass)
        cls = _event_types.get(type_name)
    return cls if cls is not None else _original_resolve_by_type(type_name, default)


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def apply() -> None:
    if not event.contains(Engine, "connect", _sqlite_pragmas):
        event.listen(Engine, "connect", _sqlite_pragmas)
    RemoteAction._validate_action_result = _validate_action_result
    Event.resolve_by_type = staticmethod(_resolve_by_type)
