"""A/B of two gunicorn modules on the scan load, rounds interleaved (A, B, A, B, ...).

``python bench/ab.py rally_wsgi other_module --rounds 4``: both modules are served from
``bench/`` in turn on the same SQLite file (or ``--database-url``), so a change can be
compared with what it replaces under the same load of a shared machine. Prints each round
and the median of each module; a lost write or a lock error fails the run.
"""

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs=2)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    run.ensure_wrk()

    from seed import create_schema, make_campaign

    from rally.extensions import db
    from rally.stamping.tokens import checkpoint_token

    logs = Path(tempfile.mkdtemp(prefix="rally-ab."))
    url = args.database_url or f"sqlite:///{logs / 'ab.sqlite'}"
    app = run.make_app(url)
    with app.app_context():
        create_schema()
        campaign = make_campaign(60)
        paths = ["/s/" + checkpoint_token(cp) for cp in campaign.checkpoints]
        db.session.remove()
    paths_file = logs / "paths.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    run.log(f"load average at start {load}; logs in {logs}")
    results: dict[str, list[dict]] = {m: [] for m in args.modules}
    for n in range(args.rounds):
        for module in args.modules:
            table = "bench_hit" if module.startswith("baseline") else "stamp"
            r = run.load_one(
                app, f"{module}-{n + 1}", f"{module}:app", table, url, paths_file, args, logs
            )
            results[module].append(r)
            bad = r["redirects"] - r["rows_written"] > 0 or r["locked"] or r["failed"]
            run.log(
                f"{module:>24} round {n + 1}: {r['rps']:6.0f} req/s, p50 "
                f"{r['p50_us'] / 1000:6.1f} ms, p99 {r['p99_us'] / 1000:7.1f} ms"
                + (" PROBLEM" if bad or r["tracebacks"] else "")
            )
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    run.log(f"load average at end {load}")
    for module, rs in results.items():
        run.log(
            f"{module:>24} median: {statistics.median(r['rps'] for r in rs):6.0f} req/s, p50 "
            f"{statistics.median(r['p50_us'] for r in rs) / 1000:6.1f} ms, p99 "
            f"{statistics.median(r['p99_us'] for r in rs) / 1000:7.1f} ms"
        )


if __name__ == "__main__":
    main()
