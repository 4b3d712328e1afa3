"""components/patches.py: every change to Rasa's code applied in one place, checked first, and undone for tests."""

import dataclasses
import gc
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import rasa
from rasa.core.processor import MessageProcessor
from rasa.engine.runner.dask import DaskGraphRunner
from sqlalchemy import event
from sqlalchemy.engine import Engine

from components import patches, speedups
from components.patches import Patch, PatchError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def unpatched():
    """Each test starts and ends with Rasa as it is installed."""
    assert not patches.applied_now(), "a test before this one left the patches applied"
    yield
    patches.undo_all()


def snapshot() -> dict:
    """What every target holds in its own namespace, the SQLite listener and the import hooks."""
    state: dict = {"meta_path": list(sys.meta_path)}
    for patch in patches.PATCHES:
        if isinstance(patch, patches.Listener):
            state[patch.target] = event.contains(Engine, "connect", speedups._sqlite_pragmas)
            continue
        if patch.on_import and patch.module not in sys.modules:
            state[patch.target] = "not imported"
            continue
        try:
            owner, name = patches._owner(patch)
        except (ImportError, AttributeError):
            state[patch.target] = "missing"
            continue
        state[patch.target] = patches._own(owner, name)
    return state


def test_apply_all_changes_every_target_and_undo_all_restores_every_original():
    before = snapshot()
    patches.apply_all()
    after = snapshot()
    for patch in patches.PATCHES:
        if isinstance(patch, Patch) and patch.on_import and patch.module not in sys.modules:
            assert after["meta_path"][0].waiting[patch.module], "patched when it is imported"
        else:
            assert after[patch.target] != before[patch.target], patch.target
    import rasa.server

    from components.channels import create_guarded_app

    assert rasa.server.create_app is create_guarded_app
    assert MessageProcessor._run_action.__module__ == "components.faults"
    patches.undo_all()
    assert snapshot() == before
    assert not patches.applied_now()


def test_a_missing_target_fails_naming_every_one_and_changes_nothing(monkeypatch):
    monkeypatch.delattr(MessageProcessor, "_run_action")
    fake = Patch("rasa.no_such_module", "Thing.method", "components.faults:_save", "a test")
    monkeypatch.setattr(patches, "PATCHES", (*patches.PATCHES, fake))
    before = snapshot()
    with pytest.raises(PatchError) as failed:
        patches.apply_all()
    message = str(failed.value)
    assert "rasa.core.processor:MessageProcessor._run_action: not found" in message
    assert "rasa.no_such_module:Thing.method: not found" in message
    assert "nothing was changed" in message
    assert snapshot() == before and not patches.applied_now()


def test_a_target_that_changed_its_parameters_or_type_fails(monkeypatch):
    import rasa.core.actions.action

    monkeypatch.setattr(DaskGraphRunner, "run", lambda self, inputs: {})
    monkeypatch.setattr(rasa.core.actions.action, "DEFAULT_REQUEST_TIMEOUT", "300")
    before = snapshot()
    with pytest.raises(PatchError) as failed:
        patches.apply_all()
    assert "DaskGraphRunner.run: takes (self, inputs), the replacement expects (self, inputs, targets)" in str(
        failed.value
    )
    assert "action:DEFAULT_REQUEST_TIMEOUT: is '300', not a number" in str(failed.value)
    assert snapshot() == before


def test_another_rasa_fails_before_anything_changes(monkeypatch):
    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    before = snapshot()
    with pytest.raises(
        PatchError, match=re.escape("Rasa 3.7.0 is installed; these patches were written for Rasa 3.6.x")
    ):
        patches.apply_all()
    assert snapshot() == before


def test_a_replacement_that_cannot_be_loaded_changes_nothing(monkeypatch):
    broken = Patch("rasa.core.processor", "MessageProcessor.save_tracker", "components.faults:_no_such", "a test")
    monkeypatch.setattr(patches, "PATCHES", (*patches.PATCHES, broken))
    before = snapshot()
    with pytest.raises(PatchError, match="cannot be loaded"):
        patches.apply_all()
    assert snapshot() == before


def test_applying_twice_is_harmless():
    before = snapshot()
    patches.apply_all()
    once = snapshot()
    patches.apply_all()
    assert snapshot() == once
    patches.undo_all()
    assert snapshot() == before, "the second call did not take the patched attributes for originals"


def test_the_context_manager_undoes_only_what_it_applied():
    before = snapshot()
    with patches.applied():
        patched = snapshot()
        with patches.applied():
            pass
        assert snapshot() == patched, "an inner block leaves the outer one's patches"
    assert snapshot() == before


@pytest.fixture
def slow_module(tmp_path, monkeypatch):
    """A package `slowlib_for_patches` whose module `lookup` has the source given, not yet imported; with the
    patch of its `whichmodule` on import (the way skops is patched)."""

    def make(source: str) -> Patch:
        package = tmp_path / "slowlib_for_patches"
        package.mkdir()
        (package / "__init__.py").write_text("")
        (package / "lookup.py").write_text(source)
        monkeypatch.syspath_prepend(str(tmp_path))
        return Patch(
            "slowlib_for_patches.lookup",
            "whichmodule",
            "components.speedups:_skops_whichmodule",
            "a test",
            params=("obj", "name"),
            on_import=True,
        )

    yield make
    for name in ("slowlib_for_patches.lookup", "slowlib_for_patches"):
        sys.modules.pop(name, None)


def test_a_module_patched_on_import_is_patched_as_it_loads_and_restored(slow_module, monkeypatch):
    monkeypatch.setattr(patches, "PATCHES", (slow_module("def whichmodule(obj, name):\n    return 'slow'\n"),))
    patches.apply_all()
    assert "slowlib_for_patches.lookup" not in sys.modules, "checked from its source, not imported"
    from slowlib_for_patches import lookup

    assert lookup.whichmodule is speedups._skops_whichmodule
    patches.undo_all()
    assert lookup.whichmodule(None, "x") == "slow"
    assert not any(isinstance(f, patches._PatchOnImport) for f in sys.meta_path)


def test_a_module_patched_on_import_is_checked_from_its_source(slow_module, monkeypatch):
    lazy = slow_module("def whichmodule(obj):\n    return 'slow'\n")
    monkeypatch.setattr(patches, "PATCHES", (lazy, dataclasses.replace(lazy, attribute="gone")))
    with pytest.raises(PatchError) as failed:
        patches.apply_all()
    message = str(failed.value)
    assert "slowlib_for_patches.lookup:whichmodule: takes (obj), the replacement expects (obj, name)" in message
    assert "slowlib_for_patches.lookup:gone: not found" in message
    assert "slowlib_for_patches.lookup" not in sys.modules


def test_requirements_pin_a_rasa_of_the_series_the_patches_were_written_for():
    pinned = re.search(r"^rasa==(\S+)$", (ROOT / "requirements.txt").read_text(), re.MULTILINE).group(1)
    assert pinned.startswith(patches.RASA_SERIES + "."), "update components/patches.py for the new Rasa first"
    assert rasa.__version__ == pinned


def test_every_patch_says_why_and_names_a_replacement_of_this_project():
    for patch in patches.PATCHES:
        assert patch.why and patch.replacement.startswith("components."), patch
        assert patch.how in ("set", "staticmethod", "value") if isinstance(patch, Patch) else True


IMPORT_EVERYTHING = """
import json, pkgutil, sys, importlib
import components
from components import patches, rasa_server
rasa_server.use_stand_ins()  # as in the server, and quicker
before = {}
for patch in patches.PATCHES:
    owner = importlib.import_module(patch.module)
    *parents, name = patch.attribute.split(".")
    for part in parents:
        owner = getattr(owner, part)
    before[patch.target] = (owner, name, patches._own(owner, name))
from sqlalchemy import event
from sqlalchemy.engine import Engine
hooks = list(sys.meta_path)
names = [m.name for m in pkgutil.iter_modules(components.__path__)]
for name in names:
    importlib.import_module("components." + name)
from components import speedups
print(json.dumps({
    "imported": names,
    "changed": [t for t, (owner, name, was) in before.items() if patches._own(owner, name) is not was],
    "listening": event.contains(Engine, "connect", speedups._sqlite_pragmas),
    "new_hooks": [repr(f) for f in sys.meta_path if f not in hooks],
}))
"""


def test_importing_any_module_of_components_changes_nothing_in_rasa():
    out = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERYTHING],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "PYTHONWARNINGS": "ignore", "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert {"channels", "faults", "speedups", "safety_net", "fast_nlu", "tracker_store"} <= set(result["imported"])
    assert result == {**result, "changed": [], "listening": False, "new_hooks": []}


def test_the_rasa_server_applies_them_before_rasa_starts(monkeypatch):
    import rasa.__main__
    import rasa.server

    from components import rasa_server
    from components.channels import create_guarded_app

    seen = {}

    def rasa_main():
        seen["applied"] = patches.applied_now()
        seen["guarded"] = rasa.server.create_app is create_guarded_app

    monkeypatch.setattr(rasa.__main__, "main", rasa_main)
    monkeypatch.setattr(gc, "freeze", lambda: None)
    monkeypatch.setattr(gc, "set_threshold", lambda *_: None)
    monkeypatch.setattr(sys, "argv", ["components.rasa_server", "run"])
    rasa_server.main()
    assert seen == {"applied": True, "guarded": True}


def test_the_rasa_server_stops_with_the_list_when_rasa_does_not_fit(monkeypatch, capsys):
    import rasa.__main__

    from components import rasa_server

    monkeypatch.setattr(rasa, "__version__", "4.0.0")
    monkeypatch.setattr(rasa.__main__, "main", lambda: pytest.fail("Rasa started"))
    monkeypatch.setattr(sys, "argv", ["components.rasa_server", "run"])
    with pytest.raises(SystemExit) as stopped:
        rasa_server.main()
    assert "Rasa 4.0.0 is installed" in str(stopped.value.code)
