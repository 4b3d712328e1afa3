#!/usr/bin/env python3
"""Play full self-assessments against the assistant and print turn latency, throughput, memory and training time.

    python bench/bench.py [--model models/doctor-support.tar.gz] [--url URL] [--rounds N] [--skip-training]

Without --url it starts the Rasa server and the action server itself (bot.launch, free ports, a throw-away
tracker store), plays 1 and then 10 concurrent simulated doctors, and stops them. The doctors are the
non-crisis personas of ../shared/eval/vignettes-dev.json; the question being asked is recognised from the
reply text (the domain's utter_ask_* responses), so no tracker lookups add load while measuring.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
VIGNETTES = ROOT.parent / "shared" / "eval" / "vignettes-dev.json"
sys.path.insert(0, str(ROOT))

from bot.launch import free_port, wait_until_ready  # noqa: E402


def question_matchers() -> dict[str, str]:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    found = {}
    for name, variants in domain["responses"].items():
        if (
            name.startswith("utter_ask_")
            and name[len("utter_ask_") :] in domain["forms"]["self_assessment_form"]["required_slots"]
        ):
            found[variants[0]["text"].strip()[:40]] = name[len("utter_ask_") :]
    return found


class Doctor:
    """One simulated doctor: a persona's words, one turn at a time. With several URLs, the turns take them in turn."""

    def __init__(self, url: str | list[str], persona: dict, matchers: dict[str, str]):
        urls = [url] if isinstance(url, str) else list(url)
        self.urls = [u.rstrip("/") + "/webhooks/rest/webhook" for u in urls]
        self.persona = persona
        self.matchers = matchers
        self.sender = f"bench-{uuid.uuid4().hex[:12]}"
        self.latencies: list[float] = []
        self.errors = 0

    def say(self, text: str) -> list[dict]:
        body = json.dumps({"sender": self.sender, "message": text}).encode()
        url = self.urls[(len(self.latencies) + self.errors) % len(self.urls)]
        request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                replies = json.loads(response.read() or b"[]")
        except (OSError, ValueError):
            self.errors += 1
            return []
        self.latencies.append(time.perf_counter() - started)
        return replies

    def asked(self, replies: list[dict]) -> str | None:
        for reply in reversed(replies):
            text = (reply.get("text") or "").strip()[:40]
            if text in self.matchers:
                return self.matchers[text]
        return None

    def run(self) -> bool:
        """One full self-assessment; True when it reached a result."""
        self.say(self.persona.get("opening") or "Hi")
        replies = self.say("Yes, I'd like to start the self-assessment")
        for _ in range(20):
            slot = self.asked(replies)
            if slot is None:
                return any("How to reach them" in (r.get("text") or "") for r in replies)
            replies = self.say(self.persona["answers"].get(slot, "I'm not sure"))
        return False


def play(url: str, personas: list[dict], concurrency: int, rounds: int) -> dict:
    matchers = question_matchers()
    doctors: list[Doctor] = []
    lock = threading.Lock()
    results = {"completed": 0, "incomplete": 0}

    def worker(offset: int) -> None:
        for i in range(rounds):
            doctor = Doctor(url, personas[(offset + i) % len(personas)], matchers)
            done = doctor.run()
            with lock:
                doctors.append(doctor)
                results["completed" if done else "incomplete"] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies = sorted(x for d in doctors for x in d.latencies)
    return {
        "concurrency": concurrency,
        "assessments": results["completed"],
        "incomplete": results["incomplete"],
        "turns": len(latencies),
        "errors": sum(d.errors for d in doctors),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))] * 1000, 1),
        "turns_per_s": round(len(latencies) / elapsed, 1),
        "seconds": round(elapsed, 1),
    }


def peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def server_pids(launcher_pid: int) -> dict[str, int]:
    found = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            status = (proc / "status").read_text()
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        ppid = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("PPid:"))
        if ppid == launcher_pid:
            found["action server" if " actions" in cmdline else "rasa server"] = int(proc.name)
    return found


def training_seconds() -> float:
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        subprocess.run(
            [
                str(Path(sys.executable).with_name("rasa")),
                "train",
                "--force",
                "--out",
                out,
                "--quiet",
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"},
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return round(time.perf_counter() - started, 1)


def wait_for(url: str, timeout: float) -> None:
    if not wait_until_ready(url, timeout):
        raise TimeoutError(f"{url} did not answer within {timeout} s")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=ROOT / "models" / "doctor-support.tar.gz")
    ap.add_argument("--url", help="a running assistant; default: start one")
    ap.add_argument("--rounds", type=int, default=3, help="assessments per simulated doctor")
    ap.add_argument("--skip-training", action="store_true")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args(argv)
    personas = [p for p in json.loads(VIGNETTES.read_text()) if not p.get("crisis")]
    figures: dict = {}
    launcher = None
    tmp = tempfile.TemporaryDirectory()
    try:
        url = args.url
        if not url:
            rasa_port, action_port = free_port(), free_port()
            env = {
                **os.environ,
                "RASA_PORT": str(rasa_port),
                "ACTION_PORT": str(action_port),
                "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
                "TRACKER_DB": str(Path(tmp.name) / "rasa.db"),
                "DATABASE_URL": f"sqlite:///{Path(tmp.name) / 'bot.db'}",
            }
            started = time.perf_counter()
            launcher = subprocess.Popen(
                [sys.executable, "-m", "bot.launch", "--model", str(args.model)],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            url = f"http://127.0.0.1:{rasa_port}"
            wait_for(url + "/", 300)
            wait_for(f"http://127.0.0.1:{action_port}/health", 60)
            figures["startup_s"] = round(time.perf_counter() - started, 1)
        play(url, personas, 1, 1)  # warm-up, not counted
        figures["runs"] = [
            play(url, personas, 1, args.rounds * 2),
            play(url, personas, 10, args.rounds),
        ]
        if launcher:
            figures["peak_memory_mb"] = {name: peak_rss_mb(pid) for name, pid in server_pids(launcher.pid).items()}
    finally:
        if launcher:
            launcher.terminate()
            launcher.wait(timeout=30)
        tmp.cleanup()
    if not args.skip_training:
        figures["training_s"] = training_seconds()
    if args.model.exists():
        figures["model_kb"] = round(args.model.stat().st_size / 1024)
    for run in figures["runs"]:
        print(
            f"{run['concurrency']:>2} concurrent: p50 {run['p50_ms']} ms, p95 {run['p95_ms']} ms, "
            f"{run['turns_per_s']} turns/s, {run['turns']} turns, {run['assessments']} assessments, "
            f"{run['incomplete']} incomplete, {run['errors']} errors"
        )
    for key in ("startup_s", "peak_memory_mb", "training_s", "model_kb"):
        if key in figures:
            print(f"{key}: {figures[key]}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    failed = any(r["errors"] or r["incomplete"] for r in figures["runs"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
