"""The layers of bot/ as a test (README, "Architecture"): what each part may import, read from the source with ast.

- bot/core: the conversation's decisions, plain Python: nothing of Rasa, Sanic or SQLAlchemy, nothing of bot/
  outside the core (not even bot.settings: the caller passes what a decision needs);
- bot/storage: the doctors' data: not the web side, not the servers' start-up, not Rasa;
- bot/web: the network-facing server: not Rasa, not the start-up;
- nothing in bot/ imports the Rasa adapters (actions/, components/): they import bot/, never the other way;
- of bot/, only bot/ops (start-up and command lines) imports Rasa.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RASA = ("rasa", "rasa_sdk")
SERVERS = ("sanic", "sanic_routing")
DATABASE = ("sqlalchemy", "alembic")
ADAPTERS = ("actions", "components")
PROJECT = ("bot", *ADAPTERS)

# part of bot/ -> the imports it must not make (a prefix matches itself and its submodules)
FORBIDDEN = {
    "bot.core": (*RASA, *SERVERS, *DATABASE, *ADAPTERS),  # and bot.* outside bot.core: see outside_core
    "bot.storage": (*RASA, *SERVERS, *ADAPTERS, "bot.web", "bot.ops"),
    "bot.web": (*RASA, *ADAPTERS, "bot.ops"),
    "bot.ops": ADAPTERS,
    "bot.settings": (*RASA, *SERVERS, *ADAPTERS, "bot.core", "bot.storage", "bot.web", "bot.ops"),
}


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """Every module a file imports, at any depth (inside functions too), relative imports made absolute."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path, root).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            if node.module is None or node.level:
                # "from bot.core import form" / "from . import form": the names may be modules
                found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, base))
    return found


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def violations(root: Path = ROOT) -> list[str]:
    found = []
    for path in sorted((root / "bot").rglob("*.py")):
        if "migrations" in path.relative_to(root).parts:
            continue  # Alembic's scripts: bot/storage/migrations, checked with the storage by test_migrations
        module = module_name(path, root)
        part = next((p for p in FORBIDDEN if _under(module, p)), None)
        for line, name in imports_of(path, root):
            where = f"{path.relative_to(root)}:{line} imports {name}"
            if any(_under(name, a) for a in ADAPTERS):
                found.append(f"{where}: bot/ never imports the Rasa adapters (actions/, components/)")
            elif part and any(_under(name, f) for f in FORBIDDEN[part]):
                found.append(f"{where}: {part} must not import it")
            elif part == "bot.core" and _under(name, "bot") and not _under(name, "bot.core") and name != "bot":
                found.append(f"{where}: bot/core imports nothing of bot/ outside the core")
            elif not part and any(_under(name, r) for r in RASA):
                found.append(f"{where}: of bot/, only bot/ops imports Rasa")
    return found


def test_the_layers_hold():
    assert violations() == []


def test_every_module_of_bot_is_in_a_layer():
    """A new module at the top of bot/ would escape the rules: it belongs in core, storage, web or ops."""
    loose = [p.name for p in (ROOT / "bot").glob("*.py") if p.name not in ("__init__.py", "settings.py")]
    assert loose == []


@pytest.mark.parametrize(
    "where, source, broken",
    [
        ("bot/core/x.py", "import sqlalchemy as sa\n", "bot.core must not import it"),
        ("bot/core/x.py", "def f():\n    from rasa.core import agent\n", "bot.core must not import it"),
        ("bot/core/x.py", "from bot.settings import get_settings\n", "outside the core"),
        ("bot/core/x.py", "from bot.storage import models\n", "outside the core"),
        ("bot/core/x.py", "from .. import settings\n", "outside the core"),
        ("bot/storage/x.py", "from bot.web.app import create_app\n", "bot.storage must not import it"),
        ("bot/storage/x.py", "from rasa.core.tracker_store import SQLTrackerStore\n", "bot.storage must not"),
        ("bot/web/x.py", "import components.channels\n", "never imports the Rasa adapters"),
        ("bot/ops/x.py", "from actions import offers\n", "never imports the Rasa adapters"),
    ],
)
def test_a_broken_rule_is_caught(tmp_path, where, source, broken):
    for package in ("bot", "bot/core", "bot/storage", "bot/web", "bot/ops"):
        (tmp_path / package).mkdir(exist_ok=True)
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "bot/core/fine.py").write_text("import re\nimport yaml\nfrom bot.core import values\nfrom . import x\n")
    (tmp_path / where).write_text(source)
    found = violations(tmp_path)
    assert len(found) == 1 and broken in found[0] and where in found[0]


def test_what_the_core_may_import_passes(tmp_path):
    for package in ("bot", "bot/core", "bot/ops"):
        (tmp_path / package).mkdir(exist_ok=True)
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "bot/core/x.py").write_text("import re\nimport yaml\nfrom bot.core.values import FORM_SLOTS\n")
    (tmp_path / "bot/ops/x.py").write_text("def f():\n    from rasa.core.tracker_store import SQLTrackerStore\n")
    assert violations(tmp_path) == []
