"""Soak: mixed traffic for minutes against two gunicorn servers sharing PostgreSQL, Redis
and an S3 store, with a job worker (the cluster of tests/cluster/cluster.py).

Visitors scan (a new card and a stamp each), open their card, the store directory, the
circles and a circle's threads; a resident replies in a thread. Requests alternate between
servers A and B. Reported: throughput, p99 per kind, server errors (must be 0), writes
accounted for (answered scans and replies against the rows in the database) and the RSS of
each gunicorn process at start, middle and end (from /proc).

    python bench/soak.py --minutes 10          # appends a section to bench/results.md

Needs the PostgreSQL server binaries and redis-server (./scripts/test installs them).
"""

import argparse
import os
import random
import re
import subprocess
import sys
import threading
import time
from collections import defaultdict

import psycopg
import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from tests.cluster.cluster import Cluster, cluster_database, rss_kib, scan_paths  # noqa: E402


def csrf(page) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)


class Soak:
    def __init__(self, cluster: Cluster, seconds: float):
        self.cluster = cluster
        self.deadline = time.monotonic() + seconds
        self.times = defaultdict(list)  # kind -> seconds
        self.errors = []  # (kind, status or exception)
        self.answered = defaultdict(int)  # write kind -> 303 answers
        self.lock = threading.Lock()
        self.scans = [p for p in scan_paths(cluster) if self._plain(p)]
        self.circles = re.findall(
            r'href="(/circles/\d+)"', requests.get(cluster.url("a") + "/circles", timeout=30).text
        )

    def _plain(self, path: str) -> bool:
        answer = requests.get(self.cluster.url("a") + path, allow_redirects=False, timeout=30)
        return answer.status_code == 303 and "/card/" in answer.headers["Location"]

    def _time(self, kind: str, call, *args, **kwargs):
        started = time.perf_counter()
        try:
            answer = call(*args, timeout=30, **kwargs)
        except requests.RequestException as error:
            with self.lock:
                self.errors.append((kind, repr(error)))
            return None
        elapsed = time.perf_counter() - started
        with self.lock:
            self.times[kind].append(elapsed)
            if answer.status_code >= 500:
                self.errors.append((kind, answer.status_code))
        return answer

    def visitor(self, seed: int) -> None:
        chance = random.Random(seed)
        turn = seed
        while time.monotonic() < self.deadline:
            turn += 1
            server = self.cluster.url("ab"[turn % 2])
            session = requests.Session()
            path = chance.choice(self.scans)
            scan = self._time("scan", session.get, server + path, allow_redirects=False)
            if scan is not None and scan.status_code == 303:
                with self.lock:
                    self.answered["scan"] += 1
                card = scan.headers["Location"]
                other = self.cluster.url("ab"[(turn + 1) % 2])
                self._time("card page", session.get, other + card)
            self._time("directory", session.get, server + "/stores")
            self._time("circles", session.get, server + "/circles")
            if self.circles:
                circle = chance.choice(self.circles)
                self._time("circle page", session.get, server + circle)

    def resident(self) -> None:
        session = requests.Session()
        form = session.get(self.cluster.url("a") + "/me/login", timeout=30)
        session.post(
            self.cluster.url("a") + "/me/login",
            data={
                "csrf_token": csrf(form),
                "email": "resident@example.jp",
                "password": "rally-resident-demo",
            },
            timeout=30,
        )
        threads = []
        for circle in self.circles:
            page = session.get(self.cluster.url("a") + circle, timeout=30)
            threads += re.findall(rf'href="({circle}/threads/\d+)"', page.text)
        turn = 0
        while time.monotonic() < self.deadline and threads:
            turn += 1
            server = self.cluster.url("ab"[turn % 2])
            thread = threads[turn % len(threads)]
            page = self._time("thread page", session.get, server + thread)
            if page is None or 'action="' + thread + '/replies"' not in page.text:
                time.sleep(1)
                continue
            reply = self._time(
                "reply",
                session.post,
                server + thread + "/replies",
                data={"csrf_token": csrf(page), "text": f"Soak reply {turn}."},
                allow_redirects=False,
            )
            if reply is not None and reply.status_code == 303:
                with self.lock:
                    self.answered["reply"] += 1
            time.sleep(0.5)


def gunicorn_rss(cluster: Cluster) -> dict[str, int]:
    sizes = {}
    for name in ("a", "b"):
        for index, pid in enumerate(cluster.worker_pids(name)):
            label = f"{name.upper()} master" if index == 0 else f"{name.upper()} worker {index}"
            try:
                sizes[label] = rss_kib(pid)
            except OSError:
                pass
    return sizes


def count(cluster: Cluster, sql: str) -> int:
    with psycopg.connect(cluster.database_url) as connection:
        return connection.execute(sql).fetchone()[0]


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--visitors", type=int, default=6, help="visitor threads")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers a server")
    parser.add_argument("--no-write", action="store_true", help="print, leave results.md")
    args = parser.parse_args()
    port = os.environ.get("RALLY_PG_PORT", "25440")
    pg = subprocess.run(
        ["bash", "scripts/test-postgres"],
        cwd=ROOT,
        env={**os.environ, "RALLY_PG_PORT": port},
        capture_output=True,
        text=True,
        check=True,
    )
    pg_dir, pg_url = pg.stdout.split()
    cluster = Cluster(cluster_database(pg_url), web_workers=args.web_workers)
    started_at = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load = os.getloadavg()
    try:
        cluster.start()
        seconds = args.minutes * 60
        soak = Soak(cluster, seconds)
        before = {
            "scan": count(cluster, "SELECT count(*) FROM stamp"),
            "reply": count(cluster, "SELECT count(*) FROM post"),
        }
        memory = {"start": gunicorn_rss(cluster)}
        workers = [threading.Thread(target=soak.visitor, args=(i,)) for i in range(args.visitors)]
        workers.append(threading.Thread(target=soak.resident))
        began = time.monotonic()
        for worker in workers:
            worker.start()
        time.sleep(seconds / 2)
        memory["middle"] = gunicorn_rss(cluster)
        for worker in workers:
            worker.join()
        elapsed = time.monotonic() - began
        memory["end"] = gunicorn_rss(cluster)
        written = {
            "scan": count(cluster, "SELECT count(*) FROM stamp") - before["scan"],
            "reply": count(cluster, "SELECT count(*) FROM post") - before["reply"],
        }
        server_log_errors = sum(
            cluster.log(name).count("Traceback") for name in ("a", "b", "worker")
        )
    finally:
        cluster.stop()
        subprocess.run(["bash", "scripts/test-postgres", "stop", pg_dir], cwd=ROOT, check=False)
    total = sum(len(v) for v in soak.times.values())
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    lines = [
        "",
        f"## Soak: two servers (`bench/soak.py`), {args.minutes:g} minutes",
        "",
        f"- Date: {started_at}; code {commit}; {os.cpu_count()} CPUs; load average at start "
        + ", ".join(f"{x:.2f}" for x in load),
        f"- Command: `python bench/soak.py --minutes {args.minutes:g}"
        + (f" --visitors {args.visitors}" if args.visitors != 6 else "")
        + "`",
        f"- Two `gunicorn wsgi:app` ({args.web_workers} sync workers each), one job worker, "
        f"PostgreSQL, redis-server, moto S3, all on loopback; {args.visitors} visitor threads "
        "and one resident, alternating servers.",
        f"- Throughput: {total} requests in {elapsed:.0f} s = {total / elapsed:.1f} req/s",
        f"- Server errors (5xx or no answer): {len(soak.errors)}; tracebacks in the logs: "
        f"{server_log_errors}" + (f" {soak.errors[:5]}" if soak.errors else ""),
        "",
        "| kind | requests | p50 ms | p99 ms |",
        "| --- | --- | --- | --- |",
    ]
    for kind, values in sorted(soak.times.items()):
        median = sorted(values)[len(values) // 2]
        lines.append(f"| {kind} | {len(values)} | {median * 1000:.1f} | {p99(values) * 1000:.1f} |")
    lines += ["", "| write | answered 303 | rows written | verdict |", "| --- | --- | --- | --- |"]
    for kind in ("scan", "reply"):
        verdict = "all accounted for" if written[kind] == soak.answered[kind] else "MISMATCH"
        lines.append(f"| {kind} | {soak.answered[kind]} | {written[kind]} | {verdict} |")
    lines += ["", "| process | RSS start MiB | middle | end |", "| --- | --- | --- | --- |"]
    for label in memory["start"]:
        row = [memory[moment].get(label, 0) / 1024 for moment in ("start", "middle", "end")]
        lines.append(f"| {label} | " + " | ".join(f"{value:.1f}" for value in row) + " |")
    report = "\n".join(lines) + "\n"
    print(report)
    if not args.no_write:
        with open(os.path.join(ROOT, "bench", "results.md"), "a") as handle:
            handle.write(report)


if __name__ == "__main__":
    main()
