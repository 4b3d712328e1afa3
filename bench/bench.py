#!/usr/bin/env python3
"""Side by side: full self-assessments played by concurrent simulated doctors against several set-ups.

    python bench/bench.py [--targets project,baseline,project-nb,default,cluster1,cluster2] [--levels 1,10,50]
                          [--baseline REF] [--rounds N] [--retrain] [--json FILE] [--markdown FILE]
                          [--url URL]                                                           (make bench)

Targets, each started on free ports, measured, and stopped before the next one starts:
  project   one Rasa server with this project's pipeline and policies (config.yml), the action server,
            the SQLite tracker store and the in-memory lock store: what `make run` starts;
  default   the same, with a model trained by Rasa's default pipeline and policies on the same data and
            domain (bench/config-default.yml, trained once into models/bench-default.tar.gz);
  cluster1  one Rasa replica behind nginx, PostgreSQL tracker store, Redis lock store (bot/ops/cluster.py);
  cluster2  the same with two replicas: the set-up that grows past one core;
  baseline  the assistant as it was at a git ref (--baseline, default 6cc60be: the English-only assistant, the
            last commit before the Norwegian responses and NLU examples), started exactly like `project` (the
            same ports, stores and start-up code) but from that ref's own code, domain, endpoints and action
            server, in a temporary `git worktree` under /tmp that is removed afterwards; its model is trained
            there with that ref's own config.yml and data/ into models/baseline-<commit>.tar.gz, once per
            commit (a rerun reuses it), the training time noted beside it (models/baseline-<commit>.json);
  project-nb  `project` again, played by the Norwegian dev personas (../shared/eval/vignettes-dev-nb.json,
            "lang": "nb", with Norwegian start words): the Norwegian turn time on record.
`project` and `baseline` are measured interleaved: both up at once, each level played on one and then on the
other (the idle one takes no CPU); with --rounds N all levels N times, the order alternating round by round,
so the machine's run-to-run noise shows beside the difference (and a median of the rounds is given).
With --retrain both models (this tree's --model and the baseline's) are trained again first, each timed from a
cold Rasa cache; without it the training time comes from the note beside each model when there is one.
With --url, only that running assistant is played.

The doctors are the non-crisis personas of ../shared/eval/vignettes-dev.json: opening, "start", then each
question answered in the persona's own words (about 12 turns). Since the English-only baseline does not
understand Norwegian, `project` and `baseline` are both played with these English personas; `project-nb`
is the bilingual assistant's Norwegian row, with no baseline to compare it to. The question being asked
is recognised from the reply text (the domain's utter_ask_* responses, every language's wording, from the
played tree's domain.yml), so no tracker lookups add load. For each level of
concurrency: p50/p95/p99 turn latency (the REST round trip), turns per second, errors, incomplete
assessments; for each target: every server's peak memory (VmHWM), start-up time, and the model's load
time in a fresh process; for the models compared, their size (bytes of the .tar.gz) and training time.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import secrets
import shutil
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
VIGNETTES_NB = ROOT.parent / "shared" / "eval" / "vignettes-dev-nb.json"
BASELINE_REF = "6cc60be"  # the English-only assistant: the last commit before the Norwegian responses and NLU
MODEL = ROOT / "models" / "doctor-support.tar.gz"
DEFAULT_MODEL = ROOT / "models" / "bench-default.tar.gz"
DEFAULT_CONFIG = ROOT / "bench" / "config-default.yml"
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
sys.path.insert(0, str(ROOT))

from bot.ops.launch import action_command, free_port, rasa_command, wait_until_ready  # noqa: E402
from bot.settings import load_settings  # noqa: E402

TARGETS = ("project", "baseline", "project-nb", "default", "cluster1", "cluster2")
ASSESSMENTS_PER_LEVEL = {1: 24, 10: 60, 50: 100}  # enough turns for a steady p50 (±15 % between runs here)


def question_matchers(domain_file: Path = ROOT / "domain.yml") -> dict[str, str]:
    domain = yaml.safe_load(domain_file.read_text())
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
    # What a doctor says to start, when unsure, and what marks the result (utter_service), in each language.
    START = {"en": "Yes, I'd like to start the self-assessment", "nb": "Ja, jeg vil gjerne starte"}
    NOT_SURE = {"en": "I'm not sure", "nb": "Vet ikke"}
    # the result's first bubble; "How to reach them" is the English-only assistant's (the baseline, 6cc60be)
    RESULT = {"en": ("A good first step", "How to reach them"), "nb": ("Et godt første steg",)}

    def __init__(self, url: str | list[str], persona: dict, matchers: dict[str, str]):
        urls = [url] if isinstance(url, str) else list(url)
        self.urls = [u.rstrip("/") + self.PATH for u in urls]
        self.persona = persona
        self.lang = persona.get("lang") or "en"
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
        replies = self.say(self.START[self.lang])
        for _ in range(20):
            slot = self.asked(replies)
            if slot is None:
                return any(mark in (r.get("text") or "") for r in replies for mark in self.RESULT[self.lang])
            replies = self.say(self.persona["answers"].get(slot, self.NOT_SURE[self.lang]))
        return False


def percentile(values: list[float], share: float) -> float:
    return values[min(len(values) - 1, int(math.ceil(share * len(values))) - 1)]


def play(
    url: str, personas: list[dict], concurrency: int, assessments: int, domain_file: Path = ROOT / "domain.yml"
) -> dict:
    """`assessments` full self-assessments, `concurrency` of them at any moment."""
    matchers = question_matchers(domain_file)
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


def model_load_seconds(model: Path, plain_rasa: bool = False, tree: Path = ROOT) -> dict:
    """Import time and model load time of a fresh process, loaded the way its server loads it: through
    components/rasa_server.py (no TensorFlow when the model needs none), or plain Rasa for the default;
    with `tree`, that tree's code (a baseline's: it may be older than components/patches.py)."""
    script = (
        "import asyncio, sys, time\n"
        "t0 = time.perf_counter()\n"
        "from components import rasa_server\n"
        "from pathlib import Path\n"
        "if sys.argv[2] != 'plain' and not rasa_server.needs_tensorflow(Path(sys.argv[1])):\n"
        "    rasa_server.use_stand_ins()\n"
        "from rasa.core.agent import load_agent\n"
        "t1 = time.perf_counter()\n"
        "if sys.argv[2] != 'plain':\n"
        "    try:\n        from components import patches\n"
        "    except ImportError:\n        patches = None  # older code\n"
        "    if patches:\n        patches.apply_all()  # as the server does\n"
        "agent = asyncio.run(load_agent(model_path=sys.argv[1]))\n"
        "assert agent.is_ready()\n"
        "print(round(t1 - t0, 1), round(time.perf_counter() - t1, 1))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(model), "plain" if plain_rasa else "server"],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree), "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONWARNINGS": "ignore"},
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
    return run_training(
        [str(Path(sys.executable).with_name("rasa")), "train", "--config", str(DEFAULT_CONFIG)], DEFAULT_MODEL
    )


def run_training(command: list[str], model: Path, tree: Path = ROOT, env: dict | None = None) -> float:
    """`command` (a Rasa train) in `tree`, its model written to `model`; seconds."""
    started = time.perf_counter()
    subprocess.run(
        [*command, "--fixed-model-name", model.name.removesuffix(".tar.gz"), "--out", str(model.parent), "--quiet"],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree), "TF_CPP_MIN_LOG_LEVEL": "3", **(env or {})},
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return round(time.perf_counter() - started, 1)


def train_model(tree: Path, model: Path) -> float:
    """Train `tree`'s config.yml, domain.yml and data/ into `model` as its Makefile's `make train` does now
    (components/rasa_server.py train), from a cold Rasa cache so that the time is a whole training; seconds."""
    with tempfile.TemporaryDirectory(prefix="bench-rasa-cache-") as cache:
        command = [sys.executable, "-m", "components.rasa_server", "train"]
        return run_training(command, model, tree, {"RASA_CACHE_DIRECTORY": cache})


def training_note(model: Path) -> Path:
    return model.with_name(model.name.removesuffix(".tar.gz") + ".json")


def read_training_note(model: Path) -> dict:
    try:
        return json.loads(training_note(model).read_text())
    except (OSError, ValueError):
        return {}


def write_training_note(model: Path, seconds: float, commit: str) -> None:
    note = {"training_s": seconds, "commit": commit, "trained": time.strftime("%Y-%m-%d %H:%M:%S")}
    training_note(model).write_text(json.dumps(note, indent=2) + "\n")


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()


class Baseline:
    """A git ref checked out in a temporary worktree (under /tmp, removed by close()), with its model cached under
    models/ by the ref's commit: models/baseline-<commit>.tar.gz, trained there once from that ref's own
    config.yml and data/."""

    def __init__(self, ref: str):
        self.ref = ref
        self.commit = git("rev-parse", "--verify", ref + "^{commit}")
        self.model = ROOT / "models" / f"baseline-{self.commit[:12]}.tar.gz"
        self.tree = Path(tempfile.mkdtemp(prefix=f"bench-baseline-{self.commit[:7]}-")) / "tree"
        git("worktree", "add", "--detach", str(self.tree), self.commit)
        # The same local configuration as this tree (ports and stores are set per target anyway).
        if (ROOT / ".env").exists():
            shutil.copyfile(ROOT / ".env", self.tree / ".env")

    def train(self, again: bool = False) -> float | None:
        """Seconds, when it trained now; None when the cached model was used."""
        if self.model.exists() and not again:
            return None
        self.model.parent.mkdir(parents=True, exist_ok=True)
        seconds = train_model(self.tree, self.model)
        write_training_note(self.model, seconds, self.commit)
        return seconds

    def close(self) -> None:
        try:
            git("worktree", "remove", "--force", str(self.tree))
        except subprocess.CalledProcessError:
            shutil.rmtree(self.tree, ignore_errors=True)
            git("worktree", "prune")
        shutil.rmtree(self.tree.parent, ignore_errors=True)


def fresh_postgres_database() -> tuple[str, callable]:
    from bot.ops.cluster import scratch_postgres_database

    return scratch_postgres_database(POSTGRES, "ds_bench_")


class Single:
    """One Rasa server and one action server, as `make run` starts them, on a throw-away SQLite tracker store."""

    def __init__(self, model: Path, folder: Path, plain_rasa: bool = False, tree: Path = ROOT):
        self.plain_rasa = plain_rasa  # Rasa's own `rasa run`, none of this project's start-up changes
        self.tree = tree  # whose code, domain, endpoints and action server run (a baseline's worktree)
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

        env = {**child_env(self.settings), "DATABASE_URL": self.settings.database_url}
        rasa = rasa_command(self.settings, self.model, self.settings.rasa_port)
        if self.plain_rasa:
            rasa = [str(Path(sys.executable).with_name("rasa")), *rasa[rasa.index("run") :]]
        if self.tree == ROOT:
            upgrade(self.settings.database_url)
        else:  # the other tree's migrations, code, endpoints and credentials
            env["PYTHONPATH"] = str(self.tree)
            for option, file in (("--endpoints", "endpoints.yml"), ("--credentials", "credentials.yml")):
                rasa[rasa.index(option) + 1] = str(self.tree / file)
            subprocess.run(
                [sys.executable, "-c", "import sys; from bot.storage.migrate import upgrade; upgrade(sys.argv[1])"]
                + [self.settings.database_url],
                cwd=self.tree,
                env=env,
                check=True,
            )
        for name, command in (("actions", action_command(self.settings.action_port)), ("rasa-1", rasa)):
            with open(self.folder / f"{name}.log", "ab") as log:
                self.processes[name] = subprocess.Popen(
                    command, cwd=self.tree, env=env, stdout=log, stderr=subprocess.STDOUT
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


def measure_level(target, personas: list[dict], level: int, domain: Path, label: str = "") -> dict:
    pids = target.pids()
    cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    busy_before, total_before = machine_ticks()
    run = play(target.url, personas, level, ASSESSMENTS_PER_LEVEL.get(level, 2 * level), domain)
    busy_after, total_after = machine_ticks()
    run["machine_busy_pct"] = round(100 * (busy_after - busy_before) / max(1, total_after - total_before))
    if run["turns"]:
        run["cpu_ms_per_turn"] = {
            name: round((cpu_seconds(pid) - cpu_before[name]) * 1000 / run["turns"], 1)
            for name, pid in pids.items()
            if name != "nginx"
        }
    print(f"  {label}{describe(run)}", flush=True)
    return run


def measure_interleaved(pair: list[tuple], levels: list[int], rounds: int) -> dict:
    """Both targets of `pair` ((name, target, model, personas), ...) up at once, each level played on one and
    then on the other, the order alternating round by round (the idle one takes no CPU), so that a busy spell
    of the machine falls on both alike. Results under name, then "name (2)", "name (3)"…; start-up, memory and
    model load are the first round's."""
    results: dict = {}
    try:
        for name, target, _model, personas in pair:
            started = time.perf_counter()
            target.start()
            results[name] = {"levels": [], "startup_s": round(time.perf_counter() - started, 1)}
            domain = getattr(target, "tree", ROOT) / "domain.yml"
            play(target.url, personas, min(4, max(levels)), 4, domain)  # warm-up, not counted
        for n in range(1, rounds + 1):
            order = pair if n % 2 else pair[::-1]
            for level in levels:
                for name, target, _model, personas in order:
                    key = name if n == 1 else f"{name} ({n})"
                    domain = getattr(target, "tree", ROOT) / "domain.yml"
                    run = measure_level(target, personas, level, domain, f"{key:<14} ")
                    results.setdefault(key, {"levels": []})["levels"].append(run)
        for name, target, _model, _personas in pair:
            results[name]["peak_memory_mb"] = {k: peak_rss_mb(pid) for k, pid in target.pids().items()}
    finally:
        for _name, target, _model, _personas in pair:
            target.stop()
    for name, target, model, _personas in pair:
        results[name].update(model_load_seconds(model, tree=getattr(target, "tree", ROOT)))
    for figures in results.values():
        figures["levels"].sort(key=lambda run: run["concurrency"])
    return results


def measure(target, personas: list[dict], levels: list[int], model: Path) -> dict:
    tree = getattr(target, "tree", ROOT)
    domain = tree / "domain.yml"  # the questions as that tree's domain words them
    figures: dict = {"levels": []}
    started = time.perf_counter()
    target.start()
    try:
        figures["startup_s"] = round(time.perf_counter() - started, 1)
        play(target.url, personas, min(4, max(levels)), 4, domain)  # warm-up: every code path once, not counted
        for level in levels:
            figures["levels"].append(measure_level(target, personas, level, domain))
        figures["peak_memory_mb"] = {name: peak_rss_mb(pid) for name, pid in target.pids().items()}
    finally:
        target.stop()
    figures.update(model_load_seconds(model, plain_rasa=getattr(target, "plain_rasa", False), tree=tree))
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


def difference(new: float | None, old: float | None) -> float | None:
    """(new - old) / old in per cent."""
    if not new or not old:
        return None
    return round(100 * (new - old) / old, 1)


def comparison(results: dict, models: dict, rounds: int, tolerance: float = 10.0) -> list[str]:
    """The bilingual assistant (project) against the baseline, round by round: turn p50 and p95 at 1 conversation
    (lower is better) and turns/s at 10 (higher is better), and whether each is within `tolerance` per cent,
    that is no more than that much worse; then both models' size, training and load time."""
    label = models.get("baseline", {}).get("label", "baseline")
    lines = [f"| project against {label} | run | project | baseline | difference | within {tolerance:.0f} % |"]
    lines.append("|---|---|---|---|---|---|")

    def cpu(server: str):  # CPU per turn: much steadier than times when the machine is shared
        return lambda run: run.get("cpu_ms_per_turn", {}).get(server)

    for figure, level, key, unit, lower_is_better in (
        ("turn p50", 1, "p50_ms", " ms", True),
        ("turn p95", 1, "p95_ms", " ms", True),
        ("turns/s", 10, "turns_per_s", "", False),
        ("Rasa CPU/turn", 1, cpu("rasa-1"), " ms", True),
        ("Rasa CPU/turn", 10, cpu("rasa-1"), " ms", True),
        ("action server CPU/turn", 10, cpu("actions"), " ms", True),
    ):
        pairs = []
        for n in range(1, rounds + 1):
            suffix = "" if n == 1 else f" ({n})"
            runs = [
                next((r for r in results.get(name + suffix, {}).get("levels", []) if r["concurrency"] == level), {})
                for name in ("project", "baseline")
            ]
            pairs.append(tuple(key(r) if callable(key) else r.get(key) for r in runs))
        if rounds > 1 and all(a and b for a, b in pairs):
            pairs.append(tuple(round(statistics.median(values), 1) for values in zip(*pairs, strict=True)))
        for n, (new, old) in enumerate(pairs, 1):
            diff = difference(new, old)
            if diff is None:
                continue
            worse = diff if lower_is_better else -diff
            verdict = "yes" if worse <= tolerance else "**no**"
            conv = "conversation" if level == 1 else "conversations"
            run = str(n) if n <= rounds else "median"
            lines.append(
                f"| {figure}, {level} {conv} | {run} | {new}{unit} | {old}{unit} | {diff:+.1f} % | {verdict} |"
            )
    lines += ["", "| model | commit | size (bytes of .tar.gz) | training | imports + model load (fresh process) |"]
    lines.append("|---|---|---|---|---|")
    for name in ("project", "baseline"):
        m = models.get(name)
        if not m:
            continue
        loads = [results[k] for k in results if (k == name or k.startswith(name + " (")) and "import_s" in results[k]]
        load = ", ".join(f"{f.get('import_s', '–')} s + {f.get('model_load_s', '–')} s" for f in loads)
        training = f"{m['training_s']} s" if m.get("training_s") is not None else "–"
        training += f" ({m['training_from']})" if m.get("training_from") else ""
        lines.append(f"| {name} | {m['commit'][:7]} | {m['size_bytes']:,} | {training} | {load} |")
    size = difference(models.get("project", {}).get("size_bytes"), models.get("baseline", {}).get("size_bytes"))
    if size is not None:
        lines += ["", f"The project's model is {1 + size / 100:.2f}× the size of the baseline's ({size:+.1f} %)."]
    return lines


def markdown(results: dict, levels: list[int], models: dict | None = None, rounds: int = 1) -> str:
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
        if "startup_s" not in figures:  # a later round of an interleaved pair: the servers of the first
            continue
        memory = ", ".join(f"{k} {v}" for k, v in figures.get("peak_memory_mb", {}).items())
        lines.append(
            f"| {name} | {memory} | {figures.get('startup_s', '–')} s | "
            f"{figures.get('import_s', '–')} s + {figures.get('model_load_s', '–')} s |"
        )
    by_level = {name: {r["concurrency"]: r for r in f["levels"]} for name, f in results.items()}
    ratios = [
        f"| {label} | " + " | ".join(ratio(by_level[a].get(n), by_level[b].get(n)) for n in levels) + " |"
        for label, a, b in (
            ("project ÷ default pipeline", "project", "default"),
            ("2 replicas ÷ 1 replica (both behind nginx)", "cluster2", "cluster1"),
            ("2 replicas ÷ one server (project)", "cluster2", "project"),
        )
        if a in by_level and b in by_level
    ]
    if ratios:
        lines += ["", "| ratio of turns/s | " + " | ".join(f"{n} conv." for n in levels) + " |"]
        lines += ["|---|" + "---|" * len(levels), *ratios]
    if models and "project" in results and "baseline" in results:
        lines += ["", *comparison(results, models, rounds)]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--targets", default=",".join(TARGETS), help=f"comma-separated, of {', '.join(TARGETS)}")
    ap.add_argument("--levels", default="1,10,50", help="concurrent conversations, comma-separated")
    ap.add_argument("--model", type=Path, default=MODEL)
    ap.add_argument("--baseline", default=BASELINE_REF, help="git ref of the baseline target (default: %(default)s)")
    ap.add_argument("--rounds", type=int, default=1, help="measure the project/baseline pair this many times")
    ap.add_argument("--retrain", action="store_true", help="train this model and the baseline's again, timed")
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
    if "project-nb" in targets and not VIGNETTES_NB.exists():
        print(f"project-nb left out: no {VIGNETTES_NB}", flush=True)
        targets.remove("project-nb")
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
    # The project/baseline pair first, interleaved (measure_interleaved); then the others, one after the other.
    pair = [t for t in ("project", "baseline") if t in targets] if "baseline" in targets else []
    plan = ([("pair", "pair")] if pair else []) + [(name, name) for name in targets if name not in pair]
    baseline = Baseline(args.baseline) if "baseline" in targets else None
    try:
        models = {}
        if "project" in targets:
            note = read_training_note(args.model)
            head = git("rev-parse", "HEAD")
            if args.retrain:
                note = {"training_s": train_model(ROOT, args.model), "commit": head}
                write_training_note(args.model, note["training_s"], head)
                note["training_from"] = "trained now"
            elif note:
                note["training_from"] = f"note of {note.get('trained', '?')}"
            models["project"] = {
                "commit": head,
                "model": str(args.model),
                "size_bytes": args.model.stat().st_size,
                **note,
            }
        if baseline:
            trained = baseline.train(again=args.retrain)
            note = read_training_note(baseline.model)
            note["training_from"] = "trained now" if trained is not None else f"note of {note.get('trained', '?')}"
            models["baseline"] = {
                "ref": baseline.ref,
                "commit": baseline.commit,
                "label": f"{baseline.ref} ({baseline.commit[:7]})"
                if baseline.ref[:7] != baseline.commit[:7]
                else baseline.ref,
                "model": str(baseline.model),
                "size_bytes": baseline.model.stat().st_size,
                **note,
            }
        meta["models"] = models
        with tempfile.TemporaryDirectory() as tmp:
            for key, name in plan:
                folder = Path(tmp) / key.replace(" ", "").replace("(", "-").replace(")", "")
                folder.mkdir()
                model = {"default": DEFAULT_MODEL, "baseline": baseline.model if baseline else None}.get(
                    name, args.model
                )
                print(f"{key}:", flush=True)
                if name == "pair":
                    players = []
                    for one in pair:
                        (Path(tmp) / one).mkdir()
                        if one == "baseline":
                            target = Single(baseline.model, Path(tmp) / one, tree=baseline.tree)
                        else:
                            target = Single(args.model, Path(tmp) / one)
                        players.append((one, target, target.model, personas))
                    results.update(measure_interleaved(players, levels, max(1, args.rounds)))
                    continue
                if name in ("project", "default", "project-nb"):
                    target = Single(model, folder, plain_rasa=name == "default")
                elif name == "baseline":
                    target = Single(model, folder, tree=baseline.tree)
                else:
                    target = ClusterTarget(model, folder, replicas=int(name.removeprefix("cluster")))
                players = (
                    [p for p in json.loads(VIGNETTES_NB.read_text()) if not p.get("crisis")]
                    if name == "project-nb"
                    else personas
                )
                results[key] = measure(target, players, levels, model)
    finally:
        if baseline:
            baseline.close()
    table = markdown(results, levels, models, max(1, args.rounds))
    print()
    print(table)
    if args.json:
        args.json.write_text(json.dumps({"meta": meta, "results": results}, indent=2))
    if args.markdown:
        args.markdown.write_text(table)
    # Rasa's default pipeline or an older baseline may misread a persona (they are only the comparison); ours must
    # not, nor fail a turn.
    failed = any(
        r["errors"] or (r.get("incomplete") and name.split(" ")[0] not in ("default", "baseline"))
        for name, f in results.items()
        for r in f["levels"]
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
