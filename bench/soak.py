#!/usr/bin/env python3
"""Soak: many doctors at once for a long time, through the web server, on loopback; does anything give?

    python bench/soak.py [--minutes 10] [--conversations 50] [--json FILE] [--markdown FILE]   (make soak)

Starts what `make run` starts (the Rasa server, the action server, the web server on a throw-away SQLite
database) on free ports, then keeps `--conversations` simulated doctors busy until the time is up: each plays a
whole self-assessment in a dev persona's words (bench/bench.py's Doctor) through the web server's
/api/message, as the widget does, with no pause between turns, then starts a new conversation. The web server's
per-address limit is raised for the run (every doctor here comes from 127.0.0.1); the per-conversation limit
stays. Every `--sample` seconds it records each server's resident memory; per minute, p50/p95/p99 latency,
turns and errors. It fails (exit 1) on any error, unfinished assessment, or error logged by a server, or when
memory has not levelled
off: the highest resident memory of the last third of the run more than `--growth` (default 10 %) above the
highest of the middle third. The full 10-minute run's figures are in docs/reliability.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench import VIGNETTES, Doctor, Single, percentile, question_matchers, status_mb  # noqa: E402
from bot.ops.launch import child_env, free_port, wait_until_ready  # noqa: E402


class WebDoctor(Doctor):
    """A bench doctor speaking to the web server's /api/message, as the widget does."""

    PATH = "/api/message"

    def __init__(self, web_url: str, persona: dict, matchers: dict[str, str]):
        super().__init__(web_url, persona, matchers)
        self.sender = self.sender.replace("bench-", "soak-") + "x" * 8  # a widget-style conversation id

    @staticmethod
    def replies(body: bytes) -> list[dict]:
        return json.loads(body)["messages"]


def summarise(turns: list[tuple[float, float]]) -> dict:
    latencies = sorted(t for _, t in turns)
    if not latencies:
        return {"turns": 0}
    return {
        "turns": len(latencies),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
    }


def soak(minutes: float, conversations: int, sample_seconds: float, folder: Path) -> dict:
    personas = [p for p in json.loads(VIGNETTES.read_text()) if not p.get("crisis")]
    matchers = question_matchers()
    target = Single(ROOT / "models" / "doctor-support.tar.gz", folder)
    target.start()
    web_port = free_port()
    env = {
        **child_env(target.settings),
        "DATABASE_URL": target.settings.database_url,
        "TRACKER_DB": str(target.settings.tracker_db_path),
        "WEB_PORT": str(web_port),
        "RASA_URL": target.url,
        "SECRET_KEY": target.settings.secret_key,
        "MESSAGES_PER_MINUTE_PER_ADDRESS": "1000000",
    }
    with open(folder / "web.log", "ab") as log:
        target.processes["web"] = subprocess.Popen(
            [sys.executable, "-m", "bot.web.app"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    web_url = f"http://127.0.0.1:{web_port}"
    if not wait_until_ready(web_url + "/healthz", 60):
        raise TimeoutError("the web server did not start")

    lock = threading.Lock()
    turns: list[tuple[float, float]] = []  # (seconds since start, latency)
    outcome = {"completed": 0, "incomplete": 0, "errors": 0, "failures": []}
    started = time.monotonic()
    deadline = started + minutes * 60
    stop = threading.Event()

    def doctor_loop(n: int) -> None:
        while time.monotonic() < deadline:
            doctor = WebDoctor(web_url, personas[n % len(personas)], matchers)
            base = time.monotonic()
            done = doctor.run()
            offsets = []
            elapsed = 0.0
            for latency in doctor.latencies:  # turn times, placed in the minute they ended (approximately)
                elapsed += latency
                offsets.append((base - started + elapsed, latency))
            with lock:
                turns.extend(offsets)
                outcome["completed" if done else "incomplete"] += 1
                outcome["errors"] += doctor.errors
                outcome["failures"].extend(doctor.failures[:3])
            n += conversations

    samples: list[dict] = []

    def sampler() -> None:
        while not stop.is_set():
            sample = {"t_s": round(time.monotonic() - started, 1)}
            for name, pid in target.pids().items():
                sample[name] = status_mb(pid, "VmRSS")
            sample["tracker_db_mb"] = round(Path(target.settings.tracker_db_path).stat().st_size / 2**20, 1)
            samples.append(sample)
            stop.wait(sample_seconds)

    watcher = threading.Thread(target=sampler)
    watcher.start()
    workers = [threading.Thread(target=doctor_loop, args=(n,)) for n in range(conversations)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    stop.set()
    watcher.join()
    elapsed = time.monotonic() - started
    crashed = [name for name, process in target.processes.items() if process.poll() is not None]
    target.stop()
    logged_errors = sum(
        line.count("Traceback") + (" ERROR " in line)
        for log in folder.glob("*.log")
        for line in log.read_text(errors="replace").splitlines()
    )

    per_minute = []
    for minute in range(int(elapsed // 60) + 1):
        window = [t for t in turns if minute * 60 <= t[0] < (minute + 1) * 60]
        if window:
            per_minute.append({"minute": minute + 1, **summarise(window)})
    third = max(1, len(samples) // 3)
    servers = [k for k in samples[0] if k not in ("t_s", "tracker_db_mb")] if samples else []
    growth = {}
    for name in servers:
        middle = max((s.get(name) or 0) for s in samples[third : 2 * third] or samples)
        last = max((s.get(name) or 0) for s in samples[2 * third :] or samples)
        growth[name] = {"middle_max_mb": middle, "last_max_mb": last, "growth": round(last / middle - 1, 3)}
    return {
        "minutes": round(elapsed / 60, 2),
        "conversations_at_once": conversations,
        **outcome,
        "failures": outcome["failures"][:20],
        "crashed": crashed,
        "logged_errors": logged_errors,
        "turns_per_s": round(len(turns) / elapsed, 1),
        "overall": summarise(turns),
        "per_minute": per_minute,
        "memory": growth,
        "samples": samples,
    }


def markdown(result: dict) -> str:
    overall = result["overall"]
    lines = [
        f"Soak: {result['conversations_at_once']} conversations at once for {result['minutes']} min through the web "
        f"server: {result['completed']} assessments completed, {result['incomplete']} incomplete, "
        f"{result['errors']} errors, {result['turns_per_s']} turns/s; overall p50 {overall.get('p50_ms')} ms, "
        f"p95 {overall.get('p95_ms')} ms, p99 {overall.get('p99_ms')} ms.",
        "",
        "| minute | turns | p50 | p95 | p99 |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {m['minute']} | {m['turns']} | {m['p50_ms']} ms | {m['p95_ms']} ms | {m['p99_ms']} ms |"
        for m in result["per_minute"]
    ]
    servers = list(result["memory"])
    lines += ["", "| time | " + " | ".join(f"{s} (MB)" for s in servers) + " | tracker DB (MB) |"]
    lines.append("|---" * (len(servers) + 2) + "|")
    step = max(1, len(result["samples"]) // 12)
    for sample in result["samples"][::step] + result["samples"][-1:]:
        lines.append(
            f"| {sample['t_s']:.0f} s | "
            + " | ".join(str(sample.get(s)) for s in servers)
            + f" | {sample['tracker_db_mb']} |"
        )
    lines += ["", "| server | highest, middle third | highest, last third | growth |", "|---|---|---|---|"]
    lines += [
        f"| {name} | {m['middle_max_mb']} MB | {m['last_max_mb']} MB | {m['growth'] * 100:.1f} % |"
        for name, m in result["memory"].items()
    ]
    return "\n".join(lines) + "\n"


def verdict(result: dict, growth_allowed: float) -> list[str]:
    problems = []
    if result["logged_errors"]:
        problems.append(f"{result['logged_errors']} errors or traces in the servers' logs")
    if result["errors"] or result["incomplete"] or result["crashed"]:
        problems.append(
            f"{result['errors']} errors, {result['incomplete']} incomplete, crashed: {result['crashed']} "
            f"({result['failures'][:5]})"
        )
    if not result["completed"]:
        problems.append("no assessment completed")
    for name, memory in result["memory"].items():
        if memory["growth"] > growth_allowed:
            problems.append(f"{name}: memory still growing ({memory['middle_max_mb']} -> {memory['last_max_mb']} MB)")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--sample", type=float, default=10, help="seconds between memory samples")
    parser.add_argument("--growth", type=float, default=0.10, help="allowed memory growth, last third over middle")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="soak-") as folder:
        result = soak(args.minutes, args.conversations, args.sample, Path(folder))
    text = markdown(result)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    if args.markdown:
        args.markdown.write_text(text)
    problems = verdict(result, args.growth)
    for problem in problems:
        print("FAILED:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
