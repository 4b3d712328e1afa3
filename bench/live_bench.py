#!/usr/bin/env python3
"""Live chats under load: many doctors talking with counsellors at once through the web server (issue 16).

    python bench/live_bench.py [--setup single|cluster] [--chats 50] [--messages 10] [--counsellors 10]
                               [--json FILE] [--markdown FILE]                                (make live-bench)
    python bench/live_bench.py --url http://127.0.0.1:8080 --database-url URL --secret-key KEY   (running servers)

Set-ups, started on free ports and stopped after the run:
  single   one web server, one Rasa server and one action server on SQLite (what `make run` starts);
  cluster  two web servers and two Rasa replicas behind nginx on PostgreSQL and Redis (bot/ops/cluster.py): the
           doctors on web server A, the counsellors on web server B, the streams woken through Redis pub/sub.
With --url the servers are those already running (the accounts are made in --database-url with --secret-key).

The counsellors are signed in through the web server (accounts made through the storage API) and put on duty. Then
every chat at once: the doctor says hello and asks for a person (Rasa's action queues the chat); a counsellor takes
it (the chat's id is read from the database: a counsellor would see it in the queue); both open their event
stream; `--messages` messages each way, a short random pause apart, each carrying its counter and send time; the
doctor ends the chat (Rasa resumed, the closing reply) and both streams close after `ended`. Measured: delivery
from send to arrival in the other side's stream (p50/p95/p99), lost (a number or counter missing), reordered (seq
or counter out of order), duplicated, HTTP errors. The simulated doctors share one address, so the per-address
limit is raised for the servers this starts. The clock is this process's: its event loop's lag is in the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench import MODEL, ClusterTarget, Single, percentile  # noqa: E402
from bot.ops.launch import free_port, wait_until_ready  # noqa: E402
from bot.storage.counsellors import Counsellors  # noqa: E402
from bot.storage.live import LiveChats  # noqa: E402
from bot.storage.records import Storage  # noqa: E402

PASSWORD = "bench passphrase " + secrets.token_hex(4)
TEXT = re.compile(r"^(doctor|counsellor) (\d+) sent ([0-9.]+)$")


class Servers:
    """The set-up under test: Rasa (one server or a cluster) and one or two web servers in front of it."""

    def __init__(self, setup: str, model: Path, folder: Path):
        self.setup, self.folder, self.webs = setup, folder, []
        self.target = Single(model, folder) if setup == "single" else ClusterTarget(model, folder, replicas=2)
        self.processes: list[subprocess.Popen] = []

    def start(self) -> None:
        self.target.start()
        if self.setup == "single":
            env = self._single_env()
            self.database_url, self.secret_key = self.target.settings.database_url, self.target.settings.secret_key
            count = 1
        else:
            env = self.target.cluster.env()
            self.database_url, self.secret_key = self.target.database_url, self.target.cluster.settings.secret_key
            count = 2
        env["MESSAGES_PER_MINUTE_PER_ADDRESS"] = "100000"  # every simulated doctor comes from 127.0.0.1
        for index in range(count):
            port = free_port()
            with open(self.folder / f"web-{index + 1}.log", "ab") as log:
                self.processes.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "bot.web.app"],
                        cwd=ROOT,
                        env={**env, "WEB_PORT": str(port)},
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
            if not wait_until_ready(f"http://127.0.0.1:{port}/healthz", 60):
                raise TimeoutError(f"web server {index + 1} did not start (log: {self.folder})")
            self.webs.append(f"http://127.0.0.1:{port}")

    def _single_env(self) -> dict:
        from bot.ops.launch import child_env

        settings = self.target.settings
        return {
            **child_env(settings),
            "DATABASE_URL": settings.database_url,
            "SECRET_KEY": settings.secret_key,
            "RASA_API_TOKEN": settings.rasa_api_token,
            "RASA_URL": self.target.url,
        }

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
            process.wait(timeout=30)
        self.target.stop()


class Stream:
    """One side's event stream: each message's arrival time, until `state: ended`."""

    def __init__(self):
        self.messages: list[tuple[float, dict]] = []
        self.opened, self.ended = asyncio.Event(), False

    async def read(self, http: aiohttp.ClientSession, url: str, headers: dict) -> None:
        async with http.get(url, headers=headers, timeout=aiohttp.ClientTimeout(total=None, sock_read=60)) as reply:
            reply.raise_for_status()
            current: dict = {}
            async for raw in reply.content:
                line = raw.decode().rstrip("\r\n")
                if line:
                    if not line.startswith(":"):
                        key, _, value = line.partition(": ")
                        current[key] = value
                    continue
                if "data" in current:
                    kind, data = current.get("event"), json.loads(current["data"])
                    if kind == "message":
                        self.messages.append((time.monotonic(), data))
                    elif kind == "state":
                        self.opened.set()
                        if data["state"] == "ended":
                            self.ended = True
                            return
                current = {}


class Counsellor:
    def __init__(self, name: str, web: str):
        self.name, self.web, self.cookie, self.csrf = name, web, "", ""

    async def sign_in(self, http: aiohttp.ClientSession) -> None:
        async with http.get(self.web + "/counsellor/sign-in") as reply:
            login = reply.cookies["ds_login_csrf"].value
            token = re.search(r'name="csrf" value="([^"]+)"', await reply.text()).group(1)
        form = {"csrf": token, "username": self.name, "password": PASSWORD}
        async with http.post(
            self.web + "/counsellor/sign-in",
            data=form,
            headers={"Cookie": f"ds_login_csrf={login}"},
            allow_redirects=False,
        ) as reply:
            if reply.status != 303:
                raise RuntimeError(f"sign-in failed: {reply.status}")
            self.cookie = f"ds_counsellor={reply.cookies['ds_counsellor'].value}"
        async with http.get(self.web + "/counsellor/live", headers={"Cookie": self.cookie}) as reply:
            self.csrf = re.search(r'name="csrf" value="([^"]+)"', await reply.text()).group(1)
        await self.post(http, "/counsellor/duty", {"available": "1"})

    async def post(self, http: aiohttp.ClientSession, path: str, form: dict) -> dict:
        headers = {"Cookie": self.cookie, "X-Requested-With": "fetch"}
        async with http.post(
            self.web + path, data={"csrf": self.csrf, **form}, headers=headers, allow_redirects=False
        ) as reply:
            if reply.status >= 400:
                raise RuntimeError(f"{path.split('/')[-1]}: {reply.status}")
            return await reply.json(content_type=None) if reply.content_type == "application/json" else {}


class Run:
    def __init__(self, doctor_web: str, live: LiveChats, messages: int, pause: float):
        self.doctor_web, self.live, self.messages, self.pause = doctor_web, live, messages, pause
        self.errors: list[str] = []
        self.delays: list[float] = []
        self.lost = self.reordered = self.duplicated = self.delivered = 0
        self.queued = 0

    async def relay(self, http: aiohttp.ClientSession, sender: str, text: str) -> dict:
        body = {"sender": sender, "message": text, "lang": "en"}
        async with http.post(self.doctor_web + "/api/message", json=body) as reply:
            if reply.status != 200:
                raise RuntimeError(f"message: {reply.status}")
            return await reply.json()

    async def chat(self, http: aiohttp.ClientSession, counsellor: Counsellor) -> None:
        sender = secrets.token_hex(18)
        try:
            await self.relay(http, sender, "hello")
            answer = await self.relay(http, sender, "/request_handoff")
            if (answer.get("live") or {}).get("state") != "queued":
                raise RuntimeError("not queued (nobody on duty?)")
            self.queued += 1
            chat = await asyncio.get_running_loop().run_in_executor(None, self.live.open_chat_for, sender)
            await counsellor.post(http, f"/counsellor/live/{chat.id}/take", {})
            doctor, person = Stream(), Stream()
            readers = [
                asyncio.create_task(doctor.read(http, f"{self.doctor_web}/api/live/{sender}/events", {})),
                asyncio.create_task(
                    person.read(
                        http, f"{counsellor.web}/counsellor/live/{chat.id}/events", {"Cookie": counsellor.cookie}
                    )
                ),
            ]
            await asyncio.wait_for(asyncio.gather(doctor.opened.wait(), person.opened.wait()), 30)
            sent: dict[tuple[str, int], float] = {}

            async def talk(author: str) -> None:
                for counter in range(self.messages):
                    await asyncio.sleep(random.uniform(0, 2 * self.pause))
                    sent[(author, counter)] = moment = time.monotonic()
                    text = f"{author} {counter} sent {moment:.6f}"
                    if author == "doctor":
                        await self.relay(http, sender, text)
                    else:
                        await counsellor.post(http, f"/counsellor/live/{chat.id}/message", {"text": text})

            await asyncio.gather(talk("doctor"), talk("counsellor"))
            async with http.post(f"{self.doctor_web}/api/live/{sender}/end") as reply:
                if reply.status != 200:
                    raise RuntimeError(f"end: {reply.status}")
            await asyncio.wait_for(asyncio.gather(*readers), 60)
            self.check(doctor, "counsellor", sent)
            self.check(person, "doctor", sent)
        except Exception as exc:  # noqa: BLE001 (counted and named, the other chats go on)
            self.errors.append(f"{type(exc).__name__}: {exc}"[:120])

    def check(self, stream: Stream, other: str, sent: dict) -> None:
        """Every message once, numbered 1, 2, 3… in order; the other side's in their order, with their delay."""
        seqs = [data["seq"] for _, data in stream.messages]
        self.reordered += sum(1 for a, b in zip(seqs, seqs[1:], strict=False) if b < a)
        self.duplicated += len(seqs) - len(set(seqs))
        self.lost += len(set(range(1, max(seqs, default=0) + 1)) - set(seqs))
        counters = {"doctor": [], "counsellor": []}
        for at, data in stream.messages:
            match = TEXT.match(data["text"])
            if match:
                counters[match.group(1)].append(int(match.group(2)))
                if match.group(1) == other:
                    self.delays.append(at - float(match.group(3)))
                    self.delivered += 1
        for author, seen in counters.items():
            expected = [counter for (who, counter) in sorted(sent) if who == author]
            self.lost += len(set(expected) - set(seen))
            self.reordered += sum(1 for a, b in zip(seen, seen[1:], strict=False) if b < a)
        if not stream.ended:
            self.errors.append("a stream closed before ended")


async def play(webs: list[str], database_url: str, secret_key: str, args) -> dict:
    storage = Storage(database_url)
    accounts = Counsellors(storage, secret_key)
    names = [f"bench{index}.{secrets.token_hex(3)}" for index in range(args.counsellors)]
    for name in names:
        accounts.add(name, PASSWORD)
    counsellors = [Counsellor(name, webs[-1]) for name in names]  # on web server B in the cluster
    run = Run(webs[0], LiveChats(storage), args.messages, args.pause)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(
        connector=connector, cookie_jar=aiohttp.DummyCookieJar(), timeout=aiohttp.ClientTimeout(total=120)
    ) as http:
        await asyncio.gather(*(c.sign_in(http) for c in counsellors))
        started = time.monotonic()
        await asyncio.gather(*(run.chat(http, counsellors[i % len(counsellors)]) for i in range(args.chats)))
        seconds = time.monotonic() - started
    storage.engine.dispose()
    delays = sorted(run.delays)
    ms = lambda share: round(percentile(delays, share) * 1000, 1) if delays else None  # noqa: E731
    return {
        "chats": args.chats,
        "queued": run.queued,
        "messages_sent": 2 * args.messages * args.chats,
        "delivered": run.delivered,
        "delivery_ms": {"p50": ms(0.5), "p95": ms(0.95), "p99": ms(0.99), "max": ms(1.0)},
        "mean_ms": round(statistics.mean(delays) * 1000, 1) if delays else None,
        "lost": run.lost,
        "reordered": run.reordered,
        "duplicated": run.duplicated,
        "errors": len(run.errors),
        "error_kinds": sorted(set(run.errors))[:5],
        "seconds": round(seconds, 1),
    }


def markdown(setup: str, result: dict) -> str:
    d = result["delivery_ms"]
    return (
        f"| {setup} | {result['chats']} | {result['messages_sent']} | {result['delivered']} | {d['p50']} | {d['p95']} "
        f"| {d['p99']} | {d['max']} | {result['lost']} | {result['reordered']} | {result['duplicated']} "
        f"| {result['errors']} | {result['seconds']} |"
    )


HEADER = (
    "| set-up | chats | messages sent | delivered | p50 ms | p95 ms | p99 ms | max ms | lost | reordered | duplicated "
    "| errors | seconds |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--setup", default="single", help="single, cluster or single,cluster")
    ap.add_argument("--chats", type=int, default=50)
    ap.add_argument("--messages", type=int, default=10, help="messages each way in each chat")
    ap.add_argument("--counsellors", type=int, default=10)
    ap.add_argument("--pause", type=float, default=0.5, help="mean seconds between one side's messages")
    ap.add_argument("--model", type=Path, default=MODEL)
    ap.add_argument("--url", help="a running web server (with --database-url and --secret-key)")
    ap.add_argument("--database-url")
    ap.add_argument("--secret-key")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--markdown", type=Path)
    args = ap.parse_args(argv)
    results = {}
    if args.url:
        if not (args.database_url and args.secret_key):
            ap.error("--url needs --database-url and --secret-key (to make the counsellors' accounts)")
        results["url"] = asyncio.run(play([args.url.rstrip("/")], args.database_url, args.secret_key, args))
    else:
        for setup in args.setup.split(","):
            with tempfile.TemporaryDirectory(prefix=f"live-bench-{setup}-") as folder:
                servers = Servers(setup, args.model, Path(folder))
                try:
                    servers.start()
                    results[setup] = asyncio.run(play(servers.webs, servers.database_url, servers.secret_key, args))
                finally:
                    servers.stop()
            print(setup, json.dumps(results[setup]), flush=True)
    table = HEADER + "\n" + "\n".join(markdown(setup, result) for setup, result in results.items())
    print(table)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    if args.markdown:
        args.markdown.write_text(table + "\n")
    failed = any(r["lost"] or r["reordered"] or r["duplicated"] or r["errors"] for r in results.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
