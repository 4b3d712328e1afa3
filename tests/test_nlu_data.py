"""The NLU examples (data/nlu/) against the rule-based checks that have the last word (components/safety_net.py).

- A command's examples are confirmed by bot/core/commands.py: else the classifier learns a command that the
  safety net then refuses, in English or Norwegian alike.
- No example outside crisis_disclosure is a disclosure to the crisis net (bot/core/crisis.py), so ordinary answers,
  idioms, someone else's suicide and denials are never taught as the opposite of what the net decides.
- The crisis_disclosure examples the net does not read as a disclosure are the known ones below: the classifier's
  crisis_disclosure then only asks the direct question (bot/core/safety.py). A new one, or one the net now reads, fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.core.commands import COMMAND_INTENTS, confirms_command
from bot.core.crisis import Risk, assess_risk

NLU_DIR = Path(__file__).resolve().parents[1] / "data" / "nlu"

# Examples of a command the words do not confirm (written before the command patterns were checked against the data).
UNCONFIRMED_COMMAND_EXAMPLES = {("stop", "let's stop here"), ("stop", "enough, stop")}
# Disclosures in the training data that the crisis net reads otherwise (reported with issue 14).
CRISIS_EXAMPLES_THE_NET_MISSES = {
    "I want it all to end for good": Risk.UNCLEAR,
    "selvskading hjelper meg å takle ting": Risk.NONE,
}


def examples() -> list[tuple[str, str]]:
    found = []
    for path in sorted(NLU_DIR.glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            for line in block["examples"].splitlines():
                if line.strip().startswith("- "):
                    found.append((block["intent"], line.strip()[2:].strip()))
    return found


EXAMPLES = examples()


def test_there_are_examples_in_both_languages():
    assert len(EXAMPLES) > 600


def test_every_command_example_is_confirmed_by_its_words():
    unconfirmed = {(i, t) for i, t in EXAMPLES if i in COMMAND_INTENTS and not confirms_command(i, t)}
    assert unconfirmed == UNCONFIRMED_COMMAND_EXAMPLES


@pytest.mark.parametrize("intent", sorted({i for i, _ in EXAMPLES} - {"crisis_disclosure", "risk_unclear"}))
def test_no_ordinary_example_is_a_disclosure(intent):
    disclosures = [t for i, t in EXAMPLES if i == intent and assess_risk(t).risk is Risk.DISCLOSURE]
    assert disclosures == []


def test_the_crisis_examples_are_disclosures_to_the_net_but_the_known_ones():
    read = {t: assess_risk(t).risk for i, t in EXAMPLES if i == "crisis_disclosure"}
    assert {t: r for t, r in read.items() if r is not Risk.DISCLOSURE} == CRISIS_EXAMPLES_THE_NET_MISSES
