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
import yaml

from bot.crisis import folded_text
from bot.crisis_model import crisis_model, load_crisis_model

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

import crisis_eval  # noqa: E402
import train_crisis  # noqa: E402

# Measured on this build (make crisis-eval); see the module docstring.
HELD_OUT_FLOORS = {
    "en": {"recall_shown": 0.85, "false_alarms": 0.12},
    "nb": {"recall_shown": 0.88, "false_alarms": 0.08},
}
TRAINING_FLOORS = {"recall_shown": 0.99, "false_alarms": 0.04, "answer_false_alarms": 0.005}


@pytest.fixture(scope="module")
def held_out():
    return crisis_eval.totals(crisis_eval.score("heldout"))


@pytest.mark.parametrize("lang", sorted(HELD_OUT_FLOORS))
def test_held_out_recall_and_false_alarms_stay_at_least_where_they_are(held_out, lang):
    figures, floor = held_out[lang], HELD_OUT_FLOORS[lang]
    assert figures["disclosures"] >= 110 and figures["negatives"] >= 110
    assert figures["recall_shown"] >= floor["recall_shown"], figures
    assert figures["false_alarms"] <= floor["false_alarms"], figures


def test_the_training_rows_are_read_as_labelled():
    for lang, figures in crisis_eval.totals(crisis_eval.score("train")).items():
        assert figures["recall_shown"] >= TRAINING_FLOORS["recall_shown"], (lang, figures)
        assert figures["false_alarms"] <= TRAINING_FLOORS["false_alarms"], (lang, figures)
        assert figures["answer_false_alarms"] <= TRAINING_FLOORS["answer_false_alarms"], (lang, figures)


def test_the_corpus_is_big_enough_labelled_and_split_once():
    for lang in ("en", "nb"):
        raw = yaml.safe_load((ROOT / "tests" / "data" / "crisis" / f"{lang}.yml").read_text(encoding="utf-8"))
        for side, kinds in (("disclosures", train_crisis.DISCLOSURE_KINDS), ("negatives", train_crisis.NEGATIVE_KINDS)):
            rows = raw[side]
            assert len(rows) >= 300, (lang, side)
            assert all(r["kind"] in kinds and r["why"] and r["split"] in ("train", "heldout") for r in rows)
            # At least a third held out, not counting the ordinary answers (kind `answer`), which only train.
            hard = [r for r in rows if r["kind"] != "answer"]
            held = sum(r["split"] == "heldout" for r in hard)
            assert held >= 0.33 * len(hard), (lang, side, held, len(hard))
        texts = [r["text"] for side in ("disclosures", "negatives") for r in raw[side]]
        assert len(texts) == len(set(texts)), f"{lang}: a row appears twice"


def test_the_model_file_was_trained_on_the_current_training_rows():
    assert crisis_model().trained_on == train_crisis.digest(train_crisis.training_rows()), "run make crisis-model"


def test_the_plain_python_classifier_gives_scikit_learns_probabilities():
    rows = train_crisis.training_rows()
    texts = [folded_text(r["text"]) for r in rows]
    fitted = train_crisis.pipeline().fit(texts, np.array([r["label"] for r in rows]))
    ours = crisis_model()
    for text in texts[::25]:
        expected = train_crisis.window_probability(fitted, text)
        assert ours.probability(text) == pytest.approx(expected, abs=1e-3), text


def test_a_model_file_of_another_version_is_refused(tmp_path):
    bad = tmp_path / "model.json"
    bad.write_text('{"format": 2}', encoding="utf-8")
    with pytest.raises(ValueError, match="not a crisis model"):
        load_crisis_model(bad)
