"""How long the crisis check takes per message (target: p95 at most 2 ms): `make crisis-bench`.

Every message of the crisis corpus (both languages, both splits) and the dev personas' answers, read by
bot.core.crisis.assess_risk after one warm-up pass (start-up loads the lexicons, the model and simplemma's
dictionaries once). Also times the language check of bot.core.language.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core.crisis import assess_risk  # noqa: E402
from bot.core.language import detect_language  # noqa: E402
from tools.crisis_corpus import corpus_rows  # noqa: E402

VIGNETTES = sorted((ROOT.parent / "shared" / "eval").glob("vignettes-dev*.json"))


def messages() -> list[str]:
    texts = [row["text"] for row in corpus_rows()]
    for path in VIGNETTES:
        for persona in json.loads(path.read_text(encoding="utf-8")):
            texts += [persona.get("opening") or ""] + list((persona.get("answers") or {}).values())
    return [t for t in texts if t]


def timings(check, texts: list[str], rounds: int) -> list[float]:
    for text in texts:
        check(text)
    out = []
    for _ in range(rounds):
        for text in texts:
            started = time.perf_counter()
            check(text)
            out.append((time.perf_counter() - started) * 1000)
    return out


def summary(name: str, values: list[float]) -> str:
    q = statistics.quantiles(values, n=100)
    return (
        f"{name}: {len(values)} messages, p50 {q[49]:.3f} ms, p95 {q[94]:.3f} ms, "
        f"p99 {q[98]:.3f} ms, max {max(values):.3f} ms"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    texts = messages()
    started = time.perf_counter()
    assess_risk("warm up: load everything once")
    detect_language("warm up")
    print(f"start-up (lexicons, model, dictionaries): {time.perf_counter() - started:.2f} s")
    print(summary("crisis check (bot.core.crisis.assess_risk)", timings(assess_risk, texts, args.rounds)))
    print(summary("language (bot.core.language.detect_language)", timings(detect_language, texts, args.rounds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
