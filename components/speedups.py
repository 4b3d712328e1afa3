"""Measured speed-ups for Rasa 3.6's server: the replacements that components/patches.py puts in place.

Each keeps Rasa's behaviour and only stops it from redoing the same work on every message. Importing this
module changes nothing; `components.patches.apply_all()` applies them at the server's start-up.

1. Rasa checks every action-server response with `jsonschema.validate`, which re-checks the JSON schema
itself against its meta-schema on every call: 45 % of the Rasa server's CPU time in a form turn, seen with
py-spy (docs/performance.md). Here the response is validated against the same schema with validators
built once, so every response is still checked and a bad one still raises `ValidationError`. The schema
says each event is exactly one of ~23 kinds (`oneOf`), and jsonschema tries all of them for every event:
1.3 ms for a response of five events, 15-20 % of the server's CPU. Every kind is told apart by a constant
`event` name, which the schema requires, so only the kinds of that name can match: the event is checked
against the schema without the `oneOf`, then against the kinds of its name (exactly one must fit): 0.15 ms,
the same verdict (tested on every event Rasa can write and on broken ones). A response this finds bad is
checked again by the whole schema, so the error raised is jsonschema's own.

2. Rasa looks up the class of every stored event, for every message, by walking all subclasses of `Event`
(11 % of the server's time, py-spy). Here the lookup table is built once and rebuilt only for an
unknown name, so the answer is the one Rasa's loop gives (its first match).

3. SQLite connections (the default tracker store) use write-ahead logging with `synchronous=NORMAL`:
a commit no longer waits for two fsyncs, and readers do not block the writer. Durable across a crash of
the process; only a power cut can lose the last commits, which for a chat of at most a day is acceptable.

4. Rasa opens a new HTTP session, and so a new TCP connection, for every call to the action server
(`EndpointConfig.request`: about 9 % of the server's time in py-spy, plus a connection set-up on both
sides). Here each endpoint keeps one session per event loop, with the same headers, auth and timeout;
idle connections are dropped after 2 s, before the action server's own 5 s keep-alive ends, so a
request never goes out on a connection the other side is closing. The body (the whole conversation and
the domain, ~70 kB by the end of an assessment) is encoded with ujson, which Rasa already installs:
0.4 ms instead of 1.3 ms a call, the same JSON once parsed (tested).

5. Rasa runs its model graph (NLU on every message, the policies twice a turn) through dask's scheduler,
which for a graph of a dozen small nodes costs more than some of the nodes: about 10 % of the server's
time in py-spy. Here the same nodes are called in dependency order, each once, with the same inputs
(`(name, output)` pairs, and a name that cannot be resolved passed as itself, as dask passes it); the
smallest graph for a set of targets is worked out once.

6. Loading the intent classifier imports skops, which at import looks up the module of each of numpy's and
scipy's ~770 ufuncs by trying every loaded module in turn (pickle's `whichmodule`); with TensorFlow
loaded that is over a million failed lookups, each formatting an error message with a module's repr:
11.7 s of the model's load time here. The same search without building messages that are thrown away
gives the same answers (same modules, same order) in a fraction of the time.

7. (below, by RulePolicy's lookup)

8. Rasa sends the whole domain with every call to the action server, and 87 % of it is the responses' texts,
in both languages (48 kB of JSON, twice the English-only domain's): encoded by the Rasa server and parsed by
the action server on every call, 0.3 ms of CPU between them, for texts only the Rasa server renders. The
action server gets the domain with each response's variations cut to their buttons (what actions/offers.py
reads: the expectation question's payloads) and an empty variation for the others (actions/explain.py asks
only whether a response exists): 17 kB. The slots, forms, intents and actions go as they are.
"""

from __future__ import annotations

import asyncio
import copy
import json
import sys
from functools import lru_cache
from types import ModuleType
from typing import Any

import aiohttp
import ujson
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

_original_resolve_by_type = Event.resolve_by_type
_original_graph_run = DaskGraphRunner.run
_event_types: dict[str, type] = {}


class _ResponseValidator:
    """The action-response schema, with each event's `oneOf` decided by the event's name (section 1)."""

    def __init__(self, schema: dict[str, Any]) -> None:
        cls = validator_for(schema)
        cls.check_schema(schema)
        self.whole = cls(schema)
        self.kinds: dict[Any, list] | None = None
        items = ((schema.get("properties") or {}).get("events") or {}).get("items")
        if isinstance(items, dict) and isinstance(items.get("oneOf"), list):
            kinds: dict[Any, list] = {}
            for kind in items["oneOf"]:
                name = (((kind.get("properties") or {}).get("event")) or {}).get("const")
                if name is None or "event" not in (items.get("required") or ()):
                    return  # a kind without a constant name: only the whole schema can decide
                kinds.setdefault(name, []).append(cls(kind))
            lean = copy.deepcopy(schema)
            del lean["properties"]["events"]["items"]["oneOf"]
            self.lean, self.kinds = cls(lean), kinds

    def is_valid(self, result: Any) -> bool:
        if self.kinds is None:
            return self.whole.is_valid(result)
        if not self.lean.is_valid(result):
            return False
        events = result.get("events") if isinstance(result, dict) else None
        if isinstance(events, list):
            for event in events:  # each a dict with an `event` string: the lean schema checked that
                kinds = self.kinds.get(event["event"], ())
                if sum(1 for kind in kinds if kind.is_valid(event)) != 1:
                    return False
        return True

    def validate(self, result: Any) -> None:
        if not self.is_valid(result):
            self.whole.validate(result)  # raises jsonschema's own error


@lru_cache(maxsize=1)
def _response_validator() -> _ResponseValidator:
    return _ResponseValidator(RemoteAction.action_response_format_spec())


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


KEEP_IDLE_CONNECTIONS_SECONDS = 2.0


class _Kept:
    """What `async with endpoint.session() as session` gets: the endpoint's kept session, left open on exit."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self.session

    async def __aexit__(self, *_exc: Any) -> bool:
        return False


def _encode_json(value: Any) -> str:
    try:
        return ujson.dumps(value, ensure_ascii=True, escape_forward_slashes=False)
    except (OverflowError, TypeError, ValueError):  # what ujson refuses (NaN, odd types): the standard encoder
        return json.dumps(value)


def _kept_session(self: EndpointConfig) -> _Kept:
    loop = asyncio.get_running_loop()
    kept = self.__dict__.get("_kept_session")
    if kept is None or kept.closed or self.__dict__.get("_kept_session_loop") is not loop:
        auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) if self.basic_auth else None
        kept = aiohttp.ClientSession(
            headers=self.headers,
            auth=auth,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEP_IDLE_CONNECTIONS_SECONDS),
            json_serialize=_encode_json,
        )
        self._kept_session, self._kept_session_loop = kept, loop
    return _Kept(kept)


def _run_graph(self: DaskGraphRunner, inputs: dict | None = None, targets: list | None = None) -> dict:
    run_targets = list(targets) if targets else list(self._graph_schema.target_names)
    plans = self.__dict__.setdefault("_plans", {})
    needs = plans.get(tuple(run_targets))
    if needs is None:
        minimal = self._graph_schema.minimal_graph_schema(run_targets)
        needs = {name: tuple(node.needs.values()) for name, node in minimal.nodes.items()}
        plans[tuple(run_targets)] = needs
    results: dict[str, Any] = {}
    for name, value in (inputs or {}).items():
        if isinstance(value, str) and value in needs:
            raise GraphRunError(f"Input value '{value}' clashes with a node name.")
        results[name] = (name, value)

    def output(name: str) -> Any:
        if name in results:
            return results[name]
        if name not in needs:
            return name  # not a node and not an input: dask passes the name itself
        results[name] = self._instantiated_nodes[name](*(output(parent) for parent in needs[name]))
        return results[name]

    try:
        return dict(output(target) for target in run_targets)
    except RuntimeError as e:
        raise GraphRunError("Error running runner.") from e


_MISSING = object()


def _module_attribute(module: Any, name: str) -> Any:
    """getattr(module, name, _MISSING), answered from the module's dict where that is certainly the same."""
    namespace = getattr(module, "__dict__", None)
    if type(module) is not ModuleType or namespace is None or hasattr(ModuleType, name):
        return getattr(module, name, _MISSING)
    if name in namespace:
        return namespace[name]
    return getattr(module, name, _MISSING) if "__getattr__" in namespace else _MISSING


def _skops_whichmodule(obj: Any, name: str) -> str:
    """skops.io._utils.whichmodule (from pickle): the first loaded module holding `obj` as `name`."""
    module_name = getattr(obj, "__module__", None)
    if module_name is not None:
        return module_name
    first, *rest = name.split(".")
    if "<locals>" in rest or first == "<locals>":
        return "__main__"
    for module_name, module in sys.modules.copy().items():
        if module_name in ("__main__", "__mp_main__") or module is None:
            continue
        found = _module_attribute(module, first)
        for part in rest:
            if found is _MISSING:
                break
            found = getattr(found, part, _MISSING)
        if found is obj:
            return module_name
    return "__main__"


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA secure_delete=ON")  # deleted words are overwritten (bot/storage/records.py)
        cursor.close()


# 7. RulePolicy looks for the rules that apply by checking every rule key against every past state of the
# conversation, for every prediction (two a turn): with this project's ~40 rules, about 14 % of the Rasa server's
# busy time in py-spy (docs/performance.md). The rules that can apply at all are first narrowed, once per lookup
# table, by the last state's previous action and intent: a rule whose last state names another previous action, or
# (with a previous action) another intent, is one Rasa's own check rejects at the first step; the rules left for
# each (previous action, intent) are kept, so the next prediction after the same pair looks them up. Rasa's check
# then runs, unchanged, on what is left, and only as far back as the longest of them (it passes every rule further
# back than the rule is long), not through the whole conversation: the keys found are the same (tested on every
# rule of the trained model, in short and long conversations).
_KEPT_LIMIT = 8  # models loaded again and again: the derived values of the last few only


def _kept(table: dict[int, tuple[Any, Any]], source: Any, make: Any) -> Any:
    """`make(source)`, made once per object: kept under its id together with the object itself, so another object
    given a freed one's id is never taken for it (sections 7 and 8)."""
    kept = table.get(id(source))
    if kept is not None and kept[0] is source:
        return kept[1]
    if len(table) >= _KEPT_LIMIT:
        table.clear()
    value = make(source)
    table[id(source)] = (source, value)
    return value


_RULE_INDEX: dict[int, tuple[Any, Any]] = {}


def _rule_index(lookup: dict[str, Any]) -> tuple[dict[str, tuple[bool, Any, Any, int]], dict[tuple, frozenset[str]]]:
    """Each rule key's (has a previous action, previous action, intent) of its last state and its length, and the keys
    that can apply after each (previous action, intent) met so far: at most one per pair of the domain's actions and
    intents, so a prediction looks its candidates up instead of testing every rule."""
    return _kept(_RULE_INDEX, lookup, _make_rule_index)


def _make_rule_index(lookup: dict[str, Any]) -> tuple[dict[str, tuple[bool, Any, Any, int]], dict]:
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.shared.core.constants import PREVIOUS_ACTION, USER
    from rasa.shared.nlu.constants import ACTION_NAME, INTENT

    index = {}
    for key in lookup:
        states = RulePolicy._rule_key_to_state(key)
        last = states[-1] if states else {}
        previous = last.get(PREVIOUS_ACTION) or {}
        index[key] = (bool(previous), previous.get(ACTION_NAME), (last.get(USER) or {}).get(INTENT), len(states))
    return index, {}


def _may_apply(entry: tuple, action: Any, intent: Any) -> bool:
    from rasa.core.policies.rule_policy import SHOULD_NOT_BE_SET

    has_previous, rule_action, rule_intent = entry[:3]
    if not has_previous:
        return True  # a conversation-start rule: Rasa's own check decides
    if rule_action and rule_action != SHOULD_NOT_BE_SET and rule_action != action:
        return False
    return not (rule_intent and rule_intent != SHOULD_NOT_BE_SET and rule_intent != intent)


def _get_possible_keys(self: Any, lookup: dict[str, Any], states: list[dict]) -> set[str]:
    from rasa.shared.core.constants import PREVIOUS_ACTION, USER
    from rasa.shared.nlu.constants import ACTION_NAME, INTENT

    if not states:
        return set(lookup.keys())
    last = states[-1]
    action = (last.get(PREVIOUS_ACTION) or {}).get(ACTION_NAME)
    intent = (last.get(USER) or {}).get(INTENT)
    index, narrowed = _rule_index(lookup)
    candidates = narrowed.get((action, intent))
    if candidates is None:
        candidates = narrowed[(action, intent)] = frozenset(k for k in lookup if _may_apply(index[k], action, intent))
    possible_keys = set(candidates)
    # Rasa's check passes every rule once the conversation is looked at further back than the rule is long, so
    # the look back stops at the longest rule still in the running instead of going through the whole conversation
    for i, state in enumerate(reversed(states)):
        if all(index[key][3] <= i for key in possible_keys):
            break
        possible_keys = {key for key in possible_keys if index[key][3] <= i or self._is_rule_applicable(key, i, state)}
    return possible_keys


# 8. The domain the action server gets: every response named, its variations cut to their buttons (module docstring).
_LEAN_DOMAIN: dict[int, tuple[Any, Any]] = {}


def lean_domain(whole: dict[str, Any]) -> dict[str, Any]:
    """`Domain.as_dict()` with each response variation cut to its buttons; made once per domain dict (Rasa keeps
    that dict for the domain's life, so a new model's domain is a new dict)."""
    return _kept(_LEAN_DOMAIN, whole, _make_lean_domain)


def _make_lean_domain(whole: dict[str, Any]) -> dict[str, Any]:
    lean = dict(whole)
    responses = whole.get("responses")
    if isinstance(responses, dict):
        lean["responses"] = {
            name: [
                {"buttons": variation["buttons"]} if isinstance(variation, dict) and variation.get("buttons") else {}
                for variation in (variations or [])
            ]
            for name, variations in responses.items()
        }
    return lean


_original_action_call_format = RemoteAction._action_call_format


def _action_call_format(self: RemoteAction, tracker: Any, domain: Any) -> dict[str, Any]:
    result = _original_action_call_format(self, tracker, domain)
    if isinstance(result.get("domain"), dict):
        result["domain"] = lean_domain(result["domain"])
    return result
