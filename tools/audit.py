#!/usr/bin/env python3
"""Known vulnerabilities in the locked requirements, with pip-audit (PyPA), failing on any that has a fix.

    python tools/audit.py [--unreachable-ok]                              (make audit; make test adds the flag)

pip-audit runs from its own virtual environment (var/audit-venv: its dependencies clash with Rasa 3.6's pins)
over requirements.txt and requirements-dev.txt as locked (what runs and the test and development tools; pip-audit
does not follow the dev file's `-r`, so both are named; `--no-deps --disable-pip`: only the pinned versions), asking
the OSV database. A vulnerability with a fixed version fails the audit unless tools/audit-accepted.yml names
it with the reason it cannot be taken yet (e.g. Rasa 3.6 pins the package); one without any fix is reported
and does not fail. When the vulnerability service cannot be reached (this workplace's machines reach only the
package registries), the audit says so loudly; with --unreachable-ok that is not a failure (make test), without
it it is (make audit).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
ACCEPTED = ROOT / "tools" / "audit-accepted.yml"
PIP_AUDIT = ROOT / "var" / "audit-venv" / "bin" / "pip-audit"
UNREACHABLE_SIGNS = ("ConnectionError", "Max retries exceeded", "NameResolutionError", "timed out", "ConnectTimeout")


@dataclass(frozen=True)
class Finding:
    package: str
    version: str
    id: str
    fix_versions: tuple[str, ...]
    aliases: tuple[str, ...] = ()


def findings(report: dict) -> list[Finding]:
    """The vulnerabilities of a pip-audit JSON report."""
    found = []
    for dependency in report.get("dependencies", []):
        for vuln in dependency.get("vulns", []):
            found.append(
                Finding(
                    dependency["name"],
                    dependency.get("version", "?"),
                    vuln["id"],
                    tuple(vuln.get("fix_versions") or ()),
                    tuple(vuln.get("aliases") or ()),
                )
            )
    return found


def accepted_ids(path: Path = ACCEPTED) -> dict[str, str]:
    """Reviewed vulnerabilities that cannot be fixed yet: id -> reason (each needs one)."""
    entries = yaml.safe_load(path.read_text()) or []
    accepted = {}
    for entry in entries:
        if not entry.get("reason"):
            raise ValueError(f"{path}: {entry.get('id')} has no reason")
        accepted[entry["id"]] = entry["reason"]
    return accepted


def failing(found: list[Finding], accepted: dict[str, str]) -> list[Finding]:
    """Those with a fix available that nobody has accepted (by its id or one of its aliases)."""
    return [f for f in found if f.fix_versions and not ({f.id, *f.aliases} & set(accepted))]


def run_pip_audit(requirements: list[Path]) -> tuple[dict | None, str]:
    named = [arg for path in requirements for arg in ("--requirement", str(path))]
    with tempfile.NamedTemporaryFile(suffix=".json") as output:
        result = subprocess.run(
            [str(PIP_AUDIT), *named, "--no-deps", "--disable-pip",
             "--vulnerability-service", "osv", "--timeout", "20", "--format", "json", "--output", output.name],
            capture_output=True, text=True,
        )  # fmt: skip
        text = Path(output.name).read_text()
    report = json.loads(text) if text.strip() else None
    return report, result.stderr


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--requirements", type=Path, nargs="+", default=[ROOT / "requirements.txt", ROOT / "requirements-dev.txt"]
    )
    parser.add_argument("--unreachable-ok", action="store_true", help="do not fail when OSV cannot be reached")
    args = parser.parse_args(argv)
    report, errors = run_pip_audit(args.requirements)
    if report is None:
        if any(sign in errors for sign in UNREACHABLE_SIGNS):
            print("NOT AUDITED: the vulnerability database (api.osv.dev) cannot be reached from this machine.")
            return 0 if args.unreachable_ok else 2
        print(errors[-2000:])
        return 2
    found = findings(report)
    accepted = accepted_ids()
    bad = failing(found, accepted)
    for finding in found:
        state = "FIX AVAILABLE" if finding in bad else ("accepted" if finding.fix_versions else "no fix yet")
        fixes = ", ".join(finding.fix_versions) or "-"
        print(f"{finding.package} {finding.version}: {finding.id} ({state}; fixed in {fixes})")
    audited = len(report.get("dependencies", []))
    print(f"{audited} packages audited, {len(found)} known vulnerabilities, {len(bad)} failing")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
