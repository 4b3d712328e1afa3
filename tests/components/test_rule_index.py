"""components/speedups.py's narrowing of RulePolicy's rule lookup finds exactly the keys Rasa's own lookup finds."""

import json
import tarfile
from pathlib import Path

import pytest

from components import speedups

MODEL = Path(__file__).resolve().parents[2] / "models" / "doctor-support.tar.gz"


def lookups():
    with tarfile.open(MODEL) as archive:
        member = next(m for m in archive.getmembers() if m.name.endswith("train_RulePolicy1/rule_policy.json"))
        return json.load(archive.extractfile(member))["lookup"]


@pytest.mark.skipif(not MODEL.exists(), reason="needs the trained model (make train)")
def test_the_narrowed_lookup_finds_the_same_rules_as_rasa_for_every_rule_and_its_neighbours():
    from rasa.core.policies.rule_policy import RulePolicy

    policy = RulePolicy.__new__(RulePolicy)  # only the lookup methods are used: no graph resources
    tables = lookups()
    checked = 0
    for name in ("rules", "rules_for_loop_unhappy_path"):
        lookup = tables[name]
        histories = [RulePolicy._rule_key_to_state(key) for key in lookup]
        # every rule's own states, each shortened from the front, and each with another rule's last state in place
        # of its own: the keys found must be the same, whichever rules apply
        cases = [states[start:] for states in histories for start in range(len(states))]
        cases += [states[:-1] + [other[-1]] for states in histories[:40] for other in histories[:40] if states]
        # long conversations: other rules' states before a rule's own, so the look back goes past every rule's length
        cases += [histories[(n + 1) % len(histories)] * 4 + states for n, states in enumerate(histories)]
        cases += [histories[(n + 2) % len(histories)] * 3 + states[1:] for n, states in enumerate(histories)]
        for states in cases:
            assert speedups._get_possible_keys(policy, lookup, states) == RulePolicy._get_possible_keys(
                policy, lookup, states
            ), states
            checked += 1
    assert checked > 1000


def test_a_rule_for_another_previous_action_or_intent_is_left_out_and_a_conversation_start_rule_is_not():
    entry_start, entry_after_greet = (False, None, "greet", 1), (True, "utter_greet", "affirm", 2)
    assert speedups._may_apply(entry_start, None, "deny")
    assert speedups._may_apply(entry_after_greet, "utter_greet", "affirm")
    assert not speedups._may_apply(entry_after_greet, "utter_greet", "deny")
    assert not speedups._may_apply(entry_after_greet, "action_listen", "affirm")
    assert speedups._may_apply((True, None, None, 1), "action_listen", "deny")
