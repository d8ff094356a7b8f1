"""Rally on two servers for real: two gunicorns (A and B) behind no balancer, one job
worker, PostgreSQL, Redis and an S3 server, all on loopback (tests/cluster/cluster.py).
Whatever server a visitor's request lands on, she sees the same Rally."""

import email
import email.policy
import io
import re
import signal
import threading
import time

import psycopg
import pytest
import requests
from PIL import Image

from .cluster import scan_paths


def csrf(page: requests.Response) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)


def count(cluster, sql: str) -> int:
    with psycopg.connect(cluster.database_url) as connection:
        return connection.execute(sql).fetchone()[0]


def plain_scans(cluster) -> list[str]:
    """Checkpoints that stamp at once (no quiz, no location asked): a 303 to the card."""
    plain = []
    for path in scan_paths(cluster):
        answer = requests.get(cluster.url("a") + path, allow_redirects=False, timeout=30)
        if answer.status_code == 303 and "/card/" in answer.headers["Location"]:
            plain.append(path)
    return plain


def test_a_card_made_on_one_server_stamps_on_the_other(cluster):
    first, second = plain_scans(cluster)[:2]
    cards = count(cluster, "SELECT count(*) FROM card")
    visitor = requests.Session()
    made = visitor.get(cluster.url("a") + first, allow_redirects=False, timeout=30)
    assert made.status_code == 303
    card_path = made.headers["Location"].split("?")[0]
    stamped = visitor.get(cluster.url("b") + second, allow_redirects=False, timeout=30)
    assert stamped.status_code == 303, stamped.text
    assert stamped.headers["Location"].split("?")[0] == card_path  # the same campaign's card
    assert count(cluster, "SELECT count(*) FROM card") == cards + 1  # B knew A's card
    newest = "(SELECT max(id) FROM card)"
    assert count(cluster, f"SELECT count(*) FROM stamp WHERE card_id = {newest}") == 2
    page = visitor.get(cluster.url("a") + card_path, timeout=30)
    assert page.status_code == 200


def test_a_rate_limit_counts_requests_to_both_servers(cluster):
    """Five reset mails an hour for one address: the sixth ask is refused, wherever it lands."""
    visitor = requests.Session()
    answers = []
    for turn in range(6):
        server = cluster.url("ab"[turn % 2])
        form = visitor.get(server + "/auth/password/forgot", timeout=30)
        asked = visitor.post(
            server + "/auth/password/forgot",
            data={"csrf_token": csrf(form), "email": "admin@example.jp"},
            allow_redirects=False,
            timeout=30,
        )
        answers.append(asked.status_code)
    assert answers == [303] * 5 + [429]


def test_a_job_queued_by_a_server_is_run_by_the_worker(cluster):
    visitor = requests.Session()
    form = visitor.get(cluster.url("b") + "/auth/password/forgot", timeout=30)
    asked = visitor.post(
        cluster.url("b") + "/auth/password/forgot",
        data={"csrf_token": csrf(form), "email": "merchant@example.jp"},
        allow_redirects=False,
        timeout=30,
    )
    assert asked.status_code == 303
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with cluster.smtp.lock:
            sent = [data for to, data in cluster.smtp.messages if to == ["merchant@example.jp"]]
        if sent:
            break
        time.sleep(0.2)
    assert len(sent) == 1, cluster.log("worker")
    mail = email.message_from_bytes(sent[0], policy=email.policy.default)
    assert "/auth/password/reset/" in mail.get_body(("plain",)).get_content()
    assert "deliver" in cluster.log("worker")  # the worker ran it, not server B


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGTERM], ids=["killed", "terminated"])
def test_a_server_stopped_under_load_loses_no_answered_write(cluster, stop):
    """Threads scan (each a new visitor: a new card and a stamp) on A and B; A is stopped
    mid-load, killed (SIGKILL) or stopped gracefully (SIGTERM, as systemd stops it). Every
    scan answered 303 has its stamp, no card is written without its stamp, and B goes on
    serving. Stopped gracefully, A finishes the requests it took: each one answered, none
    committed without its answer; the others fail to connect and write nothing."""
    paths = plain_scans(cluster)
    before = count(cluster, "SELECT count(*) FROM stamp")
    last_card = count(cluster, "SELECT coalesce(max(id), 0) FROM card")
    answered = {"a": 0, "b": 0}
    refused = []  # (server, status) of every answer but a 303
    lock = threading.Lock()
    stopped = threading.Event()

    def load(server: str, offset: int) -> None:
        turn = offset
        while not stopped.is_set():
            turn += 1
            try:
                answer = requests.get(
                    cluster.url(server) + paths[turn % len(paths)],
                    allow_redirects=False,
                    timeout=30,
                )
            except requests.RequestException:
                continue  # the server went away: no answer, nothing promised
            with lock:
                if answer.status_code == 303:
                    answered[server] += 1
                else:
                    refused.append((server, answer.status_code))

    threads = [
        threading.Thread(target=load, args=(server, offset))
        for offset, server in enumerate("ababab")
    ]
    for thread in threads:
        thread.start()
    try:
        time.sleep(3)
        cluster.kill("a", stop)
        with lock:
            at_stop = dict(answered)
        time.sleep(2)
    finally:
        stopped.set()
        for thread in threads:
            thread.join(timeout=60)
    try:
        assert refused == []  # no server error, no refusal: a clean answer or none
        assert at_stop["a"] > 0 and answered["b"] > at_stop["b"]  # B went on serving
        written = count(cluster, "SELECT count(*) FROM stamp") - before
        # None half-written: each visitor's card was committed with its stamp, or not at all.
        unstamped = count(
            cluster,
            f"SELECT count(*) FROM card WHERE id > {last_card} AND NOT EXISTS "
            "(SELECT 1 FROM stamp WHERE stamp.card_id = card.id)",
        )
        assert unstamped == 0
        if stop == signal.SIGTERM:
            assert cluster.processes["a"].returncode == 0  # a graceful exit, not a kill
            # Every request A took was finished and answered: nothing committed unanswered.
            assert written == answered["a"] + answered["b"]
        else:
            assert written >= answered["a"] + answered["b"]
            # Requests in flight when A died may be committed unanswered: one per thread.
            assert written <= answered["a"] + answered["b"] + len(threads)
    finally:
        cluster.start_web("a")  # for the tests after this one
        cluster.wait_ready("a")


def test_a_photo_uploaded_on_one_server_is_served_by_the_other(cluster):
    merchant = requests.Session()
    form = merchant.get(cluster.url("a") + "/auth/login", timeout=30)
    home = merchant.post(
        cluster.url("a") + "/auth/login",
        data={
            "csrf_token": csrf(form),
            "email": "merchant@example.jp",
            "password": "rally-merchant-demo",
        },
        timeout=30,
    )
    store_id = re.search(r"/merchant/stores/(\d+)/", home.text).group(1)
    before = requests.get(f"{cluster.url('b')}/stores/{store_id}/photo", timeout=30)
    picture = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 30, 90)).save(picture, "JPEG")
    page = merchant.get(f"{cluster.url('a')}/merchant/stores/{store_id}/photo", timeout=30)
    saved = merchant.post(
        f"{cluster.url('a')}/merchant/stores/{store_id}/photo",
        data={"csrf_token": csrf(page)},
        files={"photo": ("shop.jpg", picture.getvalue(), "image/jpeg")},
        allow_redirects=False,
        timeout=30,
    )
    assert saved.status_code == 303, saved.text
    served = requests.get(f"{cluster.url('b')}/stores/{store_id}/photo", timeout=30)
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "image/jpeg"
    assert served.content != before.content  # the new photo, from the shared store
    shown = Image.open(io.BytesIO(served.content)).convert("RGB")
    assert shown.getpixel((shown.width // 2, shown.height // 2))[0] > 150  # the red one
