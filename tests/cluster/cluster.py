"""Rally as it runs on two servers: PostgreSQL, redis-server on loopback (rate limits and
the job queue), a moto S3 server (uploads), two ``gunicorn wsgi:app`` sharing one
SECRET_KEY, and one ``flask --app rally jobs worker``. Used by tests/cluster and by
bench/soak.py; every process is stopped by :meth:`Cluster.stop`, its log kept."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def missing_binaries() -> list[str]:
    return [name for name in ("redis-server",) if shutil.which(name) is None]


def cluster_database(server_url: str) -> str:
    """A new, empty database on the PostgreSQL server of ``server_url``; its URL."""
    import psycopg

    name = f"rally_cluster_{uuid.uuid4().hex[:8]}"
    plain = server_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return plain.rsplit("/", 1)[0] + "/" + name


class Cluster:
    def __init__(self, database_url: str, *, web_workers: int = 2, extra_env: dict | None = None):
        self.database_url = database_url
        self.web_workers = web_workers
        self.folder = tempfile.mkdtemp(prefix="rally-cluster-")
        self.processes: dict[str, subprocess.Popen] = {}
        self.ports: dict[str, int] = {}
        self.extra_env = extra_env or {}
        self.s3 = None
        self.smtp = None

    # -- the parts -------------------------------------------------------------------
    def env(self) -> dict:
        return {
            **os.environ,
            "SECRET_KEY": "cluster-secret-" + "x" * 32,
            "DATABASE_URL": self.database_url,
            "RATELIMIT_STORAGE_URI": self.redis_url,
            "RALLY_REDIS_URL": self.redis_url,
            "RALLY_STORAGE": "s3",
            "RALLY_S3_BUCKET": self.bucket,
            "RALLY_S3_ENDPOINT_URL": self.s3_url,
            "RALLY_S3_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "rally-test",
            "AWS_SECRET_ACCESS_KEY": "rally-test-secret",
            "RALLY_BASE_URL": "http://127.0.0.1",
            "RALLY_MIN_STAMP_INTERVAL": "0",
            # Every client here is 127.0.0.1: loads would hit the per-address scan limit.
            "RALLY_SCAN_LIMIT_PER_ADDRESS": "100000 per minute",
            "RALLY_SCAN_LIMIT_PER_CARD": "100000 per minute",
            "RALLY_VAPID_KEY_FILE": os.path.join(self.folder, "vapid_private_key"),
            "RALLY_JOB_RETRY_DELAYS": json.dumps([1, 1, 1]),
            # Mail goes to a server on loopback (never to instance/outbox/).
            "RALLY_MAIL_BACKEND": "smtp",
            "RALLY_SMTP_HOST": "127.0.0.1",
            "RALLY_SMTP_PORT": str(self.smtp.port),
            "RALLY_SMTP_STARTTLS": "false",
            **self.extra_env,
        }

    def log(self, name: str) -> str:
        path = os.path.join(self.folder, f"{name}.log")
        if not os.path.exists(path):
            return ""
        with open(path, errors="replace") as handle:
            return handle.read()

    def logs(self) -> str:
        return "\n".join(f"==== {name}\n{self.log(name)[-4000:]}" for name in self.processes)

    def _spawn(self, name: str, argv: list[str], env: dict | None = None) -> subprocess.Popen:
        with open(os.path.join(self.folder, f"{name}.log"), "w") as log_file:
            process = subprocess.Popen(
                argv,
                cwd=ROOT,
                env=env or self.env(),
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes[name] = process
        return process

    def start(self) -> Cluster:
        try:
            from tests.jobs.smtp_server import SMTPServer

            self.smtp = SMTPServer().__enter__()
            self._start_redis()
            self._start_s3()
            self._seed()
            for name in ("a", "b"):
                self.start_web(name)
            self.start_worker()
            for name in ("a", "b"):
                self.wait_ready(name)
        except BaseException:
            self.stop()
            raise
        return self

    def _start_redis(self) -> None:
        port = free_port()
        self._spawn(
            "redis",
            [
                "redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", self.folder,
            ],
            env=dict(os.environ),
        )  # fmt: skip
        self.redis_url = f"redis://127.0.0.1:{port}/0"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start:\n" + self.log("redis"))

    def _start_s3(self) -> None:
        import boto3
        from moto.server import ThreadedMotoServer

        port = free_port()
        self.s3 = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        self.s3.start()
        self.s3_url = f"http://127.0.0.1:{port}"
        self.bucket = f"rally-cluster-{uuid.uuid4().hex[:8]}"
        boto3.client(
            "s3",
            endpoint_url=self.s3_url,
            region_name="us-east-1",
            aws_access_key_id="rally-test",
            aws_secret_access_key="rally-test-secret",
        ).create_bucket(Bucket=self.bucket)

    def _seed(self) -> None:
        """The schema (Alembic, as `flask --app rally init-db`) and the demo district."""
        argv = [sys.executable, "-m", "flask", "--app", "rally", "demo"]
        done = subprocess.run(argv, cwd=ROOT, env=self.env(), capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError("flask demo failed:\n" + done.stdout + done.stderr)

    def start_web(self, name: str) -> None:
        port = self.ports.get(name) or free_port()
        self.ports[name] = port
        self._spawn(
            name,
            [
                sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}",
                "--workers", str(self.web_workers), "--graceful-timeout", "5",
                # Not the one control socket in ~/.gunicorn that every gunicorn would share.
                "--no-control-socket", "wsgi:app",
            ],
        )  # fmt: skip

    def start_worker(self) -> None:
        self._spawn(
            "worker",
            [sys.executable, "-m", "flask", "--app", "rally", "jobs", "worker", "--workers", "2"],
        )

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def wait_ready(self, name: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.processes[name].poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.url(name) + "/readyz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server {name} is not ready:\n" + self.log(name))

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.processes[name]
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        process.wait(timeout=30)

    def worker_pids(self, name: str) -> list[int]:
        """The gunicorn master of ``name`` and its workers."""
        master = self.processes[name].pid
        pids = [master]
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as handle:
                        fields = handle.read().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == master:
                    pids.append(int(entry))
        return pids

    def stop(self) -> None:
        for process in reversed(list(self.processes.values())):
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=15)
                except ProcessLookupError:
                    pass
        if self.s3 is not None:
            self.s3.stop()
            self.s3 = None
        if self.smtp is not None:
            self.smtp.__exit__(None, None, None)
            self.smtp = None

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def scan_paths(cluster: Cluster) -> list[str]:
    """The ``/s/<token>`` path of every checkpoint of the open campaigns (`qr-links`)."""
    argv = [sys.executable, "-m", "flask", "--app", "rally", "qr-links"]
    done = subprocess.run(argv, cwd=ROOT, env=cluster.env(), capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError("flask qr-links failed:\n" + done.stdout + done.stderr)
    paths = []
    for line in done.stdout.splitlines():
        if "/s/" in line and not line.startswith("#"):
            paths.append("/s/" + line.rsplit("/s/", 1)[1].strip())
    return paths
