"""Score the crisis net (bot/core/crisis.py: patterns and classifier) on the crisis corpus: `make crisis-eval`.

Prints, per language, recall per kind of disclosure (crisis help at once; helplines shown at all, which adds
the direct question) and false alarms per kind of hard negative, for the training rows and, on their own, the
held-out rows, which nothing was tuned on. --json writes the same figures for tests and notes.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core.crisis import Risk, assess_risk  # noqa: E402
from tools.crisis_corpus import LANGUAGES, corpus_rows  # noqa: E402


def score(split: str, later_rounds_only: bool = False, risk_of=None) -> dict:
    """Rows of one split (with later_rounds_only, only the held-out rows that carry a `round`), each read by risk_of
    (bot.core.crisis.assess_risk by default):
    {lang: {"disclosures": {kind: [n, at_once, shown]}, "negatives": {kind: [n, alarms, crisis_alarms]}}}."""
    tables = {
        lang: {"disclosures": defaultdict(lambda: [0, 0, 0]), "negatives": defaultdict(lambda: [0, 0, 0])}
        for lang in LANGUAGES
    }
    for row in corpus_rows(split):
        if later_rounds_only and row.get("round") is None:
            continue
        risk = (risk_of or assess_risk)(row["text"]).risk
        cell = tables[row["lang"]][row["side"]][row["kind"]]
        cell[0] += 1
        if row["label"]:
            cell[1] += risk is Risk.DISCLOSURE
            cell[2] += risk in (Risk.DISCLOSURE, Risk.UNCLEAR)
        else:
            cell[1] += risk in (Risk.DISCLOSURE, Risk.UNCLEAR)
            cell[2] += risk is Risk.DISCLOSURE
    return {lang: {side: dict(cells) for side, cells in table.items()} for lang, table in tables.items()}


def totals(figures: dict) -> dict:
    """Per language; the ordinary answers (kind `answer`, training rows only) apart from the hard negatives."""
    out = {}
    for lang, table in figures.items():
        d = [sum(c[i] for c in table["disclosures"].values()) for i in range(3)]
        hard = [sum(c[i] for kind, c in table["negatives"].items() if kind != "answer") for i in range(3)]
        answers = table["negatives"].get("answer", [0, 0, 0])
        out[lang] = {
            "disclosures": d[0],
            "recall_at_once": d[1] / d[0],
            "recall_shown": d[2] / d[0],
            "negatives": hard[0],
            "false_alarms": hard[1] / hard[0],
            "crisis_false_alarms": hard[2] / hard[0],
            "answers": answers[0],
            "answer_false_alarms": answers[1] / answers[0] if answers[0] else 0.0,
        }
    return out


def print_split(name: str, figures: dict) -> None:
    print(f"\n== {name} ==")
    for lang, table in figures.items():
        print(f"{lang}  disclosures           n   at once   helplines shown")
        for kind, (n, at_once, shown) in sorted(table["disclosures"].items()):
            print(f"    {kind:<20} {n:>4}   {at_once / n:7.1%}   {shown / n:7.1%}")
        print(f"{lang}  hard negatives        n   false alarms (any)   of which crisis")
        for kind, (n, alarms, crisis) in sorted(table["negatives"].items()):
            print(f"    {kind:<20} {n:>4}   {alarms / n:7.1%}              {crisis / n:7.1%}")
    for lang, t in totals(figures).items():
        print(
            f"{name} {lang}: recall at once {t['recall_at_once']:.3f}, helplines shown {t['recall_shown']:.3f} "
            f"({t['disclosures']} disclosures); false alarms {t['false_alarms']:.3f}, "
            f"of which crisis {t['crisis_false_alarms']:.3f} ({t['negatives']} hard negatives)"
            + (f"; ordinary answers {t['answer_false_alarms']:.3f} ({t['answers']})" if t["answers"] else "")
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", type=Path, help="also write the totals here")
    args = ap.parse_args()
    report = {}
    read_once = lru_cache(maxsize=None)(assess_risk)  # the later rounds are held-out rows read already
    for split in ("train", "heldout"):
        figures = score(split, risk_of=read_once)
        print_split("held-out (never tuned on)" if split == "heldout" else "training rows", figures)
        report[split] = totals(figures)
    # The held-out rounds from the third on (rows with `round`), written after the first scores were seen: apart.
    figures = score("heldout", later_rounds_only=True, risk_of=read_once)
    print_split("held-out, the later rounds alone", figures)
    report["heldout_new"] = totals(figures)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
