"""The crisis corpus (tests/data/crisis/{en,nb}.yml) read once, checked, for the trainer, the evaluator and the
benchmark: each row with its label (1 a disclosure, 0 not), language and side. Also adds rows in the files' own
layout, and reads the dev persona files' messages:

    python tools/crisis_corpus.py --note "..." tests/e2e/data/personas-nb-dev.json ...   # their ordinary messages
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import textwrap
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


# --- adding rows ---------------------------------------------------------------------------------------------------
# The files are yaml.safe_dump's own layout (width 110), the negatives last, so rows are appended as text and the
# header, its comments and every other row stay as they are.
DUMP = {"allow_unicode": True, "sort_keys": False, "width": 110}
HEADER_END = "# To add rows:"
OPENING = "__opening__"  # a persona's disclose_in when its opening message is the disclosure


def persona_texts(path: Path) -> list[dict]:
    """Every message of a persona file (the dev sets' JSON): {persona, slot, text, lang, crisis, disclosure}."""
    found = []
    for persona in json.loads(path.read_text(encoding="utf-8")):
        messages = [(OPENING, persona.get("opening") or ""), *(persona.get("answers") or {}).items()]
        for slot, text in messages:
            if isinstance(text, str) and text.strip():
                found.append(
                    {
                        "persona": persona["id"],
                        "slot": slot,
                        "text": text,
                        "lang": persona.get("lang", "en"),
                        "crisis": bool(persona.get("crisis")),
                        "disclosure": bool(persona.get("crisis")) and slot == persona.get("disclose_in"),
                    }
                )
    return found


def same_text(text: str) -> str:
    """A text after case and punctuation: how the corpus decides two rows are one."""
    return " ".join(re.findall(r"\w+", text.lower()))


def add_negatives(lang: str, rows: list[dict], note: str) -> int:
    """Append rows (text, kind, why, split) to a language's negatives, leaving out any the file holds already (after
    case and punctuation, in any split: a held-out copy is kept), and the note as a line of the header's history.
    Returns how many rows were added."""
    path = CORPUS_DIR / f"{lang}.yml"
    source = path.read_text(encoding="utf-8")
    raw = yaml.safe_load(source)
    seen = {same_text(r["text"]) for side in ("disclosures", "negatives") for r in raw[side]}
    new = []
    for row in rows:
        if row["kind"] not in NEGATIVE_KINDS or row["split"] not in SPLITS:
            raise ValueError(f"not a negative row of this corpus: {row}")
        if same_text(row["text"]) not in seen:
            seen.add(same_text(row["text"]))
            new.append({k: row[k] for k in ("text", "kind", "why", "split")})
    if not new:
        return 0
    if not source.rstrip("\n").endswith(yaml.safe_dump(raw["negatives"][-1:], **DUMP).rstrip("\n")):
        raise ValueError(f"{path}: the negatives are no longer the file's last list")
    head, mark, rest = source.partition(HEADER_END)
    if not mark:
        raise ValueError(f"{path}: no {HEADER_END!r} line in the header")
    lines = textwrap.wrap(note, 116, initial_indent="# - ", subsequent_indent="#   ")
    source = head + "\n".join(lines) + "\n" + mark + rest
    path.write_text(source.rstrip("\n") + "\n" + yaml.safe_dump(new, **DUMP), encoding="utf-8")
    return len(new)


def add_dev_personas(paths: list[Path], note: str) -> dict[str, int]:
    """The non-crisis personas' messages (openings and answers) of the dev persona files as ordinary answers to
    train on (kind `answer`), each in its persona's language; never a held-out persona file."""
    by_lang: dict[str, list[dict]] = {lang: [] for lang in LANGUAGES}
    for path in paths:
        if "held-out" in path.name or "heldout" in path.name:
            raise ValueError(f"{path}: held-out personas are never trained on")
        for message in persona_texts(path):
            if message["crisis"]:
                continue
            what = "opening message" if message["slot"] == OPENING else f"answer to the {message['slot']} question"
            by_lang[message["lang"]].append(
                {
                    "text": message["text"],
                    "kind": "answer",
                    "why": f"dev persona {what} ({path.name}, {message['persona']}), not a crisis",
                    "split": "train",
                }
            )
    return {lang: add_negatives(lang, rows, note) for lang, rows in by_lang.items()}


def main() -> int:
    ap = argparse.ArgumentParser(description="Add the non-crisis dev personas' messages to the crisis corpus")
    ap.add_argument("personas", type=Path, nargs="+", help="dev persona files (JSON)")
    ap.add_argument("--note", required=True, help="the line for the files' headers: who wrote the rows, when, why")
    args = ap.parse_args()
    for lang, added in add_dev_personas(args.personas, args.note).items():
        print(f"{lang}: {added} rows added")
    return 0


if __name__ == "__main__":
    sys.exit(main())
