#!/usr/bin/env python3
"""Pin the two requirements files from the venv (make lock).

    python tools/lock.py            # writes requirements.txt and requirements-dev.txt

requirements.in names what runs (the production image installs only that); requirements-dev.in names the test and
development tools on top of it. requirements.txt is every installed package that requirements.in needs, directly or
through a dependency, at its installed version (pip freeze, filtered by the packages' own dependency metadata);
requirements-dev.txt starts with `-r requirements.txt` and pins the rest that requirements-dev.in needs. A package
installed by hand that neither file needs is left out, and named.
"""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
PROD_IN, DEV_IN = ROOT / "requirements.in", ROOT / "requirements-dev.in"
PROD_TXT, DEV_TXT = ROOT / "requirements.txt", ROOT / "requirements-dev.txt"
HEADER = "# Made by `make lock` (tools/lock.py) from {source}: edit that, not this.\n"


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def direct(path: Path) -> list[Requirement]:
    """The requirements a .in file names itself (not those of a file it includes with -r)."""
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [Requirement(line) for line in lines if line and not line.startswith("-")]


def installed() -> dict[str, metadata.Distribution]:
    return {canonical(d.metadata["Name"]): d for d in metadata.distributions()}


def needed(roots: list[Requirement], dists: dict[str, metadata.Distribution]) -> set[str]:
    """Every installed package that `roots` need on this Python, through their declared dependencies and extras."""
    seen: set[tuple[str, str]] = set()
    todo = [(canonical(r.name), extra) for r in roots for extra in ("", *r.extras)]
    while todo:
        name, extra = todo.pop()
        if (name, extra) in seen or name not in dists:
            continue
        seen.add((name, extra))
        for line in dists[name].requires or []:
            req = Requirement(line)
            if req.marker is None or req.marker.evaluate({"extra": extra}):
                todo += [(canonical(req.name), e) for e in ("", *req.extras)]
    return {name for name, _ in seen}


def freeze() -> dict[str, str]:
    """canonical name -> its `pip freeze` line."""
    out = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--exclude-editable"], capture_output=True, text=True, check=True
    ).stdout
    return {canonical(line.split("==", 1)[0]): line for line in out.splitlines() if "==" in line}


def locked_files() -> tuple[str, str, list[str]]:
    """requirements.txt's text, requirements-dev.txt's text, and the installed packages that neither needs."""
    dists, frozen = installed(), freeze()
    prod_roots, dev_roots = direct(PROD_IN), direct(DEV_IN)
    missing = [
        str(r)
        for r in prod_roots + dev_roots
        if canonical(r.name) not in dists
        or not r.specifier.contains(dists[canonical(r.name)].version, prereleases=True)
    ]
    if missing:
        sys.exit(f"not installed as asked: {', '.join(missing)} (pip install -r {DEV_IN.name} first)")
    prod = needed(prod_roots, dists)
    dev = needed(dev_roots, dists) - prod
    prod_lines = [line for name, line in frozen.items() if name in prod]
    dev_lines = [line for name, line in frozen.items() if name in dev]
    prod_text = HEADER.format(source=PROD_IN.name) + "".join(f"{line}\n" for line in prod_lines)
    dev_text = (
        HEADER.format(source=DEV_IN.name)
        + f"# Tests and development tools only; the production image installs {PROD_TXT.name} alone.\n"
        + f"-r {PROD_TXT.name}\n"
        + "".join(f"{line}\n" for line in dev_lines)
    )
    strays = sorted(name for name in frozen if name not in prod | dev)
    return prod_text, dev_text, strays


def main() -> int:
    prod_text, dev_text, strays = locked_files()
    if strays:
        print(f"installed but needed by neither file, left out: {', '.join(strays)}")
    for path, text in ((PROD_TXT, prod_text), (DEV_TXT, dev_text)):
        changed = not path.exists() or path.read_text() != text
        if changed:  # an unchanged file keeps its time, so make does not reinstall the venv for nothing
            path.write_text(text)
        print(f"{path.name}: {text.count('==')} packages, {'rewritten' if changed else 'unchanged'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
