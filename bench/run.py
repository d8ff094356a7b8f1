"""Rally's benchmark (issue 6), one command: ``python bench/run.py``.

Measures, on SQLite (a file in a temporary folder) and on a throw-away PostgreSQL server:

1. the scan path ``GET /s/<token>`` served by gunicorn (sync workers) and loaded by wrk,
   against its floor (``bench/floor_app.py``: Rally's app with a scan that only writes a
   card and a stamp), their rounds interleaved in the same run; the bare baseline
   (``bench/baseline_app.py``) is loaded beside them, for information;
2. the card page of a campaign with 60 checkpoints (in-process, server time per render);
3. the dashboard over one million stamps (if ``rally.dashboard`` exists);
4. all posters of a 100-store campaign as one PDF (SQLite only: the database plays no part).

Prints a table with PASS/FAIL against the targets (issue 6, the scan's restated in issue 17)
and writes bench/results.md.
``--quick`` makes a short development run (short loads, 100,000 stamps).
"""

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# The checkout this file is in is the code measured (not another one installed in the venv).
sys.path[:0] = [str(BENCH), str(ROOT)]
VENV_BIN = Path(sys.executable).parent
SECRET = "bench-secret-not-for-production"
PG_PORT = os.environ.get("RALLY_PG_PORT", "25440")

CONNECTIONS = 16
# (name, gunicorn app, table each request writes one row into), in the order of each round
APPS = (
    ("floor", "floor_app:app", "stamp"),
    ("rally", "rally_wsgi:app", "stamp"),
    ("baseline", "baseline_app:app", "bench_hit"),
)
TARGET_SCAN_RATIO = 0.7  # real scan / floor, measured in the same rounds
TARGET_SCAN_P99_MS = 50
TARGET_CARD_MS = 5
TARGET_DASHBOARD_MS = 300
TARGET_POSTERS_S = 10


@dataclass
class Row:
    measurement: str
    database: str
    result: str
    target: str
    verdict: str  # PASS, FAIL, "n/a"
    notes: list[str] = field(default_factory=list)


ROWS: list[Row] = []
DETAILS: list[str] = []


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


# --- environment ------------------------------------------------------------------------


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    log("wrk is missing: installing it from Debian (apt-get)")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True)
    subprocess.run(
        [*sudo, "apt-get", "install", "-y", "-qq", "wrk"],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )
    return shutil.which("wrk") or sys.exit("wrk could not be installed")


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} CPUs (nproc), {model}; Python {platform.python_version()}; "
        f"{platform.system()} {platform.release()}; load average at start {load}"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_app(url: str):
    from rally import create_app

    return create_app(
        {
            "SECRET_KEY": SECRET,
            "SQLALCHEMY_DATABASE_URI": url,
            "RALLY_BASE_URL": "http://127.0.0.1",
            "RATELIMIT_ENABLED": False,
            "RALLY_MIN_STAMP_INTERVAL": 0,
            "WTF_CSRF_ENABLED": False,  # the admin log-in of the dashboard measurement
        }
    )


def start_postgres() -> tuple[str, str]:
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "test-postgres")],
        env={**os.environ, "RALLY_PG_PORT": PG_PORT},
        capture_output=True,
        text=True,
        check=True,
    )
    folder, url = result.stdout.split()[-2:]
    return folder, url


def stop_postgres(folder: str) -> None:
    subprocess.run(["bash", str(ROOT / "scripts" / "test-postgres"), "stop", folder], check=False)


# --- the scan path ----------------------------------------------------------------------


class Server:
    """gunicorn serving ``module`` on a free loopback port, logging to ``log_path``."""

    def __init__(self, module: str, url: str, workers: int, log_path: Path):
        self.port = free_port()
        self.log_path = log_path
        env = {
            **os.environ,
            "BENCH_DATABASE_URL": url,
            "BENCH_SECRET_KEY": SECRET,
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        }
        env.pop("DATABASE_URL", None)
        command = [
            str(VENV_BIN / "gunicorn"),
            "--workers", str(workers),
            "--worker-class", "sync",
            "--bind", f"127.0.0.1:{self.port}",
            "--pythonpath", str(BENCH),
            "--error-logfile", str(log_path),
            "--capture-output",
            "--log-level", "warning",
            module,
        ]  # fmt: skip
        self.process = subprocess.Popen(command, env=env, cwd=ROOT)
        self._wait_ready()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            try:
                urllib.request.urlopen(self.base + "/ping", timeout=2)
                return
            except urllib.error.HTTPError:
                return  # any answer means a worker is up
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def wrk(base: str, paths_file: Path, seconds: int, threads: int) -> dict:
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--timeout", "10s",
        "--latency",
        "-s", str(BENCH / "scan.lua"),
        base,
    ]  # fmt: skip
    result = subprocess.run(
        command,
        env={**os.environ, "BENCH_PATHS": str(paths_file)},
        capture_output=True,
        text=True,
        check=True,
    )
    for line in result.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            data = json.loads(line[len("BENCH_JSON ") :])
            data["statuses"] = {int(k): v for k, v in data["statuses"].items()}
            data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
            data["text"] = result.stdout
            return data
    raise RuntimeError("wrk printed no result:\n" + result.stdout + result.stderr)


def table_count(app, table: str) -> int:
    from seed import count

    from rally.extensions import db

    with app.app_context():
        value = count(table)
        db.session.remove()
        return value


def load_one(app, name, module, table, url, paths_file, args, logs: Path) -> dict:
    """Serve ``module`` with gunicorn, warm it up, load it for ``args.duration`` seconds;
    check the written rows against the 303 answers and the log for lock errors."""
    log_path = logs / f"gunicorn-{name}.log"
    server = Server(module, url, args.workers, log_path)
    try:
        wrk(server.base, paths_file, args.warmup, args.threads)
        time.sleep(0.5)  # let requests cut off by the warm-up's end commit
        before = table_count(app, table)
        result = wrk(server.base, paths_file, args.duration, args.threads)
        time.sleep(0.5)  # requests cut off when wrk stopped may still be committing
        after = table_count(app, table)
    finally:
        server.stop()
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    result["rows_written"] = after - before
    result["redirects"] = result["statuses"].get(303, 0)
    result["locked"] = text.lower().count("database is locked")
    result["tracebacks"] = text.count("Traceback")
    e = result["errors"]
    result["failed"] = e["status"] + e["connect"] + e["read"] + e["write"] + e["timeout"]
    result["other"] = sum(n for s, n in result["statuses"].items() if s != 303 and s < 400)
    result["log"] = str(log_path)
    return result


def scan_benchmark(database: str, url: str, args, logs: Path) -> None:
    from seed import create_schema, make_campaign

    from rally.extensions import db
    from rally.stamping.tokens import checkpoint_token

    app = make_app(url)
    with app.app_context():
        create_schema()
        campaign = make_campaign(60)
        paths = ["/s/" + checkpoint_token(cp) for cp in campaign.checkpoints]
        db.session.remove()
    paths_file = logs / f"paths-{database}.txt"
    paths_file.write_text("\n".join(paths) + "\n")

    rounds: dict[str, list[dict]] = {name: [] for name, _, _ in APPS}
    for n in range(args.rounds):
        for name, module, table in APPS:
            log(f"{database}: scan load on {name}, round {n + 1}/{args.rounds}")
            result = load_one(
                app, f"{database}-{name}-{n + 1}", module, table, url, paths_file, args, logs
            )
            rounds[name].append(result)
            log(
                f"  {result['rps']:.0f} req/s, p50 {result['p50_us'] / 1000:.1f} ms, "
                f"p99 {result['p99_us'] / 1000:.1f} ms, 303: {result['redirects']}, "
                f"rows: {result['rows_written']}, failed: {result['failed']}"
            )
    # Rounds are interleaved (floor, real, baseline, floor, ...): each round's real / floor
    # compares two loads a few seconds apart; the median round is reported.
    ratios = sorted(
        (real["rps"] / floor["rps"] if floor["rps"] else 0.0, n)
        for n, (real, floor) in enumerate(zip(rounds["rally"], rounds["floor"], strict=True))
    )
    ratio, middle = ratios[(len(ratios) - 1) // 2]  # the lower median
    real, floor, base = (rounds[name][middle] for name in ("rally", "floor", "baseline"))
    p99 = statistics.median(r["p99_us"] for r in rounds["rally"]) / 1000
    p50 = statistics.median(r["p50_us"] for r in rounds["rally"]) / 1000

    problems = []
    for name, results in rounds.items():
        for r in results:
            lost = r["redirects"] - r["rows_written"]
            if lost > 0:
                problems.append(f"{name}: {lost} answered 303 without a written row")
            if r["rows_written"] - r["redirects"] > CONNECTIONS:
                problems.append(f"{name}: {r['rows_written'] - r['redirects']} rows without 303")
            if r["locked"]:
                problems.append(f"{name}: {r['locked']} 'database is locked' in {r['log']}")
            if r["failed"]:
                problems.append(f"{name}: {r['failed']} failed requests (non-2xx/3xx or socket)")
            if r["other"]:
                problems.append(f"{name}: {r['other']} answers other than 303")
            if r["tracebacks"]:
                problems.append(f"{name}: {r['tracebacks']} tracebacks in {r['log']}")
    integrity = "writes verified" if not problems else "; ".join(problems)

    each = ", ".join(f"{r:.2f}" for r, _ in sorted(ratios, key=lambda pair: pair[1]))
    ROWS.append(
        Row(
            "Scan /s/<token>, 16 clients: throughput real / floor (same rounds, median)",
            database,
            f"{real['rps']:.0f} / {floor['rps']:.0f} req/s = {ratio:.2f} (rounds: {each})",
            f">= {TARGET_SCAN_RATIO}",
            verdict(ratio >= TARGET_SCAN_RATIO and not problems),
            [integrity],
        )
    )
    ROWS.append(
        Row(
            "Scan /s/<token>, 16 clients: p50 / p99 latency of the real scan (median round)",
            database,
            f"{p50:.1f} / {p99:.1f} ms (floor {floor['p50_us'] / 1000:.1f} / "
            f"{floor['p99_us'] / 1000:.1f} ms)",
            f"p99 < {TARGET_SCAN_P99_MS} ms",
            verdict(p99 < TARGET_SCAN_P99_MS and not problems),
        )
    )
    ROWS.append(
        Row(
            "Scan /s/<token>, 16 clients: real / bare DB-API baseline (for information)",
            database,
            f"{real['rps']:.0f} / {base['rps']:.0f} req/s = "
            f"{real['rps'] / base['rps'] if base['rps'] else 0:.2f}",
            "",
            "info",
        )
    )
    DETAILS.append(f"### Scan path on {database}\n")
    DETAILS.append(
        "| app | round | req/s | p50 ms | p90 ms | p99 ms | max ms | 303 | rows written "
        "| failed | 'database is locked' |"
    )
    DETAILS.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, results in rounds.items():
        for n, r in enumerate(results, 1):
            DETAILS.append(
                f"| {name} | {n} | {r['rps']:.0f} | {r['p50_us'] / 1000:.1f} "
                f"| {r['p90_us'] / 1000:.1f} | {r['p99_us'] / 1000:.1f} "
                f"| {r['max_us'] / 1000:.1f} | {r['redirects']} | {r['rows_written']} "
                f"| {r['failed']} | {r['locked']} |"
            )
    DETAILS.append(
        "\nRows written may exceed the 303 answers by at most the 16 requests in flight when "
        "wrk stopped (committed, answer not read); fewer rows than 303 answers would be a lost "
        f"write. Result: {integrity}.\n"
    )


# --- in-process measurements ------------------------------------------------------------


def card_page_benchmark(database: str, url: str, args) -> None:
    from seed import make_campaign

    from rally.extensions import db
    from rally.stamping.tokens import checkpoint_token

    app = make_app(url)
    client = app.test_client()
    with app.app_context():
        campaign = make_campaign(60)
        campaign_id = campaign.id
        paths = ["/s/" + checkpoint_token(cp) for cp in campaign.checkpoints]
        db.session.remove()
    for path in paths[::2]:  # 30 stamps on the card
        response = client.get(path)
        assert response.status_code == 303, response.status_code
    page = f"/card/{campaign_id}"
    settle(app)
    for _ in range(30):
        response = client.get(page)
        assert response.status_code == 200, response.status_code
    times = []
    for _ in range(args.renders):
        began = time.perf_counter()
        response = client.get(page)
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200
    times.sort()
    mean = statistics.fmean(times)
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    ROWS.append(
        Row(
            "Card page, 60 checkpoints, 30 stamps: server time (mean / p99)",
            database,
            f"{mean:.2f} / {p99:.2f} ms ({args.renders} renders)",
            f"< {TARGET_CARD_MS} ms",
            verdict(mean < TARGET_CARD_MS),
        )
    )


def settle(app) -> None:
    """Let the database finish what the previous measurement left it (the scan load wrote
    some 20,000 cards and stamps): on PostgreSQL the VACUUM ANALYZE autovacuum would start
    now, on SQLite the WAL checkpoint; then a second of quiet. The measurement that follows
    times its own requests, not that upkeep."""
    from rally.extensions import db

    with app.app_context():
        with db.engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                connection = connection.execution_options(isolation_level="AUTOCOMMIT")
                connection.exec_driver_sql("VACUUM ANALYZE")
            else:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    time.sleep(1)


def dashboard_available(app) -> bool:
    return (
        importlib.util.find_spec("rally.dashboard") is not None
        and importlib.util.find_spec("rally.dashboard.operations") is not None
        and "dashboard.index" in app.view_functions
    )


def dashboard_benchmark(database: str, url: str, args) -> None:
    from seed import ADMIN_EMAIL, ADMIN_PASSWORD, bulk_stamps, make_admin, make_campaign

    from rally.extensions import db

    app = make_app(url)
    if not dashboard_available(app):
        ROWS.append(
            Row(
                f"Dashboard over {args.stamps:,} stamps",
                database,
                "not available (rally.dashboard or /manage/dashboard/ missing)",
                f"< {TARGET_DASHBOARD_MS} ms",
                "n/a",
            )
        )
        return
    with app.app_context():
        make_admin()
        campaign = make_campaign(60, days_before=30, days_after=1)
        campaign_id = campaign.id
        log(f"{database}: inserting {args.stamps:,} stamps of {args.stamps // 10:,} cards")
        seconds = bulk_stamps(campaign, args.stamps, cards=args.stamps // 10)
        db.session.remove()
    log(f"  inserted in {seconds:.1f} s")
    client = app.test_client()
    response = client.post("/auth/login", data={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    assert response.status_code in (302, 303), response.status_code
    page = f"/manage/dashboard/?campaign={campaign_id}"
    response = client.get(page)  # warm-up (and a check)
    assert response.status_code == 200, response.status_code
    times = []
    for _ in range(args.dashboard_runs):
        began = time.perf_counter()
        response = client.get(page)
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200
    median = statistics.median(times)
    notes = [_dashboard_check(app, campaign_id, args.stamps)]
    ROWS.append(
        Row(
            f"Dashboard over {args.stamps:,} stamps (60 stores, {args.stamps // 10:,} cards, "
            "30 days): time per page (median)",
            database,
            f"{median:.0f} ms (min {min(times):.0f}, max {max(times):.0f}, "
            f"{len(times)} runs; bulk insert {seconds:.0f} s)",
            f"< {TARGET_DASHBOARD_MS} ms",
            verdict(median < TARGET_DASHBOARD_MS),
            notes,
        )
    )


def _dashboard_check(app, campaign_id: int, stamps: int) -> str:
    """The figures must count every inserted stamp (a fast page showing zeros is no pass)."""
    from zoneinfo import ZoneInfo

    from rally.campaigns.models import Campaign
    from rally.dashboard.operations import dashboard_data, default_range
    from rally.extensions import db

    try:
        with app.test_request_context("/"):
            campaign = db.session.get(Campaign, campaign_id)
            zone = ZoneInfo(app.config["RALLY_TIMEZONE"])
            data = dashboard_data(campaign, *default_range(campaign, zone), zone)
            counted = data.stamps
            db.session.remove()
    except Exception as error:  # the lead's API may change: say so, do not stop the run
        return f"figures not checked ({type(error).__name__}: {error})"
    if counted != stamps:
        return f"WRONG FIGURES: dashboard counts {counted:,} stamps of {stamps:,}"
    return f"figures checked: {counted:,} stamps counted"


def posters_benchmark(url: str) -> None:
    from seed import make_campaign

    from rally.campaigns.listing import checkpoints_of
    from rally.extensions import db
    from rally.posters.render import campaign_posters_pdf

    app = make_app(url)
    times, pages = [], 0
    with app.test_request_context("/"):
        campaign = make_campaign(100)
        checkpoints = checkpoints_of(campaign)
        for _ in range(2):
            began = time.perf_counter()
            data = campaign_posters_pdf(campaign, checkpoints)
            times.append(time.perf_counter() - began)
        pages = data.count(b"/Type /Page") - data.count(b"/Type /Pages")
        db.session.remove()
    ROWS.append(
        Row(
            "All posters of a 100-store campaign as one PDF: total time (first call)",
            "sqlite",
            f"{times[0]:.2f} s ({pages} pages, {len(data) / 1e6:.1f} MB; "
            f"second call {times[1]:.2f} s)",
            f"< {TARGET_POSTERS_S} s",
            verdict(times[0] < TARGET_POSTERS_S),
        )
    )


# --- report -----------------------------------------------------------------------------


def table() -> str:
    lines = [
        "| measurement | database | result | target | verdict |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in ROWS:
        result = row.result + "".join(f"; {note}" for note in row.notes)
        lines.append(
            f"| {row.measurement} | {row.database} | {result} | {row.target} | {row.verdict} |"
        )
    return "\n".join(lines)


def write_results(args, started: dt.datetime, about: str) -> Path:
    path = BENCH / "results.md"
    command = "python bench/run.py" + (" " + " ".join(sys.argv[1:]) if sys.argv[1:] else "")
    text = [
        "# Benchmark results",
        "",
        f"- Date: {started:%Y-%m-%d %H:%M} UTC, took {time.time() - started.timestamp():.0f} s",
        f"- Machine: {about}",
        f"- Command: `{command}`",
        f"- Code: {code_version()}",
        f"- Scan load: wrk, {CONNECTIONS} connections, {args.threads} threads, "
        f"{args.duration} s per round after a {args.warmup} s warm-up, {args.rounds} round(s) "
        f"per app, interleaved ({', '.join(name for name, _, _ in APPS)}); the round of the "
        f"median real / floor is reported; gunicorn {args.workers} sync workers.",
        "",
        table(),
        "",
        *DETAILS,
    ]
    path.write_text("\n".join(text) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short development run")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--only", default="scan,card,dashboard,posters")
    parser.add_argument("--duration", type=int, help="seconds of load per round (10)")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--rounds", type=int, help="load rounds per app (3)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (4)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--stamps", type=int, help="stamps for the dashboard (1,000,000)")
    parser.add_argument("--renders", type=int, default=300)
    parser.add_argument("--dashboard-runs", type=int, default=7)
    args = parser.parse_args()
    args.duration = args.duration or (3 if args.quick else 10)
    args.rounds = args.rounds or (1 if args.quick else 3)
    args.stamps = args.stamps or (100_000 if args.quick else 1_000_000)
    only = set(args.only.split(","))
    databases = [name for name in args.databases.split(",") if name]

    started = dt.datetime.now(dt.UTC)
    about = machine()
    log(about)
    if "scan" in only:
        ensure_wrk()
    work = Path(tempfile.mkdtemp(prefix="rally-bench."))
    os.chmod(work, 0o755)
    log(f"databases and logs in {work}")
    for database in databases:
        folder = None
        try:
            if database == "sqlite":
                url = f"sqlite:///{work / 'rally.sqlite'}"
            elif database == "postgres":
                try:
                    folder, url = start_postgres()
                except (subprocess.CalledProcessError, ValueError) as error:
                    ROWS.append(
                        Row("All measurements", database, f"PostgreSQL not started: {error}",
                            "", "n/a")
                    )  # fmt: skip
                    continue
            else:
                sys.exit(f"unknown database {database!r}")
            attempt("Schema", database, _schema, url)
            if "scan" in only:
                attempt("Scan /s/<token>", database, scan_benchmark, database, url, args, work)
            if "card" in only:
                log(f"{database}: card page")
                attempt("Card page", database, card_page_benchmark, database, url, args)
            if "dashboard" in only:
                attempt("Dashboard", database, dashboard_benchmark, database, url, args)
            if "posters" in only and database == "sqlite":
                log("posters")
                attempt("Posters", database, posters_benchmark, url)
        finally:
            if folder:
                stop_postgres(folder)
    print()
    print(table())
    path = write_results(args, started, about)
    print(f"\nWritten to {path.relative_to(ROOT)}; logs and databases in {work}")


def attempt(label: str, database: str, measure, *args) -> None:
    """Run one measurement; a failure becomes an ERROR row and the run goes on."""
    try:
        measure(*args)
    except Exception as error:
        log(f"{label} on {database} failed:\n{traceback.format_exc()}")
        message = " ".join(f"{type(error).__name__}: {error}".split())[:300]
        ROWS.append(Row(label, database, f"error: {message}", "", "ERROR"))


def code_version() -> str:
    """The commit measured, and whether Rally's code had uncommitted changes."""

    def git(*command):
        return subprocess.run(
            ["git", *command], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", "rally")
    return commit + (" with uncommitted changes in rally/" if dirty else "")


def _schema(url: str) -> None:
    from seed import create_schema

    from rally.extensions import db

    app = make_app(url)
    with app.app_context():
        create_schema()
        db.session.remove()


if __name__ == "__main__":
    main()
