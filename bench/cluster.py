"""Cluster benchmark: two hosts (network namespaces) of two bot processes each behind nginx;
one host is killed half way and brought back.

Usage: sudo .venv/bin/python bench/cluster.py [--events 2000] [--rate 100]
                                              [--concurrency 16] [--down 5] [--timeout 300]

Needs root (`ip netns`, veth pairs), nginx, socat and PostgreSQL on 127.0.0.1:5432; it says
which is missing and exits 0 without doing anything ("skipped") when one is.

Layout, all on this machine (private addresses in 10.231.25.0/24, used only inside the
namespaces it creates): namespace civic25-a (host A) is 10.231.25.2, linked by a veth pair
to 10.231.25.1 in the root namespace; civic25-b (host B) is 10.231.25.6 <-> 10.231.25.5.
Each host runs `run.py migrate` twice at once (the advisory lock: migrated once) and then
two `run.py serve` (ports 8081, 8082). PostgreSQL and Redis listen on 127.0.0.1 only: socat
in the root namespace forwards them from the veth addresses (nothing in their config
changes). The fake LINE API (bench/fault.py's: single-use reply tokens, 409 on a retry key
used before) listens on the veth addresses too. nginx (root namespace, 127.0.0.1) spreads
signed LINE events over the four processes, passing a request on when one fails.

The events are posted at --rate per second. When half are acknowledged, host A is killed
(SIGKILL to every process in its namespace: a host crash, leases left behind), and started
again --down seconds later, while the load still runs through nginx, re-sending what was
not answered 200, as LINE does. Prints answered once / twice / never and each process's
share from its /metrics; exits 1 unless never = twice = 0. Cleans up the namespaces,
processes and database at exit.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, ClientTimeout, web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.fault import SECRET, FakeLine, Load, free_port, wait_up  # noqa: E402

NET = "10.231.25"
HOSTS = {"a": (f"{NET}.1", f"{NET}.2"), "b": (f"{NET}.5", f"{NET}.6")}  # root side, host
PORTS = (8081, 8082)
PG = "postgres://postgres@127.0.0.1:5432"
TOKEN = uuid.uuid4().hex  # METRICS_TOKEN of this run


def why_not() -> str | None:
    """None when the bench can run here, else why not."""
    if os.geteuid() != 0:
        return "needs root (ip netns add, veth pairs, nginx)"
    for tool in ("ip", "nginx", "socat"):
        if shutil.which(tool) is None and not Path(f"/usr/sbin/{tool}").exists():
            return f"{tool} is not installed (apt-get install iproute2 nginx-light socat)"
    probe = subprocess.run(["ip", "netns", "add", "civic25-probe"], capture_output=True,
                           text=True)
    if probe.returncode != 0:
        return f"network namespaces are not allowed here: {probe.stderr.strip()}"
    subprocess.run(["ip", "netns", "del", "civic25-probe"], capture_output=True)
    return None


def sh(*cmd: str) -> None:
    subprocess.run(cmd, check=True, capture_output=True)


class Cluster:
    """Namespaces, forwarders, nginx and bot processes; everything is undone by close()."""

    def __init__(self, tmp: Path, db_url: str, line_port: int) -> None:
        self.tmp, self.db_url, self.line_port = tmp, db_url, line_port
        self.helpers: list[subprocess.Popen[bytes]] = []
        self.bots: dict[str, subprocess.Popen[bytes]] = {}
        self.nginx_port = free_port()

    def network(self) -> None:
        for name, (outer, inner) in HOSTS.items():
            ns, veth = f"civic25-{name}", f"c25{name}"
            sh("ip", "netns", "add", ns)
            sh("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns)
            sh("ip", "addr", "add", f"{outer}/30", "dev", veth)
            sh("ip", "link", "set", veth, "up")
            for cmd in (["ip", "addr", "add", f"{inner}/30", "dev", "eth0"],
                        ["ip", "link", "set", "eth0", "up"], ["ip", "link", "set", "lo", "up"]):
                sh("ip", "netns", "exec", ns, *cmd)
            for port in (5432, 6379):  # PostgreSQL and Redis, from 127.0.0.1 to the veth
                self.helpers.append(subprocess.Popen(
                    ["socat", f"TCP-LISTEN:{port},bind={outer},reuseaddr,fork",
                     f"TCP:127.0.0.1:{port}"], stderr=subprocess.DEVNULL))

    def env(self, name: str, port: int) -> dict[str, str]:
        outer, inner = HOSTS[name]
        db = self.db_url.replace("127.0.0.1", outer)
        keep = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "HOME")}
        return keep | {
            "DATABASE_URL": db, "REDIS_URL": f"redis://{outer}:6379/0",
            "REDIS_KEY_PREFIX": f"cluster:{TOKEN[:8]}:", "HOST": inner, "PORT": str(port),
            "LINE_CHANNEL_SECRET": SECRET, "LINE_CHANNEL_ACCESS_TOKEN": "cluster",
            "LINE_API_BASE_URL": f"http://{outer}:{self.line_port}", "LOCAL_CHAT": "false",
            "METRICS_TOKEN": TOKEN, "LOG_FORMAT": "json", "LOG_LEVEL": "WARNING",
            "NO_PROXY": "*", "QUIET_HOURS": "off"}

    def run_in(self, name: str, port: int, *args: str) -> subprocess.Popen[bytes]:
        log = (self.tmp / f"{name}{port}.log").open("ab")
        return subprocess.Popen(["ip", "netns", "exec", f"civic25-{name}", sys.executable,
                                 "run.py", *args], cwd=ROOT, env=self.env(name, port),
                                stdout=log, stderr=subprocess.STDOUT)

    def migrate(self) -> list[int]:
        """Every process's ExecStartPre at once: the advisory lock lets one migrate."""
        procs = [self.run_in(n, p, "migrate") for n in HOSTS for p in PORTS]
        return [proc.wait(timeout=120) for proc in procs]

    def start_host(self, name: str) -> None:
        for port in PORTS:
            self.bots[f"{name}:{port}"] = self.run_in(name, port, "serve")

    def kill_host(self, name: str) -> None:
        """SIGKILL every process in the host's namespace (a crash: nothing cleans up)."""
        found = subprocess.run(["ip", "netns", "pids", f"civic25-{name}"],
                               capture_output=True, text=True).stdout.split()
        for pid in found:
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGKILL)
        for key, proc in self.bots.items():
            if key.startswith(f"{name}:"):
                proc.wait(timeout=10)

    def nginx(self) -> None:
        servers = "".join(f"  server {HOSTS[n][1]}:{p} max_fails=1 fail_timeout=3s;\n"
                          for n in HOSTS for p in PORTS)
        temps = "".join(f"{k}_temp_path {self.tmp}/{k};\n" for k in (
            "client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        conf = self.tmp / "nginx.conf"
        conf.write_text(
            f"pid {self.tmp}/nginx.pid;\nerror_log {self.tmp}/nginx-error.log;\n"
            f"worker_processes 1;\nevents {{ worker_connections 1024; }}\n"
            f"http {{\naccess_log off;\n{temps}upstream bot {{\n least_conn;\n{servers}"
            f" keepalive 32;\n}}\nserver {{\n listen 127.0.0.1:{self.nginx_port};\n"
            f" location / {{\n  proxy_pass http://bot;\n  proxy_http_version 1.1;\n"
            f"  proxy_set_header Connection \"\";\n  proxy_connect_timeout 1s;\n"
            f"  proxy_read_timeout 10s;\n"
            f"  proxy_next_upstream error timeout http_502 http_503 non_idempotent;\n"
            f" }}\n}}\n}}\n")
        self.helpers.append(subprocess.Popen(
            ["nginx", "-p", str(self.tmp), "-c", str(conf), "-g", "daemon off;"],
            stderr=subprocess.DEVNULL))

    def close(self) -> None:
        for name in HOSTS:
            with contextlib.suppress(Exception):
                self.kill_host(name)
        for proc in self.helpers:
            if proc.poll() is None:
                proc.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=5)
        for name in HOSTS:
            subprocess.run(["ip", "netns", "del", f"civic25-{name}"], capture_output=True)


async def scrape(session: ClientSession) -> dict[str, dict[str, float]]:
    """Per process: webhooks accepted and answers sent, from its own /metrics (0 if down)."""
    keys = [(name, port) for name in HOSTS for port in PORTS]
    found = await asyncio.gather(*(_scrape_one(session, HOSTS[n][1], p) for n, p in keys))
    return {f"{name}:{port}": got for (name, port), got in zip(keys, found, strict=True)}


async def _scrape_one(session: ClientSession, host: str, port: int) -> dict[str, float]:
    from prometheus_client.parser import text_string_to_metric_families
    got = {"accepted": 0.0, "answers": 0.0}
    with contextlib.suppress(Exception):
        async with session.get(f"http://{host}:{port}/metrics", timeout=ClientTimeout(
                total=2), headers={"Authorization": f"Bearer {TOKEN}"}) as resp:
            text = await resp.text()
        for family in text_string_to_metric_families(text):
            for s in family.samples:
                if s.name == "civicbot_webhooks_total" and s.labels.get(
                        "outcome") == "accepted":
                    got["accepted"] += s.value
                elif s.name == "civicbot_answers_total":
                    got["answers"] += s.value
    return got


class Shares:
    """Each process's counters, scraped every half second: a process killed with its host
    takes its registry with it, so its last scrape counts, plus what its restart counts."""

    def __init__(self) -> None:
        self.dead: dict[str, dict[str, float]] = {}
        self.last: dict[str, dict[str, float]] = {}
        self.kills = 0

    async def follow(self, session: ClientSession) -> None:
        while True:
            kills = self.kills
            found = await scrape(session)
            for key, got in found.items():
                if kills != self.kills:  # read before a kill: already counted as dead
                    break
                if got["accepted"] or key not in self.last:
                    self.last[key] = got
            await asyncio.sleep(0.5)

    def killed(self, name: str) -> None:
        self.kills += 1
        for key in [k for k in self.last if k.startswith(f"{name}:")]:
            dead = self.dead.setdefault(key, {"accepted": 0.0, "answers": 0.0})
            for k, v in self.last.pop(key).items():
                dead[k] += v

    def totals(self) -> dict[str, dict[str, float]]:
        return {key: {k: v + self.dead.get(key, {}).get(k, 0.0) for k, v in got.items()}
                for key, got in sorted(self.last.items())}


async def start_line(fake: FakeLine, port: int) -> web.AppRunner:
    """The fake LINE API on the veth addresses of the root namespace only."""
    app = web.Application()
    app.router.add_post("/v2/bot/message/reply", fake.handle)
    app.router.add_post("/v2/bot/message/push", fake.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    for outer, _ in HOSTS.values():
        await web.TCPSite(runner, outer, port).start()
    return runner


async def paced(load: Load, session: ClientSession, fake: FakeLine,
                args: argparse.Namespace) -> None:
    """Post the events at --rate per second (so the load spans the kill and the return),
    at most --concurrency at once, each until it is acknowledged."""
    gate = asyncio.Semaphore(args.concurrency)
    start = time.monotonic()

    async def one(i: int) -> None:
        await asyncio.sleep(max(0.0, start + i / args.rate - time.monotonic()))
        async with gate:
            await load._post(session, i, fake)
    await asyncio.gather(*(one(i) for i in range(load.n)))


async def drive(cluster: Cluster, args: argparse.Namespace, run_id: str) -> dict[str, Any]:
    load = Load(f"http://127.0.0.1:{cluster.nginx_port}/webhook/line", args.events, run_id)
    keys = {f"01F{run_id}{i:015d}": load.tokens[i] for i in range(args.events)}
    fake = FakeLine(keys)
    runner = await start_line(fake, cluster.line_port)
    try:
        async with ClientSession(timeout=ClientTimeout(total=30)) as session:
            for name in HOSTS:
                for port in PORTS:
                    await wait_up(session, f"http://{HOSTS[name][1]}:{port}/readyz")
            start = time.monotonic()
            shares = Shares()
            following = asyncio.create_task(shares.follow(session))
            posting = asyncio.create_task(paced(load, session, fake, args))
            while load.acked < args.events / 2 and not posting.done():
                await asyncio.sleep(0.01)
            killed_at = time.monotonic() - start
            cluster.kill_host("a")
            shares.killed("a")
            await asyncio.sleep(args.down)
            cluster.start_host("a")
            await asyncio.wait_for(posting, args.timeout)
            deadline = time.monotonic() + args.timeout
            while len(fake.answers) < args.events and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
            await asyncio.sleep(3)  # an answer sent twice shows up now, not later
            following.cancel()
    finally:
        await runner.cleanup()
    return {"acked": load.acked, "refused": load.refused, "status": dict(load.status),
            "once": sum(1 for k in keys if fake.answers[k] == 1),
            "twice": sum(1 for k in keys if fake.answers[k] > 1),
            "never": sum(1 for k in keys if fake.answers[k] == 0),
            "reply": fake.by["reply"], "push": fake.by["push"], "shares": shares.totals(),
            "killed_at": killed_at, "seconds": time.monotonic() - start}


def new_database() -> str:
    name = f"civic_cluster_{uuid.uuid4().hex[:8]}"
    subprocess.run(["psql", f"{PG}/postgres", "-qc", f'CREATE DATABASE "{name}"'],
                   check=True, capture_output=True)
    return f"{PG}/{name}"


def drop_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    subprocess.run(["psql", f"{PG}/postgres", "-qc", f'DROP DATABASE IF EXISTS "{name}" '
                    "WITH (FORCE)"], capture_output=True)


def report(args: argparse.Namespace, migrated: list[int], r: dict[str, Any]) -> None:
    print("hosts      : 2 (network namespaces civic25-a, civic25-b), 2 processes each, "
          "nginx in front; PostgreSQL and Redis over the veth links")
    print(f"migrate    : 4 at once, exit codes {migrated}")
    print(f"events     : {args.events} at {args.rate:.0f}/s ({r['acked']} acknowledged), host "
          f"A killed at {r['killed_at']:.1f} s, started again {args.down:.0f} s later; took "
          f"{r['seconds']:.0f} s")
    print(f"answered once / twice / never : {r['once']} / {r['twice']} / {r['never']}")
    print(f"answers by reply / push       : {r['reply']} / {r['push']}")
    print(f"webhook answers seen by LINE  : {r['status']} (refused: {r['refused']})")
    total = sum(s["accepted"] for s in r["shares"].values()) or 1
    for key, s in r["shares"].items():
        print(f"  process {key:7}: {s['accepted']:6.0f} webhooks accepted "
              f"({100 * s['accepted'] / total:4.1f} %), {s['answers']:6.0f} answers")
    answers = sum(s["answers"] for s in r["shares"].values())
    print(f"  (from /metrics, scraped every 0.5 s: {total:.0f} accepted, {answers:.0f} answers;"
          f" a killed process's last half second is not in them)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rate", type=float, default=100.0, help="events per second")
    parser.add_argument("--down", type=float, default=5.0, help="seconds host A stays down")
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args()
    reason = why_not()
    if reason is not None:
        print(f"skipped: bench/cluster.py {reason}")
        return
    tmp = Path(tempfile.mkdtemp(prefix="cluster-"))
    db_url = new_database()
    cluster = Cluster(tmp, db_url, free_port())
    try:
        cluster.network()
        cluster.nginx()
        time.sleep(0.5)  # socat and nginx listening
        migrated = cluster.migrate()
        for name in HOSTS:
            cluster.start_host(name)
        result = asyncio.run(drive(cluster, args, uuid.uuid4().hex[:8]))
    finally:
        cluster.close()
        drop_database(db_url)
    report(args, migrated, result)
    print(f"logs: {tmp}")
    sys.exit(0 if result["never"] == result["twice"] == 0 else 1)


if __name__ == "__main__":
    main()
