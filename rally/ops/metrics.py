"""Prometheus metrics at ``/metrics`` (prometheus_client).

- ``rally_request_duration_seconds``: a latency histogram per endpoint (the route's name,
  e.g. ``stamping.scan``, never the path: a card's or a post's id makes no new series),
  method and status;
- ``rally_scans_total``, ``rally_stamps_total``, ``rally_claims_total``: from the signals of
  ``stamping`` and ``rewards``;
- ``rally_db_pool_*``: the SQLAlchemy pool of this worker (summed over live workers).

Several gunicorn workers: set ``PROMETHEUS_MULTIPROC_DIR`` to an empty folder before the
server starts (and empty it at each start), and in the gunicorn config
``def child_exit(server, worker): multiprocess.mark_process_dead(worker.pid)``; every worker
then writes its figures there and any one of them answers for all.

A scrape is answered with ``Authorization: Bearer <RALLY_METRICS_TOKEN>``, or from an address
in ``RALLY_METRICS_ALLOW`` (networks; default loopback only). Behind a reverse proxy on the
same machine every request comes from loopback: set ``RALLY_PROXIES`` (the address is then
the visitor's) or keep ``/metrics`` off the proxy.
"""

import hmac
import ipaddress
import os
import time

from flask import Response, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from sqlalchemy import func, select

from rally.extensions import db
from rally.jobs.models import Delivery, DeliveryState
from rally.rewards.signals import reward_claimed
from rally.stamping.signals import stamp_given

REQUEST_SECONDS = Histogram(
    "rally_request_duration_seconds",
    "Time to answer a request, per endpoint.",
    ("endpoint", "method", "status"),
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
SCANS = Counter("rally_scans", "Scan links opened (/s/<token>), by response status.", ("status",))
SCAN_ENDPOINT = "stamping.scan"
STAMPS = Counter("rally_stamps", "Stamps given, by channel.", ("channel",))
CLAIMS = Counter("rally_claims", "Rewards claimed (first-come prizes).")
POOL_GAUGES = {
    name: Gauge(f"rally_db_pool_{name}", text, multiprocess_mode="livesum")
    for name, text in (
        ("size", "Connections the pool keeps."),
        ("checked_out", "Connections in use by a request."),
        ("checked_in", "Idle connections in the pool."),
        ("overflow", "Connections opened beyond the pool's size."),
    )
}

# Messages of the job queue still queued and finally failed, per channel (mail, push): read
# from the deliveries table at each scrape, the same figure in every worker ("max").
DELIVERIES = Gauge(
    "rally_deliveries",
    "Messages of the job queue by channel and state (queued or failed).",
    ("channel", "state"),
    multiprocess_mode="max",
)
WATCHED_STATES = (DeliveryState.queued, DeliveryState.failed)

DEFAULT_ALLOW = ("127.0.0.0/8", "::1/128")


@stamp_given.connect
def _count_stamp(sender, channel: str = "visitor", **extra):
    STAMPS.labels(channel).inc()


@reward_claimed.connect
def _count_claim(sender, **extra):
    CLAIMS.inc()


def _observe_pool() -> None:
    pool = db.engine.pool
    try:
        figures = {
            "size": pool.size(),
            "checked_out": pool.checkedout(),
            "checked_in": pool.checkedin(),
            "overflow": max(pool.overflow(), 0),
        }
    except AttributeError:  # a pool without figures (NullPool, StaticPool)
        return
    for name, value in figures.items():
        POOL_GAUGES[name].set(value)


def _observe_deliveries() -> None:
    """Queued and failed messages per channel (one indexed GROUP BY; a channel with none
    shows 0 rather than vanishing, so an alert on it can clear)."""
    counts = db.session.execute(
        select(Delivery.channel, Delivery.state, func.count())
        .where(Delivery.state.in_(WATCHED_STATES))
        .group_by(Delivery.channel, Delivery.state)
    )
    seen = {(channel, DeliveryState(state)): total for channel, state, total in counts}
    channels = {channel for channel, _ in seen} | {"mail"}
    for channel in channels:
        for state in WATCHED_STATES:
            DELIVERIES.labels(channel, state.value).set(seen.get((channel, state), 0))


def may_scrape() -> bool:
    token = current_app.config.get("RALLY_METRICS_TOKEN") or ""
    offered = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(offered.encode(), f"Bearer {token}".encode()):
        return True
    allowed = current_app.config.get("RALLY_METRICS_ALLOW", DEFAULT_ALLOW)
    if isinstance(allowed, str):
        allowed = [part for part in allowed.replace(",", " ").split() if part]
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    for network in allowed:
        try:
            if address in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            continue
    return False


def exposition() -> Response:
    _observe_pool()
    _observe_deliveries()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


def init_app(app) -> None:
    @app.before_request
    def _start_clock():
        g.rally_started = time.perf_counter()

    @app.after_request
    def _observe(response):
        started = g.pop("rally_started", None)
        if started is not None:
            REQUEST_SECONDS.labels(
                request.endpoint or "none", request.method, str(response.status_code)
            ).observe(time.perf_counter() - started)
        if request.endpoint == SCAN_ENDPOINT and request.method != "HEAD":
            SCANS.labels(str(response.status_code)).inc()
        return response
