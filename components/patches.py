"""Every change this project makes to Rasa's own code, in one list, applied at start-up by `apply_all()`.

The replacements live beside what they are for (components/speedups.py, faults.py, channels.py, with the
measurements and reasons); importing those modules changes nothing. `apply_all()` is the only place that
assigns over Rasa. It is called at the start of the processes that need the changes, before Rasa loads a
model or a channel:
- the Rasa server: components/rasa_server.py `main()` (what `make run`, bot.ops.launch --role rasa, the cluster,
  the e2e tests and the bench start);
- bench/bench.py's model-load timing, which loads the model the way the server does.
The action server (rasa_sdk) and the web server run none of Rasa's server code and need none of them. Rasa's
own commands run as they are (`rasa train`, `rasa test`, `rasa shell`, `rasa data validate` in the Makefile
and the Dockerfile) get none either: there the changes would only save time.

Before it changes anything, `apply_all()` checks that the installed Rasa is the series these were written
for (RASA_SERIES; requirements.txt pins the exact release) and that every target still exists with the
parameters its replacement expects. Any problem stops the start-up with one `PatchError` listing them all,
and nothing is changed. Calling it again is harmless; `undo_all()` (or `with applied():`) puts back what was
there, for tests.

Not here, on purpose, because they do not change Rasa's code:
- components/fast_nlu.py, tracker_store.py, lock_store.py, crisis_policy.py, safety_net.py and
  channels.GuardedRestInput are subclasses and components that Rasa itself loads by name from config.yml,
  endpoints.yml and credentials.yml; they change only their own classes. (fast_nlu and tracker_store do
  override some of their Rasa base class's private methods; a Rasa that renamed those would bypass the
  override, not break a patch.)
- components/rasa_server.py's TensorFlow stand-ins: an import hook that must be in place before Rasa is
  imported at all (this module imports Rasa), and that changes no Rasa attribute; its garbage-collector
  settings are the process's, not Rasa's.
"""

from __future__ import annotations

import ast
import importlib
import importlib.abc
import importlib.machinery
import inspect
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

# The Rasa these were written for and checked against: requirements.txt pins rasa==3.6.21.
RASA_SERIES = "3.6"


@dataclass(frozen=True)
class Patch:
    """`module.attribute` is replaced by `replacement` ("module:name" of this project).

    how: "set" assigns the replacement; "staticmethod" wraps it first; "value" calls it and assigns what it
    returns (the target must be a number). params: the target's parameter names the replacement relies on
    (None: not checked). on_import: applied when the target's module is imported, not before (the module
    is slow to import and may never be needed).
    """

    module: str
    attribute: str
    replacement: str
    why: str
    how: str = "set"
    params: tuple[str, ...] | None = None
    on_import: bool = False

    @property
    def target(self) -> str:
        return f"{self.module}:{self.attribute}"


@dataclass(frozen=True)
class Listener:
    """`replacement` listens to `event` of `module.attribute` (an SQLAlchemy event)."""

    module: str
    attribute: str
    event: str
    replacement: str
    why: str

    @property
    def target(self) -> str:
        return f"{self.module}:{self.attribute} ({self.event} event)"


PATCHES: tuple[Patch | Listener, ...] = (
    # components/speedups.py: the same results, less work per message.
    Patch(
        "rasa.core.actions.action",
        "RemoteAction._validate_action_result",
        "components.speedups:_validate_action_result",
        "action-server responses validated by a validator built once, not a schema re-checked per call",
        params=("self", "result"),
    ),
    Patch(
        "rasa.shared.core.events",
        "Event.resolve_by_type",
        "components.speedups:_resolve_by_type",
        "event classes looked up in a table, not by walking every subclass of Event per event",
        how="staticmethod",
        params=("type_name", "default"),
    ),
    Patch(
        "rasa.utils.endpoints",
        "EndpointConfig.session",
        "components.speedups:_kept_session",
        "one kept HTTP session per endpoint and event loop, not a new connection per action call",
        params=("self",),
    ),
    Patch(
        "rasa.core.actions.action",
        "RemoteAction._action_call_format",
        "components.speedups:_action_call_format",
        "the domain sent to the action server without the responses' texts (their names and buttons kept)",
        params=("self", "tracker", "domain"),
    ),
    Patch(
        "rasa.core.policies.rule_policy",
        "RulePolicy._get_possible_keys",
        "components.speedups:_get_possible_keys",
        "the rules that can apply narrowed by the last previous action and intent before Rasa's own check",
        params=("self", "lookup", "states"),
    ),
    Patch(
        "rasa.engine.runner.dask",
        "DaskGraphRunner.run",
        "components.speedups:_run_graph",
        "the model graph's nodes called in dependency order, without dask's scheduler",
        params=("self", "inputs", "targets"),
    ),
    Patch(
        "skops.io._utils",
        "whichmodule",
        "components.speedups:_skops_whichmodule",
        "skops's module search without a million error messages built and thrown away at import",
        params=("obj", "name"),
        on_import=True,
    ),
    Listener(
        "sqlalchemy.engine",
        "Engine",
        "connect",
        "components.speedups:_sqlite_pragmas",
        "SQLite connections in WAL mode with synchronous=NORMAL and secure_delete",
    ),
    # components/faults.py: a failure answers the doctor instead of silence or an in-memory fallback.
    Patch(
        "rasa.core.processor",
        "MessageProcessor._run_action",
        "components.faults:_run_action",
        "an action that raises answers with the apology and the helplines",
        params=("self", "action", "tracker", "output_channel", "nlg", "prediction"),
    ),
    Patch(
        "rasa.core.tracker_store",
        "FailSafeTrackerStore.retrieve",
        "components.faults:_retrieve",
        "a tracker store that cannot read fails the turn, no empty in-memory conversation",
        params=("self", "sender_id"),
    ),
    Patch(
        "rasa.core.tracker_store",
        "FailSafeTrackerStore.retrieve_full_tracker",
        "components.faults:_retrieve_full_tracker",
        "the same for a whole-history read",
        params=("self", "sender_id"),
    ),
    Patch(
        "rasa.core.tracker_store",
        "FailSafeTrackerStore.save",
        "components.faults:_save",
        "a tracker store that cannot write fails the turn, nothing kept in one replica's memory",
        params=("self", "tracker"),
    ),
    Patch(
        "rasa.core.actions.action",
        "DEFAULT_REQUEST_TIMEOUT",
        "components.faults:action_timeout_seconds",
        "calls to the action server give up after ACTION_TIMEOUT_SECONDS, not five minutes",
        how="value",
    ),
    # components/channels.py: the rest of Rasa's HTTP API behind the same screen as the REST channel.
    Patch(
        "rasa.server",
        "create_app",
        "components.channels:create_guarded_app",
        "a body that is not the JSON a route reads gets a 400 before Rasa's handler (which gave some a 500)",
    ),
)


class PatchError(RuntimeError):
    """Rasa is not the Rasa the patches were written for: the message lists every problem."""


_ABSENT = object()
_applied: list[tuple[Any, str, Any]] = []  # (owner, name, what was in owner's own namespace), in order
_listening: list[tuple[Any, str, Any]] = []  # (target, event, function) added by apply_all
_finder: _PatchOnImport | None = None


def _load(reference: str) -> Any:
    module, name = reference.split(":")
    return getattr(importlib.import_module(module), name)


def _owner(patch: Patch | Listener) -> tuple[Any, str]:
    """The object holding the patched attribute and its name; ImportError or AttributeError if gone."""
    owner: Any = importlib.import_module(patch.module)
    *parents, name = patch.attribute.split(".")
    for part in parents:
        owner = getattr(owner, part)
    return owner, name


def _own(owner: Any, name: str) -> Any:
    """What `owner` itself holds under `name` (a class's raw staticmethod, not the function), or _ABSENT."""
    if isinstance(owner, type):
        return owner.__dict__.get(name, _ABSENT)
    return getattr(owner, name, _ABSENT)


def _unloaded_params(patch: Patch) -> tuple[str, ...]:
    """The parameters of a module-level function of a module not yet imported, read from its source."""
    top, *rest = patch.module.split(".")
    spec = importlib.machinery.PathFinder.find_spec(top)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(f"no package {top}")
    path = Path(list(spec.submodule_search_locations)[0]).joinpath(*rest)
    source = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    if not source.is_file():
        raise ImportError(f"no module {patch.module}")
    for node in ast.parse(source.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef) and node.name == patch.attribute:
            arguments = node.args
            return tuple(a.arg for a in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs])
    raise AttributeError(f"module {patch.module} defines no function {patch.attribute}")


def _problem(patch: Patch | Listener) -> str | None:
    """Why this patch cannot be applied to the installed Rasa, or None."""
    try:
        if isinstance(patch, Patch) and patch.on_import and patch.module not in sys.modules:
            found = _unloaded_params(patch)
        else:
            owner, name = _owner(patch)
            current = getattr(owner, name)
            if isinstance(patch, Patch) and patch.how == "value":
                ok = isinstance(current, (int, float)) and not isinstance(current, bool)
                return None if ok else f"is {current!r}, not a number"
            if isinstance(patch, Listener) or patch.params is None:
                return None
            found = tuple(inspect.signature(current).parameters)
    except (ImportError, AttributeError) as exc:
        return f"not found ({type(exc).__name__}: {exc})"
    except (TypeError, ValueError) as exc:
        return f"its parameters cannot be read ({exc})"
    if isinstance(patch, Patch) and patch.params is not None and found != patch.params:
        return f"takes ({', '.join(found)}), the replacement expects ({', '.join(patch.params)})"
    return None


def check() -> list[str]:
    """Every reason the patches cannot be applied to the Rasa installed here (empty when they can)."""
    import rasa

    problems = []
    version = str(getattr(rasa, "__version__", "unknown"))
    if version.split(".")[:2] != RASA_SERIES.split("."):
        problems.append(f"Rasa {version} is installed; these patches were written for Rasa {RASA_SERIES}.x")
    for patch in PATCHES:
        problem = _problem(patch)
        if problem:
            problems.append(f"{patch.target}: {problem} (patched so that: {patch.why})")
    return problems


def applied_now() -> bool:
    return bool(_applied or _listening or _finder)


def apply_all() -> None:
    """Check, then apply every patch; a PatchError (and no change at all) if any target is missing or changed.

    Idempotent: a second call while they are applied does nothing.
    """
    if applied_now():
        return
    problems = check()
    if problems:
        raise PatchError(
            "This project's changes to Rasa's code (components/patches.py) do not fit the installed Rasa: "
            "nothing was changed, and the Rasa server cannot start.\n  - "
            + "\n  - ".join(problems)
            + "\nInstall the Rasa that requirements.txt pins, or update components/patches.py and the modules "
            "it names for this one."
        )
    try:
        replacements = [_load(patch.replacement) for patch in PATCHES]
    except Exception as exc:
        raise PatchError(f"A module with replacements for Rasa's code cannot be loaded: {exc!r}") from exc
    try:
        for patch, replacement in zip(PATCHES, replacements, strict=True):
            _apply(patch, replacement)
    except BaseException:
        undo_all()
        raise
    logger.debug("applied %d changes to Rasa's code", len(PATCHES))


def _apply(patch: Patch | Listener, replacement: Any) -> None:
    global _finder
    if isinstance(patch, Listener):
        from sqlalchemy import event

        target = getattr(importlib.import_module(patch.module), patch.attribute)
        if not event.contains(target, patch.event, replacement):
            event.listen(target, patch.event, replacement)
            _listening.append((target, patch.event, replacement))
        return
    if patch.on_import and patch.module not in sys.modules:
        if _finder is None:
            _finder = _PatchOnImport()
            sys.meta_path.insert(0, _finder)
        _finder.waiting[patch.module] = [*_finder.waiting.get(patch.module, []), (patch, replacement)]
        return
    owner, name = _owner(patch)
    _set(owner, name, _value(patch, replacement))


def _value(patch: Patch, replacement: Any) -> Any:
    if patch.how == "staticmethod":
        return staticmethod(replacement)
    if patch.how == "value":
        return replacement()
    return replacement


def _set(owner: Any, name: str, value: Any) -> None:
    _applied.append((owner, name, _own(owner, name)))
    setattr(owner, name, value)


def undo_all() -> None:
    """Put back everything apply_all changed, last change first (for tests)."""
    global _finder
    from sqlalchemy import event

    if _finder is not None:
        if _finder in sys.meta_path:
            sys.meta_path.remove(_finder)
        _finder = None
    while _listening:
        target, name, function = _listening.pop()
        if event.contains(target, name, function):
            event.remove(target, name, function)
    while _applied:
        owner, name, original = _applied.pop()
        if original is _ABSENT:
            delattr(owner, name)
        else:
            setattr(owner, name, original)


@contextmanager
def applied() -> Iterator[None]:
    """The patches applied inside the block; on leaving, undone unless they were applied before it."""
    before = applied_now()
    apply_all()
    try:
        yield
    finally:
        if not before:
            undo_all()


class _PatchOnImport(importlib.abc.MetaPathFinder):
    """Applies the patches of a module as it is imported, before anything uses it."""

    def __init__(self) -> None:
        self.waiting: dict[str, list[tuple[Patch, Any]]] = {}

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname not in self.waiting:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        run = spec.loader.exec_module
        patches = self.waiting.pop(fullname)

        def exec_module(module: Any) -> None:
            run(module)
            for patch, replacement in patches:
                owner, name = _owner(patch)
                _set(owner, name, _value(patch, replacement))

        spec.loader.exec_module = exec_module
        return spec
