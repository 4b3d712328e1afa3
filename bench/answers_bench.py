"""How long reading one answer takes (bot.core.answers.interpret): `python bench/answers_bench.py`.

The English phrasings of tests/core/test_answers.py, read as a doctor on the English page writes them, and (once
they exist) the Norwegian ones of tests/core/test_answers_nb.py and its held-out rows, read on the Norwegian page.
One warm-up pass first (start-up compiles the lexicons and loads simplemma's dictionaries once), then `--rounds`
timed passes; the figures are per call.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core.answers import interpret  # noqa: E402

HELD_OUT = ROOT / "tests" / "core" / "data" / "answers_nb_held_out.yml"


def english() -> list[tuple[str, str]]:
    tests = importlib.import_module("tests.core.test_answers")
    rows = [(slot, text) for slot, text, *_ in tests.CASES + tests.OTHER_WORDS + tests.MORE_WORDS]
    return rows


def norwegian() -> list[tuple[str, str]]:
    try:
        tests = importlib.import_module("tests.core.test_answers_nb")
    except ModuleNotFoundError:
        return []
    rows = [(slot, text) for slot, text, *_ in tests.CASES]
    if HELD_OUT.exists():
        rows += [(row["slot"], row["text"]) for row in yaml.safe_load(HELD_OUT.read_text(encoding="utf-8"))["rows"]]
    return rows


def per_call(rows: list[tuple[str, str]], language: str | None, rounds: int) -> list[float]:
    takes_language = "language" in inspect.signature(interpret).parameters
    call = (lambda s, t: interpret(s, t, language)) if takes_language else interpret
    for slot, text in rows:
        call(slot, text)
    out = []
    for _ in range(rounds):
        for slot, text in rows:
            start = time.perf_counter()
            call(slot, text)
            out.append(time.perf_counter() - start)
    return out


def report(name: str, times: list[float]) -> None:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[int(0.95 * (len(ms) - 1))]
    mean, median = statistics.mean(ms), statistics.median(ms)
    print(f"{name}: {len(ms)} calls, mean {mean:.3f} ms, median {median:.3f} ms, p95 {p95:.3f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    report("English phrasings, English page", per_call(english(), "en", args.rounds))
    rows = norwegian()
    if rows:
        report("Norwegian phrasings, Norwegian page", per_call(rows, "nb", args.rounds))


if __name__ == "__main__":
    main()
