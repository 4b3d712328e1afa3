"""How well the language identifier tells English from Norwegian, by message length (docs/language.md).

Reads the labelled messages the repository already has (the crisis corpus, the answer tables, the NLU examples, the
dev personas' openings and answers), each once, and reports for every identifier, by length in words and language,
how often it names the right language, the wrong one (which switches the doctor's conversation), or none ("cannot
tell": the conversation keeps its language, a safe outcome), and its time per message:

- `detect_language`: py3langid with the module's guard (bot/core/language.py), what the assistant uses;
- py3langid alone, restricted to en/no/nn/da/sv as the module does (the Scandinavian ones counted as Norwegian);
- lingua-language-detector (English, Bokmål, Nynorsk, Danish, Swedish), low- and high-accuracy mode, alone and with
  the module's guard, when it is importable (it is not in the project's requirements; see docs/language.md for the
  throwaway venv), with its size on disk and the memory its detector takes once built.

    .venv/bin/python tools/language_eval.py [--examples 10]
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path

import yaml

# One BLAS thread, as in the Rasa server (components/safety_net.py): a second one spinning after each small product
# made py3langid's p95 milliseconds here instead of microseconds.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bot.core.language import ENGLISH, NORWEGIAN, detect_language, too_short, words_agree  # noqa: E402

BUCKETS = ("1", "2", "3-4", "5-9", "10+")
LONG = ("3-4", "5-9", "10+")  # the lengths whose wrong readings matter: shorter ones mostly cannot tell
OUTCOMES = ("right", "wrong", "none")
SCANDINAVIAN = {"no", "nn", "da", "sv"}
EVAL_DIR = ROOT.parent / "shared" / "eval"


# --- scoring ----------------------------------------------------------------------------------------------------


def bucket(text: str) -> str:
    """The length bucket of a message, in words (split on white space)."""
    words = len(text.split())
    if words <= 2:
        return str(max(words, 1))
    return "3-4" if words <= 4 else "5-9" if words <= 9 else "10+"


def outcome(expected: str, found: str | None) -> str:
    """right, wrong or none (cannot tell) for one reading."""
    if found is None:
        return "none"
    return "right" if found == expected else "wrong"


def tally(messages: Iterable[tuple[str, str]], identify: Callable[[str], str | None]) -> dict:
    """{(language, bucket): Counter of outcomes} for (text, language) pairs."""
    counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for text, language in messages:
        counts[(language, bucket(text))][outcome(language, identify(text))] += 1
    return counts


def rates(counts: dict, languages: Iterable[str], buckets: Iterable[str]) -> tuple[int, dict[str, float]]:
    """The number of messages and the share of each outcome over the given languages and buckets."""
    total: Counter = Counter()
    for language in languages:
        for b in buckets:
            total.update(counts.get((language, b), Counter()))
    n = sum(total.values())
    return n, {o: (total[o] / n if n else 0.0) for o in OUTCOMES}


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the sorted values lie (nearest rank)."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


# --- the labelled messages --------------------------------------------------------------------------------------


def _nlu_examples(block: str) -> list[str]:
    return [line.strip()[2:].strip() for line in block.splitlines() if line.strip().startswith("- ")]


def _cases_texts(path: Path) -> list[str]:
    """The second item (the doctor's words) of each tuple in a test module's CASES list, read without importing it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    texts = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "CASES" for t in node.targets):
            for item in node.value.elts:
                if isinstance(item, ast.Tuple) and len(item.elts) > 1 and isinstance(item.elts[1], ast.Constant):
                    texts.append(item.elts[1].value)
    return texts


def load_messages(root: Path = ROOT, eval_dir: Path = EVAL_DIR) -> dict[str, list[tuple[str, str]]]:
    """{source: [(text, language)]}, every labelled message the repository has."""
    sources: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for language in (ENGLISH, NORWEGIAN):
        raw = yaml.safe_load((root / "tests/data/crisis" / f"{language}.yml").read_text(encoding="utf-8"))
        for side in ("disclosures", "negatives"):
            sources["crisis corpus"] += [(row["text"], language) for row in raw[side]]
    for name, language in (("test_answers.py", ENGLISH), ("test_answers_nb.py", NORWEGIAN)):
        sources["answer tables"] += [(t, language) for t in _cases_texts(root / "tests/core" / name)]
    for path in sorted((root / "tests/core/data").glob("*.yml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        rows = raw["rows"] if isinstance(raw, dict) else raw
        language = NORWEGIAN if "_nb_" in path.name else ENGLISH
        sources["answer tables"] += [(row["text"], language) for row in rows]
    for path in sorted((root / "data/nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            language = (block.get("metadata") or {}).get("language", ENGLISH)
            sources["NLU examples"] += [(t, language) for t in _nlu_examples(block.get("examples", ""))]
    for name in ("vignettes-dev.json", "vignettes-dev-nb.json"):
        path = eval_dir / name
        if not path.exists():
            continue
        for persona in json.loads(path.read_text(encoding="utf-8")):
            language = persona.get("lang", ENGLISH)
            answers = [a for a in persona.get("answers", {}).values() if isinstance(a, str)]
            sources["dev personas"] += [(t, language) for t in [persona.get("opening", ""), *answers] if t]
    return sources


def unique(sources: dict[str, list[tuple[str, str]]]) -> tuple[list[tuple[str, str]], list[str]]:
    """Each text once; a text labelled with both languages ("ok", "stress") is left out and returned apart."""
    labels: dict[str, set[str]] = defaultdict(set)
    for rows in sources.values():
        for text, language in rows:
            if text.strip():
                labels[text.strip()].add(language)
    both = sorted(t for t, ls in labels.items() if len(ls) > 1)
    return [(t, next(iter(ls))) for t, ls in labels.items() if len(ls) == 1], both


# --- the identifiers --------------------------------------------------------------------------------------------


def py3langid_raw() -> Callable[[str], str | None]:
    from bot.core.language import _identifier

    identifier = _identifier()
    return lambda text: NORWEGIAN if identifier.classify(text)[0] in SCANDINAVIAN else ENGLISH


def py3langid_summed() -> Callable[[str], str | None]:
    """py3langid with the Scandinavian languages' probabilities added up (as `is_clearly` reads it) before the
    module's confidence floor and guard: a Norwegian sentence split between no, da and sv is still not English."""
    from bot.core.language import MIN_CONFIDENCE, _identifier

    identifier = _identifier()

    def identify(text: str) -> str | None:
        english = dict(identifier.rank(text)).get("en", 0.0)
        found, confidence = (ENGLISH, english) if english >= 0.5 else (NORWEGIAN, 1.0 - english)
        return found if confidence >= MIN_CONFIDENCE else None

    return guarded(identify)


def lingua_detector(mode: str):
    from lingua import Language, LanguageDetectorBuilder

    languages = (Language.ENGLISH, Language.BOKMAL, Language.NYNORSK, Language.DANISH, Language.SWEDISH)
    builder = LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models()
    if mode == "low":
        builder = builder.with_low_accuracy_mode()
    return builder.build()


def lingua(mode: str) -> Callable[[str], str | None]:
    from lingua import Language

    detector = lingua_detector(mode)

    def identify(text: str) -> str | None:
        found = detector.detect_language_of(text)
        return None if found is None else ENGLISH if found == Language.ENGLISH else NORWEGIAN

    return identify


def guarded(identify: Callable[[str], str | None]) -> Callable[[str], str | None]:
    """Another identifier behind bot/core/language.py's guard: too short cannot tell; the small words must agree."""

    def read(text: str) -> str | None:
        if too_short(text):
            return None
        found = identify(text)
        return found if found and words_agree(text, found) else None

    return read


def lingua_available() -> bool:
    try:
        import lingua  # noqa: F401
    except ImportError:
        return False
    return True


def identifiers() -> dict[str, Callable[[], Callable[[str], str | None]]]:
    """name -> a function that builds the identifier (so loading is not timed)."""
    found = {
        "py3langid + guard (detect_language)": lambda: detect_language,
        "py3langid alone": py3langid_raw,
        "py3langid, Scandinavian summed, + guard": py3langid_summed,
    }
    if lingua_available():
        for mode in ("low", "high"):
            found[f"lingua {mode} alone"] = lambda mode=mode: lingua(mode)
            found[f"lingua {mode} + guard"] = lambda mode=mode: guarded(lingua(mode))
    return found


# --- size and memory --------------------------------------------------------------------------------------------


def package_size(distribution: str) -> int:
    """Bytes on disk of an installed distribution's files."""
    return sum(f.locate().stat().st_size for f in metadata.files(distribution) or () if f.locate().exists())


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def load_cost(which: str) -> dict:
    """In this process: resident memory before and after importing and building the identifier, and the time."""
    before = _rss_kib()
    start = time.perf_counter()
    if which == "py3langid":
        from bot.core.language import _identifier

        _identifier()
    else:
        lingua_detector(which.split("-")[1])
    seconds = time.perf_counter() - start
    return {"before_mib": before / 1024, "after_mib": _rss_kib() / 1024, "seconds": seconds}


def measured_load_cost(which: str) -> dict:
    """load_cost in a fresh process, so one identifier's models do not count for another's."""
    out = subprocess.run(
        [sys.executable, __file__, "--load-cost", which], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return json.loads(out.stdout)


# --- report -----------------------------------------------------------------------------------------------------


def _pct(share: float) -> str:
    return f"{100 * share:.1f} %"


def report(messages: list[tuple[str, str]], examples: int) -> None:
    summary = []
    for name, build in identifiers().items():
        identify = build()
        for text, _ in messages[:50]:
            identify(text)  # warm up
        times, readings = [], {}
        for text, _ in messages:
            start = time.perf_counter_ns()
            readings[text] = identify(text)
            times.append((time.perf_counter_ns() - start) / 1000)
        counts = tally(messages, readings.__getitem__)
        print(f"\n### {name}\n")
        print("| language | words | n | right | wrong | cannot tell |")
        print("|---|---|---|---|---|---|")
        for language in (ENGLISH, NORWEGIAN):
            for b in BUCKETS:
                n, r = rates(counts, [language], [b])
                print(f"| {language} | {b} | {n} | {_pct(r['right'])} | {_pct(r['wrong'])} | {_pct(r['none'])} |")
        n, long_rates = rates(counts, (ENGLISH, NORWEGIAN), LONG)
        by_language = {lang: rates(counts, [lang], LONG)[1]["wrong"] for lang in (ENGLISH, NORWEGIAN)}
        p50, p95 = percentile(times, 0.5), percentile(times, 0.95)
        summary.append((name, n, long_rates, by_language, p50, p95))
        if examples:
            wrong = [(t, lang) for t, lang in messages if bucket(t) in LONG and outcome(lang, readings[t]) == "wrong"]
            print(f"\nWrong readings of ≥ 3 words ({len(wrong)}), the first {min(examples, len(wrong))}:")
            for text, language in wrong[:examples]:
                print(f"- ({language}) {text}")
    print("\n### Messages of 3 words or more: the figure that matters\n")
    print("| identifier | n | wrong | wrong, en | wrong, nb | right | cannot tell | p50 | p95 |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, n, r, by_language, p50, p95 in summary:
        print(
            f"| {name} | {n} | {_pct(r['wrong'])} | {_pct(by_language[ENGLISH])} | {_pct(by_language[NORWEGIAN])} "
            f"| {_pct(r['right'])} | {_pct(r['none'])} | {p50:.0f} µs | {p95:.0f} µs |"
        )


def report_costs() -> None:
    print("\n### Size on disk and memory once loaded (a fresh process each)\n")
    print("| identifier | package on disk | resident before | after building | load time |")
    print("|---|---|---|---|---|")
    rows = [("py3langid", "py3langid")]
    if lingua_available():
        rows += [("lingua-low", "lingua-language-detector"), ("lingua-high", "lingua-language-detector")]
    for which, distribution in rows:
        cost = measured_load_cost(which)
        print(
            f"| {which} | {package_size(distribution) / 2**20:.1f} MiB | {cost['before_mib']:.0f} MiB "
            f"| {cost['after_mib']:.0f} MiB (+{cost['after_mib'] - cost['before_mib']:.0f}) | {cost['seconds']:.2f} s |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=0, help="list this many wrong readings of ≥ 3 words")
    parser.add_argument("--load-cost", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_cost:
        print(json.dumps(load_cost(args.load_cost)))
        return
    sources = load_messages()
    messages, both = unique(sources)
    print("## The language identifier on the repository's labelled messages\n")
    print(", ".join(f"{name}: {len(rows)}" for name, rows in sources.items()), end="; ")
    print(f"{len(messages)} different texts ({len(both)} labelled with both languages left out, e.g. {both[:4]})")
    counts = Counter(lang for _, lang in messages)
    print(f"en {counts[ENGLISH]}, nb {counts[NORWEGIAN]}; python {sys.version.split()[0]}, {sys.executable}")
    if not lingua_available():
        print("lingua-language-detector is not installed here: py3langid only (docs/language.md: a throwaway venv)")
    report(messages, args.examples)
    report_costs()


if __name__ == "__main__":
    main()
