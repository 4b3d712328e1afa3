"""tools/audit.py: which known vulnerabilities fail the audit (pip-audit's JSON report, as it writes it)."""

import sys

import pytest

from bot.settings import ROOT

sys.path.insert(0, str(ROOT / "tools"))
from audit import accepted_ids, failing, findings  # noqa: E402

REPORT = {
    "dependencies": [
        {"name": "aiohttp", "version": "3.9.5", "vulns": [
            {"id": "GHSA-aaaa", "fix_versions": ["3.10.11"], "aliases": ["CVE-2024-0001"], "description": "…"},
            {"id": "PYSEC-2025-1", "fix_versions": [], "aliases": [], "description": "…"},
        ]},
        {"name": "requests", "version": "2.34.2", "vulns": []},
        {"name": "tensorflow", "version": "2.12.0", "vulns": [
            {"id": "PYSEC-2024-9", "fix_versions": ["2.12.1"], "aliases": ["CVE-2024-0002"], "description": "…"},
        ]},
    ],
    "fixes": [],
}  # fmt: skip


def test_a_vulnerability_with_a_fix_fails_unless_accepted_by_id_or_alias():
    found = findings(REPORT)
    assert [f.id for f in found] == ["GHSA-aaaa", "PYSEC-2025-1", "PYSEC-2024-9"]
    assert [f.id for f in failing(found, {})] == ["GHSA-aaaa", "PYSEC-2024-9"]
    assert [f.id for f in failing(found, {"CVE-2024-0002": "Rasa 3.6 pins tensorflow 2.12.0"})] == ["GHSA-aaaa"]
    assert failing(found, {"GHSA-aaaa": "r", "PYSEC-2024-9": "r"}) == []


def test_an_accepted_vulnerability_needs_a_reason(tmp_path):
    path = tmp_path / "accepted.yml"
    path.write_text("- id: GHSA-aaaa\n  package: aiohttp\n")
    with pytest.raises(ValueError, match="no reason"):
        accepted_ids(path)


def test_the_reviewed_list_in_the_repository_loads():
    assert isinstance(accepted_ids(), dict)
