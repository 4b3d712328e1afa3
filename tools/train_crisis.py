"""Train the crisis classifier on the TRAINING part of the crisis corpus and choose its thresholds.

    python tools/train_crisis.py            # writes bot/lexicon/crisis_model.json (make crisis-model)
    python tools/train_crisis.py --check    # fails if the model file is not the one the corpus gives

The held-out rows are never read here. Thresholds come from 5-fold cross-validation on the training rows:
the ones that catch the most within a false-alarm budget on the hard negatives.
Also trained on: the English NLU examples (data/nlu/), crisis_disclosure as disclosures and every other intent
but risk_unclear as ordinary messages, so everyday answers stay quiet.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, make_pipeline

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.crisis import Risk, folded_text, pattern_risk  # noqa: E402
from bot.crisis_model import CHAR_NGRAMS, FEATURE_KINDS, MODEL_FILE, evidence_level, windows  # noqa: E402
from tools.crisis_corpus import LANGUAGES, corpus_rows  # noqa: E402

NLU_FILES = sorted((ROOT / "data" / "nlu").glob("*.yml"))
C = 16.0
# False-alarm budgets on cross-validated hard negatives, in every language (see choose_thresholds).
CRISIS_FALSE_ALARMS = 0.10
ALL_FALSE_ALARMS = 0.20
# ... and on the ordinary answers (kind `answer`), which must stay quiet: any alarm there is one too many.
ANSWER_FALSE_ALARMS = 0.01
GRID = [round(x, 3) for x in np.arange(0.05, 0.996, 0.025)] + [1.0]


def nlu_rows() -> list[dict]:
    rows = []
    for path in NLU_FILES:
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            intent = block.get("intent")
            if not intent or intent == "risk_unclear":
                continue
            for line in block["examples"].splitlines():
                text = line.strip().removeprefix("- ").strip()
                if text:
                    rows.append(
                        {"text": text, "label": int(intent == "crisis_disclosure"), "lang": "nlu", "kind": intent}
                    )
    return rows


def training_rows() -> list[dict]:
    return corpus_rows("train") + nlu_rows()


def digest(rows: list[dict]) -> str:
    payload = json.dumps(sorted((r["text"], r["label"]) for r in rows), ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def pipeline() -> object:
    union = FeatureUnion(
        [(kind, TfidfVectorizer(analyzer=extract, sublinear_tf=True, min_df=2)) for kind, extract in FEATURE_KINDS]
    )
    return make_pipeline(union, LogisticRegression(C=C, class_weight="balanced", max_iter=5000, solver="liblinear"))


def window_probability(model: object, text: str) -> float:
    return float(model.predict_proba(windows(text))[:, 1].max())


def cross_validated(rows: list[dict], texts: list[str]) -> np.ndarray:
    labels = np.array([r["label"] for r in rows])
    strata = np.array([f"{r['lang']}-{r['label']}" for r in rows])
    out = np.zeros(len(rows))
    for train, test in StratifiedKFold(n_splits=5, shuffle=True, random_state=7).split(texts, strata):
        model = pipeline().fit([texts[i] for i in train], labels[train])
        for i in test:
            out[i] = window_probability(model, texts[i])
    return out


class Evidence:
    """What the patterns said and the cross-validated probability, per row, as arrays for the threshold search."""

    def __init__(self, rows: list[dict], patterns: list, probs: np.ndarray, levels: list[int]) -> None:
        keep = [i for i, r in enumerate(rows) if r["lang"] in LANGUAGES]
        level = np.array([levels[i] for i in keep])
        self.lang = np.array([rows[i]["lang"] for i in keep])
        self.label = np.array([rows[i]["label"] for i in keep], dtype=bool)
        self.answer = np.array([rows[i]["kind"] == "answer" for i in keep])
        self.p = np.asarray(probs)[keep]
        self.worded = level > 0
        self.disclosure = np.array([patterns[i].risk is Risk.DISCLOSURE for i in keep])
        self.unclear = np.array([patterns[i].risk is Risk.UNCLEAR for i in keep])
        self.denial = np.array([patterns[i].risk is Risk.DENIAL for i in keep])
        self.hint = np.array([patterns[i].hint for i in keep])

    def decide(self, crisis, unclear, hint_crisis, hint_unclear, override):
        """(crisis help at once, any help shown) per row: bot.crisis.combine, vectorised."""
        free = ~self.disclosure & ~self.denial
        at_once = (
            self.disclosure
            | (self.denial & (self.p >= max(crisis, override)))
            | (free & self.worded & (self.p >= np.where(self.hint, hint_crisis, crisis)))
        )
        shown = at_once | (
            free
            & (
                self.unclear
                | (self.worded & (self.p >= np.where(self.hint, hint_unclear, unclear)))
                | (~self.worded & (self.p >= np.where(self.hint, hint_crisis, crisis)))
            )
        )
        return at_once, shown

    def rates(self, *thresholds) -> dict:
        at_once, shown = self.decide(*thresholds)
        out = {}
        for lang in LANGUAGES:
            pos = (self.lang == lang) & self.label
            neg = (self.lang == lang) & ~self.label & ~self.answer
            answers = (self.lang == lang) & self.answer
            out[lang] = {
                "recall": shown[pos].mean(),
                "at_once": at_once[pos].mean(),
                "false_alarms": shown[neg].mean(),
                "crisis_false_alarms": at_once[neg].mean(),
                "answer_false_alarms": shown[answers].mean() if answers.any() else 0.0,
                "answer_crisis_false_alarms": at_once[answers].mean() if answers.any() else 0.0,
            }
        return out


def choose_thresholds(evidence: Evidence) -> tuple[float, ...]:
    """The bars that catch the most disclosures while cross-validated false alarms stay within budget.

    The budgets are on the hard negatives (idioms, someone else's suicide, clinical talk, denials), which are
    far harder than a doctor's everyday answers: crisis help at once for at most CRISIS_FALSE_ALARMS of them,
    the direct question with the helplines for at most ALL_FALSE_ALARMS in all; and on the ordinary answers to
    the questions (kind `answer`) at most ANSWER_FALSE_ALARMS of either."""

    def worst(figures, key):
        return max(v.get(key, 0.0) for v in figures.values())

    def least(figures, key):
        return min(v[key] for v in figures.values())

    def search(pairs, recall_key, alarm_key, budget, fixed):
        best = None
        for first, second in pairs:
            figures = evidence.rates(*fixed(first, second))
            if worst(figures, alarm_key) > budget or worst(figures, "answer_" + alarm_key) > ANSWER_FALSE_ALARMS:
                continue
            score = (least(figures, recall_key), -worst(figures, alarm_key))
            if best is None or score > best[0]:
                best = (score, first, second)
        return (best[1], best[2]) if best else (1.0, 1.0)

    pairs = [(a, b) for a in GRID for b in GRID if b <= a]
    crisis, hint_crisis = search(
        pairs, "at_once", "crisis_false_alarms", CRISIS_FALSE_ALARMS, lambda a, b: (a, a, b, b, 1.0)
    )
    below = [(a, b) for a, b in pairs if a <= crisis and b <= hint_crisis]
    unclear, hint_unclear = search(
        below, "recall", "false_alarms", ALL_FALSE_ALARMS, lambda a, b: (crisis, a, hint_crisis, b, 1.0)
    )
    unclear, hint_unclear = min(unclear, crisis), min(hint_unclear, hint_crisis)
    base = worst(evidence.rates(crisis, unclear, hint_crisis, hint_unclear, 1.0), "false_alarms")
    override = next(
        t
        for t in [t for t in GRID if t >= crisis] + [1.0]
        if worst(evidence.rates(crisis, unclear, hint_crisis, hint_unclear, t), "false_alarms") <= base
    )
    return crisis, unclear, hint_crisis, hint_unclear, override


def export(model: object, thresholds: tuple[float, ...], trained_on: str) -> dict:
    crisis, unclear, hint_crisis, hint_unclear, override = thresholds
    union, lr = model.steps[0][1], model.steps[1][1]
    coef = lr.coef_[0]
    weights = {}
    offset = 0
    for _, vectorizer in union.transformer_list:
        vocabulary = vectorizer.vocabulary_
        for feature, index in vocabulary.items():
            weights[feature] = [float(f"{vectorizer.idf_[index]:.6g}"), float(f"{coef[offset + index]:.6g}")]
        offset += len(vocabulary)
    return {
        "format": 1,
        "about": "Crisis classifier (bot/crisis_model.py), trained by tools/train_crisis.py on the training rows of "
        "tests/data/crisis/ and the NLU examples; weights are [idf, coefficient].",
        "char_ngrams": list(CHAR_NGRAMS),
        "trained_on": trained_on,
        "crisis_threshold": crisis,
        "unclear_threshold": unclear,
        "hint_crisis_threshold": hint_crisis,
        "hint_unclear_threshold": hint_unclear,
        "denial_override_threshold": override,
        "intercept": float(lr.intercept_[0]),
        "weights": dict(sorted(weights.items())),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only check that the model file matches the corpus")
    ap.add_argument("--out", type=Path, default=MODEL_FILE)
    args = ap.parse_args()
    rows = training_rows()
    trained_on = digest(rows)
    if args.check:
        current = json.loads(args.out.read_text(encoding="utf-8")).get("trained_on")
        if current != trained_on:
            print(f"{args.out} is stale (trained on {current}, the corpus gives {trained_on}): run make crisis-model")
            return 1
        print(f"{args.out} matches the training corpus ({trained_on})")
        return 0
    texts = [folded_text(r["text"]) for r in rows]
    patterns = [pattern_risk(r["text"]) for r in rows]
    probs = cross_validated(rows, texts)
    evidence = Evidence(rows, patterns, probs, [evidence_level(t) for t in texts])
    thresholds = choose_thresholds(evidence)
    names = ("crisis", "unclear", "hint crisis", "hint unclear", "denial override")
    print(
        "thresholds from 5-fold cross-validation: "
        + ", ".join(f"{n} {t}" for n, t in zip(names, thresholds, strict=True))
    )
    for lang, figures in evidence.rates(*thresholds).items():
        print(f"  cross-validated on train, {lang}: " + ", ".join(f"{k} {v:.3f}" for k, v in figures.items()))
    model = pipeline().fit(texts, np.array([r["label"] for r in rows]))
    args.out.write_text(json.dumps(export(model, thresholds, trained_on), ensure_ascii=False) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
