"""Soak: mixed traffic for minutes against two gunicorn servers sharing PostgreSQL, Redis
and an S3 store, with a job worker (the cluster of tests/cluster/cluster.py).

Visitors scan (a new card and a stamp each), open their card, the store directory, the
circles and a circle's threads; every other visitor scans at the soak's own campaign (set up
here with the app's operations: a first tier at one stamp, no stock, no questionnaire) and
claims its reward from the card page's form. A resident reads a thread, replies and toggles
a reaction on one of its posts with the thread page's form. Requests alternate between
servers A and B. Reported: throughput, p50 and p99 per kind, server errors (must be 0),
writes accounted for (answered scans, replies, claims and reaction toggles against the rows
in the database) and the RSS of each gunicorn process at start, middle and end (from /proc).

    python bench/soak.py --minutes 10          # appends a section to bench/results.md

Needs the PostgreSQL server binaries and redis-server (./scripts/test installs them).
"""

import argparse
import html
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

from rally.threads.models import REACTIONS  # noqa: E402
from tests.cluster.cluster import Cluster, cluster_database, rss_kib, scan_paths  # noqa: E402


def csrf(page) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)


# The soak's own campaign, made as the back office makes one (create, then publish): six
# approved shops, a first tier at one stamp with no stock and no questionnaire, so every
# new card can claim once. Prints the campaign id, then the stamp URL of each checkpoint.
SEED_CLAIMS = """
from sqlalchemy import select
from rally import create_app
from rally.campaigns.editing import CampaignInput, TierInput, create_campaign
from rally.campaigns.lifecycle import publish_campaign
from rally.extensions import db
from rally.stamping.tokens import stamp_url
from rally.stores.models import Store, StoreStatus
from rally.utils import utcnow
from datetime import timedelta

app = create_app()
with app.app_context():
    now = utcnow()
    stores = db.session.scalars(
        select(Store.id).where(Store.status == StoreStatus.approved).order_by(Store.id).limit(6)
    ).all()
    campaign = create_campaign(CampaignInput(
        title={"ja": "ソーク特典", "en": "Soak reward"},
        rules={"ja": "1個で特典", "en": "One stamp, one reward"},
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=30),
        store_ids=list(stores),
        tiers=[TierInput(None, 1, {"ja": "ソーク特典", "en": "Soak reward"}, None)],
    ))
    publish_campaign(campaign, now)
    db.session.commit()
    print(campaign.id)
    for checkpoint in campaign.checkpoints:
        print(stamp_url(checkpoint))
"""


def seed_claims(cluster: Cluster) -> tuple[int, list[str]]:
    """The soak campaign's id and the ``/s/<token>`` paths of its checkpoints."""
    done = subprocess.run(
        [sys.executable, "-c", SEED_CLAIMS],
        cwd=ROOT,
        env=cluster.env(),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError("seeding the soak campaign failed:\n" + done.stdout + done.stderr)
    lines = done.stdout.split()
    return int(lines[0]), ["/s/" + line.rsplit("/s/", 1)[1] for line in lines[1:]]


class Soak:
    def __init__(self, cluster: Cluster, seconds: float, claim_scans: list[str]):
        self.cluster = cluster
        self.claim_scans = claim_scans
        # Reactions the resident toggled: (post id, emoji) -> toggles answered 303.
        self.toggles = defaultdict(int)
        self.chance = random.Random(22)  # the resident's
        self.deadline = time.monotonic() + seconds
        self.times = defaultdict(list)  # kind -> seconds
        self.errors = []  # (kind, status or exception)
        self.answered = defaultdict(int)  # write kind -> 303 answers
        self.refused = defaultdict(int)  # (write kind, status) -> answers refusing it
        self.lock = threading.Lock()
        self.scans = [p for p in scan_paths(cluster) if p not in claim_scans and self._plain(p)]
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
            claiming = turn % 2 == 0 and bool(self.claim_scans)
            path = chance.choice(self.claim_scans if claiming else self.scans)
            scan = self._time("scan", session.get, server + path, allow_redirects=False)
            if scan is not None and scan.status_code == 303:
                with self.lock:
                    self.answered["scan"] += 1
                card = scan.headers["Location"]
                other = self.cluster.url("ab"[(turn + 1) % 2])
                page = self._time("card page", session.get, other + card)
                if claiming and page is not None and page.status_code == 200:
                    self.claim(session, server, page)
            self._time("directory", session.get, server + "/stores")
            self._time("circles", session.get, server + "/circles")
            if self.circles:
                circle = chance.choice(self.circles)
                self._time("circle page", session.get, server + circle)

    def claim(self, session: requests.Session, server: str, card_page) -> None:
        """Claim the first tier with the card page's own form, on the other server than the
        card page's. A claim is answered 303 to its code's page (a refusal: to the card)."""
        form = re.search(
            r'<form method="post" class="tier-claim" action="([^"]+)">(.*?)</form>',
            card_page.text,
            re.S,
        )
        if form is None:
            with self.lock:
                self.errors.append(("claim", "no claim form on a one-stamp card"))
            return
        fields = dict(re.findall(r'name="([^"]+)"[^>]*value="([^"]*)"', form.group(2)))
        answer = self._time(
            "claim",
            session.post,
            server + html.unescape(form.group(1)),
            data=fields,
            allow_redirects=False,
        )
        if answer is None:
            return
        if answer.status_code == 303 and "/card/claims/" in answer.headers["Location"]:
            with self.lock:
                self.answered["claim"] += 1
        elif answer.status_code < 500:
            with self.lock:
                self.refused[("claim", answer.status_code)] += 1

    def react(self, session: requests.Session, server: str, page) -> None:
        """Toggle one reaction on one post of the thread page with its own form."""
        forms = re.findall(
            r'<form method="post" action="([^"]*/posts/(\d+)/reactions)"[^>]*>(.*?)</form>',
            page.text,
            re.S,
        )
        if not forms:
            return
        # A few posts and three emoji, picked at random: each reaction is added and taken
        # back again and again over the soak.
        action, post_id, body = self.chance.choice(forms[:4])
        token = re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)
        emoji = self.chance.choice(REACTIONS[:3])
        answer = self._time(
            "reaction",
            session.post,
            server + action,
            data={"csrf_token": token, "emoji": emoji},
            allow_redirects=False,
        )
        if answer is not None and answer.status_code == 303:
            with self.lock:
                self.answered["reaction"] += 1
                self.toggles[(int(post_id), emoji)] += 1
        elif answer is not None and answer.status_code < 500:
            with self.lock:
                self.refused[("reaction", answer.status_code)] += 1

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
            elif reply is not None and reply.status_code < 500:
                with self.lock:
                    self.refused[("reply", reply.status_code)] += 1
            self.react(session, server, page)
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


def rows(cluster: Cluster, sql: str) -> set[tuple]:
    with psycopg.connect(cluster.database_url) as connection:
        return {tuple(row) for row in connection.execute(sql)}


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
    cluster = Cluster(
        cluster_database(pg_url),
        web_workers=args.web_workers,
        # Every client here is 127.0.0.1: the claims' per-address limit would refuse them.
        extra_env={"RALLY_CLAIM_LIMIT": "100000 per minute"},
    )
    started_at = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load = os.getloadavg()
    try:
        cluster.start()
        seconds = args.minutes * 60
        campaign_id, claim_scans = seed_claims(cluster)
        soak = Soak(cluster, seconds, claim_scans)
        resident = count(cluster, "SELECT id FROM visitor WHERE email = 'resident@example.jp'")
        reactions_sql = f"SELECT post_id, emoji FROM reaction WHERE visitor_id = {resident}"
        claims_sql = f"SELECT count(*) FROM claim WHERE campaign_id = {campaign_id}"
        before = {
            "scan": count(cluster, "SELECT count(*) FROM stamp"),
            "reply": count(cluster, "SELECT count(*) FROM post"),
            "claim": count(cluster, claims_sql),
            "reaction": rows(cluster, reactions_sql),
        }
        memory = {"start": gunicorn_rss(cluster)}
        workers = [threading.Thread(target=soak.visitor, args=(i,)) for i in range(args.visitors)]
        workers.append(threading.Thread(target=soak.resident))
        began = time.monotonic()
        for worker in workers:
            worker.start()
        # RSS every minute (and at the middle), to tell warm-up from a leak.
        by_minute = [memory["start"]]
        for moment in sorted({*range(60, int(seconds), 60), seconds / 2}):
            time.sleep(max(0, began + moment - time.monotonic()))
            sizes = gunicorn_rss(cluster)
            if moment == seconds / 2:
                memory["middle"] = sizes
            if moment % 60 == 0:
                by_minute.append(sizes)
        for worker in workers:
            worker.join()
        elapsed = time.monotonic() - began
        memory["end"] = gunicorn_rss(cluster)
        by_minute.append(memory["end"])
        written = {
            "scan": count(cluster, "SELECT count(*) FROM stamp") - before["scan"],
            "reply": count(cluster, "SELECT count(*) FROM post") - before["reply"],
            "claim": count(cluster, claims_sql) - before["claim"],
        }
        # Each answered toggle flips its (post, emoji): the resident's reactions at the end
        # are those at the start with every oddly often toggled one flipped.
        flipped = {key for key, toggles in soak.toggles.items() if toggles % 2}
        expected_reactions = before["reaction"] ^ flipped
        reactions_now = rows(cluster, reactions_sql)
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
    lines += [
        "",
        "| write | answered 303 | refused (status: n) | rows expected | rows in database "
        "| verdict |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for kind in ("scan", "claim", "reply", "reaction"):
        refused = ", ".join(
            f"{status}: {n}" for (k, status), n in sorted(soak.refused.items()) if k == kind
        )
        if kind == "reaction":
            # Toggles: the rows are the resident's reactions at the end, as a set.
            expected, found = len(expected_reactions), len(reactions_now)
            same = reactions_now == expected_reactions
            label = "reaction toggle (resident's rows at end)"
        else:
            expected, found = soak.answered[kind], written[kind]
            same = expected == found
            label = f"{kind} (new rows)"
        verdict = "all accounted for" if same else "MISMATCH"
        lines.append(
            f"| {label} | {soak.answered[kind]} | {refused or '-'} | {expected} | {found} "
            f"| {verdict} |"
        )
    lines += ["", "| process | RSS start MiB | middle | end |", "| --- | --- | --- | --- |"]
    for label in memory["start"]:
        row = [memory[moment].get(label, 0) / 1024 for moment in ("start", "middle", "end")]
        lines.append(f"| {label} | " + " | ".join(f"{value:.1f}" for value in row) + " |")
    minutes = [f"{m}" for m in range(len(by_minute) - 1)] + ["end"]
    lines += [
        "",
        "RSS MiB by minute of the soak (0: before traffic):",
        "",
        "| process | " + " | ".join(minutes) + " |",
        "| --- " * (len(minutes) + 1) + "|",
    ]
    for label in memory["start"]:
        sizes = [f"{sample.get(label, 0) / 1024:.1f}" for sample in by_minute]
        lines.append(f"| {label} | " + " | ".join(sizes) + " |")
    report = "\n".join(lines) + "\n"
    print(report)
    if not args.no_write:
        replace_section(os.path.join(ROOT, "bench", "results.md"), report)


def replace_section(path: str, report: str) -> None:
    """Put ``report`` in place of the soak section of results.md (its heading up to the next
    ``## ``), or at the end when there is none."""
    with open(path) as handle:
        text = handle.read()
    start = text.find("\n## Soak: two servers")
    if start < 0:
        text = text + report
    else:
        end = text.find("\n## ", start + 1)
        text = text[:start] + report + (text[end:] if end >= 0 else "")
    with open(path, "w") as handle:
        handle.write(text)


if __name__ == "__main__":
    main()
