"""tools/language_eval.py: length buckets, outcomes and rates, and reading the labelled messages."""

import sys

from bot.settings import ROOT

sys.path.insert(0, str(ROOT / "tools"))
from language_eval import bucket, outcome, percentile, rates, tally, unique  # noqa: E402


def test_buckets_count_words_split_on_white_space():
    assert [bucket(t) for t in ("ok", "", "ja takk", "jeg sover dårlig", "I sleep badly at night")] == [
        "1",
        "1",
        "2",
        "3-4",
        "5-9",
    ]
    assert bucket("a b c d") == "3-4" and bucket("a b c d e") == "5-9"
    assert bucket(" ".join("word" for _ in range(9))) == "5-9" and bucket(" ".join("w" for _ in range(10))) == "10+"


def test_cannot_tell_is_its_own_outcome_not_a_wrong_one():
    assert outcome("nb", "nb") == "right"
    assert outcome("nb", "en") == "wrong"
    assert outcome("en", None) == "none"


def test_tally_and_rates_by_language_and_length():
    readings = {"jeg sover dårlig": "nb", "det er greit nok": None, "I sleep badly": "nb", "ok": None}
    messages = [("jeg sover dårlig", "nb"), ("det er greit nok", "nb"), ("I sleep badly", "en"), ("ok", "en")]
    counts = tally(messages, readings.__getitem__)
    assert counts[("nb", "3-4")] == {"right": 1, "none": 1}
    assert counts[("en", "3-4")] == {"wrong": 1} and counts[("en", "1")] == {"none": 1}
    n, shares = rates(counts, ["nb", "en"], ["3-4", "5-9", "10+"])
    assert n == 3
    assert round(shares["wrong"], 3) == 0.333 and round(shares["right"], 3) == 0.333
    assert rates(counts, ["en"], ["2"]) == (0, {"right": 0.0, "wrong": 0.0, "none": 0.0})


def test_a_text_labelled_with_both_languages_is_left_out():
    messages, both = unique({"a": [("ok", "en"), ("jeg er sliten", "nb"), ("  ", "nb")], "b": [("ok", "nb")]})
    assert messages == [("jeg er sliten", "nb")]
    assert both == ["ok"]


def test_percentile_is_the_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == 50.0 and percentile(values, 0.95) == 95.0
    assert percentile([], 0.5) == 0.0
