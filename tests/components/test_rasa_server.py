"""The Rasa server without TensorFlow: only for a model that needs none, and nothing touches it after loading."""

import json
import subprocess
import sys
import tarfile
from pathlib import Path

from components.rasa_server import model_argument, needs_tensorflow

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "doctor-support.tar.gz"


def fake_model(tmp_path: Path, uses: list[str]) -> Path:
    metadata = tmp_path / "metadata.json"
    metadata.write_text(json.dumps({"predict_schema": {"nodes": {f"n{i}": {"uses": u} for i, u in enumerate(uses)}}}))
    model = tmp_path / "model.tar.gz"
    with tarfile.open(model, "w:gz") as archive:
        archive.add(metadata, arcname="metadata.json")
    return model


def test_this_projects_model_needs_no_tensorflow():
    assert MODEL.exists(), "make train first"
    assert needs_tensorflow(MODEL) is False


def test_a_model_with_diet_or_ted_or_a_stranger_gets_the_real_tensorflow(tmp_path):
    for foreign in (
        "rasa.nlu.classifiers.diet_classifier.DIETClassifier",
        "rasa.core.policies.ted_policy.TEDPolicy",
        "somebody.elses.Component",
    ):
        assert needs_tensorflow(fake_model(tmp_path, ["rasa.core.policies.rule_policy.RulePolicy", foreign]))
    assert not needs_tensorflow(fake_model(tmp_path, ["rasa.core.policies.rule_policy.RulePolicy"]))


def test_a_file_that_is_not_a_model_gets_the_real_tensorflow(tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a model")
    assert needs_tensorflow(junk) and needs_tensorflow(tmp_path / "missing.tar.gz")


def test_the_model_argument_is_found_as_rasa_reads_it():
    assert model_argument(["run", "--model", "m.tar.gz", "--port", "1"]) == Path("m.tar.gz")
    assert model_argument(["run", "--model=m.tar.gz"]) == Path("m.tar.gz")
    assert model_argument(["run"]) is None


SCRIPT = """
import asyncio, json, sys
from components import rasa_server
rasa_server.use_stand_ins()
from components import patches
patches.apply_all()
from rasa.core.agent import load_agent
agent = asyncio.run(load_agent(model_path=sys.argv[1]))
loaded = len(rasa_server.USED)

async def talk():
    replies = []
    for text in ["hello", "start the self-assessment", "I work full time", "skip", "why do you ask?",
                 "I have thought about ending my life"]:
        replies.append(await agent.handle_text(text, sender_id="no-tf-test"))
    return replies

replies = asyncio.run(talk())
print(json.dumps({
    "real_tensorflow": any(m.startswith("tensorflow.python") for m in sys.modules),
    "used_after_loading": rasa_server.USED[loaded:],
    "skops_patched_as_it_loaded": sys.modules["skops.io._utils"].whichmodule.__module__ == "components.speedups",
    "replies": [[r.get("text") for r in turn] for turn in replies],
}))
"""


def test_with_stand_ins_the_model_loads_and_answers_and_never_touches_tensorflow():
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(MODEL)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "PYTHONWARNINGS": "ignore"},
    )
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["real_tensorflow"] is False
    assert result["used_after_loading"] == []
    assert result["skops_patched_as_it_loaded"], "components/patches.py's import hook reached skops"
    assert result["replies"][0], "the greeting answered (no action server here, so the form itself cannot start)"
    assert any("113" in (text or "") for text in result["replies"][-1]), "crisis help at once"
