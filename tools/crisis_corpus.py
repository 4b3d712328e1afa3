"""The crisis corpus (tests/data/crisis/{en,nb}.yml) read once, checked, for the trainer, the evaluator and the
benchmark: each row with its label (1 a disclosure, 0 not), language and side."""

from __future__ import annotations

from pathlib import Path

import yaml

CORPUS_DIR = Path(__file__).resolve().parents[1] / "tests" / "data" / "crisis"
LANGUAGES = ("en", "nb")
SPLITS = ("train", "heldout")
DISCLOSURE_KINDS = (
    "direct",
    "passive_wish",
    "no_reason",
    "plan_or_time",
    "means",
    "preparation",
    "self_harm",
    "attempt",
)
NEGATIVE_KINDS = ("idiom", "someone_else", "clinical", "media", "denial", "distress", "answer")


def corpus_rows(split: str | None = None) -> list[dict]:
    """The rows of one split (all rows when None); a bad split or kind fails loudly."""
    rows = []
    for lang in LANGUAGES:
        raw = yaml.safe_load((CORPUS_DIR / f"{lang}.yml").read_text(encoding="utf-8"))
        for side, label in (("disclosures", 1), ("negatives", 0)):
            for row in raw[side]:
                if row["split"] not in SPLITS:
                    raise ValueError(f"{lang}.yml: bad split {row['split']!r}")
                if row["kind"] not in (DISCLOSURE_KINDS if label else NEGATIVE_KINDS):
                    raise ValueError(f"{lang}.yml: unknown {side} kind {row['kind']!r}")
                if split is None or row["split"] == split:
                    rows.append({**row, "label": label, "lang": lang, "side": side})
    return rows
