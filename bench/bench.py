#!/usr/bin/env python3
"""Side by side: full self-assessments played by concurrent simulated doctors against several set-ups.

    python bench/bench.py [--targets project,default,cluster1,cluster2] [--levels 1,10,50] [--json FILE]
                          [--markdown FILE] [--url URL]                                        (make bench)

Targets, each started on free ports, measured, and stopped before the next one starts:
  project   one Rasa server with this project's pipeline and policies (config.yml), the action server,
            the SQLite tracker store and the in-memory lock store: what `make run` starts;
  default   the same, with a model trained by Rasa's default pipeline and policies on the same data and
            domain (bench/config-default.yml, trained once into models/bench-default.tar.gz);
  cluster1  one Rasa replica behind nginx, PostgreSQL tracker store, Redis lock store (bot/ops/cluster.py);
  cluster2  the same with two replicas: the set-up that grows past one core.
With --url, only that running assistant is played.

The doctors are the non-crisis personas of ../shared/eval/vignettes-dev.json: opening, "start", then each
question answered in the persona's words (about 12 turns). The question being asked is recognised from the
reply text (the domain's utter_ask_* responses), so no tracker lookups add load. For each level of
concurrency: p50/p95/p99 turn latency (the REST round trip), turns per second, errors, incomplete
assessments; for each target: every server's peak memory (VmHWM), start-up time, and the model's load
time in a fresh process.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import secrets
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
MODEL = ROOT / "models" / "doctor-support.tar.gz"
DEFAULT_MODEL = ROOT / "models" / "bench-default.tar.gz"
DEFAULT_CONFIG = ROOT / "bench" / "config-default.yml"
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
sys.path.insert(0, str(ROOT))

from bot.ops.launch import action_command, free_port, rasa_command, wait_until_ready  # noqa: E402
from bot.settings import load_settings  # noqa: E402

TARGETS = ("project", "default", "cluster1", "cluster2")
ASSESSMENTS_PER_LEVEL = {1: 8, 10: 30, 50: 100}


def question_matchers() -> dict[str, str]:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    found = {}
    for name, variants in domain["responses"].items():
        if (
            name.startswith("utter_ask_")
            and name[len("utter_ask_") :] in domain["forms"]["self_assessment_form"]["required_slots"]
        ):
            for variant in variants:  # every language's wording of the question
                found[variant["text"].strip()[:40]] = name[len("utter_ask_") :]
    return found


class Doctor:
    """One simulated doctor: a persona's words, one turn at a time. With several URLs, the turns take them in turn."""

    PATH = "/webhooks/rest/webhook"  # Rasa's REST channel

    def __init__(self, url: str | list[str], persona: dict, matchers: dict[str, str]):
        urls = [url] if isinstance(url, str) else list(url)
        self.urls = [u.rstrip("/") + self.PATH for u in urls]
        self.persona = persona
        self.matchers = matchers
        self.sender = f"bench-{uuid.uuid4().hex[:12]}"
        self.latencies: list[float] = []
        self.errors = 0
        self.failures: list[str] = []

    @staticmethod
    def replies(body: bytes) -> list[dict]:
        return json.loads(body or b"[]")

    def say(self, text: str) -> list[dict]:
        body = json.dumps({"sender": self.sender, "message": text}).encode()
        url = self.urls[(len(self.latencies) + self.errors) % len(self.urls)]
        request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                replies = self.replies(response.read())
        except (OSError, ValueError, KeyError) as exc:
            self.errors += 1
            self.failures.append(type(exc).__name__ + ": " + str(getattr(exc, "code", "")))
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
                return any("A good first step" in (r.get("text") or "") for r in replies)
            replies = self.say(self.persona["answers"].get(slot, "I'm not sure"))
        return False


def percentile(values: list[float], share: float) -> float:
    return values[min(len(values) - 1, int(math.ceil(share * len(values))) - 1)]


def play(url: str, personas: list[dict], concurrency: int, assessments: int) -> dict:
    """`assessments` full self-assessments, `concurrency` of them at any moment."""
    matchers = question_matchers()
    doctors: list[Doctor] = []
    lock = threading.Lock()
    results = {"completed": 0, "incomplete": 0}
    queue = list(range(assessments))

    def worker() -> None:
        while True:
            with lock:
                if not queue:
                    return
                n = queue.pop()
            doctor = Doctor(url, personas[n % len(personas)], matchers)
            done = doctor.run()
            with lock:
                doctors.append(doctor)
                results["completed" if done else "incomplete"] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies = sorted(x for d in doctors for x in d.latencies)
    if not latencies:
        return {"concurrency": concurrency, "turns": 0, "errors": sum(d.errors for d in doctors)}
    return {
        "concurrency": concurrency,
        "assessments": results["completed"],
        "incomplete": results["incomplete"],
        "turns": len(latencies),
        "errors": sum(d.errors for d in doctors),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "turns_per_s": round(len(latencies) / elapsed, 1),
        "seconds": round(elapsed, 1),
    }


def status_mb(pid: int, key: str) -> float | None:
    """A memory figure of /proc/<pid>/status (VmHWM: peak resident, VmRSS: resident now) in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def peak_rss_mb(pid: int) -> float | None:
    return status_mb(pid, "VmHWM")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine, all cores (/proc/stat)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def model_load_seconds(model: Path, plain_rasa: bool = False) -> dict:
    """Import time and model load time of a fresh process, loaded the way its server loads it: through
    components/rasa_server.py (no TensorFlow when the model needs none), or plain Rasa for the default."""
    script = (
        "import asyncio, sys, time\n"
        "t0 = time.perf_counter()\n"
        "from components import rasa_server\n"
        "from pathlib import Path\n"
        "if sys.argv[2] != 'plain' and not rasa_server.needs_tensorflow(Path(sys.argv[1])):\n"
        "    rasa_server.use_stand_ins()\n"
        "from rasa.core.agent import load_agent\n"
        "t1 = time.perf_counter()\n"
        "if sys.argv[2] != 'plain':\n    from components import patches; patches.apply_all()  # as the server does\n"
        "agent = asyncio.run(load_agent(model_path=sys.argv[1]))\n"
        "assert agent.is_ready()\n"
        "print(round(t1 - t0, 1), round(time.perf_counter() - t1, 1))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(model), "plain" if plain_rasa else "server"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONWARNINGS": "ignore"},
        capture_output=True,
        text=True,
        check=True,
    )
    imports, load = out.stdout.split()[-2:]
    return {"import_s": float(imports), "model_load_s": float(load)}


def train_default_model() -> float | None:
    """Rasa's default pipeline on this project's data; trained only when missing or older than its inputs."""
    inputs = [DEFAULT_CONFIG, ROOT / "domain.yml", *sorted((ROOT / "data").rglob("*.yml"))]
    if DEFAULT_MODEL.exists() and DEFAULT_MODEL.stat().st_mtime > max(p.stat().st_mtime for p in inputs):
        return None
    started = time.perf_counter()
    subprocess.run(
        [
            str(Path(sys.executable).with_name("rasa")),
            "train",
            "--config",
            str(DEFAULT_CONFIG),
            "--fixed-model-name",
            DEFAULT_MODEL.name.removesuffix(".tar.gz"),
            "--out",
            str(DEFAULT_MODEL.parent),
            "--quiet",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"},
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return round(time.perf_counter() - started, 1)


def fresh_postgres_database() -> tuple[str, callable]:
    from bot.ops.cluster import scratch_postgres_database

    return scratch_postgres_database(POSTGRES, "ds_bench_")


class Single:
    """One Rasa server and one action server, as `make run` starts them, on a throw-away SQLite tracker store."""

    def __init__(self, model: Path, folder: Path, plain_rasa: bool = False):
        self.plain_rasa = plain_rasa  # Rasa's own `rasa run`, none of this project's start-up changes
        self.folder = folder
        self.settings = load_settings(
            overrides={
                "RASA_API_TOKEN": "bench-" + secrets.token_hex(8),
                "SECRET_KEY": "bench-" + secrets.token_hex(8),
                "RASA_PORT": str(free_port()),
                "ACTION_PORT": str(free_port()),
                "TRACKER_DB": str(folder / "rasa.db"),
                "TRACKER_STORE_URL": "",
                "LOCK_STORE_URL": "",
                "DATABASE_URL": f"sqlite:///{folder / 'bot.db'}",
            }
        )
        self.model = model
        self.processes: dict[str, subprocess.Popen] = {}
        self.url = f"http://127.0.0.1:{self.settings.rasa_port}"

    def start(self) -> None:
        from bot.ops.launch import child_env
        from bot.storage.migrate import upgrade

        upgrade(self.settings.database_url)
        env = {**child_env(self.settings), "DATABASE_URL": self.settings.database_url}
        rasa = rasa_command(self.settings, self.model, self.settings.rasa_port)
        if self.plain_rasa:
            rasa = [str(Path(sys.executable).with_name("rasa")), *rasa[rasa.index("run") :]]
        for name, command in (("actions", action_command(self.settings.action_port)), ("rasa-1", rasa)):
            with open(self.folder / f"{name}.log", "ab") as log:
                self.processes[name] = subprocess.Popen(
                    command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
                )
        if not wait_until_ready(self.url + "/", 400):
            raise TimeoutError(f"the Rasa server did not start (log: {self.folder / 'rasa-1.log'})")
        if not wait_until_ready(f"http://127.0.0.1:{self.settings.action_port}/health", 60):
            raise TimeoutError("the action server did not start")

    def pids(self) -> dict[str, int]:
        return {name: p.pid for name, p in self.processes.items() if p.poll() is None}

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)


class ClusterTarget:
    """N replicas behind nginx on fresh PostgreSQL databases and Redis (bot/ops/cluster.py, as `make cluster`)."""

    def __init__(self, model: Path, folder: Path, replicas: int):
        from bot.ops.cluster import Cluster, scratch_cluster_settings

        self.tracker_url, self._drop_tracker = fresh_postgres_database()
        self.database_url, self._drop_database = fresh_postgres_database()
        settings = scratch_cluster_settings(self.tracker_url, self.database_url, REDIS)
        self.cluster = Cluster(
            settings, model, folder, [free_port() for _ in range(replicas)], [free_port()], with_web=False
        )
        self.url = self.cluster.balancer_url

    def start(self) -> None:
        self.cluster.start(timeout=400)

    def pids(self) -> dict[str, int]:
        return self.cluster.pids()

    def stop(self) -> None:
        try:
            self.cluster.stop()
        finally:
            self._drop_tracker()
            self._drop_database()


def measure(target, personas: list[dict], levels: list[int], model: Path) -> dict:
    figures: dict = {"levels": []}
    started = time.perf_counter()
    target.start()
    try:
        figures["startup_s"] = round(time.perf_counter() - started, 1)
        play(target.url, personas, min(4, max(levels)), 4)  # warm-up: every code path once, not counted
        for level in levels:
            pids = target.pids()
            cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
            busy_before, total_before = machine_ticks()
            run = play(target.url, personas, level, ASSESSMENTS_PER_LEVEL.get(level, 2 * level))
            busy_after, total_after = machine_ticks()
            run["machine_busy_pct"] = round(100 * (busy_after - busy_before) / max(1, total_after - total_before))
            if run["turns"]:
                run["cpu_ms_per_turn"] = {
                    name: round((cpu_seconds(pid) - cpu_before[name]) * 1000 / run["turns"], 1)
                    for name, pid in pids.items()
                    if name != "nginx"
                }
            figures["levels"].append(run)
            print(f"  {describe(run)}", flush=True)
        figures["peak_memory_mb"] = {name: peak_rss_mb(pid) for name, pid in target.pids().items()}
    finally:
        target.stop()
    figures.update(model_load_seconds(model, plain_rasa=getattr(target, "plain_rasa", False)))
    return figures


def describe(run: dict) -> str:
    if not run.get("turns"):
        return f"{run['concurrency']:>2} concurrent: no turn answered, {run['errors']} errors"
    return (
        f"{run['concurrency']:>2} concurrent: p50 {run['p50_ms']} ms, p95 {run['p95_ms']} ms, p99 {run['p99_ms']} ms, "
        f"{run['turns_per_s']} turns/s, {run['turns']} turns, {run['assessments']} assessments, "
        f"{run['incomplete']} incomplete, {run['errors']} errors"
    )


def ratio(a: dict | None, b: dict | None) -> str:
    if not a or not b or not a.get("turns_per_s") or not b.get("turns_per_s"):
        return "–"
    return f"{a['turns_per_s'] / b['turns_per_s']:.2f}×"


def markdown(results: dict, levels: list[int]) -> str:
    lines = [
        "| set-up | conversations | p50 | p95 | p99 | turns/s | errors | incomplete | Rasa CPU/turn | machine busy |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, figures in results.items():
        for run in figures["levels"]:
            cpu = run.get("cpu_ms_per_turn", {})
            rasa_cpu = sum(v for k, v in cpu.items() if k.startswith("rasa"))
            lines.append(
                f"| {name} | {run['concurrency']} | {run.get('p50_ms', '–')} ms | {run.get('p95_ms', '–')} ms | "
                f"{run.get('p99_ms', '–')} ms | {run.get('turns_per_s', 0)} | {run['errors']} | "
                f"{run.get('incomplete', '–')} | {rasa_cpu:.1f} ms | {run.get('machine_busy_pct', '–')} % |"
            )
    lines += ["", "| set-up | peak memory (MB) | start-up until answering | imports + model load (fresh process) |"]
    lines.append("|---|---|---|---|")
    for name, figures in results.items():
        memory = ", ".join(f"{k} {v}" for k, v in figures.get("peak_memory_mb", {}).items())
        lines.append(
            f"| {name} | {memory} | {figures.get('startup_s', '–')} s | "
            f"{figures.get('import_s', '–')} s + {figures.get('model_load_s', '–')} s |"
        )
    by_level = {name: {r["concurrency"]: r for r in f["levels"]} for name, f in results.items()}
    lines += ["", "| ratio of turns/s | " + " | ".join(f"{n} conv." for n in levels) + " |"]
    lines.append("|---|" + "---|" * len(levels))
    for label, a, b in (
        ("project ÷ default pipeline", "project", "default"),
        ("2 replicas ÷ 1 replica (both behind nginx)", "cluster2", "cluster1"),
        ("2 replicas ÷ one server (project)", "cluster2", "project"),
    ):
        if a in by_level and b in by_level:
            cells = [ratio(by_level[a].get(n), by_level[b].get(n)) for n in levels]
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--targets", default=",".join(TARGETS), help=f"comma-separated, of {', '.join(TARGETS)}")
    ap.add_argument("--levels", default="1,10,50", help="concurrent conversations, comma-separated")
    ap.add_argument("--model", type=Path, default=MODEL)
    ap.add_argument("--url", help="play one running assistant only")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--markdown", type=Path, help="also write the tables here")
    args = ap.parse_args(argv)
    levels = [int(n) for n in args.levels.split(",")]
    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    unknown = set(targets) - set(TARGETS)
    if unknown:
        ap.error(f"unknown targets: {', '.join(sorted(unknown))}")
    personas = [p for p in json.loads(VIGNETTES.read_text()) if not p.get("crisis")]
    if args.url:
        for level in levels:
            print(describe(play(args.url, personas, level, ASSESSMENTS_PER_LEVEL.get(level, 2 * level))))
        return 0
    results: dict = {}
    meta = {"cpus": os.cpu_count(), "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    if "default" in targets:
        trained = train_default_model()
        if trained is not None:
            meta["default_training_s"] = trained
    with tempfile.TemporaryDirectory() as tmp:
        for name in targets:
            folder = Path(tmp) / name
            folder.mkdir()
            model = DEFAULT_MODEL if name == "default" else args.model
            print(f"{name}:", flush=True)
            if name in ("project", "default"):
                target = Single(model, folder, plain_rasa=name == "default")
            else:
                target = ClusterTarget(model, folder, replicas=int(name.removeprefix("cluster")))
            results[name] = measure(target, personas, levels, model)
    table = markdown(results, levels)
    print()
    print(table)
    if args.json:
        args.json.write_text(json.dumps({"meta": meta, "results": results}, indent=2))
    if args.markdown:
        args.markdown.write_text(table)
    # Rasa's default pipeline may misread a persona (it is only the comparison); ours must not, nor fail a turn.
    failed = any(
        r["errors"] or (r.get("incomplete") and name != "default") for name, f in results.items() for r in f["levels"]
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
