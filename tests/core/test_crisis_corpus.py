"""The crisis net on the project's crisis corpus (tests/data/crisis/), and the classifier's data file.

The held-out rows were written by helpers who never saw the patterns or the training rows; nothing is tuned on
them. Issue 12 asks for held-out recall >= 0.99 and false alarms <= 3 %; this build does not reach that yet
(figures in docs/crisis.md). The floors below are what it reaches now, so that a change that loses recall or
adds false alarms fails here; raise them as the net improves, never lower them to make a change pass.
"""

import sys
from pathlib import Path

import numpy as np
import pytest

from bot.core.crisis import Risk, combine, folded_text, pattern_risk
from bot.core.crisis_model import (
    NEVER,
    CrisisModel,
    crisis_model,
    evidence_level,
    load_crisis_model,
)

pytestmark = pytest.mark.corpus  # about a minute: make test runs it, make check does not

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

import crisis_corpus  # noqa: E402
import crisis_eval  # noqa: E402
import train_crisis  # noqa: E402

# Measured on this build (make crisis-eval); see the module docstring. Round 8 of the held-out rows (2026-12-05) was
# harder in Norwegian on helplines shown (0.875 on its own): with it the whole held-out set reads 0.925 there, 0.923
# on the build before the implicit-subject reading; the floor is that build's figure.
HELD_OUT_FLOORS = {
    "en": {"recall_at_once": 0.78, "recall_shown": 0.88, "false_alarms": 0.07, "crisis_false_alarms": 0.047},
    "nb": {"recall_at_once": 0.83, "recall_shown": 0.92, "false_alarms": 0.06, "crisis_false_alarms": 0.04},
}
TRAINING_FLOORS = {"recall_shown": 0.985, "false_alarms": 0.04, "answer_false_alarms": 0.005}


@pytest.fixture(scope="module")
def held_out():
    return crisis_eval.totals(crisis_eval.score("heldout"))


@pytest.mark.parametrize("lang", sorted(HELD_OUT_FLOORS))
def test_held_out_recall_and_false_alarms_stay_at_least_where_they_are(held_out, lang):
    figures, floor = held_out[lang], HELD_OUT_FLOORS[lang]
    assert figures["disclosures"] >= 660 and figures["negatives"] >= 530
    assert figures["recall_at_once"] >= floor["recall_at_once"], figures
    assert figures["recall_shown"] >= floor["recall_shown"], figures
    assert figures["false_alarms"] <= floor["false_alarms"], figures
    assert figures["crisis_false_alarms"] <= floor["crisis_false_alarms"], figures


def test_the_training_rows_are_read_as_labelled():
    for lang, figures in crisis_eval.totals(crisis_eval.score("train")).items():
        assert figures["recall_shown"] >= TRAINING_FLOORS["recall_shown"], (lang, figures)
        assert figures["false_alarms"] <= TRAINING_FLOORS["false_alarms"], (lang, figures)
        assert figures["answer_false_alarms"] <= TRAINING_FLOORS["answer_false_alarms"], (lang, figures)


def test_the_corpus_is_big_enough_labelled_and_split_once():
    every = crisis_corpus.corpus_rows()  # refuses an unknown kind or split
    for lang in crisis_corpus.LANGUAGES:
        for side in ("disclosures", "negatives"):
            rows = [r for r in every if r["lang"] == lang and r["side"] == side]
            assert len(rows) >= 300, (lang, side)
            assert all(r["why"] for r in rows)
            # At least a third held out, not counting the ordinary answers (kind `answer`), which only train.
            hard = [r for r in rows if r["kind"] != "answer"]
            held = sum(r["split"] == "heldout" for r in hard)
            assert held >= 0.33 * len(hard), (lang, side, held, len(hard))
        texts = [r["text"] for r in every if r["lang"] == lang]
        assert len(texts) == len(set(texts)), f"{lang}: a row appears twice"


def test_the_model_file_was_trained_on_the_current_training_rows():
    assert crisis_model().trained_on == train_crisis.digest(train_crisis.training_rows()), "run make crisis-model"


def test_the_plain_python_classifier_gives_scikit_learns_probabilities():
    rows = train_crisis.training_rows()
    texts = [folded_text(r["text"]) for r in rows]
    fitted = train_crisis.pipeline().fit(texts, np.array([r["label"] for r in rows]))
    ours = crisis_model()
    long_ones = [t for t in texts if len(t) > 400][:5]  # read window by window
    for text in texts[::25] + long_ones:
        expected = train_crisis.window_probability(fitted, text)
        assert ours.probability(text) == pytest.approx(expected, abs=1e-3), text


def test_a_model_file_of_another_version_is_refused(tmp_path):
    bad = tmp_path / "model.json"
    bad.write_text('{"format": 2}', encoding="utf-8")
    with pytest.raises(ValueError, match="not a crisis model"):
        load_crisis_model(bad)


def test_the_threshold_search_decides_as_the_running_assistant_does():
    """tools/train_crisis.py searches thresholds with a vectorised copy of bot.core.crisis.combine: they must agree."""
    rows = crisis_corpus.corpus_rows("train")[::7]
    patterns = [pattern_risk(r["text"]) for r in rows]
    levels = [evidence_level(folded_text(r["text"])) for r in rows]
    probabilities = np.random.default_rng(3).random(len(rows))
    evidence = train_crisis.Evidence(rows, patterns, probabilities, levels)
    for bars, override in (
        ({"worded": (0.7, 0.3), "hint": (0.6, 0.2), "unworded": (NEVER, 0.7)}, 0.9),
        ({"worded": (0.5, 0.5), "hint": (0.5, 0.5), "unworded": (0.5, 0.5)}, 1.0),
        ({"worded": (0.9, 0.4), "hint": (NEVER, NEVER), "unworded": (0.95, 0.6)}, 0.95),
    ):
        thresholds = train_crisis.Thresholds(bars, override)
        probe = CrisisModel({}, 0.0, bars, override, "")
        at_once, shown = evidence.decide(thresholds)
        for i, (pattern, p, level) in enumerate(zip(patterns, probabilities, levels, strict=True)):
            risk = combine(pattern, float(p), probe, level).risk
            assert at_once[i] == (risk is Risk.DISCLOSURE), (rows[i]["text"], bars)
            assert shown[i] == (risk in (Risk.DISCLOSURE, Risk.UNCLEAR)), (rows[i]["text"], bars)


def test_the_threshold_search_keeps_to_its_budgets():
    """On cross-validated probabilities made up here: the bars it picks add no more false alarms than allowed."""
    rows = crisis_corpus.corpus_rows("train")
    patterns = [pattern_risk(r["text"]) for r in rows]
    levels = [evidence_level(folded_text(r["text"])) for r in rows]
    rng = np.random.default_rng(5)
    probabilities = np.clip(np.array([r["label"] for r in rows]) * 0.35 + rng.random(len(rows)) * 0.65, 0, 1)
    evidence = train_crisis.Evidence(rows, patterns, probabilities, levels)
    chosen = train_crisis.choose_thresholds(evidence)
    base, found = evidence.rates(train_crisis.PATTERNS_ONLY), evidence.rates(chosen)
    for lang in found:
        added = {k: found[lang][k] - base[lang][k] for k in found[lang]}
        assert added["crisis_false_alarms"] <= train_crisis.CRISIS_FALSE_ALARMS + 1e-9
        assert added["false_alarms"] <= train_crisis.ALL_FALSE_ALARMS + 1e-9
        assert added["answer_crisis_false_alarms"] <= train_crisis.ANSWER_CRISIS_FALSE_ALARMS + 1e-9
        assert added["answer_false_alarms"] <= train_crisis.ANSWER_FALSE_ALARMS + 1e-9
        assert found[lang]["recall"] > base[lang]["recall"]  # the made-up scores do carry signal
