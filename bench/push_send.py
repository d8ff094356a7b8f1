"""Web Push (issue 21): what one message costs the sender, for sizing the job queue.

``python bench/push_send.py`` makes, on SQLite (a file in a temporary folder), residents
with one device each at a local push service (127.0.0.1, a thread that reads the request
and answers 201 without decrypting: its cost is not the sender's), then times
``rally.push.operations.send_push`` for each of them: the row read, the payload's
encryption for the device's key (ECDH P-256, HKDF, AES-128-GCM), the VAPID signature
(ES256), the HTTPS-less POST and the row's update, committed one by one as a job would.
Beside it, for information, the encryption and signature alone (pywebpush's ``curl``
mode builds the request and sends nothing). Prints a table and appends it, with the date,
machine, command and commit, to ``bench/results.md``. ``--messages`` (default 300).
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from run import BENCH, ROOT, code_version, machine

sys.path.insert(0, str(ROOT))


class Answer201(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=300)
    args = parser.parse_args()

    import base64

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from py_vapid import Vapid
    from pywebpush import webpush

    from rally import create_app
    from rally.extensions import db
    from rally.push.keys import generate_key_pair
    from rally.push.models import PushSubscription
    from rally.push.operations import send_push
    from rally.visitors.models import Visitor

    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer201)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_port}"
    pair = generate_key_pair()

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    payload = {
        "title": "商店街からのお知らせ",
        "body": "台風接近のため、明日の歩行者天国は中止します。" * 3,
        "url": "/news/3",
        "tag": "announcement-3",
    }
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/push.sqlite",
                "RALLY_BASE_URL": "http://127.0.0.1",
                "RALLY_VAPID_PRIVATE_KEY": pair.private_key,
                "RALLY_VAPID_SUBJECT": "mailto:office@example.jp",
                "RALLY_PUSH_ALLOW_LOCAL_ENDPOINTS": True,
                "RALLY_VAPID_KEY_FILE": os.path.join(folder, "vapid"),
            }
        )
        with app.app_context():
            db.create_all()
            ids, infos = [], []
            for n in range(args.messages):
                visitor = Visitor(email=f"push{n}@example.jp", locale="ja")
                visitor.password_hash = "x"
                db.session.add(visitor)
                db.session.flush()
                key = ec.generate_private_key(ec.SECP256R1()).public_key()
                point = key.public_bytes(
                    serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
                )
                row = PushSubscription(
                    visitor_id=visitor.id,
                    endpoint=f"{origin}/push/{n}",
                    p256dh=b64(point),
                    auth=b64(os.urandom(16)),
                )
                db.session.add(row)
                db.session.flush()
                ids.append(row.id)
                infos.append(
                    {"endpoint": row.endpoint, "keys": {"p256dh": row.p256dh, "auth": row.auth}}
                )
            db.session.commit()

            sends, outcomes = [], []
            for subscription_id in ids:
                started = time.perf_counter()
                outcomes.append(send_push(subscription_id, payload))
                db.session.commit()
                sends.append((time.perf_counter() - started) * 1000)
            vapid = Vapid.from_string(pair.private_key)
            crypto = []
            for info in infos:
                started = time.perf_counter()
                webpush(
                    info,
                    data=str(payload),
                    vapid_private_key=vapid,
                    vapid_claims={"sub": "mailto:office@example.jp"},
                    curl=True,
                )
                crypto.append((time.perf_counter() - started) * 1000)
            db.session.remove()
            db.engine.dispose()
    server.shutdown()
    server.server_close()
    assert outcomes == ["sent"] * len(ids), set(outcomes)

    def row(name, values):
        values = sorted(values)
        p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
        return (
            f"| {name} | {statistics.median(values):.2f} | {statistics.mean(values):.2f} "
            f"| {p99:.2f} |"
        )

    per_second = 1000 / statistics.mean(sends)
    table = "\n".join(
        [
            "| one message (SQLite) | median ms | mean ms | p99 ms |",
            "| --- | --- | --- | --- |",
            row("send_push + commit, to a local service answering 201", sends),
            row("encryption and VAPID signature alone (pywebpush curl mode)", crypto),
        ]
    )
    summary = (
        f"{len(ids)} messages, all sent: about {per_second:.0f} messages a second "
        "in one worker process."
    )
    print(table)
    print(summary)
    with open(BENCH / "results.md", "a", encoding="utf-8") as handle:
        handle.write(
            f"\n## Web Push: one message ({dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC)\n\n"
            f"Machine: {machine()}. Command: `python bench/push_send.py "
            f"--messages {args.messages}`. Commit: {code_version()}.\n\n{table}\n\n{summary}\n"
        )


if __name__ == "__main__":
    main()
