"""bench/bench.py without servers: the comparison with a baseline, and the simulated doctor's words in each language."""

from __future__ import annotations

from collections import Counter

import yaml

from bench.bench import ROOT, Doctor, comparison, difference, question_matchers


def run(concurrency: int, p50: float, p95: float, turns_per_s: float, rasa: float, actions: float) -> dict:
    return {
        "concurrency": concurrency,
        "p50_ms": p50,
        "p95_ms": p95,
        "turns_per_s": turns_per_s,
        "cpu_ms_per_turn": {"rasa-1": rasa, "actions": actions},
    }


def test_difference_is_signed_per_cent_of_the_old():
    assert difference(11.0, 10.0) == 10.0
    assert difference(90.0, 100.0) == -10.0
    assert difference(None, 10.0) is None and difference(5.0, 0) is None


def test_comparison_says_within_ten_per_cent_only_when_no_more_than_that_worse():
    results = {
        "project": {"levels": [run(1, 10.5, 20, 80, 9, 5), run(10, 100, 150, 85, 9, 5)], "import_s": 1.0},
        "baseline": {"levels": [run(1, 10.0, 20, 80, 9, 1), run(10, 100, 150, 100, 9, 1)], "import_s": 1.0},
        "project (2)": {"levels": [run(1, 13.0, 20, 80, 9, 5), run(10, 100, 150, 120, 9, 5)]},
        "baseline (2)": {"levels": [run(1, 10.0, 20, 80, 9, 1), run(10, 100, 150, 100, 9, 1)]},
    }
    models = {
        "project": {"commit": "b" * 40, "size_bytes": 500_000, "training_s": 8.0},
        "baseline": {"commit": "a" * 40, "size_bytes": 250_000, "training_s": 7.0, "label": "6cc60be"},
    }
    lines = comparison(results, models, rounds=2)
    rows = {tuple(cell.strip() for cell in line.strip("|").split("|")[:2]): line for line in lines if "|" in line}
    assert rows[("turn p50, 1 conversation", "1")].endswith("+5.0 % | yes |")
    assert rows[("turn p50, 1 conversation", "2")].endswith("+30.0 % | **no** |")
    assert rows[("turns/s, 10 conversations", "1")].endswith("-15.0 % | **no** |")
    assert rows[("turns/s, 10 conversations", "2")].endswith("+20.0 % | yes |")  # faster is within
    assert rows[("turns/s, 10 conversations", "median")].endswith("| 102.5 | 100.0 | +2.5 % | yes |")
    assert rows[("action server CPU/turn, 10 conversations", "1")].endswith("+400.0 % | **no** |")
    assert any("| 500,000 | 8.0 s |" in line for line in lines)
    assert lines[-1].startswith("The project's model is 2.00× the size of the baseline's")


def test_the_doctor_knows_the_result_and_every_question_in_both_languages():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    for category in ("looking_for_advice", "fear_of_not_coping", "way_back_or_out"):
        result = [variant["text"] for variant in domain["responses"][f"utter_result_{category}"]]
        for lang, marks in Doctor.RESULT.items():
            assert any(marks[0] in text for text in result), (category, lang)  # the others: older builds' results
    assert set(Doctor.START) == set(Doctor.NOT_SURE) == set(Doctor.RESULT) == {"en", "nb"}
    asked = Counter(question_matchers().values())
    required = domain["forms"]["self_assessment_form"]["required_slots"]
    assert all(asked[slot] >= 2 for slot in required), asked  # an English and a Norwegian wording each
